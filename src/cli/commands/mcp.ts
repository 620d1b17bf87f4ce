import type { Command } from 'commander';
import { serveStdio } from '../../mcp/server';
import { openStore } from '../context';
import type { CliIo } from '../io';

export function registerMcpCommand(program: Command, io: CliIo, version: string): void {
  program
    .command('mcp')
    .description(
      'serve the Model Context Protocol over stdio for AI agents (tools: snapshots, analyze, incidents, replays, learnings); stdout carries the protocol only',
    )
    .action(async (_opts: unknown, cmd: Command) => {
      // A wrong --workspace or --store fails here, once, with the usual one-line error and exit 2,
      // rather than as an error on every tool call.
      (await openStore(cmd, io)).close();
      await serveStdio(() => openStore(cmd, io), version);
    });
}
