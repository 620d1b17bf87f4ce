import { Command, CommanderError } from 'commander';
import { IncidentReplayError } from '../engine/errors';
import { registerAnalyzeCommands } from './commands/analyze';
import { registerDiffCommand } from './commands/diff';
import { registerFsckCommand } from './commands/fsck';
import { registerIncidentCommands } from './commands/incidents';
import { registerHooksCommands } from './commands/hooks';
import { registerMcpCommand } from './commands/mcp';
import { registerPostmortemCommands } from './commands/postmortem';
import { registerReportCommands } from './commands/report';
import { registerRestoreCommand } from './commands/restore';
import { CommandExit, registerRunCommands } from './commands/run';
import { registerSnapshotCommands } from './commands/snapshot';
import { registerWatchCommand } from './commands/watch';
import { registerTrustCommand } from './commands/trust';
import type { CliIo } from './io';

export const VERSION = '0.1.0';

export function buildProgram(io: CliIo): Command {
  const program = new Command('incident-replay')
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
  registerSnapshotCommands(program, io);
  registerDiffCommand(program, io);
  registerRestoreCommand(program, io);
  registerFsckCommand(program, io);
  registerAnalyzeCommands(program, io);
  registerRunCommands(program, io);
  registerIncidentCommands(program, io);
  registerPostmortemCommands(program, io);
  registerReportCommands(program, io);
  registerWatchCommand(program, io);
  registerTrustCommand(program, io);
  registerMcpCommand(program, io, VERSION);
  registerHooksCommands(program, io);
  for (const c of program.commands) c.exitOverride().configureOutput(program.configureOutput());
  return program;
}

/** Runs the CLI and returns the exit code: 0 success, 1 the job failed, 2 bad usage or bad input; `run` exits with its command's code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
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
