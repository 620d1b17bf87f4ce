import assert from 'node:assert/strict';
import fs from 'node:fs';
import { it } from 'node:test';
import { runCollectionRace } from './support/collectionRace';

// The short, seeded version; `npm run stress` runs hundreds of rounds with other seeds.
it('snapshot, prune and retention from several processes at once, with kill -9, leave every snapshot whole', async () => {
  const r = await runCollectionRace({ rounds: 16, seed: 17, killEvery: 4 });
  try {
    assert.deepEqual(r.fsck.problems, [], 'fsck found damage');
    assert.deepEqual(r.undiffable, []);
    assert.ok(r.fsck.snapshotsChecked >= 2, 'rounds left snapshots to check');
    assert.equal(r.kills, 4);
    assert.ok(r.served > 0, 'some CLI snapshots were taken by the serving process');
  } finally {
    fs.rmSync(r.workspace, { recursive: true, force: true });
  }
});
