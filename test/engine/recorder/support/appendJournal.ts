// A separate process appending to a store's journal, as the extension and `incident-replay watch` do.
// Usage: appendJournal.ts STORE WRITER COUNT BATCH
import { Journal, type JournalRecord } from '../../../../src/engine/recorder/journal';

async function main(): Promise<void> {
  const [store, writer, count, batch] = process.argv.slice(2);
  const j = new Journal(store as string);
  const n = Number(count);
  for (let i = 0; i < n; i += Number(batch)) {
    const recs: JournalRecord[] = [];
    for (let k = i; k < Math.min(n, i + Number(batch)); k++)
      recs.push({ t: Date.now(), kind: 'change', path: `w${writer}/${String(k).padStart(5, '0')}-${'x'.repeat(200)}` });
    await j.append(recs);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${String(e)}\n`);
  process.exitCode = 1;
});
