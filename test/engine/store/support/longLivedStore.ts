// A long-lived engine process, as the extension or the MCP server keeps one: it opens the store
// once and answers commands from stdin, one per line, with one JSON line each.
//   snapshot            -> {"id": "..."}
//   drop <id> [<id>...] -> {"removed": n}
import readline from 'node:readline';
import { DEFAULT_CONFIG } from '../../../../src/engine/config/defaults';
import { SnapshotStore } from '../../../../src/engine/snapshotStore';

async function main(): Promise<void> {
  const [workspaceRoot] = process.argv.slice(2) as [string];
  const store = await SnapshotStore.open({ workspaceRoot, config: DEFAULT_CONFIG });
  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    const [verb, ...args] = line.trim().split(/\s+/);
    try {
      if (verb === 'snapshot')
        process.stdout.write(JSON.stringify({ id: (await store.snapshot({ label: 'long-lived' })).snapshot.id }) + '\n');
      else if (verb === 'drop') process.stdout.write(JSON.stringify({ removed: (await store.dropSnapshots(args)).removed.length }) + '\n');
      else process.stdout.write(JSON.stringify({ error: `unknown command ${verb}` }) + '\n');
    } catch (e) {
      process.stdout.write(JSON.stringify({ error: e instanceof Error ? e.message : String(e) }) + '\n');
    }
  }
  store.close();
}
main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
