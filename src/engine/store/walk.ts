import { isUtf8 } from 'node:buffer';
import fs from 'node:fs';
import type { EntryType, ScanIssue } from '../types';
import { errnoCode, type FsPath } from './fsCalls';
import { GitignoreRules, type PathFilter } from './pathFilter';
import { type CachedDir, dirKey, proofStands, type StatCache, type StatProof } from './statCache';
import type { StatLike } from './statPreload';
import { abortError } from './storeErrors';
import { TimeSlicer } from './timeSlice';

/** What the walk keeps: a file or a symlink (never followed). */
export type FoundKind = EntryType;

/** A file or symlink the walk selected. */
export interface Found {
  /** Workspace-relative POSIX path; invalid UTF-8 bytes show as U+FFFD. */
  path: string;
  /** Base64 of the relative path's bytes, only for names that are not valid UTF-8. */
  rawPath?: string;
  /**
   * The absolute path as raw bytes, only when a name on the way is not valid UTF-8; otherwise it
   * is `<root>/<path>` ({@link foundAbs}), built when needed rather than kept for every file.
   */
  rawAbs?: Buffer;
  kind: FoundKind;
  /** True when the folder listing came from the cache; `row` is then the stat cache row of the file's entry, if it has one. */
  listed?: true;
  row?: number;
  /** The file-event journal names neither it nor a folder above it (see JournalTrust). */
  unnamed?: true;
}

/**
 * What a complete file-event journal says about the interval since the capture that wrote the
 * stat cache: only the paths it names (and what lies under a named folder) can have changed.
 */
export interface JournalTrust {
  /** Paths of files and folders created, changed or deleted since. */
  named: ReadonlySet<string>;
  /** Folders whose listing may have changed: each named path and every folder above one ('' is the root). */
  dirty: ReadonlySet<string>;
}

/** What fs calls take for a found file. */
export function foundAbs(root: string, f: Found): FsPath {
  return f.rawAbs ?? `${root}/${f.path}`;
}

/** The trust a set of named paths gives: every folder above a named path may have a changed listing. */
export function journalTrust(named: Iterable<string>): JournalTrust {
  const set = new Set<string>();
  const dirty = new Set<string>(['']);
  for (const p of named) {
    set.add(p);
    for (let at = p.length; at > 0; at = p.lastIndexOf('/', at - 1)) {
      const dir = p.slice(0, at);
      if (dirty.has(dir)) break;
      dirty.add(dir);
    }
  }
  return { named: set, dirty };
}

export interface WalkOptions {
  root: string;
  filter: PathFilter;
  respectGitignore: boolean;
  cache: StatCache;
  /** Identifies the filter settings; cached listings are reused only under the same ones. */
  filterKey: string;
  /** Stat data at or after this time may hide a change made in the same tick: never trusted. */
  racyFrom: number;
  /** Ignore rules for the whole workspace besides its .gitignore files (git's exclude files), lowest precedence first. */
  rootRules?: readonly string[];
  /**
   * A complete journal of the interval: folders it does not make dirty keep their cached listing
   * without even a stat, and files it does not name are marked `unnamed`.
   */
  journal?: JournalTrust;
  /** Folders' stat data taken ahead (see StatPreload), for the cache the walk is given. */
  preloaded?: { dir(rel: string): StatLike | undefined };
  signal?: AbortSignal;
}

export interface WalkResult {
  found: Found[];
  issues: ScanIssue[];
  /** Every folder listed or reused, for the next capture's cache. */
  dirs: CachedDir[];
  /** Folders that had to be listed because their cached listing was missing or stale. */
  listed: number;
}

interface Dir {
  rel: string;
  /** Relative path bytes when some component is not valid UTF-8. */
  relBytes: Buffer | null;
  abs: FsPath;
  rules: GitignoreRules;
  /** A .gitignore above changed, so the cached listings below were filtered by old rules. */
  relist: boolean;
  /** The journal named this folder or one above it: nothing below is taken on its word. */
  named: boolean;
}

interface Named {
  name: string;
  bytes: Buffer | null;
  dirent: fs.Dirent | fs.Dirent<Buffer>;
}

const SLASH = Buffer.from('/');

function joinAbs(parent: FsPath, name: string, bytes: Buffer | null): FsPath {
  if (bytes === null && typeof parent === 'string') return `${parent}/${name}`;
  const p = typeof parent === 'string' ? Buffer.from(parent, 'utf8') : parent;
  return Buffer.concat([p, SLASH, bytes ?? Buffer.from(name, 'utf8')]);
}

function join(rel: string, name: string): string {
  return rel === '' ? name : `${rel}/${name}`;
}

function joinRel(dir: Dir, name: string, bytes: Buffer | null): Buffer {
  const own = bytes ?? Buffer.from(name, 'utf8');
  if (dir.rel === '') return own;
  return Buffer.concat([dir.relBytes ?? Buffer.from(dir.rel, 'utf8'), SLASH, own]);
}

function proof(st: StatLike): StatProof {
  return { mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino };
}

/**
 * Whether a folder's cached listing still holds, given the folder's stat data now: the same stat
 * data, settled (older than `racyFrom`), and, when .gitignore rules apply (`gitignore` is the
 * folder's .gitignore path), the same for the .gitignore whose rules filtered the listing.
 */
export function cachedListingStands(st: StatLike, cached: CachedDir, gitignore: FsPath | null, racyFrom: number): boolean {
  return proofStands(st.mtimeMs, st.ctimeMs, st.ino, cached, racyFrom) && cachedGitignoreStands(cached, gitignore, racyFrom);
}

/** The .gitignore part of {@link cachedListingStands}: true when no .gitignore shaped the listing. */
export function cachedGitignoreStands(cached: CachedDir, gitignore: FsPath | null, racyFrom: number): boolean {
  if (gitignore === null || !cached.gitignore) return true;
  const gst = fs.lstatSync(gitignore, { throwIfNoEntry: false });
  return (
    !!gst &&
    gst.isFile() &&
    gst.size === cached.gitignore.size &&
    proofStands(gst.mtimeMs, gst.ctimeMs, gst.ino, cached.gitignore, racyFrom)
  );
}

/**
 * Lists a folder. Names come back as strings (fast); only when one looks like it lost bytes
 * to U+FFFD is the folder listed again as raw bytes, so non-UTF-8 names are kept exactly.
 */
function listDir(abs: FsPath): Named[] {
  if (typeof abs === 'string') {
    const dirents = fs.readdirSync(abs, { withFileTypes: true });
    if (!dirents.some((d) => d.name.includes('\uFFFD'))) {
      return dirents.map((d) => ({ name: d.name, bytes: null, dirent: d }));
    }
  }
  return fs.readdirSync(abs, { withFileTypes: true, encoding: 'buffer' }).map((d) => {
    const raw = d.name;
    return { name: raw.toString('utf8'), bytes: isUtf8(raw) ? null : raw, dirent: d };
  });
}

function describeSpecial(d: fs.Dirent | fs.Dirent<Buffer>): string {
  if (d.isFIFO()) return 'a named pipe (FIFO)';
  if (d.isSocket()) return 'a socket';
  if (d.isCharacterDevice()) return 'a character device';
  if (d.isBlockDevice()) return 'a block device';
  return 'a special file';
}

/**
 * Walks the workspace without following symlinks and returns what the filters select. A
 * folder whose stat data (and .gitignore) match the cache is not listed again: its cached
 * listing is used. Unlistable folders and special files (FIFOs, sockets, devices) are issues.
 */
export async function walkWorkspace(opts: WalkOptions): Promise<WalkResult> {
  const found: Found[] = [];
  const issues: ScanIssue[] = [];
  const dirs: CachedDir[] = [];
  let listed = 0;
  const { filter, respectGitignore, cache, racyFrom } = opts;
  const reuseListings = cache.filterKey === opts.filterKey;
  const rootBytes = Buffer.from(opts.root, 'utf8');
  const slicer = new TimeSlicer(opts.signal);
  let rootRules = GitignoreRules.none();
  if (respectGitignore) for (const text of opts.rootRules ?? []) rootRules = rootRules.with('', () => text);
  const journal = reuseListings ? opts.journal : undefined;
  const stack: Dir[] = [{ rel: '', relBytes: null, abs: opts.root, rules: rootRules, relist: false, named: false }];
  if (opts.signal?.aborted) throw abortError();

  /** Walks on with a folder's cached listing (its files, then its sub-folders). */
  const reuseListing = (key: string, cached: CachedDir, rules: GitignoreRules, named: boolean): void => {
    const children = cache.children(key);
    for (const row of children.files) {
      const p = cache.rowPath(row);
      const raw = cache.rowRawPath(row);
      const item: Found = { path: p, kind: cache.rowKind(row), listed: true };
      if (cache.rowHasEntry(row)) item.row = row;
      if (raw !== undefined) {
        item.rawPath = raw;
        item.rawAbs = Buffer.concat([rootBytes, SLASH, Buffer.from(raw, 'base64')]);
      }
      if (journal && !named && raw === undefined && !journal.named.has(p)) item.unnamed = true;
      found.push(item);
    }
    for (const d of children.dirs) {
      const relBytes = d.rawRel === undefined ? null : Buffer.from(d.rawRel, 'base64');
      const abs = relBytes ? Buffer.concat([rootBytes, SLASH, relBytes]) : `${opts.root}/${d.rel}`;
      stack.push({ rel: d.rel, relBytes, abs, rules, relist: false, named });
    }
    issues.push(...cached.specials);
    dirs.push(cached);
  };

  const gitignoreLoader =
    (dir: Dir): (() => string) =>
    () => {
      try {
        return fs.readFileSync(joinAbs(dir.abs, '.gitignore', null), 'utf8');
      } catch (e) {
        issues.push({
          path: join(dir.rel, '.gitignore'),
          kind: 'unreadable',
          message: `cannot read .gitignore (${errnoCode(e) ?? String(e)}); its rules are not applied`,
        });
        return '';
      }
    };

  for (let dir = stack.pop(); dir; dir = stack.pop()) {
    if (slicer.due()) await slicer.yieldNow();
    const key = dir.relBytes ? dirKey(dir.relBytes) : dir.rel;
    dir.named ||= journal?.named.has(dir.rel) === true;
    if (journal && !dir.named && !dir.relist && dir.relBytes === null && !journal.dirty.has(dir.rel)) {
      // The journal saw no change in this folder's listing: the cached one, without a stat.
      const cached = cache.dir(key);
      if (cached && cached.ino !== -1 && Math.max(cached.mtimeMs, cached.ctimeMs) < racyFrom) {
        const rules = respectGitignore && cached.gitignore ? dir.rules.with(dir.rel, gitignoreLoader(dir)) : dir.rules;
        reuseListing(key, cached, rules, false);
        continue;
      }
    }
    // Stat before listing: a change made while listing then shows as a newer mtime next time.
    let st: StatLike | undefined;
    try {
      if (dir.rel === '') st = fs.statSync(dir.abs);
      else st = (dir.relBytes === null ? opts.preloaded?.dir(dir.rel) : undefined) ?? fs.lstatSync(dir.abs, { throwIfNoEntry: false });
    } catch (e) {
      issues.push({
        path: dir.rel,
        kind: 'unreadable_directory',
        message: `cannot read folder (${errnoCode(e) ?? String(e)}); its files are not captured`,
      });
      continue;
    }
    if (!st) {
      issues.push({ path: dir.rel, kind: 'vanished', message: 'folder disappeared during the scan' });
      continue;
    }
    if (!st.isDirectory()) continue;
    const giAbs = joinAbs(dir.abs, '.gitignore', null);
    const cached = reuseListings && !dir.relist ? cache.dir(key) : undefined;
    if (cached && cachedListingStands(st, cached, respectGitignore ? giAbs : null, racyFrom)) {
      const rules = respectGitignore && cached.gitignore ? dir.rules.with(dir.rel, gitignoreLoader(dir)) : dir.rules;
      reuseListing(key, cached, rules, dir.named);
      continue;
    }

    listed++;
    let names: Named[];
    try {
      names = listDir(dir.abs);
    } catch (e) {
      const code = errnoCode(e);
      if (code === 'ENOENT') {
        issues.push({ path: dir.rel, kind: 'vanished', message: 'folder disappeared during the scan' });
      } else if (code !== 'ENOTDIR') {
        issues.push({
          path: dir.rel,
          kind: 'unreadable_directory',
          message: `cannot list folder (${code ?? String(e)}); its files are not captured`,
        });
        // Remembered with stat data that never matches, so a reused parent listing still
        // leads here and the folder is tried (and reported) again.
        const marker: CachedDir = { rel: dir.rel, mtimeMs: -1, ctimeMs: -1, ino: -1, gitignore: null, specials: [] };
        if (dir.relBytes) marker.rawRel = dir.relBytes.toString('base64');
        dirs.push(marker);
      }
      continue;
    }
    let rules = dir.rules;
    let gitignore: CachedDir['gitignore'] = null;
    if (respectGitignore && names.some((n) => n.name === '.gitignore' && n.bytes === null && n.dirent.isFile())) {
      const gst = fs.lstatSync(giAbs, { throwIfNoEntry: false });
      if (gst) gitignore = { ...proof(gst), size: gst.size };
      rules = rules.with(dir.rel, gitignoreLoader(dir));
    }
    // New, changed or removed rules re-filter everything below, so cached listings there are stale.
    const old = cache.dir(key);
    const relist =
      dir.relist ||
      (respectGitignore && (old === undefined ? gitignore !== null : JSON.stringify(old.gitignore) !== JSON.stringify(gitignore)));
    const specials: ScanIssue[] = [];
    for (const { name, bytes, dirent } of names) {
      const rel = join(dir.rel, name);
      const isDir = dirent.isDirectory();
      if (isDir ? !filter.takesDir(rel, name) : !filter.takesFile(rel, name)) continue;
      if (rules.ignores(rel, isDir)) continue;
      const relBytes = bytes === null && dir.relBytes === null ? null : joinRel(dir, name, bytes);
      const abs = joinAbs(dir.abs, name, bytes);
      if (isDir) {
        stack.push({ rel, relBytes, abs, rules, relist, named: dir.named });
        continue;
      }
      const kind: FoundKind | null = dirent.isFile() ? 'file' : dirent.isSymbolicLink() ? 'symlink' : null;
      if (kind === null) {
        specials.push({ path: rel, kind: 'special_file', message: `${describeSpecial(dirent)}; not captured` });
        continue;
      }
      const item: Found = { path: rel, kind };
      if (typeof abs !== 'string') item.rawAbs = abs;
      if (relBytes) item.rawPath = relBytes.toString('base64');
      else if (journal && !dir.named && !journal.named.has(rel)) item.unnamed = true;
      found.push(item);
    }
    issues.push(...specials);
    const state: CachedDir = { rel: dir.rel, ...proof(st), gitignore, specials };
    if (dir.relBytes) state.rawRel = dir.relBytes.toString('base64');
    dirs.push(state);
  }
  return { found, issues, dirs, listed };
}
