import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EntryType, ManifestEntry, ScanIssue } from '../types';
import * as fsc from './fsCalls';
import { RACY_WINDOW_MS } from './racyClock';

/*
 * What the last capture saw, so the next one can trust what has not changed without reading
 * it, as git's index does: per file, the stat data that proves its entry current; per folder,
 * the stat data that proves its listing current (a folder's mtime changes whenever a name in
 * it is added, removed or renamed), so unchanged folders are not even listed again.
 *
 * It is only a hint: a missing or unreadable cache means a full scan, never a failure. It is
 * read on every capture, so it is columnar and mostly binary (JSON rows of 10k files took
 * ~13 ms to parse; this takes a few):
 *   a JSON header line, "\n", then (8-byte aligned) count x 4 float64 (size, mtimeMs,
 *   ctimeMs, ino), dirCount x 3 float64 (the folders' mtimeMs, ctimeMs, ino), count x u16
 *   flags (mode bits, symlink, binary, stored, has-entry), count x 20-byte id, the folders'
 *   paths joined by NUL (`dirBytes` bytes), and the files' paths joined by NUL (no file name
 *   can contain one). A folder's rarer fields (a .gitignore, special files, a raw name) are in
 *   the header, by folder number: parsing every folder as JSON took ~6 ms per 6,000 folders
 *   in each CLI capture.
 * Rows are every file the walk selected, in path order; a row without an entry (unreadable,
 * changed during the scan) keeps its folder listing complete but is always processed again.
 */

const FORMAT = 'incident-replay-stat-cache/4';
export const STAT_CACHE_FILE = 'stat-cache.bin';

const FLAG_SYMLINK = 1 << 9;
const FLAG_BINARY = 1 << 10;
const FLAG_STORED = 1 << 11;
const FLAG_ENTRY = 1 << 12;

/** The stat fields compared to decide that a file or folder is unchanged. */
export interface StatProof {
  /** Exact (fractional) mtime, as lstat reports it; manifest entries round it down. */
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

/**
 * Whether stat data taken now (its mtime, ctime and inode) is the proof's, and settled: both
 * times before `racyFrom`, so a change within the same clock tick cannot hide behind it.
 */
export function proofStands(mtimeMs: number, ctimeMs: number, ino: number, p: StatProof, racyFrom: number): boolean {
  return mtimeMs === p.mtimeMs && ctimeMs === p.ctimeMs && ino === p.ino && Math.max(mtimeMs, ctimeMs) < racyFrom;
}

/** A manifest entry plus the stat data that proves the file has not changed since. */
export interface CachedFile extends StatProof {
  entry: ManifestEntry;
}

/**
 * The files a capture selected, in path order, read through accessors so that writing the cache
 * builds no object per file.
 */
export interface StatCacheRows {
  readonly count: number;
  path(i: number): string;
  rawPath(i: number): string | undefined;
  kind(i: number): EntryType;
  /** The entry when it was recorded cleanly (with its proof), else null: processed again next time. */
  entry(i: number): ManifestEntry | null;
  proof(i: number): StatProof | null;
}

/** A folder whose listing can be reused while its stat data stays the same. */
export interface CachedDir extends StatProof {
  rel: string;
  rawRel?: string;
  /** Stat of the folder's .gitignore when it has one: its rules shaped the listing. */
  gitignore: (StatProof & { size: number }) | null;
  /** Special files found in it (reported again whenever the listing is reused). */
  specials: ScanIssue[];
}

export interface StatCache {
  readonly workspaceRoot: string;
  /** Wall-clock time at which the capture that wrote the cache started, before it read anything. */
  readonly takenAt: number;
  /** Stat data at or after this time is not trusted (see racyReference). */
  readonly racyFrom: number;
  readonly manifestId: string | null;
  /**
   * The object store's collection token when the cache was written (see
   * ObjectStore.collectionToken): while it is unchanged, every blob a row names as stored still is.
   */
  readonly collection: string | null;
  /** Include/exclude/gitignore settings the folder listings were filtered with. */
  readonly filterKey: string;
  /** Files that have a cached entry. */
  readonly entryCount: number;
  /** Files the walk selected, with an entry or not (rows are 0 to rowCount - 1). */
  readonly rowCount: number;
  /** Every folder listed or reused by the capture that wrote the cache. */
  allDirs(): readonly CachedDir[];
  lookup(key: string): CachedFile | undefined;
  /** Entries in manifest order. */
  entries(): ManifestEntry[];
  dir(rel: string): CachedDir | undefined;
  /** Files (as row numbers, see `row*`) and sub-folders the folder `rel` had, as selected then. */
  children(rel: string): { files: readonly number[]; dirs: readonly CachedDir[] };
  rowPath(row: number): string;
  rowRawPath(row: number): string | undefined;
  rowKind(row: number): EntryType;
  rowCached(row: number): CachedFile | undefined;
  /**
   * The row of the file with this key when it has a cached entry. With the row accessors below,
   * a capture checks a file against the cache without building an entry object per file.
   */
  rowOf(key: string): number | undefined;
  rowHasEntry(row: number): boolean;
  rowSize(row: number): number;
  /** Exact (fractional) mtime, as in {@link StatProof}. */
  rowMtimeMs(row: number): number;
  rowCtimeMs(row: number): number;
  rowStored(row: number): boolean;
  /**
   * Whether stat data taken now shows the file of `row` as the cache recorded it: same kind, mode
   * bits, size, mtime, ctime and inode. One call, reading the columns: a capture asks it per file.
   */
  rowMatches(row: number, kind: EntryType, mode: number, size: number, mtimeMs: number, ctimeMs: number, ino: number): boolean;
  rowId(row: number): string;
  /** Every row's id as 20 bytes, row `r` at `r * 20`: checks against the object store without hex. */
  idColumn(): Uint8Array;
  /** Sum of the sizes of the cached entries, as `entries()` would add up. */
  totalSize(): number;
  /**
   * This cache with the rows in `updates` recorded anew and a new header (the same files, folders
   * and paths): what a capture that found only those rows changed writes, without encoding the
   * others again; and the cache those bytes decode to, sharing this one's paths and folders, for a
   * long-lived process's next capture (see StatCacheMemo).
   */
  encodeWith(head: StatCacheHead, updates: ReadonlyMap<number, RowUpdate>): EncodedStatCache;
}

export interface EncodedStatCache {
  bytes: Buffer;
  cache: StatCache;
}

/** A row recorded anew (see StatCache.encodeWith): its entry and proof, or null to process it again next time. */
export interface RowUpdate {
  kind: EntryType;
  entry: ManifestEntry | null;
  proof: StatProof | null;
}

export interface StatCacheHead {
  workspaceRoot: string;
  takenAt: number;
  racyFrom: number;
  manifestId: string | null;
  /** See StatCache.collection; null when unknown. */
  collection: string | null;
  filterKey: string;
}

export interface StatCacheContent extends StatCacheHead {
  files: StatCacheRows;
  dirs: readonly CachedDir[];
}

/** Unique per file even when two non-UTF-8 names decode to the same `path`. */
export function cacheKey(entry: { path: string; rawPath?: string }): string {
  return entry.rawPath === undefined ? entry.path : `\0${entry.rawPath}`;
}

function parentOf(rel: string): string {
  const slash = rel.lastIndexOf('/');
  return slash < 0 ? '' : rel.slice(0, slash);
}

interface Header {
  format: string;
  workspaceRoot: string;
  takenAt: number;
  /** Files whose mtime or ctime is at or after this are re-read next time (see capture's racy rule). */
  racyFrom?: number;
  manifestId: string | null;
  /** See StatCache.collection; absent in caches written before it was kept. */
  collection?: string;
  filterKey: string;
  count: number;
  rawPaths: Record<string, string>;
  targets: Record<string, string>;
  dirs: CachedDir[];
}

/** What the header keeps of a folder besides its path and stat data, when it has any of it. */
type DirExtras = Pick<CachedDir, 'rawRel'> & Partial<Pick<CachedDir, 'gitignore' | 'specials'>>;

/** The header line as written: the folders are columns, their rarer fields by folder number. */
interface HeaderLine extends Omit<Header, 'dirs'> {
  dirCount: number;
  dirBytes: number;
  dirExtras: Record<string, DirExtras>;
}

class ColumnCache implements StatCache {
  /** Row by cache key, built on first lookup: a capture that reuses every listing never needs it. */
  private rows: Map<string, number> | undefined;
  private readonly made: (CachedFile | undefined)[];
  /** Folder by cache key, built on first lookup: the preload's fast path goes by position. */
  private dirs: Map<string, CachedDir> | undefined;
  private byParent: Map<string, { files: number[]; dirs: CachedDir[] }> | undefined;
  /** The paths column's bytes, once encoded. */
  private joinedPaths: Buffer | undefined;
  readonly entryCount: number;
  /** Almost always: every name is UTF-8, so no row needs a lookup in `rawPaths`. */
  private readonly noRawPaths: boolean;

  constructor(
    private readonly header: Header,
    private readonly nums: Float64Array,
    private readonly flags: Uint16Array,
    /** `count` x 20-byte ids. */
    private readonly ids: Buffer,
    private readonly paths: string[],
    /** Given by encodeWith, whose cache has the same paths. */
    joinedPaths?: Buffer,
  ) {
    this.joinedPaths = joinedPaths;
    this.made = new Array<CachedFile | undefined>(header.count);
    let entries = 0;
    for (let i = 0; i < paths.length; i++) if ((flags[i] as number) & FLAG_ENTRY) entries++;
    this.entryCount = entries;
    this.noRawPaths = Object.keys(header.rawPaths).length === 0;
  }

  get workspaceRoot(): string {
    return this.header.workspaceRoot;
  }
  get takenAt(): number {
    return this.header.takenAt;
  }
  get racyFrom(): number {
    return this.header.racyFrom ?? this.header.takenAt - RACY_WINDOW_MS;
  }
  get manifestId(): string | null {
    return this.header.manifestId;
  }
  get collection(): string | null {
    return this.header.collection ?? null;
  }
  get filterKey(): string {
    return this.header.filterKey;
  }
  get rowCount(): number {
    return this.header.count;
  }

  allDirs(): readonly CachedDir[] {
    return this.header.dirs;
  }

  lookup(key: string): CachedFile | undefined {
    const i = this.rowOf(key);
    return i === undefined ? undefined : this.cached(i);
  }

  rowOf(key: string): number | undefined {
    if (!this.rows) {
      this.rows = new Map<string, number>();
      for (let i = 0; i < this.paths.length; i++) {
        const raw = this.header.rawPaths[i];
        this.rows.set(raw === undefined ? (this.paths[i] as string) : `\0${raw}`, i);
      }
    }
    const i = this.rows.get(key);
    return i !== undefined && (this.flags[i] as number) & FLAG_ENTRY ? i : undefined;
  }

  rowHasEntry(i: number): boolean {
    return ((this.flags[i] as number) & FLAG_ENTRY) !== 0;
  }

  rowSize(i: number): number {
    return this.nums[i * 4] as number;
  }

  rowMtimeMs(i: number): number {
    return this.nums[i * 4 + 1] as number;
  }

  rowCtimeMs(i: number): number {
    return this.nums[i * 4 + 2] as number;
  }

  rowStored(i: number): boolean {
    return ((this.flags[i] as number) & FLAG_STORED) !== 0;
  }

  rowMatches(i: number, kind: EntryType, mode: number, size: number, mtimeMs: number, ctimeMs: number, ino: number): boolean {
    const f = this.flags[i] as number;
    const n = i * 4;
    const nums = this.nums;
    return (
      (f & FLAG_SYMLINK ? 'symlink' : 'file') === kind &&
      (mode & 0o777) === (f & 0o777) &&
      size === nums[n] &&
      mtimeMs === nums[n + 1] &&
      ctimeMs === nums[n + 2] &&
      ino === nums[n + 3]
    );
  }

  rowId(i: number): string {
    return this.ids.toString('hex', i * 20, i * 20 + 20);
  }

  idColumn(): Uint8Array {
    return this.ids;
  }

  totalSize(): number {
    let total = 0;
    for (let i = 0; i < this.header.count; i++) if ((this.flags[i] as number) & FLAG_ENTRY) total += this.nums[i * 4] as number;
    return total;
  }

  /** Fresh objects each time: a cache kept between captures must not share entries with callers. */
  entries(): ManifestEntry[] {
    const out: ManifestEntry[] = [];
    for (let i = 0; i < this.header.count; i++) {
      const c = this.cached(i);
      if (c) out.push({ ...c.entry });
    }
    return out;
  }

  dir(key: string): CachedDir | undefined {
    if (!this.dirs) {
      this.dirs = new Map();
      for (const d of this.header.dirs) this.dirs.set(d.rawRel === undefined ? d.rel : `\0${d.rawRel}`, d);
    }
    return this.dirs.get(key);
  }

  children(key: string): { files: readonly number[]; dirs: readonly CachedDir[] } {
    return this.groups().get(key) ?? { files: [], dirs: [] };
  }

  rowPath(i: number): string {
    return this.paths[i] as string;
  }

  rowRawPath(i: number): string | undefined {
    return this.noRawPaths ? undefined : this.header.rawPaths[i];
  }

  rowKind(i: number): EntryType {
    return (this.flags[i] as number) & FLAG_SYMLINK ? 'symlink' : 'file';
  }

  rowCached(i: number): CachedFile | undefined {
    return this.cached(i);
  }

  encodeWith(head: StatCacheHead, updates: ReadonlyMap<number, RowUpdate>): EncodedStatCache {
    const { count, rawPaths, dirs } = this.header;
    const targets = { ...this.header.targets };
    for (const [row, u] of updates) {
      if (u.entry?.target !== undefined) targets[row] = u.entry.target;
      else delete targets[row];
    }
    const at = layout(headOf(head, count, rawPaths, targets, dirs), count);
    const out = Buffer.allocUnsafe(at.pathsAt + this.pathBytes().length);
    writeHead(out, at);
    // The columns as decoded, then the rows recorded anew over them.
    Buffer.from(this.nums.buffer, this.nums.byteOffset, count * 32).copy(out, at.numsAt);
    Buffer.from(this.flags.buffer, this.flags.byteOffset, count * 2).copy(out, at.flagsAt);
    this.ids.copy(out, at.idsAt, 0, count * 20);
    for (const [row, u] of updates) writeRow(out, at, row, u.kind, u.entry, u.proof);
    this.pathBytes().copy(out, at.pathsAt);
    // What decode() would make of `out`, but with the paths and folders as they are here.
    const nums = new Float64Array(count * 4);
    Buffer.from(nums.buffer).set(out.subarray(at.numsAt, at.dirNumsAt));
    const flags = new Uint16Array(count);
    Buffer.from(flags.buffer).set(out.subarray(at.flagsAt, at.idsAt));
    const header: Header = {
      ...this.header,
      takenAt: head.takenAt,
      racyFrom: head.racyFrom,
      filterKey: head.filterKey,
      manifestId: head.manifestId,
      targets,
    };
    if (head.collection !== null) header.collection = head.collection;
    else delete header.collection;
    const ids = Buffer.from(out.subarray(at.idsAt, at.dirRelsAt));
    const cache = new ColumnCache(header, nums, flags, ids, this.paths, this.joinedPaths);
    // A row not recorded anew decodes to the entry this cache made of it: a long-lived process's
    // next capture takes it as it is instead of building 10,000 entries again for 100 changes.
    for (let i = 0; i < count; i++) {
      const made = this.made[i];
      if (made !== undefined && !updates.has(i)) cache.made[i] = made;
    }
    return { bytes: out, cache };
  }

  /** The paths column as stored: the same bytes whatever rows change. */
  private pathBytes(): Buffer {
    return (this.joinedPaths ??= Buffer.from(this.paths.join('\0'), 'utf8'));
  }

  /** Children grouped by the cache key of their folder; built on first use. */
  private groups(): Map<string, { files: number[]; dirs: CachedDir[] }> {
    if (this.byParent) return this.byParent;
    const groups = new Map<string, { files: number[]; dirs: CachedDir[] }>();
    const group = (key: string): { files: number[]; dirs: CachedDir[] } => {
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { files: [], dirs: [] }));
      return g;
    };
    // Rows are in path order, so neighbours mostly share a folder: its group is found once per run.
    let last: { files: number[]; dirs: CachedDir[] } | null = null;
    let lastDir = '';
    for (let i = 0; i < this.header.count; i++) {
      const raw = this.header.rawPaths[i];
      if (raw !== undefined) {
        group(rawParentKey(raw)).files.push(i);
        continue;
      }
      const p = this.paths[i] as string;
      const slash = p.lastIndexOf('/');
      if (last === null || slash !== lastDir.length || (slash > 0 && !p.startsWith(lastDir))) {
        lastDir = slash < 0 ? '' : p.slice(0, slash);
        last = group(lastDir);
      }
      last.files.push(i);
    }
    for (const d of this.header.dirs) {
      if (d.rel === '') continue;
      group(d.rawRel === undefined ? parentOf(d.rel) : rawParentKey(d.rawRel)).dirs.push(d);
    }
    this.byParent = groups;
    return groups;
  }

  private cached(i: number): CachedFile | undefined {
    const f = this.flags[i] as number;
    if (!(f & FLAG_ENTRY)) return undefined;
    const known = this.made[i];
    if (known) return known;
    const n = i * 4;
    const entry: ManifestEntry = {
      path: this.paths[i] as string,
      type: f & FLAG_SYMLINK ? 'symlink' : 'file',
      size: this.nums[n] as number,
      mode: f & 0o777,
      mtimeMs: Math.floor(this.nums[n + 1] as number),
      id: this.ids.toString('hex', i * 20, i * 20 + 20),
      binary: (f & FLAG_BINARY) !== 0,
      stored: (f & FLAG_STORED) !== 0,
    };
    const raw = this.header.rawPaths[i];
    if (raw !== undefined) entry.rawPath = raw;
    const target = this.header.targets[i];
    if (target !== undefined) entry.target = target;
    const made: CachedFile = {
      entry,
      mtimeMs: this.nums[n + 1] as number,
      ctimeMs: this.nums[n + 2] as number,
      ino: this.nums[n + 3] as number,
    };
    this.made[i] = made;
    return made;
  }
}

/**
 * Folder key of a file whose relative path has raw bytes: the folder's own key is its raw
 * path when that is not UTF-8, else its plain path, which is what {@link dirKey} gives.
 */
function rawParentKey(rawB64: string): string {
  const bytes = Buffer.from(rawB64, 'base64');
  const slash = bytes.lastIndexOf(0x2f);
  return slash < 0 ? '' : dirKey(bytes.subarray(0, slash));
}

/** Cache key of a folder from its relative path bytes. */
export function dirKey(relBytes: Buffer): string {
  const text = relBytes.toString('utf8');
  return Buffer.from(text, 'utf8').equals(relBytes) ? text : `\0${relBytes.toString('base64')}`;
}

class EmptyCache implements StatCache {
  readonly takenAt = 0;
  readonly racyFrom = 0;
  readonly manifestId = null;
  readonly collection = null;
  readonly filterKey = '';
  readonly entryCount = 0;
  readonly rowCount = 0;
  constructor(readonly workspaceRoot: string) {}
  allDirs(): readonly CachedDir[] {
    return [];
  }
  lookup(): undefined {
    return undefined;
  }
  entries(): ManifestEntry[] {
    return [];
  }
  dir(): undefined {
    return undefined;
  }
  children(): { files: readonly number[]; dirs: readonly CachedDir[] } {
    return { files: [], dirs: [] };
  }
  rowPath(): string {
    throw new Error('empty stat cache has no rows');
  }
  rowRawPath(): undefined {
    return undefined;
  }
  rowKind(): 'file' {
    return 'file';
  }
  rowCached(): undefined {
    return undefined;
  }
  rowOf(): undefined {
    return undefined;
  }
  rowHasEntry(): boolean {
    return false;
  }
  rowSize(): number {
    throw new Error('empty stat cache has no rows');
  }
  rowMtimeMs(): number {
    throw new Error('empty stat cache has no rows');
  }
  rowCtimeMs(): number {
    throw new Error('empty stat cache has no rows');
  }
  rowStored(): boolean {
    throw new Error('empty stat cache has no rows');
  }
  rowMatches(): boolean {
    throw new Error('empty stat cache has no rows');
  }
  rowId(): string {
    throw new Error('empty stat cache has no rows');
  }
  idColumn(): Uint8Array {
    return new Uint8Array(0);
  }
  totalSize(): number {
    return 0;
  }
  encodeWith(): EncodedStatCache {
    throw new Error('empty stat cache has no rows');
  }
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

function decode(data: Buffer, workspaceRoot: string): StatCache | null {
  // The numeric columns are read through typed arrays, which use the machine's byte order.
  if (os.endianness() !== 'LE') return null;
  const nl = data.indexOf(10);
  if (nl < 0) return null;
  const h = JSON.parse(data.toString('utf8', 0, nl)) as Partial<HeaderLine>;
  if (h.format !== FORMAT || h.workspaceRoot !== workspaceRoot) return null;
  const { count, takenAt, filterKey, dirCount, dirBytes, dirExtras } = h;
  if (typeof count !== 'number' || typeof takenAt !== 'number' || typeof filterKey !== 'string') return null;
  if (typeof h.rawPaths !== 'object' || typeof h.targets !== 'object') return null;
  if (typeof dirCount !== 'number' || typeof dirBytes !== 'number' || typeof dirExtras !== 'object' || dirExtras === null) return null;
  const at = layoutOf(nl + 1, count, dirCount * 24, dirBytes);
  if (data.length < at.pathsAt) return null;
  // Copies of the columns kept, so the file's bytes (mostly paths, decoded below) are not.
  const nums = new Float64Array(count * 4);
  Buffer.from(nums.buffer).set(data.subarray(at.numsAt, at.dirNumsAt));
  const flags = new Uint16Array(count);
  Buffer.from(flags.buffer).set(data.subarray(at.flagsAt, at.idsAt));
  const ids = Buffer.from(data.subarray(at.idsAt, at.dirRelsAt));
  const paths = count === 0 ? [] : data.toString('utf8', at.pathsAt).split('\0');
  if (paths.length !== count) return null;
  const dirs = decodeDirs(data, at, dirCount, dirExtras);
  if (!dirs) return null;
  const header: Header = {
    format: FORMAT,
    workspaceRoot,
    takenAt,
    // Caches written before the racy reference was recorded: the fixed window, as they were made.
    racyFrom: typeof h.racyFrom === 'number' ? h.racyFrom : takenAt - RACY_WINDOW_MS,
    filterKey,
    count,
    manifestId: typeof h.manifestId === 'string' ? h.manifestId : null,
    ...(typeof h.collection === 'string' ? { collection: h.collection } : {}),
    rawPaths: h.rawPaths ?? {},
    targets: h.targets ?? {},
    dirs,
  };
  return new ColumnCache(header, nums, flags, ids, paths);
}

/** The folders of a cache file, as objects (a few thousand: the walk and the preload go through them). */
function decodeDirs(data: Buffer, at: Layout, count: number, extras: Record<string, DirExtras>): CachedDir[] | null {
  const nums = new Float64Array(count * 3);
  Buffer.from(nums.buffer).set(data.subarray(at.dirNumsAt, at.flagsAt));
  const rels = count === 0 ? [] : data.toString('utf8', at.dirRelsAt, at.pathsAt).split('\0');
  if (rels.length !== count) return null;
  const dirs = new Array<CachedDir>(count);
  for (let k = 0; k < count; k++) {
    const x = extras[k];
    const d: CachedDir = {
      rel: rels[k] as string,
      mtimeMs: nums[k * 3] as number,
      ctimeMs: nums[k * 3 + 1] as number,
      ino: nums[k * 3 + 2] as number,
      gitignore: x?.gitignore ?? null,
      specials: x?.specials ?? [],
    };
    if (x?.rawRel !== undefined) d.rawRel = x.rawRel;
    dirs[k] = d;
  }
  // Written again as read, by a capture that changes only files (see encodeWith).
  dirColumns.set(dirs, { nums: Buffer.from(nums.buffer), rels: Buffer.from(data.subarray(at.dirRelsAt, at.pathsAt)), extras });
  return dirs;
}

/**
 * The decoded cache of one store, kept between captures of a long-lived process (the extension
 * snapshots the same workspace again and again). It is reused only while the file on disk is the
 * very one it was decoded from (same inode, size and times), so a capture by another process is
 * always seen; a capture that rewrites the file drops it.
 */
export class StatCacheMemo {
  cache: StatCache | null = null;
  identity: string | null = null;
  /**
   * Start of the latest capture that found the workspace as this cache describes it without
   * rewriting the file (nothing had changed): the cache's state holds from then, not only from
   * its own `takenAt`.
   */
  verifiedAt: number | null = null;
}

function identityOf(st: fs.Stats): string {
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
}

/**
 * Never throws for a bad cache file: it is a hint, and a capture without it is merely slower.
 * Synchronous: a few calls (one read), where three thread-pool round trips cost more than the
 * work on a warm snapshot that only needs the memo's identity check.
 */
export async function loadStatCache(storeDir: string, workspaceRoot: string, memo?: StatCacheMemo): Promise<StatCache> {
  return loadStatCacheSync(storeDir, workspaceRoot, memo);
}

/** {@link loadStatCache} for a caller that must not yield before it has the cache (a stat preload). */
export function loadStatCacheSync(storeDir: string, workspaceRoot: string, memo?: StatCacheMemo): StatCache {
  const file = path.join(storeDir, STAT_CACHE_FILE);
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY);
    const st = fs.fstatSync(fd);
    const identity = identityOf(st);
    if (memo?.cache && memo.identity === identity && memo.cache.workspaceRoot === workspaceRoot) return memo.cache;
    const data = Buffer.allocUnsafe(st.size);
    let got = 0;
    while (got < st.size) {
      const n = fs.readSync(fd, data, got, st.size - got, got);
      if (n === 0) break;
      got += n;
    }
    const cache = got === st.size ? decode(data, workspaceRoot) : null;
    if (memo) {
      memo.cache = cache;
      memo.identity = cache ? identity : null;
      memo.verifiedAt = null;
    }
    return cache ?? new EmptyCache(workspaceRoot);
  } catch {
    return new EmptyCache(workspaceRoot);
  } finally {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // Closing a descriptor we only read cannot lose anything.
      }
    }
  }
}

export function encodeStatCache(content: StatCacheContent): Buffer {
  const { files } = content;
  const count = files.count;
  const rawPaths: Record<string, string> = {};
  const targets: Record<string, string> = {};
  const paths: string[] = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    paths[i] = files.path(i);
    const raw = files.rawPath(i);
    if (raw !== undefined) rawPaths[i] = raw;
    const target = files.entry(i)?.target;
    if (target !== undefined) targets[i] = target;
  }
  const at = layout(headOf(content, count, rawPaths, targets, content.dirs), count);
  const joined = paths.join('\0');
  const out = Buffer.alloc(at.pathsAt + Buffer.byteLength(joined, 'utf8'));
  writeHead(out, at);
  for (let i = 0; i < count; i++) {
    const e = files.entry(i);
    writeRow(out, at, i, files.kind(i), e, e ? files.proof(i) : null);
  }
  out.write(joined, at.pathsAt, 'utf8');
  return out;
}

/** The folders as written: their stat numbers, their paths joined by NUL, their rarer fields by number. */
interface DirColumns {
  nums: Buffer;
  rels: Buffer;
  extras: Record<string, DirExtras>;
}

/**
 * The columns of a folder list, once per list: a long-lived process that records a few changed
 * files again and again writes the same folders (encodeWith keeps the list).
 */
const dirColumns = new WeakMap<readonly CachedDir[], DirColumns>();

function columnsOf(dirs: readonly CachedDir[]): DirColumns {
  const known = dirColumns.get(dirs);
  if (known) return known;
  const nums = new Float64Array(dirs.length * 3);
  const extras: Record<string, DirExtras> = {};
  for (let k = 0; k < dirs.length; k++) {
    const d = dirs[k] as CachedDir;
    nums[k * 3] = d.mtimeMs;
    nums[k * 3 + 1] = d.ctimeMs;
    nums[k * 3 + 2] = d.ino;
    if (d.rawRel === undefined && d.gitignore === null && d.specials.length === 0) continue;
    const x: DirExtras = {};
    if (d.rawRel !== undefined) x.rawRel = d.rawRel;
    if (d.gitignore !== null) x.gitignore = d.gitignore;
    if (d.specials.length > 0) x.specials = d.specials;
    extras[k] = x;
  }
  const columns = { nums: Buffer.from(nums.buffer), rels: Buffer.from(dirs.map((d) => d.rel).join('\0'), 'utf8'), extras };
  dirColumns.set(dirs, columns);
  return columns;
}

interface Head {
  line: Buffer;
  dirs: DirColumns;
}

function headOf(
  h: StatCacheHead,
  count: number,
  rawPaths: Record<string, string>,
  targets: Record<string, string>,
  folders: readonly CachedDir[],
): Head {
  const dirs = columnsOf(folders);
  const line: HeaderLine = {
    format: FORMAT,
    workspaceRoot: h.workspaceRoot,
    takenAt: h.takenAt,
    racyFrom: h.racyFrom,
    manifestId: h.manifestId,
    ...(h.collection !== null ? { collection: h.collection } : {}),
    filterKey: h.filterKey,
    count,
    rawPaths,
    targets,
    dirCount: folders.length,
    dirBytes: dirs.rels.length,
    dirExtras: dirs.extras,
  };
  return { line: Buffer.from(`${JSON.stringify(line)}\n`, 'utf8'), dirs };
}

/** Where each column starts; `pathsAt` is where the files' paths start and run to the end. */
interface Layout {
  numsAt: number;
  dirNumsAt: number;
  flagsAt: number;
  idsAt: number;
  dirRelsAt: number;
  pathsAt: number;
}

function layoutOf(headBytes: number, count: number, dirNumBytes: number, dirRelBytes: number): Layout {
  const numsAt = align8(headBytes);
  const dirNumsAt = numsAt + count * 32;
  const flagsAt = dirNumsAt + dirNumBytes;
  const idsAt = flagsAt + count * 2;
  const dirRelsAt = idsAt + count * 20;
  return { numsAt, dirNumsAt, flagsAt, idsAt, dirRelsAt, pathsAt: dirRelsAt + dirRelBytes };
}

function layout(h: Head, count: number): Layout & Head {
  return { ...h, ...layoutOf(h.line.length, count, h.dirs.nums.length, h.dirs.rels.length) };
}

/** The header line, its padding and the folders' columns. */
function writeHead(out: Buffer, at: Layout & Head): void {
  at.line.copy(out, 0);
  out.fill(0, at.line.length, at.numsAt);
  at.dirs.nums.copy(out, at.dirNumsAt);
  at.dirs.rels.copy(out, at.dirRelsAt);
}

/** Row `i`'s columns; a row without an entry and proof keeps only its kind (processed again next time). */
function writeRow(out: Buffer, at: Layout, i: number, kind: EntryType, e: ManifestEntry | null, proof: StatProof | null): void {
  let flags = kind === 'symlink' ? FLAG_SYMLINK : 0;
  const n = at.numsAt + i * 32;
  if (e && proof) {
    out.writeDoubleLE(e.size, n);
    out.writeDoubleLE(proof.mtimeMs, n + 8);
    out.writeDoubleLE(proof.ctimeMs, n + 16);
    out.writeDoubleLE(proof.ino, n + 24);
    flags |= FLAG_ENTRY | (e.mode & 0o777) | (e.binary ? FLAG_BINARY : 0) | (e.stored ? FLAG_STORED : 0);
    out.write(e.id, at.idsAt + i * 20, 20, 'hex');
  } else {
    out.fill(0, n, n + 32);
    out.fill(0, at.idsAt + i * 20, at.idsAt + i * 20 + 20);
  }
  out.writeUInt16LE(flags, at.flagsAt + i * 2);
}

/**
 * Replaced atomically (temporary name, rename). Not fsynced: after a crash a damaged cache
 * is simply ignored, and every entry is re-checked against the file and the store anyway.
 */
export async function saveStatCache(storeDir: string, content: StatCacheContent | EncodedStatCache, memo?: StatCacheMemo): Promise<void> {
  if (memo) {
    memo.cache = null;
    memo.identity = null;
    memo.verifiedAt = null;
  }
  const target = path.join(storeDir, STAT_CACHE_FILE);
  const tmp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
  const [bytes, decoded] = 'bytes' in content ? [content.bytes, content.cache] : [encodeStatCache(content), null];
  await fsc.writeFileAtomic(target, tmp, bytes, { sync: false });
  if (memo && decoded) {
    // Captures save under the store lock, so the file is still the one just written: the next
    // capture here takes the cache as it is instead of reading and decoding it back.
    memo.identity = identityOf(fs.statSync(target));
    memo.cache = decoded;
  }
}
