/**
 * analyzeSince is the one entry point of "analyse since the baseline" (CLI, MCP tool, engine API,
 * extension, bench): where its window starts, the steps it reports, and what a cancellation
 * leaves behind.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { analyzeSince, type AnalysisStep, type AnalyzeSinceOptions } from '../../../src/engine/analysis/analyzeSince';
import { DEFAULT_CONFIG } from '../../../src/engine/config/defaults';
import { incidentList } from '../../../src/engine/incidents';
import { SnapshotStore } from '../../../src/engine/snapshotStore';
import { settle, TempWorkspace } from '../../support/workspace';

const cleanup: (() => void)[] = [];
after(() => cleanup.forEach((f) => f()));

async function open(): Promise<{ w: TempWorkspace; store: SnapshotStore; storeDir: string }> {
  const w = new TempWorkspace({ 'src/app.js': 'module.exports = 1;\n', 'config/settings.json': '{ "retries": 3 }\n' });
  const storeDir = mkdtempSync(path.join(os.tmpdir(), 'ir-store-'));
  const store = await SnapshotStore.open({ workspaceRoot: w.dir, storeDir, config: DEFAULT_CONFIG });
  cleanup.push(() => {
    store.close();
    w.dispose();
    rmSync(storeDir, { recursive: true, force: true });
  });
  return { w, store, storeDir };
}

/** A workspace with a baseline, then a change that flags an incident (a failing job's log, a deleted file). */
async function broken(): Promise<{ w: TempWorkspace; store: SnapshotStore; storeDir: string }> {
  const o = await open();
  await o.store.snapshot({ label: 'before', baseline: true });
  await settle();
  o.w
    .write({ 'logs/job.log': '2024-05-20T11:00:00.000Z ERROR job: cannot read config/settings.json\njob exited with code 1\n' })
    .remove('config/settings.json');
  return o;
}

/** The store lock is free: another opening of the store takes it at once. */
async function lockIsFree(store: SnapshotStore, storeDir: string): Promise<void> {
  assert.equal(existsSync(path.join(storeDir, 'store.lock')), false, 'no lock file is left behind');
  const other = await SnapshotStore.open({ workspaceRoot: store.workspaceRoot, storeDir, config: DEFAULT_CONFIG, lockTimeoutMs: 200 });
  try {
    assert.equal(await other.withStoreLock(async () => 'taken'), 'taken');
  } finally {
    other.close();
  }
}

describe('analyzeSince', () => {
  it('reports each step with its duration, in order, and records the incident', async () => {
    const { store } = await broken();
    const steps: [AnalysisStep, number][] = [];
    const r = await analyzeSince(store, { onStep: (step, ms) => steps.push([step, ms]) });
    assert.ok(r.incident, 'the deleted config and the failing job are flagged');
    assert.deepEqual(
      steps.map(([s]) => s),
      ['start', 'snapshot', 'analysis', 'record'],
    );
    for (const [s, ms] of steps) assert.ok(Number.isFinite(ms) && ms >= 0, `${s} took ${ms} ms`);
  });

  it('takes a JSON file of records for data: a truncated items.json is corrupted data, a truncated settings object is config', async () => {
    const { w, store } = await open();
    const items = JSON.stringify(
      Array.from({ length: 30 }, (_, i) => ({ id: i, price: i * 1.5 })),
      null,
      1,
    );
    const settings = JSON.stringify(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`key${i}`, i])), null, 1);
    w.write({ 'items.json': items, 'settings.json': settings });
    await store.snapshot({ baseline: true });
    await settle();
    const failing = (file: string) =>
      `Traceback (most recent call last):\n  File "job.py", line 2, in <module>\njson.decoder.JSONDecodeError: Expecting ',' delimiter: line 40 column 3 (char 400) in ${file}\n`;
    w.write({ 'items.json': items.slice(0, items.length / 2), 'logs/job.log': failing('items.json') });
    const data = await analyzeSince(store, {});
    assert.equal(data.incident?.rootCause.category, 'data_corruption', JSON.stringify(data.incident?.rootCause.evidence));
    assert.ok(!data.incident?.triggers.some((t) => t.kind === 'config_change' && t.file === 'items.json'), 'no config trigger for records');
    await store.setBaseline('latest');
    await settle();
    w.write({ 'settings.json': settings.slice(0, settings.length / 2), 'logs/job.log': failing('settings.json') });
    const config = await analyzeSince(store, {});
    assert.equal(config.incident?.rootCause.category, 'config_error', JSON.stringify(config.incident?.rootCause.evidence));
  });

  it('says a file the job reads was moved, and advises moving it back, not regenerating it', async () => {
    const { w, store } = await open();
    w.write({ 'data/orders.csv': 'id,amount\n1,10\n2,20\n' });
    await store.snapshot({ baseline: true });
    await settle();
    w.remove('data/orders.csv').write({
      'data/raw/orders.csv': 'id,amount\n1,10\n2,20\n',
      'logs/job.log':
        'Traceback (most recent call last):\n  File "etl.py", line 2, in <module>\nFileNotFoundError: [Errno 2] No such file or directory: \'data/orders.csv\'\n',
    });
    const r = await analyzeSince(store, {});
    const rc = r.incident?.rootCause;
    assert.ok(
      rc?.evidence.some((e) => e.description.includes('data/orders.csv, a data file moved to data/raw/orders.csv since the baseline')),
      JSON.stringify(rc?.evidence),
    );
    assert.equal(
      r.incident?.remediation[0],
      'Move `data/raw/orders.csv` back to `data/orders.csv` (moved since the baseline, its content unchanged): `mv data/raw/orders.csv data/orders.csv`, or update the path the job reads',
    );
    assert.ok(!r.incident?.remediation.some((step) => step.startsWith('Re-generate')), r.incident?.remediation.join('\n'));
  });

  it('reports no record step when nothing was flagged', async () => {
    const { store } = await open();
    await store.snapshot({ baseline: true });
    const steps: AnalysisStep[] = [];
    const r = await analyzeSince(store, { onStep: (step) => steps.push(step) });
    assert.equal(r.incident, null);
    assert.deepEqual(steps, ['start', 'snapshot', 'analysis']);
  });

  it('runs beforeSnapshot under the lock, after the start and before the snapshot', async () => {
    const { store } = await broken();
    const order: string[] = [];
    await analyzeSince(store, {
      onStart: () => order.push('start'),
      beforeSnapshot: async () => {
        order.push('beforeSnapshot');
        // Re-entrant within the analysis' own flow: the hook runs while the lock is held.
        await store.withStoreLock(async () => undefined);
      },
      onSnapshot: () => order.push('snapshot'),
      onAnalysis: () => order.push('analysis'),
    });
    assert.deepEqual(order, ['start', 'beforeSnapshot', 'snapshot', 'analysis']);
  });

  describe('where the window starts', () => {
    it('starts at store.baseline(): the snapshot `baseline` resolves to, the latest marked', async () => {
      const { store } = await open();
      assert.equal(await store.baseline(), null, 'none before one is marked');
      const first = await store.snapshot({ baseline: true });
      const second = await store.snapshot();
      assert.equal((await store.baseline())?.id, first.snapshot.id);
      await store.setBaseline(second.snapshot.id);
      assert.equal((await store.baseline())?.id, second.snapshot.id);
      assert.equal((await store.baseline())?.id, (await store.resolve('baseline')).id);
      assert.equal((await analyzeSince(store)).start.from.id, second.snapshot.id);
    });

    it('honours an explicit since', async () => {
      const { w, store } = await open();
      await store.snapshot({ baseline: true });
      const mid = await store.snapshot({ label: 'mid' });
      w.remove('config/settings.json');
      const r = await analyzeSince(store, { since: 'mid' });
      assert.equal(r.start.from.id, mid.snapshot.id);
      assert.equal(r.start.since, 'mid');
      assert.equal(r.incident?.since, 'mid', 'the incident says where its window started');
      assert.equal(r.incident?.baselineId, mid.snapshot.id);
    });

    it("starts at the recorder's session snapshot when there is no baseline", async () => {
      const { w, store } = await open();
      await store.snapshot({ label: 'older' });
      const session = await store.snapshot({ origin: 'auto', reason: 'session' });
      w.remove('config/settings.json');
      const r = await analyzeSince(store, { sessionStart: session.snapshot.id });
      assert.equal(r.start.from.id, session.snapshot.id);
      assert.match(r.start.since, /the recorder's first snapshot of this session: no baseline was set/);
      assert.equal(r.incident?.since, r.start.since, 'the incident says where its window started');
    });

    it('prefers the baseline to the session snapshot', async () => {
      const { store } = await broken();
      const session = await store.snapshot({ origin: 'auto' });
      const r = await analyzeSince(store, { sessionStart: session.snapshot.id });
      assert.equal(r.start.since, 'baseline');
      assert.equal(r.start.from.id, (await store.baseline())?.id);
    });

    it('without a baseline, a session snapshot or git, says how to take a baseline', async () => {
      const { store } = await open();
      await assert.rejects(
        analyzeSince(store, { sessionStart: 'deadbeef' }),
        (e: Error) => e.name === 'InputError' && /no baseline set/.test(e.message),
      );
    });
  });

  describe('cancelled between steps', () => {
    const cases: [string, (abort: () => void) => AnalyzeSinceOptions, number][] = [
      ['before it starts', (abort) => (abort(), {}), 0],
      ['after the start', (abort) => ({ onStart: abort }), 0],
      ['before the snapshot', (abort) => ({ beforeSnapshot: async () => abort() }), 0],
      ['after the snapshot', (abort) => ({ onSnapshot: abort }), 1],
      ['after the analysis', (abort) => ({ onAnalysis: abort }), 1],
    ];
    for (const [when, hooks, newSnapshots] of cases) {
      it(`${when}: records no incident and releases the store lock`, async () => {
        const { store, storeDir } = await broken();
        const before = (await store.list()).length;
        const controller = new AbortController();
        const opts = hooks(() => controller.abort());
        await assert.rejects(analyzeSince(store, { ...opts, signal: controller.signal }), (e: Error) => e.name === 'AbortError');
        assert.deepEqual(await incidentList(store), [], 'no incident recorded');
        // A snapshot completed before the cancellation stays, whole and unpinned.
        assert.equal((await store.list()).length, before + newSnapshots);
        await lockIsFree(store, storeDir);
      });
    }
  });
});
