/**
 * Big logs (those streamed from disk) are scanned in a worker thread, while the main thread
 * scans the other changed files for secrets and constraints and reads the decisions: on a
 * 50 MB log the scan is the longest single step of an analysis, and it needs nothing else.
 * Without the worker bundle (running from sources) or when the worker fails, the same scan runs
 * on the main thread.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ScanBudget } from '../content/scanBudget';
import { LogScan, type LogScanOutput, type LogScanSettings } from './logScan';
import { type BigLog, ChangedOnDisk, readNewLines } from './bigLog';

/** What a worker is given: plain data only. */
export interface LogThreadJob {
  settings: LogScanSettings;
  workspaceFiles: readonly string[];
  budgetMs: number;
  logs: readonly BigLog[];
}

/** One log's scan, or why there is none. */
export type BigLogScan =
  /** `id`: the git blob id of the bytes scanned, to be checked against the snapshot's; null when the file kept the snapshot's size and mtime throughout. */
  { kind: 'scanned'; output: LogScanOutput; id: string | null } | { kind: 'changed' } | { kind: 'failed'; message: string };

export interface LogThreadResult {
  /** One per log of the job, in order. */
  scans: BigLogScan[];
  /** What the time budget left out. */
  skipped: string[];
}

/** The worker bundle, built next to the engine's bundles (dist/). */
export const DEFAULT_WORKER_SCRIPT = path.join(__dirname, 'logScanWorker.js');

/**
 * Scans `job.logs` in a worker running `workerScript` (null: on this thread), one output per
 * log in order. A worker that cannot start or dies is replaced by a scan on this thread.
 *
 * The job may still be on its way (a promise): the worker is started at once and handed the job
 * when it comes, so its start (40-80 ms on a busy 2-core machine) overlaps whatever the job waits
 * for (the analysis reads the baseline's manifest meanwhile). If the job fails, so does the scan.
 */
export function scanStreamedLogs(
  job: LogThreadJob | Promise<LogThreadJob>,
  workerScript: string | null = DEFAULT_WORKER_SCRIPT,
): Promise<LogThreadResult> {
  if (!(job instanceof Promise)) {
    if (job.logs.length === 0) return Promise.resolve({ scans: [], skipped: [] });
    if (workerScript === null || !existsSync(workerScript)) return runLogJob(job);
  } else if (workerScript === null || !existsSync(workerScript)) {
    return job.then((j) => scanStreamedLogs(j, null));
  }
  const ready = Promise.resolve(job);
  return new Promise<LogThreadResult>((resolve, reject) => {
    let settled = false;
    const fallBack = (): void => {
      if (settled) return;
      settled = true;
      resolve(ready.then(runLogJob));
    };
    let worker: Worker;
    try {
      // A job known now travels as workerData; one still coming is posted (see logScanWorker.ts).
      worker = new Worker(workerScript, job instanceof Promise ? {} : { workerData: job });
    } catch {
      fallBack();
      return;
    }
    worker.once('message', (result: LogThreadResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    });
    worker.once('error', fallBack);
    worker.once('exit', fallBack);
    if (job instanceof Promise) {
      job.then(
        (j) => {
          if (!settled) worker.postMessage(j);
        },
        (e: unknown) => {
          if (settled) return;
          settled = true;
          void worker.terminate();
          reject(e instanceof Error ? e : new Error(String(e)));
        },
      );
    }
  });
}

/** Scans the logs of a job on the current thread; a log that changed or cannot be read is reported, not fatal. */
export async function runLogJob(job: LogThreadJob): Promise<LogThreadResult> {
  const scan = new LogScan(job.settings, new Set(job.workspaceFiles), new ScanBudget(job.budgetMs));
  const scans: BigLogScan[] = [];
  for (const log of job.logs) {
    try {
      let id: string | null = null;
      const output = await scan.scan({
        path: log.path,
        mtimeMs: log.mtimeMs,
        read: async (max, begin) => {
          id = await readNewLines(log, max, (start) => begin(start.firstLine));
        },
      });
      scans.push({ kind: 'scanned', output, id });
    } catch (e) {
      scans.push(e instanceof ChangedOnDisk ? { kind: 'changed' } : { kind: 'failed', message: (e as Error).message });
    }
  }
  return { scans, skipped: [...scan.budget.skipped] };
}
