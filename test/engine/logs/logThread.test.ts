import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import path from 'node:path';
import { after, it } from 'node:test';
import type { BigLog } from '../../../src/engine/logs/bigLog';
import { type LogThreadJob, scanStreamedLogs } from '../../../src/engine/logs/logThread';
import { TempWorkspace } from '../../support/workspace';

const WORKER = path.resolve(__dirname, '../../../dist/logScanWorker.js');
const w = new TempWorkspace({
  'logs/a.log': '2024-05-20T10:00:00.000Z INFO start\n2024-05-20T10:00:01.000Z ERROR worker: db down\n',
  'logs/b.log':
    'panic: runtime error: index out of range [3] with length 2\n\ngoroutine 1 [running]:\nmain.main()\n\t/srv/app/main.go:9 +0x1d\nexit status 2\n',
  'bad-worker.js': "throw new Error('the worker fails to start');\n",
});
after(() => w.dispose());

function job(): LogThreadJob {
  const logs: BigLog[] = ['logs/a.log', 'logs/b.log', 'logs/gone.log'].map((p) => {
    const st = statSync(w.path(p), { throwIfNoEntry: false });
    return { path: p, file: w.path(p), size: st?.size ?? 10, mtimeMs: Math.floor(st?.mtimeMs ?? 0) };
  });
  return {
    settings: { workspaceRoot: w.dir, maxLineLength: 10_000, userPatterns: [] },
    workspaceFiles: ['logs/a.log', 'logs/b.log'],
    budgetMs: 30_000,
    logs,
  };
}

const summary = (r: Awaited<ReturnType<typeof scanStreamedLogs>>): unknown =>
  r.scans.map((s) => (s.kind === 'scanned' ? s.output.triggers.map((t) => [t.line, t.rule]) : s.kind));

it('scans in the worker what the current thread scans, one result per log, a missing log reported', async () => {
  const here = await scanStreamedLogs(job(), null);
  assert.deepEqual(summary(here), [
    [[2, 'level_error']],
    [
      [1, 'go_panic'],
      [6, 'exit_code'],
    ],
    'failed',
  ]);
  const there = await scanStreamedLogs(job(), WORKER);
  assert.deepEqual(there, here);
});

it('falls back to the current thread when the worker fails', async () => {
  const r = await scanStreamedLogs(job(), w.path('bad-worker.js'));
  assert.deepEqual(summary(r), [
    [[2, 'level_error']],
    [
      [1, 'go_panic'],
      [6, 'exit_code'],
    ],
    'failed',
  ]);
});

it('starts the worker before its job is known and hands the job over when it comes', async () => {
  const here = await scanStreamedLogs(job(), null);
  let give: (j: LogThreadJob) => void = () => undefined;
  const later = new Promise<LogThreadJob>((resolve) => (give = resolve));
  const scan = scanStreamedLogs(later, WORKER);
  // The worker is up (or booting) and idle: nothing comes back until the job does.
  await new Promise((r) => setTimeout(r, 200));
  give(job());
  assert.deepEqual(await scan, here);
  // Where there is no worker script the job is scanned on this thread once it comes.
  assert.deepEqual(await scanStreamedLogs(Promise.resolve(job()), w.path('no-such-worker.js')), here);
});

it('fails the scan when the job it waits for fails, and leaves no worker running', async () => {
  const failed = Promise.reject(new Error('the baseline manifest is unreadable'));
  await assert.rejects(scanStreamedLogs(failed, WORKER), /baseline manifest is unreadable/);
});
