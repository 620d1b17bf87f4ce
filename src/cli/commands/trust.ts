import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { readAllowList, revokeTrust, trustFile } from '../../engine/config/trust';
import { landingPath } from '../../engine/config/workspacePath';
import { InputError } from '../../engine/errors';
import { configContext } from '../context';
import type { CliIo } from '../io';

export function registerTrustCommand(program: Command, io: CliIo): void {
  program
    .command('trust')
    .description(
      "trust the workspace's config file as it is now, so its settings may also weaken detection (recorded in your user config; an edited file needs trusting again)",
    )
    .argument('[files...]', 'other workspace rule files to trust as well, relative to the workspace')
    .option('--list', 'list the trusted files of every workspace')
    .option('--revoke', "forget this workspace's trusted files")
    .action(async (files: string[], opts: { list?: boolean; revoke?: boolean }, cmd: Command) => {
      const ctx = configContext(cmd, io);
      const allowListFile = ctx.trust.allowListFile;
      if (allowListFile === null) throw new InputError('no user config folder to keep the trust list in: set XDG_CONFIG_HOME');
      if (opts.list && opts.revoke) throw new InputError('--list and --revoke cannot be combined: pass one of them');
      if (opts.list) {
        for (const e of await readAllowList(allowListFile))
          io.out(`${e.trustedAt}  ${path.join(e.workspace, e.file)}  sha256:${e.sha256.slice(0, 12)}`);
        return;
      }
      if (opts.revoke) {
        const n = await revokeTrust({ workspaceRoot: ctx.base, allowListFile });
        io.out(`${n} trusted file(s) of ${landingPath(ctx.base)} forgotten`);
        return;
      }
      // Other rule files (a `.gitleaks.toml`) can be trusted in a workspace without an incident-replay.json.
      const config = ctx.explicitConfig || files.length === 0 || existsSync(ctx.configFile) ? [ctx.configFile] : [];
      const targets = [...config, ...files.map((f) => path.resolve(ctx.base, f))];
      for (const file of targets) {
        const e = await trustFile({ workspaceRoot: ctx.base, file, allowListFile });
        io.out(`trusted ${path.join(e.workspace, e.file)} (sha256:${e.sha256.slice(0, 12)}); once it changes it is untrusted again`);
      }
      io.err(`recorded in ${allowListFile}`);
    });
}
