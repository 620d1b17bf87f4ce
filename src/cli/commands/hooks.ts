import path from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../engine/errors';
import { shellQuote } from '../../model/format';
import { applyHookInstall, handleHookEvent, HOOK_AGENTS, hookAgent, planHookInstall, type HookAgentSpec } from '../../engine/hooks';
import { withStore, type GlobalOptions } from '../context';
import type { CliIo } from '../io';
import { readAllStdin, takeStashedStdin } from '../stdin';

function agentOption(raw: string): HookAgentSpec {
  const spec = hookAgent(raw);
  if (spec === undefined) throw new InputError(`--agent must be one of ${HOOK_AGENTS.join(', ')} (got ${JSON.stringify(raw)})`);
  return spec;
}

/** The hook event: standard input, unless this command runs for another process (see CliIo.stdin). */
function hookEvent(io: CliIo): Promise<string> {
  const given = io.stdin ?? takeStashedStdin();
  if (given !== undefined) return Promise.resolve(given);
  if (process.stdin.isTTY) {
    return Promise.reject(
      new InputError("hooks run reads the agent's hook event (JSON) on stdin: the agent runs it; to try it, pipe an event in"),
    );
  }
  return readAllStdin();
}

export function registerHooksCommands(program: Command, io: CliIo): void {
  const hooks = program
    .command('hooks')
    .description("coding agents' hooks: snapshot before file-writing and shell tools, record each call and its result");

  hooks
    .command('install')
    .description(
      "add our hooks to the agent's project settings (.claude/settings.json, .codex/hooks.json or .gemini/settings.json), keeping a backup and the other settings",
    )
    .requiredOption('--agent <agent>', HOOK_AGENTS.join(', '))
    .option('--file <file>', "write this settings file instead of the agent's standard one in the workspace")
    .option('--print', 'print the settings file as it would be written, and write nothing')
    .action(async (opts: { agent: string; file?: string; print?: boolean }, cmd: Command) => {
      const spec = agentOption(opts.agent);
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const workspace = path.resolve(process.cwd(), g.workspace ?? '.');
      const file = opts.file ? path.resolve(process.cwd(), opts.file) : path.join(workspace, spec.standardFile);
      // The agent runs the hook from anywhere: every path in it is absolute.
      const base = [process.execPath, path.resolve(process.argv[1] ?? 'incident-replay'), '--workspace', workspace];
      if (g.store) base.push('--store', path.resolve(process.cwd(), g.store));
      if (g.config) base.push('--config', path.resolve(process.cwd(), g.config));
      const command = (): string => [...base, 'hooks', 'run', '--agent', spec.agent].map(shellQuote).join(' ');
      const plan = await planHookInstall(file, spec, command);
      if (opts.print) {
        io.out(`# ${spec.displayName}: ${file}\n${plan.content.trimEnd()}`);
        return;
      }
      const r = await applyHookInstall(plan);
      io.out(`${spec.displayName} hooks installed in ${r.file}${r.backup ? ` (what was there is in ${r.backup})` : ''}`);
    });

  hooks
    .command('run')
    .description("what the installed hooks run: reads the agent's hook event (JSON) on stdin; never blocks the agent")
    .requiredOption('--agent <agent>', HOOK_AGENTS.join(', '))
    .action(async (opts: { agent: string }, cmd: Command) => {
      const spec = agentOption(opts.agent);
      const raw = await hookEvent(io);
      try {
        // Its output is the agent's to read: everything but the answer goes to stderr.
        const outcome = await withStore(cmd, { ...io, out: (t) => io.err(t) }, (store) => handleHookEvent(store, spec, raw));
        if (outcome.reason) io.err(`incident-replay hook: ${outcome.reason}`);
      } catch (e) {
        // A failing hook must not stop the agent's work: say why on stderr and let the tool run.
        io.err(`incident-replay hook: ${(e as Error).message}`);
      }
      if (spec.quietOutput !== '') io.out(spec.quietOutput);
    });
}
