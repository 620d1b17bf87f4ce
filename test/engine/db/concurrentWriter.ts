// Child process for the cross-process test: waits for a start signal, then inserts
// `count` snapshots (and optionally one incident each), one write per row.
import * as fs from 'node:fs';
import { MetadataDb } from '../../../src/engine/db/database';
import { insertIncident, nextIncidentId } from '../../../src/engine/db/incidentRows';
import { insertSnapshot } from '../../../src/engine/db/snapshotRows';
import { incident, snapshot } from './builders';

async function main(): Promise<void> {
  const [dbFile, writer, countText, goFile, withIncidents] = process.argv.slice(2);
  if (dbFile === undefined || writer === undefined || countText === undefined || goFile === undefined) {
    throw new Error('usage: concurrentWriter <db> <writer> <count> <go-file> [incidents]');
  }
  const db = await MetadataDb.open(dbFile, { lockTimeoutMs: 60_000 });
  process.stdout.write('ready\n');
  while (!fs.existsSync(goFile)) await new Promise((resolve) => setTimeout(resolve, 5));
  for (let i = 0; i < Number(countText); i++) {
    await db.write((d) => {
      insertSnapshot(d, snapshot(`${writer}-${i}`, { createdAt: 1_714_560_000_000 + i }));
      if (withIncidents === 'incidents') {
        insertIncident(d, incident(nextIncidentId(d), { title: `${writer} incident ${i}` }));
      }
    });
  }
  db.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
