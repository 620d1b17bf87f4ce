/**
 * The new lines of changed logs, scanned the way `analyze` does it: from the store for logs
 * small enough to keep, streamed from disk for bigger ones. Both must number lines in the whole
 * file, skip the old part, and date warnings and pattern hits the same way.
 */
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { changedTexts } from '../../../src/engine/analysis/changedText';
import { type ContentScanResult, scanChangedContent } from '../../../src/engine/analysis/contentScan';
import { DEFAULT_CONFIG } from '../../../src/engine/config/defaults';
import type { EngineConfig, LogPatternRule } from '../../../src/engine/config/types';
import { diffManifests } from '../../../src/engine/diff/snapshotDiff';
import { LogPrescan } from '../../../src/engine/analysis/prescan';
import { SnapshotStore } from '../../../src/engine/snapshotStore';
import { settle, TempWorkspace } from '../../support/workspace';

const spaces: TempWorkspace[] = [];
const storeDirs: string[] = [];
after(() => {
  spaces.forEach((w) => w.dispose());
  storeDirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

function config(opts: { streamed: boolean; logPatterns?: LogPatternRule[] }): EngineConfig {
  return {
    ...DEFAULT_CONFIG,
    // Files over the size limit are not kept in the store: their new lines are read from disk.
    maxFileSizeBytes: opts.streamed ? 64 : DEFAULT_CONFIG.maxFileSizeBytes,
    triggers: { ...DEFAULT_CONFIG.triggers, secretlint: false, logPatterns: opts.logPatterns ?? [] },
  };
}

/** The worker bundle `npm test` builds before the tests run. */
const WORKER = path.resolve(__dirname, '../../../dist/logScanWorker.js');

interface Mode {
  name: string;
  streamed: boolean;
  /** Big logs scanned in the bundled worker thread rather than on this one. */
  worker?: boolean;
  /** Big logs scanned while the second snapshot is taken (as `analyze` does). */
  prescan?: boolean;
}

const MODES: readonly Mode[] = [
  { name: 'kept in the store', streamed: false },
  { name: 'streamed from disk', streamed: true },
  { name: 'streamed in a worker thread', streamed: true, worker: true },
  { name: 'scanned in a worker while the snapshot is taken', streamed: true, worker: true, prescan: true },
];

interface Scan {
  result: ContentScanResult;
  /** The log's mtime as the snapshot recorded it. */
  mtime: number;
  skipped: string[];
}

/** Snapshots `files`, applies `change` (appends, usually), snapshots again and scans the new lines of `log`. */
async function scanAfter(
  files: Record<string, string>,
  log: string,
  change: (w: TempWorkspace) => void,
  cfg: EngineConfig,
  mode?: Mode,
): Promise<Scan> {
  const w = new TempWorkspace(files);
  spaces.push(w);
  const storeDir = mkdtempSync(path.join(os.tmpdir(), 'ir-store-'));
  storeDirs.push(storeDir);
  const store = await SnapshotStore.open({ workspaceRoot: w.dir, storeDir, config: cfg });
  try {
    const before = await store.snapshot();
    await settle();
    change(w);
    if (mode?.worker) assert.ok(existsSync(WORKER), `${WORKER} is missing: run npm run build first`);
    const logWorker = mode?.worker ? WORKER : null;
    const prescan = mode?.prescan ? new LogPrescan(store, before.snapshot, { logWorker }) : undefined;
    let taken = 0;
    if (prescan) {
      const take = prescan.take.bind(prescan);
      prescan.take = async (...args) => {
        const got = await take(...args);
        if (got) taken++;
        return got;
      };
    }
    const now = await store.snapshot(prescan ? { onOversizedFile: prescan.offer } : {});
    const a = await store.manifest(before.snapshot);
    const b = await store.manifest(now.snapshot);
    const skipped: string[] = [];
    const texts = await changedTexts(await diffManifests(a, b, store.objects), store.objects, w.dir, (p, why) =>
      skipped.push(`${p}: ${why}`),
    );
    assert.equal(
      texts.find((t) => t.path === log)?.text === undefined,
      cfg.maxFileSizeBytes < 1000,
      'the log is read the way the test means',
    );
    const result = await scanChangedContent(
      texts,
      () => 'log',
      cfg,
      w.dir,
      b.map((e) => e.path),
      { logWorker, ...(prescan ? { prescan } : {}) },
    );
    if (prescan) assert.equal(taken, 1, 'the scan made during the snapshot was used');
    return { result, mtime: Math.floor(statSync(w.path(log)).mtimeMs), skipped };
  } finally {
    store.close();
  }
}

const T = (hh: number, mm: number, ss = 0): number => Date.UTC(2024, 4, 20, hh, mm, ss);

describe('an appended log', () => {
  const old = [
    '2024-05-20T09:00:00.000Z INFO worker: start',
    '2024-05-20T09:00:01.000Z ERROR worker: an old failure, already seen',
    '2024-05-20T09:00:02.000Z INFO worker: still go', // the last old line has no newline yet
  ].join('\n');
  const appended =
    'ing\n' +
    '2024-05-20T10:00:00.000Z INFO worker: batch 1 ok\r\n' +
    '\x1b[31m2024-05-20T10:00:01.000Z ERROR\x1b[0m worker: db down\r\n' +
    '2024-05-20T10:00:01.500Z INFO worker: retrying\r\n' +
    'Traceback (most recent call last):\r\n' +
    '  File "/srv/job.py", line 3, in run\r\n' +
    '    fetch()\r\n' +
    'ConnectionRefusedError: [Errno 111] Connection refused\r\n' +
    '2024-05-20T10:00:02.000Z INFO worker: exiting\n' +
    'job exited with code 3\n';

  for (const mode of MODES) {
    it(`fires only on the new lines, numbered in the whole file (${mode.name})`, async () => {
      const { result, skipped } = await scanAfter(
        { 'logs/job.log': old },
        'logs/job.log',
        (w) => appendFileSync(w.path('logs/job.log'), appended),
        config(mode),
        mode,
      );
      assert.deepEqual(skipped, []);
      assert.deepEqual(
        result.triggers.map((t) => [t.line, t.rule, t.message]),
        [
          [5, 'level_error', 'worker: db down'],
          [7, 'python_traceback', 'ConnectionRefusedError: [Errno 111] Connection refused'],
          [12, 'exit_code', 'job exited with code 3'],
        ],
      );
      const db = result.triggers[0];
      assert.equal(db?.timestamp, T(10, 0, 1));
      assert.equal(db?.timestampEstimated, false);
      // The traceback has no time of its own: it takes the line before it.
      assert.equal(result.triggers[1]?.timestamp, T(10, 0, 1) + 500);
    });
  }
});

describe('warning lines', () => {
  const details = Array.from({ length: 600 }, (_, i) => `    detail ${i} of the batch`);
  const appended = [
    'WARN worker: no time of its own and none before it',
    '2024-05-20T10:00:00.000Z INFO worker: started',
    ...details,
    'WARN worker: slow, long after the last timed line',
    '2024-05-20T10:05:00.000Z INFO worker: next',
    '2024-13-45T10:99:00.000Z INFO worker: not a real date',
    'WARNING: disk at 91%',
    '2024-05-20T10:06:00.000Z WARN worker: with its own time',
  ];

  for (const mode of MODES) {
    it(`take their own time, else the last one seen on a new line, else the file's (${mode.name})`, async () => {
      const { result, mtime } = await scanAfter(
        { 'logs/run.log': '2024-05-20T09:00:00.000Z INFO worker: an old time that must not count\n' },
        'logs/run.log',
        (w) => appendFileSync(w.path('logs/run.log'), appended.join('\n') + '\n'),
        config(mode),
        mode,
      );
      assert.deepEqual(
        result.logLines.map((l) => [l.line, l.timestamp, l.estimated, l.text]),
        [
          [2, mtime, true, 'WARN worker: no time of its own and none before it'],
          [604, T(10, 0), false, 'WARN worker: slow, long after the last timed line'],
          [607, T(10, 5), false, 'WARNING: disk at 91%'],
          [608, T(10, 6), false, '2024-05-20T10:06:00.000Z WARN worker: with its own time'],
        ],
      );
    });
  }
});

describe('user log patterns', () => {
  const filler = Array.from({ length: 6000 }, (_, i) => `step ${i} done`);
  const lines = [
    'BOOM before any time',
    '2024-05-20T10:00:00.000Z INFO worker: started',
    ...filler,
    'BOOM far into the next batch of lines',
    '2024-05-20T10:07:00.000Z BOOM with its own time',
    'BOOM right after it',
  ];

  for (const mode of MODES) {
    it(`date their hits like warnings, across batches of lines (${mode.name})`, async () => {
      const { result, mtime } = await scanAfter(
        { 'logs/p.log': '' },
        'logs/p.log',
        (w) => appendFileSync(w.path('logs/p.log'), lines.join('\n') + '\n'),
        config({ streamed: mode.streamed, logPatterns: [{ pattern: 'BOOM', severity: 'error' }] }),
        mode,
      );
      const hits = result.triggers.filter((t) => t.rule === 'user_pattern');
      assert.deepEqual(
        hits.map((t) => [t.line, t.timestamp, t.timestampEstimated]),
        [
          [1, mtime, true],
          [6003, T(10, 0), false],
          [6004, T(10, 7), false],
          [6005, T(10, 7), false],
        ],
      );
    });
  }
});

describe('a rewritten log', () => {
  it('fires on the lines that are new, wherever they are, and not on the ones kept', async () => {
    const old =
      ['2024-05-20T09:00:00.000Z INFO a', '2024-05-20T09:00:01.000Z ERROR kept: old failure', '2024-05-20T09:00:02.000Z INFO c'].join(
        '\n',
      ) + '\n';
    const rewritten =
      [
        '2024-05-20T10:00:00.000Z FATAL fresh: first line replaced',
        '2024-05-20T09:00:01.000Z ERROR kept: old failure',
        '2024-05-20T09:00:02.000Z INFO c',
      ].join('\n') + '\n';
    const { result } = await scanAfter(
      { 'logs/r.log': old },
      'logs/r.log',
      (w) => w.write({ 'logs/r.log': rewritten }),
      config({ streamed: false }),
    );
    assert.deepEqual(
      result.triggers.map((t) => [t.line, t.message]),
      [[1, 'fresh: first line replaced']],
    );
  });
});
