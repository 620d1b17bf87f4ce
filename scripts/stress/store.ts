// npm run stress: the long version of test/engine/store/collectionRace.test.ts. Every seed is a
// different interleaving; a failing one prints its seed so the round can be replayed.
import fs from 'node:fs';
import { runCollectionRace } from '../../test/engine/store/support/collectionRace';

async function main(): Promise<void> {
  const rounds = Number(process.env.STRESS_ROUNDS ?? 300);
  const seeds = (process.env.STRESS_SEEDS ?? '1,2').split(',').map(Number);
  let failed = false;
  for (const seed of seeds) {
    const r = await runCollectionRace({ rounds, seed, killEvery: 10, log: (l) => process.env.STRESS_VERBOSE && console.log(l) });
    const ok = r.fsck.problems.length === 0 && r.undiffable.length === 0;
    failed ||= !ok;
    console.log(
      `seed ${seed}: ${r.rounds} rounds, ${r.snapshotsTaken} snapshots (${r.served} served), ${r.prunes} prunes/retentions, ${r.kills} kill -9; ` +
        `fsck: ${r.fsck.snapshotsChecked} snapshots, ${r.fsck.objectsChecked} objects, ${r.fsck.problems.length} problems; ` +
        `${r.undiffable.length} undiffable; ${(r.elapsedMs / 1000).toFixed(1)} s — ${ok ? 'PASS' : 'FAIL'}`,
    );
    for (const p of r.fsck.problems) console.log(`  ${p.message}`);
    for (const u of r.undiffable) console.log(`  ${u}`);
    if (ok) fs.rmSync(r.workspace, { recursive: true, force: true });
    else console.log(`  workspace kept: ${r.workspace}`);
  }
  process.exit(failed ? 1 : 0);
}
void main();
