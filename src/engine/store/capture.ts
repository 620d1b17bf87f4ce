import { isUtf8 } from 'node:buffer';
import fs from 'node:fs';
import path from 'node:path';
import { InputError, JobError } from '../errors';
import type { CaptureStats, ManifestEntry, ScanIssue, ScanIssueKind } from '../types';
import * as fsc from './fsCalls';
import { gitExcludeSources } from './gitExcludes';
import { GitBlobHasher, gitBlobId } from './gitBlobId';
import type { LooseWriter } from './looseObject';
import { compareEntries, storeManifest } from './manifest';
import { LARGE_BLOB_BYTES, type ObjectStore, type StagedBlob } from './objectStore';
import type { PackWriter } from './packWriter';
import {
  blobsStillStored,
  cachedEntry,
  changesOnPreload,
  compareIssues,
  oversizedIssue,
  type PreloadChanges,
  unchangedOf,
  unchangedOnJournal,
} from './cacheVerdict';
import { PathFilter } from './pathFilter';
import {
  type CachedFile,
  cacheKey,
  loadStatCache,
  type RowUpdate,
  saveStatCache,
  type StatCache,
  type StatCacheMemo,
  type StatCacheRows,
  type StatProof,
} from './statCache';
import { RACY_WINDOW_MS, racyReference } from './racyClock';
import { shareLayout, type StatLike, type StatPreload } from './statPreload';
import { abortError, storeWriteMessage } from './storeErrors';
import { TimeSlicer } from './timeSlice';
import { type Found, foundAbs, type JournalTrust, journalTrust, walkWorkspace } from './walk';

/**
 * Test-only seams, so tests can change a file at an exact moment of the scan or pretend time
 * has passed. Production callers leave them unset.
 */
export interface CaptureTestHooks {
  /** Called once per file after it was opened and its metadata taken, before its content is read. */
  beforeRead?: (path: string) => void | Promise<void>;
  /** Stands in for Date.now() in the racy-timestamp rule. */
  now?: () => number;
}

export interface CaptureOptions {
  workspaceRoot: string;
  storeDir: string;
  /** Globs of files to take; empty means everything. */
  include: string[];
  exclude: string[];
  respectGitignore: boolean;
  maxFileSizeBytes: number;
  signal?: AbortSignal;
  onProgress?: (filesDone: number) => void;
  /** Told of each file over the size limit that is about to be hashed (see OversizedFile). */
  onOversizedFile?: (file: OversizedFile) => void;
  /** Keeps the decoded stat cache between captures of a long-lived store (see StatCacheMemo). */
  statCacheMemo?: StatCacheMemo;
  /** What a complete file-event journal saw change; see {@link JournalChanges}. */
  journal?: JournalChanges;
  /**
   * Stat data of the previous capture's files and folders, being taken ahead on another thread
   * (see StatPreload); used when it was built from the stat cache this capture loads (through
   * `statCacheMemo`), and then its start counts as the capture's start.
   */
  preload?: StatPreload;
  testHooks?: CaptureTestHooks;
}

/**
 * A file over the size limit, read (hashed only) by this capture: the analysis scans big logs
 * meanwhile rather than after. `size` and `mtimeMs` are what the manifest will record unless
 * the file changes during the capture.
 */
export interface OversizedFile {
  path: string;
  abs: string;
  size: number;
  /** Whole milliseconds, as in manifests. */
  mtimeMs: number;
  /** The paths this capture found (its manifest's paths, unless some vanish or fail). */
  listedPaths: () => readonly string[];
}

/**
 * The paths a file watcher reported (created, changed or deleted; files or folders) from `since`
 * until now, from a journal known to be complete for that time: the watcher ran throughout and
 * reported no overflow or error. A capture then reads and verifies only what it names, and takes
 * every other file from the previous capture without a stat, provided that capture started at or
 * after `since`; otherwise, or when the stat cache cannot vouch for a file (racy, missing blob),
 * the file is checked as usual. A change made within the watcher's delivery delay before the
 * capture is seen by the next one, as a change made during a full walk may be.
 */
export interface JournalChanges {
  /** Epoch milliseconds (Date.now()) from which the journal is complete. */
  since: number;
  /** Workspace-relative POSIX paths. */
  paths: Iterable<string>;
}

export interface CaptureResult {
  /** In manifest order. */
  entries: ManifestEntry[];
  manifestId: string;
  /** `entries.length` and the sum of their sizes, without building the entries when unchanged. */
  fileCount: number;
  byteCount: number;
  issues: ScanIssue[];
  stats: CaptureStats;
}

export { RACY_WINDOW_MS } from './racyClock';
/** Reads of a file that keeps changing before the scan gives up on a stable copy. */
const MAX_ATTEMPTS = 3;
const BINARY_SNIFF_BYTES = 8192;
const PROGRESS_EVERY = 100;

// No following a symlink swapped in since the listing, and never blocking on a FIFO swapped in.
// Both flags are missing on Windows, where neither race applies in the same way.
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0);

interface Recorded {
  entry: ManifestEntry;
  /** Stat data proving the entry current; null when the file changed under us (never cached). */
  stat: StatProof | null;
  /** The cached entry itself, unchanged. */
  same?: true;
}

type Attempt =
  | { kind: 'done'; recorded: Recorded | null }
  /** `fallback` records the last complete read; called only when the scan gives up re-reading. */
  | { kind: 'changed'; fallback: (() => Promise<Recorded>) | null; why: string };

/** Takes a point-in-time snapshot of a workspace folder into the store. */
export async function captureWorkspace(objects: ObjectStore, opts: CaptureOptions): Promise<CaptureResult> {
  const started = Date.now();
  const root = await resolveRoot(opts.workspaceRoot);
  const storeDir = path.resolve(opts.storeDir);
  fs.mkdirSync(storeDir, { recursive: true });
  const storeRel = await relativeInside(root, storeDir);
  if (storeRel === '') {
    throw new InputError(`the snapshot store ${storeDir} is the workspace folder itself: choose a sub-folder or a folder elsewhere`);
  }
  if (opts.signal?.aborted) throw abortError();
  const now = (opts.testHooks?.now ?? Date.now)();
  const cache = await loadStatCache(storeDir, root, opts.statCacheMemo);
  // Read before anything is checked, under the store lock that every collection takes too.
  const collection = objects.collectionToken();
  const preload = opts.preload?.cache === cache && !opts.journal && opts.preload.settle() ? opts.preload : undefined;
  if (opts.preload && !preload) opts.preload.cancel();
  // Stat data taken by the preload is this capture's: it started when the preload did.
  const takenAt = preload ? Math.min(now, preload.takenAt) : now;
  // Tests that move the clock keep the fixed window; real captures use the file system's clock,
  // read by the preload before its first lstat when there is one (no second marker write).
  const racyFrom = opts.testHooks?.now ? takenAt - RACY_WINDOW_MS : (preload?.racyFrom ?? racyReference(storeDir, root, now));
  // git's exclude files are part of the filter: when they change, cached listings are not reused.
  const excludes = opts.respectGitignore ? gitExcludeSources(root).map((s) => s.text) : [];
  const filterKey = filterKeyOf(opts, storeRel, excludes);
  const verifiedAt = Math.max(cache.takenAt, opts.statCacheMemo?.cache === cache ? (opts.statCacheMemo.verifiedAt ?? 0) : 0);
  const journal = trustedJournal(opts.journal, cache, filterKey, verifiedAt);
  const blobsStored = blobsStillStored(cache, collection);
  // What changed since the cache's capture, by the preload's stat data, when no folder listing did.
  const changes = preload && !journal ? changesOnPreload(objects, cache, opts, preload, root, filterKey, collection) : null;
  // Nothing changed, on a complete journal's word or by the preload's stat data: the cache's
  // manifest stands, if the cache can vouch for every file and folder.
  const same =
    journal && journal.named.size === 0 ? unchangedOnJournal(objects, cache, opts.maxFileSizeBytes) : unchangedOf(changes, cache);
  if (same) {
    if (opts.statCacheMemo?.cache === cache) opts.statCacheMemo.verifiedAt = takenAt;
    opts.onProgress?.(same.files);
    const stats: CaptureStats = {
      filesScanned: same.files,
      filesHashed: 0,
      filesReused: same.files,
      bytesRead: 0,
      durationMs: Date.now() - started,
      ...(journal ? { filesTrusted: same.files } : {}),
    };
    return cacheAsCapture(cache, same.manifestId, same.issues, stats);
  }
  const at: CaptureContext = { root, storeDir, takenAt, racyFrom, collection, filterKey, blobsStored, preload, started };
  if (changes) return await captureChangedRows(objects, opts, cache, changes, at);
  const walk = await walkWorkspace({
    rootRules: excludes,
    root,
    filter: new PathFilter(opts.include, opts.exclude, storeRel),
    respectGitignore: opts.respectGitignore,
    cache,
    filterKey,
    racyFrom: cache.racyFrom,
    ...(journal ? { journal } : {}),
    ...(preload ? { preloaded: preload } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  const { found, issues } = walk;
  const run = new CaptureRun(objects, opts, cache, issues, at, found.length);
  await run.processAll(found);

  const recordedCount = run.recordedCount();
  const unchanged =
    run.exactReuses === recordedCount && recordedCount === cache.entryCount && cache.manifestId !== null && objects.has(cache.manifestId);
  let entries: ManifestEntry[] | null = null;
  let manifestId: string;
  if (!unchanged || walk.listed > 0) run.materialize();
  if (unchanged && cache.manifestId !== null) {
    // Same files, same stat data: the manifest would encode to the bytes already stored.
    manifestId = cache.manifestId;
    await run.finish(() => Promise.resolve());
  } else {
    const list = run.entries.filter((e): e is ManifestEntry => e !== null).sort(compareEntries);
    entries = list;
    manifestId = await run.finish(() => run.storeManifest(list));
  }
  if (!unchanged || walk.listed > 0) {
    // Rows in path order, by index into the walk's list: no object per file.
    const order = Array.from(found.keys()).sort((x, y) => {
      const a = found[x] as Found;
      const b = found[y] as Found;
      return a.path !== b.path ? (a.path < b.path ? -1 : 1) : (a.rawPath ?? '') < (b.rawPath ?? '') ? -1 : 1;
    });
    const at = (k: number): number => order[k] as number;
    const files: StatCacheRows = {
      count: order.length,
      path: (k) => (found[at(k)] as Found).path,
      rawPath: (k) => (found[at(k)] as Found).rawPath,
      kind: (k) => run.entries[at(k)]?.type ?? (found[at(k)] as Found).kind,
      entry: (k) => run.entries[at(k)] ?? null,
      proof: (k) => run.proof(at(k)),
    };
    // The cache is only a hint; failing to write it makes the next capture slower, not wrong.
    await saveStatCache(
      storeDir,
      { workspaceRoot: root, takenAt, racyFrom, manifestId, collection, filterKey, files, dirs: walk.dirs },
      opts.statCacheMemo,
    ).catch(() => undefined);
  } else if (opts.statCacheMemo?.cache === cache) {
    // Nothing changed since the cache was written: it describes the workspace as of this capture too.
    opts.statCacheMemo.verifiedAt = takenAt;
  }
  opts.onProgress?.(found.length);
  issues.sort(compareIssues);
  const stats: CaptureStats = { ...run.stats, durationMs: Date.now() - started };
  if (journal) stats.filesTrusted = run.filesTrusted;
  if (entries) return { entries, manifestId, fileCount: entries.length, byteCount: sumSizes(entries), issues, stats };
  return cacheAsCapture(cache, manifestId, issues, stats);
}

/** Where and when a capture runs, as its parts need it. */
interface CaptureContext {
  root: string;
  storeDir: string;
  /** Start of this capture, for telling files that may be mid-write. */
  takenAt: number;
  racyFrom: number;
  collection: string | null;
  filterKey: string;
  /** No collection since the stat cache was written: every blob it names as stored still is. */
  blobsStored: boolean;
  /** Files' stat data taken ahead, by stat cache row. */
  preload: StatPreload | undefined;
  started: number;
}

/**
 * A capture of a tree whose folder listings all stand (see changesOnPreload): its files are the
 * stat cache's rows. Only the rows that changed are processed, as a walk's capture processes
 * them; the others are the cache's entries, and the new stat cache is the old one with those rows
 * written over (no walk, no object per unchanged file for the cache).
 */
async function captureChangedRows(
  objects: ObjectStore,
  opts: CaptureOptions,
  cache: StatCache,
  changes: PreloadChanges,
  at: CaptureContext,
): Promise<CaptureResult> {
  const { rows } = changes;
  const found = rows.map((row): Found => {
    const f: Found = { path: cache.rowPath(row), kind: cache.rowKind(row), listed: true };
    if (cache.rowHasEntry(row)) f.row = row;
    return f;
  });
  const issues = [...changes.issues];
  const run = new CaptureRun(objects, opts, cache, issues, at, found.length);
  run.capturedPaths = () => Array.from({ length: cache.rowCount }, (_, row) => cache.rowPath(row));
  await run.processAll(found);
  run.materialize();
  const entries: ManifestEntry[] = [];
  const updates = new Map<number, RowUpdate>();
  for (let row = 0, k = 0; row < cache.rowCount; row++) {
    if (row !== rows[k]) {
      entries.push((cache.rowCached(row) as CachedFile).entry);
      continue;
    }
    const entry = run.entries[k] ?? null;
    if (entry) entries.push(entry);
    updates.set(row, { kind: entry?.type ?? cache.rowKind(row), entry, proof: run.proof(k) });
    k++;
  }
  const manifestId = await run.finish(() => run.storeManifest(entries));
  const { root, takenAt, racyFrom, collection, filterKey } = at;
  const head = { workspaceRoot: root, takenAt, racyFrom, manifestId, collection, filterKey };
  // The cache is only a hint; failing to write it makes the next capture slower, not wrong.
  const encoded = cache.encodeWith(head, updates);
  shareLayout(cache, encoded.cache, updates.keys());
  await saveStatCache(at.storeDir, encoded, opts.statCacheMemo).catch(() => undefined);
  opts.onProgress?.(cache.rowCount);
  issues.sort(compareIssues);
  const unchanged = cache.rowCount - rows.length;
  const stats: CaptureStats = {
    ...run.stats,
    filesScanned: unchanged + run.stats.filesScanned,
    filesReused: unchanged + run.stats.filesReused,
    durationMs: Date.now() - at.started,
  };
  return { entries, manifestId, fileCount: entries.length, byteCount: sumSizes(entries), issues, stats };
}

/**
 * What identifies a capture's filter settings (git's exclude files among them, by content):
 * cached listings were filtered by the cache's, and are reused only under the same ones.
 */
export function filterKeyOf(
  opts: Pick<CaptureOptions, 'include' | 'exclude' | 'respectGitignore'>,
  storeRel: string | null,
  excludes: readonly string[],
): string {
  return JSON.stringify([
    opts.include,
    opts.exclude,
    opts.respectGitignore,
    storeRel,
    ...(excludes.length ? [gitBlobId(Buffer.from(excludes.join('\0')))] : []),
  ]);
}

/** An unchanged capture: the cache's files, whose entries are built only if the caller asks for them. */
function cacheAsCapture(cache: StatCache, manifestId: string, issues: ScanIssue[], stats: CaptureStats): CaptureResult {
  let lazy: ManifestEntry[] | null = null;
  return {
    get entries(): ManifestEntry[] {
      lazy ??= cache.entries();
      return lazy;
    },
    manifestId,
    fileCount: cache.entryCount,
    byteCount: cache.totalSize(),
    issues,
    stats,
  };
}

/**
 * The journal's word, when it covers the whole time since the stat cache was last known to
 * describe the workspace (`verifiedAt`: the start of the capture that wrote it, or of a later one
 * in this process that found nothing changed).
 */
function trustedJournal(changes: JournalChanges | undefined, cache: StatCache, filterKey: string, verifiedAt: number): JournalTrust | null {
  if (!changes || cache.entryCount === 0 || cache.filterKey !== filterKey || verifiedAt < changes.since) return null;
  const paths: string[] = [];
  for (const p of changes.paths) {
    // Names that lost bytes to U+FFFD cannot be matched to the cache's exactly.
    if (p.includes('\uFFFD')) return null;
    paths.push(p);
  }
  return journalTrust(paths);
}

async function resolveRoot(workspaceRoot: string): Promise<string> {
  const abs = path.resolve(workspaceRoot);
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch {
    throw new InputError(`workspace folder ${abs} does not exist: open or pass an existing folder to snapshot`);
  }
  if (!st.isDirectory()) throw new InputError(`workspace root ${abs} is not a folder: pass the folder to snapshot, not a file`);
  return abs;
}

/** POSIX path of `inner` relative to `outer` when inside it ('' when equal), else null. */
export async function relativeInside(outer: string, inner: string): Promise<string | null> {
  // Synchronous: two system calls, each cheaper than a thread-pool round trip on a busy machine.
  const real = (p: string): string => {
    try {
      return fs.realpathSync.native(p);
    } catch {
      return p;
    }
  };
  const rel = path.relative(real(outer), real(inner));
  if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
  return rel.split(path.sep).join('/');
}

function sumSizes(entries: readonly ManifestEntry[]): number {
  let n = 0;
  for (const e of entries) n += e.size;
  return n;
}

export function looksBinary(content: Buffer): boolean {
  const head = content.subarray(0, BINARY_SNIFF_BYTES);
  if (head.includes(0)) return true;
  if (isUtf8(head)) return false;
  // The sniff window may cut a multi-byte character in two; that alone is not binary.
  if (content.length > BINARY_SNIFF_BYTES) {
    for (let cut = 1; cut <= 3; cut++) if (isUtf8(head.subarray(0, head.length - cut))) return false;
  }
  return true;
}

function sameStat(a: fs.Stats, b: fs.Stats): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino;
}

function storeFailure(e: unknown): JobError {
  if (e instanceof JobError) return e;
  return new JobError(storeWriteMessage('cannot write to the snapshot store', e));
}

function readFullySync(fd: number, buf: Buffer, length: number, position: number): number {
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, buf, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

function statProof(st: StatLike): StatProof {
  return { mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino };
}

/**
 * One capture's file processing. File system calls are synchronous inside time slices (see
 * TimeSlicer); compression and pack writes run on the thread pool meanwhile, on the other core.
 */
class CaptureRun {
  readonly pack: PackWriter;
  readonly stats = { filesScanned: 0, filesHashed: 0, filesReused: 0, bytesRead: 0 };
  /** Per walked file: its entry, or null when it was not recorded (vanished, unreadable...). */
  readonly entries: (ManifestEntry | null)[];
  /**
   * Per walked file: stat data proving the entry current (mtimeMs, ctimeMs, ino), NaN when it must
   * be re-read next time; numbers rather than an object per file (see {@link proof}).
   */
  private readonly proofs: Float64Array;
  /** Per walked file: the stat cache row it was taken from unchanged, or -1 (then see `entries`). */
  readonly reusedRows: Int32Array;
  /** Files taken from the stat cache unchanged. */
  exactReuses = 0;
  /** Files taken from the stat cache on the journal's word, without a stat. */
  filesTrusted = 0;
  /** Large blobs written during the capture, published together before the pack commits. */
  readonly staged: StagedBlob[] = [];
  private readonly stagedIds = new Set<string>();
  private readonly hooks: CaptureTestHooks;

  private readonly takenAt: number;
  private readonly root: string;
  private readonly preload: StatPreload | undefined;
  private readonly blobsStored: boolean;

  constructor(
    private readonly objects: ObjectStore,
    private readonly opts: CaptureOptions,
    private readonly cache: StatCache,
    private readonly issues: ScanIssue[],
    at: CaptureContext,
    fileCount: number,
  ) {
    this.takenAt = at.takenAt;
    this.root = at.root;
    this.preload = at.preload;
    this.blobsStored = at.blobsStored;
    this.entries = new Array<ManifestEntry | null>(fileCount).fill(null);
    this.proofs = new Float64Array(fileCount * 3).fill(NaN);
    this.reusedRows = new Int32Array(fileCount).fill(-1);
    this.pack = objects.beginPack();
    this.hooks = opts.testHooks ?? {};
  }

  private found: readonly Found[] = [];

  private abs(f: Found): fsc.FsPath {
    return foundAbs(this.root, f);
  }
  private listed: readonly string[] | null = null;
  /** Every path this capture found (see OversizedFile.listedPaths), when more than it processes. */
  capturedPaths: (() => readonly string[]) | null = null;
  private readonly listedPaths = (): readonly string[] => (this.listed ??= this.capturedPaths?.() ?? this.found.map((f) => f.path));

  async processAll(found: readonly Found[]): Promise<void> {
    this.found = found;
    const slicer = new TimeSlicer(this.opts.signal);
    // Small files are read into this buffer, hashed, and copied into the pack.
    const slot = Buffer.allocUnsafe(LARGE_BLOB_BYTES + 1);
    try {
      for (let i = 0; i < found.length; i++) {
        if (slicer.due()) await slicer.yieldNow();
        // Reused files are handled synchronously: no promise per file on the warm path.
        const pending = this.processOne(found[i] as Found, slot, i);
        if (pending) this.keep(i, await pending);
        if ((i + 1) % PROGRESS_EVERY === 0) this.opts.onProgress?.(i + 1);
      }
    } catch (e) {
      await this.abort();
      throw e;
    }
  }

  /** Files recorded, whether read or taken from the cache. */
  recordedCount(): number {
    let n = 0;
    for (let i = 0; i < this.entries.length; i++) if (this.entries[i] || (this.reusedRows[i] as number) >= 0) n++;
    return n;
  }

  /** Fills `entries` and `proofs` for the files recorded by stat cache row. */
  materialize(): void {
    for (let i = 0; i < this.reusedRows.length; i++) {
      const row = this.reusedRows[i] as number;
      if (row < 0) continue;
      const cached = this.cache.rowCached(row) as CachedFile;
      this.entries[i] = cached.entry;
      this.setProof(i, cached);
    }
  }

  /** The stat data proving file `i`'s entry current, or null. */
  proof(i: number): StatProof | null {
    const mtimeMs = this.proofs[i * 3] as number;
    return Number.isNaN(mtimeMs) ? null : { mtimeMs, ctimeMs: this.proofs[i * 3 + 1] as number, ino: this.proofs[i * 3 + 2] as number };
  }

  private setProof(i: number, p: StatProof): void {
    this.proofs[i * 3] = p.mtimeMs;
    this.proofs[i * 3 + 1] = p.ctimeMs;
    this.proofs[i * 3 + 2] = p.ino;
  }

  private keep(i: number, r: Recorded | null): void {
    if (!r) return;
    this.entries[i] = r.entry;
    if (r.stat) this.setProof(i, r.stat);
    if (r.same) this.exactReuses++;
  }

  private issue(p: string, kind: ScanIssueKind, message: string): void {
    this.issues.push({ path: p, kind, message });
  }

  /** Records file `i`; returns a promise only when the file had to be read. */
  private processOne(f: Found, slot: Buffer, i: number): Promise<Recorded | null> | null {
    this.stats.filesScanned++;
    if (f.kind === 'file') {
      const row = f.listed ? f.row : this.cache.rowOf(cacheKey(f));
      if (row !== undefined && f.unnamed) {
        const trusted = this.trust(f, row);
        if (trusted === 'same') {
          this.reusedRows[i] = row;
          this.exactReuses++;
          return null;
        }
        if (trusted) {
          this.keep(i, trusted);
          return null;
        }
      }
      if (row !== undefined) {
        // Only lstat: when the stat data matches, the file is not read at all.
        let st: StatLike | undefined;
        try {
          st = this.preload?.file(row) ?? fs.lstatSync(this.abs(f), { throwIfNoEntry: false });
        } catch (e) {
          return this.fileFailed(f, e);
        }
        if (!st) {
          this.issue(f.path, 'vanished', 'removed during the scan');
          return null;
        }
        if (st.isFile()) {
          const reused = this.reuse(f, row, st);
          if (reused === 'same') {
            // Recorded by row: the entry object is only built if a new manifest needs it.
            this.reusedRows[i] = row;
            this.exactReuses++;
            return null;
          }
          if (reused) {
            this.keep(i, reused);
            return null;
          }
        }
        if (st.isSymbolicLink()) return this.guarded(f, this.symlink(f, st));
        const known = st;
        return this.guarded(f, this.file(f, slot, true), () => this.keptUnreadable(row, known));
      }
    }
    return this.guarded(f, f.kind === 'symlink' ? this.symlink(f, null) : this.file(f, slot, false));
  }

  private async guarded(f: Found, work: Promise<Recorded | null>, unreadable?: () => Recorded | null): Promise<Recorded | null> {
    // Catches synchronous and asynchronous failures of one file alike.
    try {
      return await work;
    } catch (e) {
      const code = fsc.errnoCode(e);
      const kept = unreadable && (code === 'EACCES' || code === 'EPERM') ? unreadable() : null;
      if (!kept) return this.fileFailed(f, e);
      this.issue(f.path, 'unreadable', `permission denied (${code}); its content is kept from the previous snapshot (same size and time)`);
      return kept;
    }
  }

  /**
   * A file the capture may no longer read (chmod 000, another owner): recorded as deleted, it
   * would show in the diff and the analysis as a deletion it is not. When its size and
   * modification time are still those of the previous capture, which stored its content, that
   * content is kept with the mode the file has now: the diff shows the mode change. Its stat data
   * now is cached with it, so the next capture keeps it while nothing about the file changes, and
   * tries to read it again when something does.
   */
  private keptUnreadable(row: number, st: StatLike): Recorded | null {
    const cached = this.cache.rowCached(row);
    if (!cached || cached.entry.type !== 'file' || cached.entry.size !== st.size || cached.entry.mtimeMs !== Math.floor(st.mtimeMs))
      return null;
    if (cachedEntry(this.cache, row, this.objects, this.opts.maxFileSizeBytes, this.blobsStored) === null) return null;
    return { entry: { ...cached.entry, mode: st.mode & 0o777 }, stat: { mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino } };
  }

  /** File system errors of one file become issues; anything else (store failures, bugs) stops the capture. */
  private fileFailed(f: Found, e: unknown): null {
    const code = fsc.errnoCode(e);
    if (e instanceof JobError || e instanceof InputError || code === undefined) throw e;
    if (code === 'ENOENT') this.issue(f.path, 'vanished', 'removed during the scan');
    else if (code === 'EACCES' || code === 'EPERM') this.issue(f.path, 'unreadable', `permission denied (${code})`);
    else this.issue(f.path, 'unreadable', `cannot read (${code})`);
    return null;
  }

  /**
   * Whether the cached entry (stat cache `row`) still holds: 'same' when the stat data proves
   * the file unchanged and its blob is still stored, a record when only the size limit changed
   * what is kept, else null. Reads the cache's columns, so the common case builds no objects.
   */
  private reuse(f: Found, row: number, st: StatLike): 'same' | Recorded | null {
    const c = this.cache;
    const type = st.isSymbolicLink() ? 'symlink' : 'file';
    if (!c.rowMatches(row, type, st.mode, st.size, st.mtimeMs, st.ctimeMs, st.ino)) return null;
    const verdict = cachedEntry(c, row, this.objects, this.opts.maxFileSizeBytes, this.blobsStored);
    if (verdict === null) return null;
    this.stats.filesReused++;
    if (verdict !== 'same') this.oversizedIssue(f, st.size);
    if (verdict !== 'now oversized') return 'same';
    const cached = c.rowCached(row) as CachedFile;
    return { entry: { ...cached.entry, stored: false }, stat: statProof(st) };
  }

  /**
   * {@link reuse} on the journal's word: the cached stat data stands in for an lstat the journal
   * says would find it unchanged. Null (check the file as usual) when the cache cannot vouch for it.
   */
  private trust(f: Found, row: number): 'same' | Recorded | null {
    const c = this.cache;
    if (c.rowKind(row) !== 'file') return null;
    const verdict = cachedEntry(c, row, this.objects, this.opts.maxFileSizeBytes, this.blobsStored);
    if (verdict === null) return null;
    this.stats.filesReused++;
    this.filesTrusted++;
    if (verdict !== 'same') this.oversizedIssue(f, c.rowSize(row));
    if (verdict !== 'now oversized') return 'same';
    const cached = c.rowCached(row) as CachedFile;
    return { entry: { ...cached.entry, stored: false }, stat: { mtimeMs: cached.mtimeMs, ctimeMs: cached.ctimeMs, ino: cached.ino } };
  }

  private oversizedIssue(f: Found, size: number): void {
    this.issues.push(oversizedIssue(f.path, size, this.opts.maxFileSizeBytes));
  }

  private entry(
    f: Found,
    type: ManifestEntry['type'],
    st: StatLike,
    size: number,
    id: string,
    binary: boolean,
    stored: boolean,
  ): ManifestEntry {
    const e: ManifestEntry = { path: f.path, type, size, mode: st.mode & 0o777, mtimeMs: Math.floor(st.mtimeMs), id, binary, stored };
    if (f.rawPath !== undefined) e.rawPath = f.rawPath;
    return e;
  }

  private async symlink(f: Found, known: StatLike | null): Promise<Recorded | null> {
    const st = known ?? fs.lstatSync(this.abs(f));
    if (!st.isSymbolicLink()) {
      this.issue(f.path, 'changed_during_scan', 'changed type during the scan; not recorded');
      return null;
    }
    const row = f.listed ? f.row : this.cache.rowOf(cacheKey(f));
    const reused = row !== undefined ? this.reuse(f, row, st) : null;
    const cached = row !== undefined ? this.cache.rowCached(row) : undefined;
    if (reused === 'same' && cached) return { entry: cached.entry, stat: cached, same: true };
    if (reused && reused !== 'same') return reused;
    const target = fs.readlinkSync(this.abs(f), { encoding: 'buffer' });
    this.stats.filesHashed++;
    const id = gitBlobId(target);
    await this.store(id, target);
    const e = this.entry(f, 'symlink', st, target.length, id, false, true);
    e.target = target.toString('utf8');
    return { entry: e, stat: statProof(st) };
  }

  /**
   * Runs `write` (storing the manifest, if any), then publishes the large blobs and the pack (which
   * holds the manifest that names them); on any failure, nothing is published.
   */
  async finish<T>(write: () => Promise<T>): Promise<T> {
    try {
      const r = await write();
      if (this.opts.signal?.aborted) throw abortError();
      await this.objects.publishLoose(this.staged);
      await this.pack.commit();
      return r;
    } catch (e) {
      await this.abort();
      throw typeof (e as NodeJS.ErrnoException | null)?.code === 'string' ? storeFailure(e) : e;
    }
  }

  /** Stores the manifest of `entries` (in manifest order) with this capture's objects; returns its id. */
  storeManifest(entries: readonly ManifestEntry[]): Promise<string> {
    return storeManifest(this.objects, entries, this.pack, (id) => this.holds(id));
  }

  async abort(): Promise<void> {
    await this.objects.discardLoose(this.staged);
    await this.pack.abort();
  }

  /** Whether the blob is stored already or will be when this capture commits. */
  holds(id: string): boolean {
    return this.objects.has(id) || this.pack.has(id) || this.stagedIds.has(id);
  }

  private async store(id: string, content: Buffer): Promise<void> {
    if (this.holds(id)) return;
    try {
      await this.pack.add(id, content);
    } catch (e) {
      throw storeFailure(e);
    }
  }

  /** Reads a regular file, re-reading when it changes underneath; `seenBefore` = it was in the cache. */
  private async file(f: Found, slot: Buffer, seenBefore: boolean): Promise<Recorded | null> {
    for (let attempt = 1; ; attempt++) {
      const r = await this.readAttempt(f, slot, seenBefore, attempt === 1);
      if (r.kind === 'done') {
        if (attempt > 1 && r.recorded) {
          this.issue(f.path, 'changed_during_scan', 'changed while being read; the content recorded is from a re-read');
          r.recorded.stat = null;
        }
        return r.recorded;
      }
      if (attempt >= MAX_ATTEMPTS) {
        this.issue(
          f.path,
          'changed_during_scan',
          r.fallback
            ? `kept changing while being read (${r.why}); recorded the last complete read`
            : `kept changing while being read (${r.why}); not recorded`,
        );
        return r.fallback ? await r.fallback() : null;
      }
    }
  }

  private async readAttempt(f: Found, slot: Buffer, seenBefore: boolean, first: boolean): Promise<Attempt> {
    let fd: number;
    try {
      fd = fs.openSync(this.abs(f), OPEN_FLAGS);
    } catch (e) {
      // Replaced by a symlink since the folder was listed: O_NOFOLLOW refuses to follow it.
      if (fsc.errnoCode(e) === 'ELOOP') return { kind: 'done', recorded: await this.symlink(f, null) };
      throw e;
    }
    try {
      const st = fs.fstatSync(fd);
      if (!st.isFile()) {
        if (st.isDirectory()) this.issue(f.path, 'changed_during_scan', 'became a folder during the scan; not recorded');
        else this.issue(f.path, 'special_file', 'not a regular file (pipe, socket or device); not captured');
        return { kind: 'done', recorded: null };
      }
      if (first && this.hooks.beforeRead) await this.hooks.beforeRead(f.path);
      if (st.size > this.opts.maxFileSizeBytes) {
        const abs = this.abs(f);
        if (this.opts.onOversizedFile && typeof abs === 'string') {
          this.opts.onOversizedFile({ path: f.path, abs, size: st.size, mtimeMs: Math.floor(st.mtimeMs), listedPaths: this.listedPaths });
        }
        return await this.streamed(f, fd, st, 'hash');
      }
      if (st.size >= LARGE_BLOB_BYTES) {
        if (seenBefore) {
          // Likely unchanged content whose stat data moved (touch, racy): hashing alone may
          // prove it is stored already, which is cheaper than compressing it again.
          const hashed = await this.streamed(f, fd, st, 'hash');
          if (hashed.kind !== 'done' || !hashed.recorded || this.holds(hashed.recorded.entry.id)) return hashed;
          this.stats.filesHashed--;
        }
        return await this.streamed(f, fd, st, 'store');
      }
      const n = readFullySync(fd, slot, st.size + 1, 0);
      this.stats.bytesRead += n;
      // A second fstat catches same-size rewrites during the read. Only files modified just
      // before the capture can plausibly be mid-write, so older ones skip it (a changed size
      // is caught by the length check alone).
      const hot = Math.max(st.mtimeMs, st.ctimeMs) >= this.takenAt - RACY_WINDOW_MS;
      const after = hot || n !== st.size ? fs.fstatSync(fd) : st;
      const content = slot.subarray(0, n);
      const record = async (): Promise<Recorded> => {
        const id = gitBlobId(content);
        this.stats.filesHashed++;
        await this.store(id, content);
        return { entry: this.entry(f, 'file', after, n, id, looksBinary(content), true), stat: null };
      };
      const changed = this.changedWhileRead(f, st, after, n);
      if (changed === 'vanished') return { kind: 'done', recorded: null };
      if (changed) return { kind: 'changed', why: changed, fallback: n <= st.size ? record : null };
      const rec = await record();
      rec.stat = statProof(st);
      return { kind: 'done', recorded: rec };
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Why the bytes just read may not be the file's content, 'vanished' if it is gone, or null. */
  private changedWhileRead(f: Found, before: fs.Stats, after: fs.Stats, bytesRead: number): string | null {
    if (after.nlink === 0) {
      // Unlinked while open: deleted, or replaced by a rename (then the path has new content).
      if (fs.lstatSync(this.abs(f), { throwIfNoEntry: false }) === undefined) {
        this.issue(f.path, 'vanished', 'removed while being read');
        return 'vanished';
      }
      return 'replaced';
    }
    if (bytesRead !== before.size) return bytesRead > before.size ? 'grew' : 'shrank';
    if (!sameStat(before, after)) return 'modified';
    return null;
  }

  /**
   * Large and oversized files, block by block so memory stays flat: 'hash' only computes the
   * id (oversized files, or a check before storing), 'store' also writes a large blob.
   */
  private async streamed(f: Found, fd: number, st: fs.Stats, mode: 'hash' | 'store'): Promise<Attempt> {
    const hasher = new GitBlobHasher(st.size);
    let writer: LooseWriter | null = mode === 'store' ? this.objects.beginLoose() : null;
    const reused = mode === 'hash' ? Buffer.allocUnsafe(Math.min(LARGE_BLOB_BYTES, st.size)) : null;
    const slicer = new TimeSlicer(this.opts.signal);
    let binary = false;
    let pos = 0;
    try {
      while (pos < st.size) {
        await slicer.maybeYield();
        const len = Math.min(LARGE_BLOB_BYTES, st.size - pos);
        // A block being stored stays referenced until compressed, so it cannot be a reused buffer.
        const block = reused ? reused.subarray(0, len) : Buffer.allocUnsafe(len);
        const n = readFullySync(fd, block, len, pos);
        this.stats.bytesRead += n;
        if (pos === 0) binary = looksBinary(block.subarray(0, n));
        if (n < len) break;
        hasher.update(block);
        if (writer) await writer.append(block).catch((e: unknown) => Promise.reject(storeFailure(e)));
        pos += n;
      }
      const extra = pos === st.size ? readFullySync(fd, Buffer.allocUnsafe(1), 1, pos) : 0;
      const after = fs.fstatSync(fd);
      const changed = this.changedWhileRead(f, st, after, pos + extra);
      if (changed === 'vanished') return { kind: 'done', recorded: null };
      if (changed) return { kind: 'changed', why: changed, fallback: null };
      const id = hasher.digest();
      this.stats.filesHashed++;
      if (writer) {
        const w = writer;
        writer = null;
        if (this.objects.has(id) || this.stagedIds.has(id)) await w.abort();
        else {
          this.staged.push(await this.objects.stageLoose(w, id).catch((e: unknown) => Promise.reject(storeFailure(e))));
          this.stagedIds.add(id);
        }
      }
      const stored = st.size <= this.opts.maxFileSizeBytes;
      if (!stored) this.oversizedIssue(f, st.size);
      return { kind: 'done', recorded: { entry: this.entry(f, 'file', st, st.size, id, binary, stored), stat: statProof(st) } };
    } finally {
      if (writer) await writer.abort();
    }
  }
}
