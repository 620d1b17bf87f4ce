import { Command, CommanderError } from 'commander';
import { IncidentReplayError } from '../engine/errors';
import { commandVerb } from './argv';
import { CommandExit } from './commandExit';
import type { CliIo } from './io';

export const VERSION = '0.1.0';

type Register = (program: Command, io: CliIo) => void;

/**
 * Every command module and the top-level verbs it registers. A process loads only the module
 * of the verb it runs: the modules' imports (secretlint, yaml, the MCP SDK and zod, ajv...) cost
 * hundreds of milliseconds to evaluate, which `snapshot`, run by scripts and hooks on every
 * step, must not pay. test/cli/program.test.ts checks this table against what the modules register.
 */
export const COMMAND_MODULES: readonly { verbs: readonly string[]; load: () => Promise<Register> }[] = [
  {
    verbs: ['snapshot', 'snapshots', 'baseline', 'prune'],
    load: async () => (await import('./commands/snapshot')).registerSnapshotCommands,
  },
  { verbs: ['diff'], load: async () => (await import('./commands/diff')).registerDiffCommand },
  { verbs: ['restore'], load: async () => (await import('./commands/restore')).registerRestoreCommand },
  { verbs: ['fsck'], load: async () => (await import('./commands/fsck')).registerFsckCommand },
  { verbs: ['triggers', 'analyze'], load: async () => (await import('./commands/analyze')).registerAnalyzeCommands },
  { verbs: ['run', 'runs'], load: async () => (await import('./commands/run')).registerRunCommands },
  {
    verbs: ['incidents', 'show', 'patterns', 'resolve'],
    load: async () => (await import('./commands/incidents')).registerIncidentCommands,
  },
  { verbs: ['postmortem', 'annotate'], load: async () => (await import('./commands/postmortem')).registerPostmortemCommands },
  {
    verbs: ['report', 'summary', 'export-evals', 'learnings'],
    load: async () => (await import('./commands/report')).registerReportCommands,
  },
  {
    verbs: ['watch'],
    load: async () => {
      const { registerWatchCommand } = await import('./commands/watch');
      // It runs other CLI processes' snapshots and hooks with this very function (see src/cli/service/).
      return (program, io) => registerWatchCommand(program, io, runCli);
    },
  },
  { verbs: ['trust'], load: async () => (await import('./commands/trust')).registerTrustCommand },
  {
    verbs: ['mcp'],
    load: async () => {
      const { registerMcpCommand } = await import('./commands/mcp');
      return (program, io) => registerMcpCommand(program, io, VERSION, runCli);
    },
  },
  { verbs: ['hooks'], load: async () => (await import('./commands/hooks')).registerHooksCommands },
];

function baseProgram(io: CliIo): Command {
  return new Command('incident-replay')
    .description('Forensics for AI agent and automated job failures: snapshot a workspace, see what changed, find what went wrong.')
    .version(VERSION)
    .option('--workspace <dir>', 'the workspace folder (default: the current directory)')
    .option('--store <dir>', 'the store folder (default: <workspace>/.incident-replay)')
    .option('--config <file>', 'config file (default: <workspace>/incident-replay.json if present)')
    .option('--trust-config', "let the workspace's config weaken detection and replace advice for this run (see `trust`)")
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out(s.trimEnd()),
      writeErr: (s) => io.err(s.trimEnd()),
    });
}

/** The program with the commands `argv` may run: the one module of its verb, or all of them. */
export async function buildProgram(io: CliIo, argv?: readonly string[]): Promise<Command> {
  const program = baseProgram(io);
  const verb = argv === undefined ? undefined : commandVerb(argv);
  const owner = COMMAND_MODULES.find((m) => verb !== undefined && m.verbs.includes(verb));
  const modules = owner ? [owner] : COMMAND_MODULES;
  // Loaded together, registered in table order so the help lists commands the same way each time.
  const registers = await Promise.all(modules.map((m) => m.load()));
  for (const register of registers) register(program, io);
  for (const c of program.commands) c.exitOverride().configureOutput(program.configureOutput());
  return program;
}

/** Runs the CLI and returns the exit code: 0 success, 1 the job failed, 2 bad usage or bad input; `run` exits with its command's code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const program = await buildProgram(io, argv);
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommandExit) return e.code;
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      // Commander has already printed its one-line message.
      return 2;
    }
    if (e instanceof IncidentReplayError) {
      io.err(`incident-replay: ${e.message}`);
      return e.exitCode;
    }
    const err = e as NodeJS.ErrnoException;
    io.err(`incident-replay: ${err.message ?? String(e)}`);
    if (process.env.INCIDENT_REPLAY_DEBUG) io.err(err.stack ?? '');
    return 1;
  }
}
