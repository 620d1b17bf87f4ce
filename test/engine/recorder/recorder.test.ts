import assert from 'node:assert/strict';
import { readFileSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { analyzeWindow } from '../../../src/engine/analysis/analyze';
import { DEFAULT_CONFIG } from '../../../src/engine/config/defaults';
import { openStoreAccess, Recorder } from '../../../src/engine/recorder/recorder';
import { recorderSettings, type RecorderSettings } from '../../../src/engine/recorder/settings';
import { SnapshotStore } from '../../../src/engine/snapshotStore';
import type { CaptureStats, SnapshotRecord } from '../../../src/engine/types';
import { settle, TempWorkspace } from '../../support/workspace';

const spaces: TempWorkspace[] = [];
after(() => spaces.forEach((w) => w.dispose()));

interface Rig {
  w: TempWorkspace;
  store: SnapshotStore;
  rec: Recorder;
  logs: string[];
  warnings: string[];
}

async function rig(files: Record<string, string>, settings: Partial<RecorderSettings>): Promise<Rig> {
  const w = new TempWorkspace(files);
  spaces.push(w);
  const store = await SnapshotStore.open({ workspaceRoot: w.dir, config: DEFAULT_CONFIG });
  const logs: string[] = [];
  const warnings: string[] = [];
  const rec = new Recorder(openStoreAccess(store), recorderSettings({ quietMs: 150, minIntervalMs: 0, ...settings }), {
    log: (m) => logs.push(m),
    warn: (m) => warnings.push(m),
  });
  return { w, store, rec, logs, warnings };
}

async function done(r: Rig): Promise<void> {
  await r.rec.stop();
  r.store.close();
}

test('the recorder snapshots at start and once after a burst of edits settles, each labelled by its reason', async () => {
  const r = await rig({ 'app.js': 'one\n' }, {});
  try {
    await r.rec.start();
    for (let i = 0; i < 5; i++) {
      r.w.write({ [`f${i}.txt`]: `${i}\n` });
      r.rec.fileEvent('create', r.w.path(`f${i}.txt`));
      await settle(30);
    }
    await settle(400);
    await r.rec.idle();
    const all = await r.store.list();
    assert.deepEqual(
      all.map((s) => [s.origin, s.reason, s.label]),
      [
        ['auto', 'start', 'auto:start'],
        ['auto', 'quiet', 'auto:quiet'],
      ],
    );
    assert.equal(all[1]?.fileCount, 6, 'the quiet snapshot has the whole burst');
    assert.equal(r.rec.status.lastCapture?.reason, 'quiet');
    assert.ok((r.rec.status.storeBytes ?? 0) > 0);
  } finally {
    await done(r);
  }
});

test('never two automatic snapshots closer than the minimum interval', async () => {
  const r = await rig({ 'a.txt': 'a\n' }, { quietMs: 20, minIntervalMs: 700 });
  try {
    await r.rec.start();
    const started = Date.now();
    for (let i = 0; i < 10; i++) {
      r.w.write({ 'a.txt': `${i}\n` });
      r.rec.fileEvent('change', 'a.txt');
      await settle(60);
    }
    await settle(1200);
    await r.rec.idle();
    const times = (await r.store.list()).map((s) => s.createdAt);
    assert.ok(times.length >= 2, 'the edits were captured');
    for (let i = 1; i < times.length; i++)
      assert.ok(
        (times[i] as number) - (times[i - 1] as number) >= 650,
        `snapshots ${i - 1} and ${i} are ${(times[i] as number) - (times[i - 1] as number)} ms apart`,
      );
    assert.ok(times.length <= Math.ceil((Date.now() - started) / 700) + 1);
  } finally {
    await done(r);
  }
});

test('before a terminal command, a snapshot when the last one is older than the threshold', async () => {
  const r = await rig({ 'a.txt': 'a\n' }, { quietMs: 60_000, beforeCommandMs: 100 });
  try {
    await r.rec.start();
    r.rec.commandStarted();
    await r.rec.idle();
    assert.equal((await r.store.list()).length, 1, 'the start snapshot is fresh: no second one');
    await settle(150);
    r.rec.commandStarted();
    await r.rec.idle();
    assert.deepEqual(
      (await r.store.list()).map((s) => s.reason),
      ['start', 'command'],
    );
  } finally {
    await done(r);
  }
});

test('a workspace over the file-count threshold records the journal but no automatic snapshot until the user opts in', async () => {
  const files = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`f${i}.txt`, `${i}\n`]));
  const r = await rig(files, { maxFiles: 10 });
  try {
    await r.rec.start();
    r.rec.fileEvent('change', 'f1.txt');
    // Neither the store's own writes nor git's are the workspace's history.
    r.rec.fileEvent('change', `${r.store.dir}/incident-replay.sqlite`);
    r.rec.fileEvent('create', r.store.dir);
    r.rec.fileEvent('change', r.w.path('.git/index'));
    r.rec.fileEvent('change', '/elsewhere/outside.txt');
    await settle(300);
    await r.rec.flush();
    assert.equal((await r.store.list()).length, 0);
    assert.equal(r.rec.status.autoSnapshots, false);
    assert.ok(r.logs.some((l) => /over 10 files: automatic snapshots are off until you opt in/.test(l)));
    assert.equal((await r.rec.journal.read(0, Date.now() + 1)).length, 1);
  } finally {
    await done(r);
  }
  const optedIn = await rig(files, { maxFiles: 10, largeWorkspaceOptIn: true });
  try {
    await optedIn.rec.start();
    assert.equal((await optedIn.store.list()).length, 1);
  } finally {
    await done(optedIn);
  }
});

test('a failing capture is logged every time but reported to the user once; a watcher that cannot start is reported once', async () => {
  const r = await rig({ 'a.txt': 'a\n' }, {});
  try {
    await r.rec.start();
    // The workspace vanishes under the recorder: every capture fails.
    r.w.dispose();
    r.rec.request('quiet');
    await r.rec.idle();
    r.rec.request('quiet');
    await r.rec.idle();
    assert.equal(r.warnings.filter((m) => m.startsWith('automatic snapshot failed')).length, 1);
    assert.equal(r.logs.filter((m) => m.includes('automatic snapshot failed')).length, 2);
    r.rec.watcherFailed('ENOSPC: the inotify watch limit was reached');
    r.rec.watcherFailed('ENOSPC: the inotify watch limit was reached');
    assert.equal(r.warnings.filter((m) => m.includes('inotify')).length, 1);
    assert.match(r.warnings.find((m) => m.includes('inotify')) ?? '', /falls back to a snapshot every 300 s/);
  } finally {
    await done(r);
  }
});

test('an analysis shows the journaled file events at their real times and a failed terminal command as a trigger and a timeline event', async () => {
  const r = await rig({ 'config.json': '{"port": 5432}\n', 'old.txt': 'bye\n' }, {});
  try {
    await r.rec.start();
    const [start] = await r.store.list();
    await settle(30);
    const writtenAt = Date.now();
    r.w.write({ 'config.json': '{"port": 6543}\n', 'vendor/lib.js': 'module.exports = 2;\n' }).remove('old.txt');
    // Unpacked with the archive's times kept, as tar and many installers do: the mtime says 2020.
    utimesSync(r.w.path('vendor/lib.js'), new Date('2020-01-01T00:00:00Z'), new Date('2020-01-01T00:00:00Z'));
    await settle(40);
    r.rec.fileEvent('change', 'config.json');
    r.rec.fileEvent('create', 'vendor/lib.js');
    const changedAt = Date.now();
    r.rec.fileEvent('delete', r.w.path('old.txt'));
    await settle(30);
    const began = Date.now();
    r.rec.commandStarted();
    r.rec.commandEnded({
      command: 'node job.js',
      cwd: r.w.dir,
      start: began,
      end: began + 40,
      exitCode: 3,
      output: 'connecting\nError: connect ECONNREFUSED 127.0.0.1:6543\n',
    });
    await r.rec.flush();
    await settle(60);
    const post = (await r.store.snapshot({ label: 'post-incident' })).snapshot;
    const a = await analyzeWindow(r.store, start as SnapshotRecord, post);
    const cmd = a.timeline.find((e) => e.kind === 'command');
    assert.ok(cmd, 'the command is in the timeline');
    assert.equal(cmd.timestamp, began + 40);
    assert.match(cmd.title, /\$ node job\.js \(exit 3/);
    assert.equal(cmd.severity, 'error');
    const failed = a.triggers.find((t) => t.rule === 'command_failed');
    assert.ok(failed, 'the failed command is a trigger');
    assert.match(failed.message, /exit 3\): node job\.js — Error: connect ECONNREFUSED/);
    // The finding opens on the command's own record in the journal.
    const recordLine = readFileSync(path.join(r.w.dir, failed.file), 'utf8').split('\n')[failed.line - 1] ?? '';
    assert.match(recordLine, /"kind":"command","command":"node job\.js"/);
    const removed = a.timeline.find((e) => e.kind === 'file_change' && e.file === 'old.txt');
    assert.equal(removed?.estimated, false, 'the deletion has the time the watcher saw');
    assert.ok(Math.abs((removed?.timestamp ?? 0) - changedAt) < 20);
    // A watcher reports a little late: the write's own mtime is the time (file times lag the clock by a tick); a far-off mtime is not.
    const config = a.timeline.find((e) => e.kind === 'file_change' && e.file === 'config.json');
    assert.ok(
      config && config.timestamp >= writtenAt - 20 && config.timestamp < changedAt - 20,
      `config.json at ${config?.timestamp}, written ${writtenAt}, reported ${changedAt}`,
    );
    const unpacked = a.timeline.find((e) => e.kind === 'file_change' && e.file === 'vendor/lib.js');
    assert.ok(unpacked && Math.abs(unpacked.timestamp - changedAt) < 20, `vendor/lib.js at ${unpacked?.timestamp}, reported ${changedAt}`);
    const deletion = a.triggers.find((t) => t.kind === 'deletion');
    assert.equal(deletion?.timestampEstimated, false);
  } finally {
    await done(r);
  }
});

test('with a watcher that reports every change, automatic snapshots read only what it named; after a gap, everything again', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 30; i++) files[`src/m${i}.ts`] = `export const m${i} = ${i};\n`;
  const r = await rig(files, { quietMs: 3_600_000 });
  const named: (string[] | null)[] = [];
  const stats: CaptureStats[] = [];
  const snapshot = r.store.snapshot.bind(r.store);
  r.store.snapshot = async (opts) => {
    named.push(opts?.journal ? [...opts.journal.paths] : null);
    const result = await snapshot(opts);
    stats.push(result.stats);
    return result;
  };
  const take = async (): Promise<void> => {
    r.rec.request('timer');
    await r.rec.idle();
  };
  try {
    await r.rec.start();
    r.rec.watcherStarted();
    // The first snapshot after the watcher started walks everything: it starts the journal's interval.
    await take();
    r.w.write({ 'src/m3.ts': 'export const m3 = 333;\n' });
    r.rec.fileEvent('change', r.w.path('src/m3.ts'));
    // Past the file system's clock tick: written in the tick the capture starts in, m3 would be
    // racy for the next capture too and read again there (right, but not what this test counts).
    await new Promise((resolve) => setTimeout(resolve, 30));
    await take();
    r.rec.watcherGap();
    r.w.write({ 'src/m4.ts': 'export const m4 = 444;\n' });
    await take();
    assert.deepEqual(named, [null, null, ['src/m3.ts'], null]);
    assert.equal(stats[2]?.filesHashed, 1);
    assert.equal(stats[2]?.filesTrusted, 29);
    assert.equal(stats[3]?.filesTrusted, undefined);
    assert.equal(stats[3]?.filesHashed, 1, 'the change the watcher missed is found by the full walk');
  } finally {
    await done(r);
  }
});
