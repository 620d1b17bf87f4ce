import type { Command } from 'commander';
import { serveStdio } from '../../mcp/server';
import { openStore } from '../context';
import type { CliIo } from '../io';
import { type RunCli, serveCli } from '../service/server';

export function registerMcpCommand(program: Command, io: CliIo, version: string, runCli: RunCli): void {
  program
    .command('mcp')
    .description(
      'serve the Model Context Protocol over stdio for AI agents (tools: snapshots, analyze, incidents, replays, learnings); stdout carries the protocol only',
    )
    .action(async (_opts: unknown, cmd: Command) => {
      // A wrong --workspace or --store fails here, once, with the usual one-line error and exit 2,
      // rather than as an error on every tool call.
      const store = await openStore(cmd, io);
      store.close();
      // An agent's hooks snapshot through the CLI at every step: this process takes those snapshots warm.
      const service = await serveCli({ storeDir: store.dir, run: runCli, log: (m) => io.err(m) });
      try {
        await serveStdio(() => openStore(cmd, io), version);
      } finally {
        await service?.close();
      }
    });
}
