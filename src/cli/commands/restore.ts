import type { Command } from 'commander';
import { InputError } from '../../engine/errors';
import { withStore } from '../context';
import { plural } from '../format';
import type { CliIo } from '../io';

export function registerRestoreCommand(program: Command, io: CliIo): void {
  program
    .command('restore')
    .description('restore a snapshot (or one file or folder of it) into the workspace; takes a safety snapshot first')
    .argument('<ref>', 'snapshot to restore (id, label, baseline, latest~N)')
    .option('--path <path>', 'restore only this workspace-relative file or folder')
    .option('--force', 'really write; without it, show what would change and exit 2')
    .action(async (ref: string, opts: { path?: string; force?: boolean }, cmd: Command) => {
      await withStore(cmd, io, async (store) => {
        if (!opts.force) {
          const plan = await store.planRestore(ref, opts.path);
          const lines = [
            `restore ${plan.target.id} would write ${plural(plan.write.length, 'file')} and remove ${plural(plan.remove.length, 'file')} (compared with the latest snapshot):`,
            ...plan.write.slice(0, 50).map((e) => `  write  ${e.path}`),
            ...plan.remove.slice(0, 50).map((p) => `  remove ${p}`),
            ...plan.skipped.map((s) => `  skip   ${s.path}: ${s.reason}`),
          ];
          if (plan.write.length + plan.remove.length > 100) lines.push('  ...');
          io.err(lines.join('\n'));
          throw new InputError('refusing to overwrite without --force: run again with --force (a safety snapshot is taken first)');
        }
        const r = await store.restore(ref, opts.path);
        io.out(
          `restored ${plural(r.written.length, 'file')}, removed ${plural(r.removed.length, 'file')}; safety snapshot ${r.safety.id} holds the state before (undo: incident-replay restore ${r.safety.id} --force)`,
        );
        for (const s of r.skipped) io.err(`skipped ${s.path}: ${s.reason}`);
      });
    });
}
