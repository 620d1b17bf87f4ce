/**
 * The flight recorder's rows of `npm run bench`: what journaling 1,000 file events costs, what the
 * automatic snapshots cost while an agent edits 100 files, and how big the store gets after 500
 * automatic snapshots of the bench workspace (with retention) against the recorder's disk cap.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_CONFIG } from '../../src/engine/config/defaults';
import { Recorder, type StoreAccess } from '../../src/engine/recorder/recorder';
import { applyRetention, storeDiskBytes } from '../../src/engine/recorder/retention';
import { DEFAULT_RECORDER_SETTINGS, recorderSettings } from '../../src/engine/recorder/settings';
import { SnapshotStore } from '../../src/engine/snapshotStore';
import { touchFraction } from './synthetic';

export type AddRow = (name: string, ours: number, git: number | null, unit: 'ms' | 'MB', max: number | null, target: string) => void;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A store access that charges the time spent in the store to `spent`. */
function timedAccess(store: SnapshotStore, spent: { ms: number }): StoreAccess {
  return {
    workspaceRoot: store.workspaceRoot,
    dir: store.dir,
    use: async (fn) => {
      const t = performance.now();
      try {
        return await fn(store);
      } finally {
        spent.ms += performance.now() - t;
      }
    },
  };
}

export async function benchRecorder(ws: string, files: readonly string[], storeDir: string, add: AddRow, snapshots: number): Promise<void> {
  const store = await SnapshotStore.open({ workspaceRoot: ws, storeDir, config: DEFAULT_CONFIG });
  try {
    // 1. Journal: 1,000 events as a watcher delivers them (batches of 50), then the one flush that writes them.
    const quietForever = recorderSettings({ quietMs: 3_600_000, minIntervalMs: 0 });
    const journalRuns: number[] = [];
    for (let run = 0; run < 5; run++) {
      const rec = new Recorder(timedAccess(store, { ms: 0 }), quietForever, { log: () => undefined });
      const t = performance.now();
      for (let i = 0; i < 1000; i++) rec.fileEvent('change', files[(run * 1000 + i) % files.length] as string);
      await rec.flush();
      journalRuns.push(performance.now() - t);
      await rec.stop();
    }
    journalRuns.sort((a, b) => a - b);
    add('journal: 1,000 file events (median of 5)', journalRuns[2] as number, null, 'ms', 50, '< 50 ms');

    // 2. An agent edits 100 files, one every 20 ms; the recorder snapshots when the burst settles
    //    (quiet 500 ms, at most one a second) and runs retention after each.
    const spent = { ms: 0 };
    const rec = new Recorder(timedAccess(store, spent), recorderSettings({ quietMs: 500, minIntervalMs: 1000 }), { log: () => undefined });
    await rec.start();
    spent.ms = 0;
    const before = (await store.list()).length;
    for (let i = 0; i < 100; i++) {
      const rel = files[(i * 97) % files.length] as string;
      writeFileSync(path.join(ws, rel), `edited by the agent, step ${i}\n`);
      rec.fileEvent('change', rel);
      await sleep(20);
    }
    await sleep(800);
    await rec.idle();
    await rec.stop();
    const taken = (await store.list()).length - before;
    add(`automatic snapshots while an agent edits 100 files (${taken} taken)`, spent.ms, null, 'ms', null, 'reported');

    // 3. 500 automatic snapshots of the workspace, 0.1% of files changing between them, retention after each.
    const policy = DEFAULT_RECORDER_SETTINGS.retention;
    let peak = 0;
    const t = performance.now();
    for (let i = 0; i < snapshots; i++) {
      touchFraction(ws, files, 0.001, 1000 + i);
      await store.snapshot({ origin: 'auto', reason: 'quiet', label: 'auto:quiet' });
      peak = Math.max(peak, (await applyRetention(store, policy)).storeBytes);
    }
    const perSnapshot = (performance.now() - t) / snapshots;
    const size = await storeDiskBytes(store.dir);
    const cap = policy.maxStoreBytes / 1e6;
    add(
      `store after ${snapshots} automatic snapshots (${(await store.list()).length} kept, ${perSnapshot.toFixed(0)} ms each)`,
      size / 1e6,
      null,
      'MB',
      cap,
      `≤ ${cap.toFixed(0)} MB cap`,
    );
    add('store peak during those snapshots', peak / 1e6, null, 'MB', cap, `≤ ${cap.toFixed(0)} MB cap`);
  } finally {
    store.close();
  }
}
