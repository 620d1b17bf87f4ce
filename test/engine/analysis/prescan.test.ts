/**
 * `analyze` scans big logs while it takes the post snapshot. The result must be the one a scan
 * after the snapshot gives, and a scan that did not read what the snapshot recorded must not be
 * used.
 */
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { analyzeWindow } from '../../../src/engine/analysis/analyze';
import { LogPrescan } from '../../../src/engine/analysis/prescan';
import { DEFAULT_CONFIG } from '../../../src/engine/config/defaults';
import type { EngineConfig } from '../../../src/engine/config/types';
import { SnapshotStore } from '../../../src/engine/snapshotStore';
import { settle, TempWorkspace } from '../../support/workspace';

const WORKER = path.resolve(__dirname, '../../../dist/logScanWorker.js');
const cleanup: (() => void)[] = [];
after(() => cleanup.forEach((f) => f()));

/** Logs over 1 KB are not kept in the store, so they are read from disk. */
const CONFIG: EngineConfig = { ...DEFAULT_CONFIG, maxFileSizeBytes: 1024, triggers: { ...DEFAULT_CONFIG.triggers, secretlint: false } };

const filler = (n: number, from = 0): string =>
  Array.from(
    { length: n },
    (_, i) =>
      `2024-05-20T10:${String(Math.floor((from + i) / 60) % 60).padStart(2, '0')}:${String((from + i) % 60).padStart(2, '0')}.000Z INFO step ${from + i} ok`,
  ).join('\n') + '\n';

async function open(files: Record<string, string>): Promise<{ w: TempWorkspace; store: SnapshotStore }> {
  const w = new TempWorkspace(files);
  const storeDir = mkdtempSync(path.join(os.tmpdir(), 'ir-store-'));
  const store = await SnapshotStore.open({ workspaceRoot: w.dir, storeDir, config: CONFIG });
  cleanup.push(() => {
    store.close();
    w.dispose();
    rmSync(storeDir, { recursive: true, force: true });
  });
  return { w, store };
}

const failure =
  '2024-05-20T11:00:00.000Z ERROR worker: batch 7 failed\n' +
  'Traceback (most recent call last):\n' +
  '  File "src/worker.py", line 3, in run\n' +
  '    fetch()\n' +
  'ConnectionRefusedError: [Errno 111] Connection refused\n';

describe('a big log scanned while the snapshot is taken', () => {
  it('gives the analysis a scan afterwards gives', async () => {
    assert.ok(existsSync(WORKER), `${WORKER} is missing: run npm run build first`);
    const { w, store } = await open({ 'logs/agent.log': filler(200), 'src/worker.py': 'def run():\n    fetch()\n' });
    const base = await store.snapshot({ baseline: true });
    await settle();
    appendFileSync(w.path('logs/agent.log'), filler(100, 200) + failure + filler(50, 300) + 'job exited with code 3\n');
    const prescan = new LogPrescan(store, base.snapshot, { logWorker: WORKER });
    let used = 0;
    const take = prescan.take.bind(prescan);
    prescan.take = async (...args) => {
      const got = await take(...args);
      if (got) used++;
      return got;
    };
    const now = await store.snapshot({ onOversizedFile: prescan.offer });
    const during = await analyzeWindow(store, base.snapshot, now.snapshot, { prescan });
    const afterwards = await analyzeWindow(store, base.snapshot, now.snapshot);
    assert.equal(used, 1);
    assert.deepEqual(during.skipped, ['logs/agent.log: too large to scan for secrets and constraints']);
    assert.deepEqual(
      during.triggers.map((t) => [t.file, t.line, t.rule]).sort((a, b) => Number(a[1]) - Number(b[1])),
      [
        ['logs/agent.log', 302, 'python_traceback'],
        ['logs/agent.log', 356, 'exit_code'],
      ],
    );
    assert.deepEqual(during.triggers, afterwards.triggers);
    assert.deepEqual(during.timeline, afterwards.timeline);
    assert.deepEqual(during.rootCause, afterwards.rootCause);
  });

  it('is not used for a log that changed after it was read, nor with another file list', async () => {
    const { w, store } = await open({ 'logs/agent.log': filler(200) });
    const base = await store.snapshot({ baseline: true });
    const file = w.path('logs/agent.log');
    const st = statSync(file);
    const prescan = new LogPrescan(store, base.snapshot, { logWorker: null });
    prescan.offer({
      path: 'logs/agent.log',
      abs: file,
      size: st.size,
      mtimeMs: Math.floor(st.mtimeMs),
      listedPaths: () => ['logs/agent.log'],
    });
    const log = { path: 'logs/agent.log', file, size: st.size, mtimeMs: Math.floor(st.mtimeMs) };
    assert.ok(
      await prescan.take({ ...log, before: { size: st.size, id: (await store.manifest(base.snapshot))[0]?.id ?? '' } }, ['logs/agent.log']),
    );
    assert.equal(await prescan.take({ ...log, size: st.size + 1 }, ['logs/agent.log']), null, 'another size');
    assert.equal(await prescan.take({ ...log, mtimeMs: log.mtimeMs + 1 }, ['logs/agent.log']), null, 'another mtime');
    assert.equal(await prescan.take(log, ['logs/agent.log']), null, 'another window start');
    assert.equal(await prescan.take(log, ['logs/agent.log', 'src/new.py']), null, 'another file list');
    assert.equal(await prescan.take({ ...log, path: 'logs/other.log' }, ['logs/agent.log']), null, 'never offered');
  });
});

describe('a big log still being written after the snapshot', () => {
  it('is scanned as the snapshot recorded it, not skipped', async () => {
    const { w, store } = await open({ 'logs/agent.log': filler(200) });
    const base = await store.snapshot({ baseline: true });
    await settle();
    appendFileSync(w.path('logs/agent.log'), failure);
    const now = await store.snapshot();
    appendFileSync(w.path('logs/agent.log'), '2024-05-20T11:05:00.000Z FATAL worker: written after the snapshot\n');
    const a = await analyzeWindow(store, base.snapshot, now.snapshot);
    assert.deepEqual(a.skipped, ['logs/agent.log: too large to scan for secrets and constraints']);
    assert.deepEqual(
      a.triggers.map((t) => [t.line, t.rule]),
      [[202, 'python_traceback']],
    );
  });
});
