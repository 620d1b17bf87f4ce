import fs from 'node:fs';

/*
 * The lstat work of a stat preload (see statPreload.ts), shared by the thread that asks for it and
 * a worker thread: both claim chunks of the path list from one counter in shared memory, so the
 * two cores of a small machine split the work and neither does a path twice. Imports nothing but
 * `fs`, so the worker bundle stays small and starts fast.
 *
 * Shared memory: `control` (Int32) holds the next chunk to claim, the number of chunks done and a
 * cancel flag; `results` (Float64) holds FIELDS numbers per path, written only by the thread that
 * claimed its chunk, and read by the asking thread only after that chunk counts as done.
 */

export const NEXT = 0;
export const DONE = 1;
export const CANCEL = 2;
export const CONTROL_SLOTS = 3;

/** Per path: state, mode, size, mtimeMs, ctimeMs, ino. */
export const FIELDS = 6;
export const STATE_PENDING = 0;
export const STATE_OK = 1;
/** lstat found nothing, or failed: the capture asks again itself and handles the error as always. */
export const STATE_FAILED = 2;

/** What the asking thread posts to the worker: plain data and shared memory only. */
export interface StatJob {
  /** Absolute paths joined by NUL (no path can contain one): one string clones faster than an array. */
  paths: string;
  control: SharedArrayBuffer;
  results: SharedArrayBuffer;
  chunkSize: number;
}

export function chunkCount(paths: number, chunkSize: number): number {
  return Math.ceil(paths / chunkSize);
}

/** Claims and stats chunks until none is left or the job is cancelled. */
export function statChunks(paths: readonly string[], control: Int32Array, results: Float64Array, chunkSize: number): void {
  const chunks = chunkCount(paths.length, chunkSize);
  for (;;) {
    if (Atomics.load(control, CANCEL) !== 0) return;
    const c = Atomics.add(control, NEXT, 1);
    if (c >= chunks) return;
    const end = Math.min(paths.length, (c + 1) * chunkSize);
    for (let i = c * chunkSize; i < end; i++) {
      const at = i * FIELDS;
      let st: fs.Stats | undefined;
      try {
        st = fs.lstatSync(paths[i] as string, { throwIfNoEntry: false });
      } catch {
        st = undefined;
      }
      if (st === undefined) {
        results[at] = STATE_FAILED;
        continue;
      }
      results[at + 1] = st.mode;
      results[at + 2] = st.size;
      results[at + 3] = st.mtimeMs;
      results[at + 4] = st.ctimeMs;
      results[at + 5] = st.ino;
      results[at] = STATE_OK;
    }
    // The counter's update publishes the chunk's results to a thread that reads the counter.
    Atomics.add(control, DONE, 1);
    Atomics.notify(control, DONE);
  }
}
