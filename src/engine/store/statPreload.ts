import fs from 'node:fs';
import path from 'node:path';
import { racyReference } from './racyClock';
import {
  CANCEL,
  chunkCount,
  CONTROL_SLOTS,
  DONE,
  FIELDS,
  type SharedPaths,
  sharePaths,
  STATE_OK,
  type StatJob,
  statChunks,
} from './statChunks';
import { type CachedDir, loadStatCacheSync, proofStands, type StatCache, type StatCacheMemo, type StatProof } from './statCache';
import { postStatJob, statThread } from './statThread';

/*
 * A warm capture of an unchanged tree is one lstat per folder and per file, and little else: on a
 * 10,000-file tree the lstat calls are most of its time. Git spreads them over threads
 * (core.preloadIndex); so do we. A preload takes the previous capture's stat cache, and a worker
 * thread starts on the lstat calls of every folder and file it names while this thread goes on
 * (the CLI opens the database meanwhile); when the capture needs the results, this thread claims
 * the chunks nobody has started yet, waits for the rest, and the walk then compares with the
 * results instead of calling lstat. Paths the cache does not name (new files, relisted folders)
 * are stat'ed by the capture as before.
 *
 * A result may be older than the capture that uses it, which is safe because the preload's start
 * counts as the capture's start: its wall-clock time and racy reference are taken before the first
 * lstat, and a capture that uses the preload takes the earlier of both. A preload is used only with
 * the very cache it was built from (the memo's object); otherwise it is cancelled and ignored.
 */

/** What the walk and the capture read of a file's or folder's stat data. */
export interface StatLike {
  readonly mode: number;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly ino: number;
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}

const { S_IFMT, S_IFREG, S_IFDIR, S_IFLNK } = fs.constants;

/**
 * One path's results, read where they lie: two fields per object, where copies of five numbers
 * took some 100 bytes each (100,000 of them at 100,000 files). The results are never written
 * again once the preload has settled.
 */
class PreloadedStat implements StatLike {
  constructor(
    private readonly r: Float64Array,
    private readonly at: number,
  ) {}
  get mode(): number {
    return this.r[this.at + 1] as number;
  }
  get size(): number {
    return this.r[this.at + 2] as number;
  }
  get mtimeMs(): number {
    return this.r[this.at + 3] as number;
  }
  get ctimeMs(): number {
    return this.r[this.at + 4] as number;
  }
  get ino(): number {
    return this.r[this.at + 5] as number;
  }
  isFile(): boolean {
    return (this.mode & S_IFMT) === S_IFREG;
  }
  isDirectory(): boolean {
    return (this.mode & S_IFMT) === S_IFDIR;
  }
  isSymbolicLink(): boolean {
    return (this.mode & S_IFMT) === S_IFLNK;
  }
}

/** Paths per claim: big enough that claiming costs nothing, small enough that both threads finish together. */
const CHUNK = 256;
/**
 * Fewer paths than this are stat'ed on the capturing thread alone (a few milliseconds): a worker
 * costs some 40 ms of the other core to boot and 10 MB while it lives.
 */
const MIN_WORKER_PATHS = 2048;
/** A worker that finishes no chunk for this long is given up on; the capture then stats by itself. */
const STALL_MS = 2000;

/** What a preload stats, in order: the cache's folders, then its files; with where each one's result goes. */
interface Layout {
  paths: SharedPaths;
  /** Per folder of `cache.allDirs()`, its index in `paths`, or -1. */
  dirSlots: Int32Array;
  /** Per stat cache row, its index in `paths`, or -1. */
  fileIndex: Int32Array;
}

/**
 * One layout per cache object: a long-lived process (the extension) captures an unchanged tree
 * again and again with the same decoded cache (see StatCacheMemo), and builds the paths once.
 */
const layouts = new WeakMap<StatCache, Layout>();

function layoutOf(cache: StatCache, root: string): Layout {
  const known = layouts.get(cache);
  if (known) return known;
  // Relative paths, shared with the cache: the absolute ones are only ever written as bytes.
  const rels: string[] = [];
  const dirs = cache.allDirs();
  const dirSlots = new Int32Array(dirs.length).fill(-1);
  for (let k = 0; k < dirs.length; k++) {
    const d = dirs[k] as CachedDir;
    // The root is stat'ed following a symlink, and raw-byte names go through Buffers: both by the walk itself.
    if (d.rel === '' || d.rawRel !== undefined || d.ino === -1) continue;
    dirSlots[k] = rels.length;
    rels.push(d.rel);
  }
  const fileIndex = new Int32Array(cache.rowCount).fill(-1);
  for (let row = 0; row < cache.rowCount; row++) {
    if (!preloaded(cache, row)) continue;
    fileIndex[row] = rels.length;
    rels.push(cache.rowPath(row));
  }
  const layout: Layout = { paths: sharePaths(root, rels), dirSlots, fileIndex };
  layouts.set(cache, layout);
  return layout;
}

/** Whether a preload stats the file of `row`: rows a capture lstats (files with an entry; see CaptureRun.processOne), named in UTF-8. */
function preloaded(cache: StatCache, row: number): boolean {
  return cache.rowHasEntry(row) && cache.rowKind(row) === 'file' && cache.rowRawPath(row) === undefined;
}

/**
 * Lets `to`, made from `from` by recording `rows` anew (StatCache.encodeWith: the same paths and
 * folders), use `from`'s layout when those rows are preloaded as before, so a long-lived process's
 * next preload does not lay the paths out again.
 */
export function shareLayout(from: StatCache, to: StatCache, rows: Iterable<number>): void {
  const known = layouts.get(from);
  if (known === undefined || from.rowCount !== to.rowCount) return;
  for (const row of rows) if (preloaded(from, row) !== preloaded(to, row)) return;
  layouts.set(to, known);
}

/** Whether this thread may block in Atomics.wait (a host may forbid it on its main thread, as browsers do). */
let mayBlock = true;

/**
 * Waits a little for the worker to finish a chunk (at most one of 256 lstats is in flight when
 * this is called), or returns at once if it has.
 */
function pause(control: Int32Array, seen: number): void {
  if (mayBlock) {
    try {
      Atomics.wait(control, DONE, seen, 50);
      return;
    } catch {
      mayBlock = false;
    }
  }
  // Polling instead: the wait is short, and it ends the moment the counter moves.
  const until = Date.now() + 1;
  while (Atomics.load(control, DONE) === seen && Date.now() < until);
}

export interface StatPreloadOptions {
  storeDir: string;
  workspaceRoot: string;
  /** Where the decoded stat cache is kept; the capture that uses the preload must load through it. */
  memo: StatCacheMemo;
  /** The worker bundle; null or missing: this thread does all the work when the capture asks. */
  workerScript?: string | null;
}

export class StatPreload {
  private settled: boolean | null = null;
  /** Folder by path, built on the walk's first lookup (the fast path goes by index: dirStands). */
  private dirIndex: Map<string, number> | undefined;
  private here = 0;

  /** Chunks the capturing thread stat'ed itself in {@link settle} (the rest were the worker's). */
  get chunksHere(): number {
    return this.here;
  }

  private constructor(
    /** The cache whose paths are being stat'ed. */
    readonly cache: StatCache,
    /** Wall-clock time before the first lstat. */
    readonly takenAt: number,
    /** The racy reference taken before the first lstat (see racyReference). */
    readonly racyFrom: number,
    private readonly paths: SharedPaths,
    private readonly dirSlots: Int32Array,
    private readonly fileIndex: Int32Array,
    private readonly control: Int32Array,
    private readonly results: Float64Array,
  ) {}

  /**
   * Loads the store's stat cache into `memo` and starts stat'ing what it names; null when there
   * is nothing to preload (no cache yet: a cold capture reads everything anyway).
   */
  static begin(opts: StatPreloadOptions): StatPreload | null {
    const takenAt = Date.now();
    const root = path.resolve(opts.workspaceRoot);
    const cache = loadStatCacheSync(opts.storeDir, root, opts.memo);
    if (cache.rowCount === 0) return null;
    const racyFrom = racyReference(opts.storeDir, root, takenAt);
    const { paths, dirSlots, fileIndex } = layoutOf(cache, root);
    const job: StatJob = {
      paths,
      control: new SharedArrayBuffer(CONTROL_SLOTS * 4),
      results: new SharedArrayBuffer(Math.max(1, paths.count) * FIELDS * 8),
      chunkSize: CHUNK,
    };
    const thread = paths.count >= MIN_WORKER_PATHS ? statThread(opts.workerScript) : null;
    if (thread) postStatJob(thread, job);
    return new StatPreload(
      cache,
      takenAt,
      racyFrom,
      paths,
      dirSlots,
      fileIndex,
      new Int32Array(job.control),
      new Float64Array(job.results),
    );
  }

  /**
   * Stats what nobody has started yet on this thread, then waits for the worker's chunks in
   * flight. False when the worker stalled: the preload is then given up on (every lookup misses).
   */
  settle(): boolean {
    if (this.settled !== null) return this.settled;
    this.here = statChunks(this.paths, this.control, this.results, CHUNK);
    const chunks = chunkCount(this.paths.count, CHUNK);
    let seen = Atomics.load(this.control, DONE);
    let progressAt = Date.now();
    while (seen < chunks) {
      pause(this.control, seen);
      const now = Atomics.load(this.control, DONE);
      if (now !== seen) {
        seen = now;
        progressAt = Date.now();
      } else if (Date.now() - progressAt > STALL_MS) {
        this.cancel();
        return (this.settled = false);
      }
    }
    return (this.settled = true);
  }

  /** Stops the worker's part (the preload is not going to be used). */
  cancel(): void {
    Atomics.store(this.control, CANCEL, 1);
    this.settled ??= false;
  }

  /** The folder's stat data, when preloaded and found; undefined: lstat it as usual. */
  dir(rel: string): StatLike | undefined {
    if (this.dirIndex === undefined) {
      this.dirIndex = new Map();
      const dirs = this.cache.allDirs();
      for (let k = 0; k < dirs.length; k++) {
        const i = this.dirSlots[k] as number;
        if (i >= 0) this.dirIndex.set((dirs[k] as CachedDir).rel, i);
      }
    }
    const i = this.dirIndex.get(rel);
    return i === undefined ? undefined : this.at(i);
  }

  /**
   * Whether folder `k` of `cache.allDirs()` was found a folder with the stat data `cached`
   * records, settled (see proofStands); false when not preloaded or changed. Reads the results
   * in place: a warm capture asks it for every folder, before it knows whether it walks at all.
   */
  dirStands(k: number, cached: StatProof, racyFrom: number): boolean {
    const i = this.dirSlots[k];
    if (this.settled !== true || i === undefined || i < 0) return false;
    const r = this.results;
    const at = i * FIELDS;
    return (
      r[at] === STATE_OK &&
      ((r[at + 1] as number) & S_IFMT) === S_IFDIR &&
      proofStands(r[at + 3] as number, r[at + 4] as number, r[at + 5] as number, cached, racyFrom)
    );
  }

  /** The stat data of the file in cache row `row`, when preloaded and found; undefined: lstat it as usual. */
  file(row: number): StatLike | undefined {
    const i = this.fileIndex[row];
    return i === undefined || i < 0 ? undefined : this.at(i);
  }

  /**
   * Whether the regular file of cache row `row` was found as the cache records it (see
   * StatCache.rowMatches); false when not preloaded or changed. Reads the results in place.
   */
  fileMatches(row: number): boolean {
    const i = this.fileIndex[row];
    if (this.settled !== true || i === undefined || i < 0) return false;
    const r = this.results;
    const at = i * FIELDS;
    if (r[at] !== STATE_OK) return false;
    const mode = r[at + 1] as number;
    return (
      (mode & S_IFMT) === S_IFREG &&
      this.cache.rowMatches(row, 'file', mode, r[at + 2] as number, r[at + 3] as number, r[at + 4] as number, r[at + 5] as number)
    );
  }

  private at(i: number): StatLike | undefined {
    if (this.settled !== true) return undefined;
    const r = this.results;
    const at = i * FIELDS;
    return r[at] === STATE_OK ? new PreloadedStat(r, at) : undefined;
  }
}

/** A preload started before the program had opened its store, with the memo holding its cache. */
export interface OfferedPreload {
  storeDir: string;
  workspaceRoot: string;
  memo: StatCacheMemo;
  preload: StatPreload;
}

/*
 * The CLI launcher starts a snapshot's preload before the CLI bundle is even compiled (some 50 ms
 * of this thread's time, during which the worker stats the tree), from the store its command line
 * names. The launcher and the CLI are separate bundles, so the offer waits on the process's global
 * object under a registered symbol, like the worker itself (see statThread.ts). The store that
 * opens takes it only for the very same store and workspace; the preload's own rule does the rest
 * (a capture uses it only with the cache object it was built from, loaded through its memo).
 */
const OFFERS = Symbol.for('incident-replay.offeredPreload');

export function offerPreload(offer: OfferedPreload): void {
  (globalThis as { [OFFERS]?: OfferedPreload })[OFFERS] = offer;
}

/** The offered preload of this store and workspace, if any; any other offer is cancelled (its worker time is wasted otherwise). */
export function takeOfferedPreload(storeDir: string, workspaceRoot: string): OfferedPreload | null {
  const g = globalThis as { [OFFERS]?: OfferedPreload };
  const offer = g[OFFERS];
  if (offer === undefined) return null;
  delete g[OFFERS];
  if (path.resolve(offer.storeDir) === path.resolve(storeDir) && path.resolve(offer.workspaceRoot) === path.resolve(workspaceRoot))
    return offer;
  offer.preload.cancel();
  return null;
}
