import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { StatJob } from './statChunks';

/*
 * The stat preload's worker thread (see statPreload.ts): one per process, started on first use
 * and stopped when idle. A worker takes some 20-40 ms to boot, so a CLI process that is about to
 * capture starts it first thing (from dist/cli.js, before the CLI bundle is even compiled). The
 * launcher and the CLI are separate bundles with a copy of this module each, so the registry lives
 * on the process's global object under a registered symbol: both copies find the same worker.
 * Imports nothing heavy: the launcher loads it before anything else.
 */

/** The worker bundle, built next to the engine's bundles (dist/). */
const DEFAULT_STAT_WORKER = path.join(__dirname, 'statWorker.js');

/** An idle worker is stopped after this long; a long-lived process (the extension) starts another when needed. */
const IDLE_MS = 60_000;

export interface StatThread {
  readonly script: string;
  readonly worker: Worker;
  idle: NodeJS.Timeout | null;
}

const REGISTRY = Symbol.for('incident-replay.statThreads');

function registry(): Map<string, StatThread | null> {
  const g = globalThis as { [REGISTRY]?: Map<string, StatThread | null> };
  return (g[REGISTRY] ??= new Map<string, StatThread | null>());
}

/** The worker running `script` (started now if needed); null without one (running from sources, or it cannot start). */
export function statThread(script: string | null = DEFAULT_STAT_WORKER): StatThread | null {
  if (script === null) return null;
  const threads = registry();
  const known = threads.get(script);
  if (known !== undefined) return known;
  let thread: StatThread | null = null;
  if (existsSync(script)) {
    try {
      // A small young generation: the worker's garbage (one Stats object per lstat) dies at once,
      // and the default 16 MB semi-spaces would add tens of megabytes to a 100,000-file capture.
      const worker = new Worker(script, { resourceLimits: { maxYoungGenerationSizeMb: 2 } });
      // Never what keeps a process alive: an exiting CLI just ends it.
      worker.unref();
      const t: StatThread = { script, worker, idle: null };
      const drop = (): void => {
        if (threads.get(script) === t) threads.delete(script);
      };
      worker.on('error', drop);
      worker.on('exit', drop);
      stopWhenIdle(t);
      thread = t;
    } catch {
      thread = null;
    }
  }
  threads.set(script, thread);
  return thread;
}

/** Hands the worker a job; it stops after IDLE_MS without another. */
export function postStatJob(thread: StatThread, job: StatJob): void {
  thread.worker.postMessage(job);
  stopWhenIdle(thread);
}

function stopWhenIdle(thread: StatThread): void {
  if (thread.idle) clearTimeout(thread.idle);
  thread.idle = setTimeout(() => {
    const threads = registry();
    if (threads.get(thread.script) === thread) threads.delete(thread.script);
    void thread.worker.terminate();
  }, IDLE_MS);
  thread.idle.unref();
}
