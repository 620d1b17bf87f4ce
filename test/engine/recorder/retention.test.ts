import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, test } from 'node:test';
import { DEFAULT_CONFIG } from '../../../src/engine/config/defaults';
import { Journal } from '../../../src/engine/recorder/journal';
import { applyRetention, chooseVictims, storeDiskBytes } from '../../../src/engine/recorder/retention';
import { annotateReplay, recordReplay } from '../../../src/engine/replays/replays';
import { SnapshotStore } from '../../../src/engine/snapshotStore';
import type { SnapshotRecord } from '../../../src/engine/types';
import { TempWorkspace } from '../../support/workspace';

const spaces: TempWorkspace[] = [];
after(() => spaces.forEach((w) => w.dispose()));
const DAY = 86_400_000;
const NOW = Date.parse('2026-06-01T12:00:00Z');

function snap(id: string, ageDays: number, extra: Partial<SnapshotRecord> = {}): SnapshotRecord {
  return {
    id,
    label: null,
    baseline: false,
    createdAt: NOW - ageDays * DAY,
    manifestId: 'm',
    fileCount: 1,
    byteCount: 1,
    origin: 'auto',
    reason: 'quiet',
    ...extra,
  };
}
const policy = { keepAutomatic: 3, maxAgeDays: 14, maxStoreBytes: 1000 };

test('victims: automatic snapshots past the age, and beyond the count down to 90% of it, oldest first', () => {
  const all = [snap('a', 20), snap('b', 10), snap('c', 5), snap('d', 3), snap('e', 1)];
  assert.deepEqual(
    chooseVictims(all, new Set(), { ...policy, keepAutomatic: 4 }, NOW, 10),
    ['a', 'b'],
    'five over a count of four: down to three',
  );
  assert.deepEqual(chooseVictims(all, new Set(), { ...policy, keepAutomatic: 5 }, NOW, 10), ['a'], 'at the count, only the age applies');
  const many = Array.from({ length: 201 }, (_, i) => snap(`s${i}`, (201 - i) / 100));
  assert.equal(
    chooseVictims(many, new Set(), { ...policy, keepAutomatic: 200 }, NOW, 10).length,
    21,
    '201 over 200: down to 180, so the next collection is 20 snapshots away',
  );
  assert.deepEqual(chooseVictims(many.slice(0, 200), new Set(), { ...policy, keepAutomatic: 200 }, NOW, 10), []);
});

test("victims: never a person's snapshot, a pinned or baseline one, or the newest automatic one", () => {
  const all = [
    snap('manual', 30, { origin: undefined, label: 'before the migration' }),
    snap('pinned', 29),
    snap('base', 28, { baseline: true }),
    snap('old', 27),
    snap('newest', 26),
  ];
  assert.deepEqual(chooseVictims(all, new Set(['pinned']), { ...policy, keepAutomatic: 1 }, NOW, 10), ['old']);
  assert.deepEqual(chooseVictims([snap('only', 40)], new Set(), { ...policy, keepAutomatic: 1 }, NOW, 1e12), []);
});

test('victims: over the size cap, the oldest share in proportion to the excess', () => {
  const all = Array.from({ length: 11 }, (_, i) => snap(`s${i}`, 11 - i));
  const big = { ...policy, keepAutomatic: 100 };
  assert.deepEqual(chooseVictims(all, new Set(), big, NOW, 900), [], 'under the cap nothing goes');
  // 2000 bytes against a 1000 cap: half of the ten droppable ones.
  assert.deepEqual(chooseVictims(all, new Set(), big, NOW, 2000), ['s0', 's1', 's2', 's3', 's4']);
  assert.deepEqual(chooseVictims(all, new Set(), big, NOW, 1001), ['s0'], 'at least one');
});

test('a store filled by automatic snapshots of changing content stays under its cap on disk; baseline, a person’s snapshot and the journal’s recent days stay', async () => {
  const w = new TempWorkspace({ 'README.md': 'steady\n' });
  spaces.push(w);
  const store = await SnapshotStore.open({ workspaceRoot: w.dir, config: DEFAULT_CONFIG });
  try {
    const cap = 3 * 1024 * 1024;
    const retention = { keepAutomatic: 200, maxAgeDays: 14, maxStoreBytes: cap };
    const base = (await store.snapshot({ label: 'before', baseline: true })).snapshot;
    const person = (await store.snapshot({ label: 'checked by hand' })).snapshot;
    await new Journal(store.dir).append([{ t: Date.now(), kind: 'change', path: 'data.bin' }]);
    let peakAfterRetention = 0;
    let dropped = 0;
    // 40 × 256 KB of incompressible new content: 10 MB written into a 3 MB cap.
    for (let i = 0; i < 40; i++) {
      w.write({ 'data.bin': randomBytes(256 * 1024), [`notes/${i}.txt`]: `step ${i}\n` });
      await store.snapshot({ origin: 'auto', reason: 'quiet', label: 'auto:quiet' });
      const r = await applyRetention(store, retention);
      dropped += r.dropped.length;
      const real = await storeDiskBytes(store.dir);
      assert.equal(r.storeBytes, real);
      peakAfterRetention = Math.max(peakAfterRetention, real);
      assert.ok(real <= cap, `after snapshot ${i} the store takes ${real} bytes on disk, over the ${cap} cap`);
      assert.equal(r.overCap, false);
    }
    assert.ok(dropped > 20, `retention dropped ${dropped} snapshots`);
    const left = await store.list();
    assert.ok(left.some((s) => s.id === base.id && s.baseline));
    assert.ok(left.some((s) => s.id === person.id));
    assert.equal(left.at(-1)?.origin, 'auto', 'the newest automatic snapshot stays');
    // What is left is whole: the newest automatic snapshot diffs against the baseline.
    const diff = await store.diffSnapshots(base, left.at(-1) as SnapshotRecord, { patches: false });
    assert.ok(diff.changes.some((c) => c.path === 'notes/39.txt'));
    assert.equal((await new Journal(store.dir).read(0, Date.now() + 1000)).length, 1, "today's journal is kept");
    assert.ok(peakAfterRetention > cap / 3, 'the test really filled the store');
  } finally {
    store.close();
  }
});

test("the checkpoint before a failed agent task survives prune and retention; a successful task's does not", async () => {
  const w = new TempWorkspace({ 'src/app.ts': 'export const v = 1;\n' });
  spaces.push(w);
  const store = await SnapshotStore.open({ workspaceRoot: w.dir, config: DEFAULT_CONFIG });
  try {
    const checkpoint = async (n: number): Promise<string> => {
      w.write({ 'src/app.ts': `export const v = ${n};\n` });
      return (await store.snapshot({ label: `before tool ${n}`, origin: 'auto' })).snapshot.id;
    };
    const failedAt = await checkpoint(2);
    const failed = await recordReplay(store, { agent: 'claude-code', task: 'edit app', snapshot: failedAt });
    await annotateReplay(store, failed.id, { status: 'failure', note: 'tests broke' });
    const okAt = await checkpoint(3);
    const ok = await recordReplay(store, { agent: 'claude-code', task: 'edit app again', snapshot: okAt });
    await annotateReplay(store, ok.id, { status: 'success' });
    const inFlightAt = await checkpoint(4);
    await recordReplay(store, { agent: 'claude-code', task: 'still running', snapshot: inFlightAt });
    for (let n = 5; n < 9; n++) await checkpoint(n);

    assert.ok((await store.pinnedSnapshotIds()).has(failedAt));
    await store.prune(1);
    const left = new Set((await store.list()).map((s) => s.id));
    assert.ok(left.has(failedAt), 'the failed task can still be restored to');
    assert.ok(!left.has(okAt) && !left.has(inFlightAt), 'other checkpoints go as usual');
    const r = await applyRetention(store, { keepAutomatic: 1, maxAgeDays: 14, maxStoreBytes: 1e12 });
    assert.ok(!r.dropped.includes(failedAt));
    assert.ok((await store.list()).some((s) => s.id === failedAt));
    assert.equal((await store.diff(failedAt, 'latest')).changes.length, 1, 'and its content is still there');
  } finally {
    store.close();
  }
});
