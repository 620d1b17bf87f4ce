import fs from 'node:fs';

/*
 * The lstat work of a stat preload (see statPreload.ts), shared by the thread that asks for it and
 * a worker thread: both claim chunks of the path list from one counter in shared memory, so the
 * two cores of a small machine split the work and neither does a path twice. Imports nothing but
 * `fs`, so the worker bundle stays small and starts fast.
 *
 * Shared memory: the paths (see SharedPaths); `control` (Int32) holds the next chunk to claim,
 * the number of chunks done and a cancel flag; `results` (Float64) holds FIELDS numbers per path,
 * written only by the thread that claimed its chunk, and read by the asking thread only after
 * that chunk counts as done.
 */

export const NEXT = 0;
export const DONE = 1;
export const CANCEL = 2;
export const CONTROL_SLOTS = 3;

/** Per path: state (0 until its chunk is stat'ed), mode, size, mtimeMs, ctimeMs, ino. */
export const FIELDS = 6;
export const STATE_OK = 1;
/** lstat found nothing, or failed: the capture asks again itself and handles the error as always. */
const STATE_FAILED = 2;

/**
 * The paths of a job, in shared memory: `root/` then each relative path, whose UTF-8 bytes lie
 * in `bytes` from `offsets[i]` to `offsets[i + 1]`. Neither thread builds an array of 100,000
 * absolute paths, and posting the job copies nothing.
 */
export interface SharedPaths {
  root: string;
  bytes: SharedArrayBuffer;
  offsets: SharedArrayBuffer;
  count: number;
}

/** What the asking thread posts to the worker: shared memory only. */
export interface StatJob {
  paths: SharedPaths;
  control: SharedArrayBuffer;
  results: SharedArrayBuffer;
  chunkSize: number;
}

export function chunkCount(paths: number, chunkSize: number): number {
  return Math.ceil(paths / chunkSize);
}

/** Writes the relative paths `rels` (under `root`) into shared memory. */
export function sharePaths(root: string, rels: readonly string[]): SharedPaths {
  // One join and one write: per-path calls cost more in a process that runs this once, uncompiled.
  const joined = rels.join('');
  const total = Buffer.byteLength(joined, 'utf8');
  const bytes = new SharedArrayBuffer(Math.max(1, total));
  const offsets = new SharedArrayBuffer((rels.length + 1) * 4);
  const at = new Int32Array(offsets);
  Buffer.from(bytes).write(joined, 0, 'utf8');
  // ASCII paths (the common case) take one byte per character; others are measured one by one.
  const ascii = total === joined.length;
  let used = 0;
  for (let i = 0; i < rels.length; i++) {
    at[i] = used;
    const rel = rels[i] as string;
    used += ascii ? rel.length : Buffer.byteLength(rel, 'utf8');
  }
  at[rels.length] = used;
  return { root: `${root}/`, bytes, offsets, count: rels.length };
}

/** Claims and stats chunks until none is left or the job is cancelled; returns how many it did. */
export function statChunks(paths: SharedPaths, control: Int32Array, results: Float64Array, chunkSize: number): number {
  const bytes = Buffer.from(paths.bytes);
  const offsets = new Int32Array(paths.offsets);
  const chunks = chunkCount(paths.count, chunkSize);
  for (let done = 0; ; done++) {
    if (Atomics.load(control, CANCEL) !== 0) return done;
    const c = Atomics.add(control, NEXT, 1);
    if (c >= chunks) return done;
    const end = Math.min(paths.count, (c + 1) * chunkSize);
    for (let i = c * chunkSize; i < end; i++) {
      const at = i * FIELDS;
      let st: fs.Stats | undefined;
      try {
        st = fs.lstatSync(paths.root + bytes.toString('utf8', offsets[i], offsets[i + 1]), { throwIfNoEntry: false });
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
