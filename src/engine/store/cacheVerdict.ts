import fs from 'node:fs';
import type { CaptureOptions } from './capture';
import type { ScanIssue } from '../types';
import type { ObjectStore } from './objectStore';
import type { CachedDir, StatCache } from './statCache';
import type { StatPreload } from './statPreload';
import { cachedGitignoreStands, cachedListingStands } from './walk';

/*
 * What the stat cache still vouches for: the judgement of a cached entry (one rule for the walk's
 * files, the journal's and both fast paths) and of a whole tree from the stat preload's data, row
 * by row in the cache's columns, so a warm capture builds no object per unchanged file (most of
 * its time in a CLI process, where this code runs uncompiled).
 */

/** A file over the size limit: recorded by size and id, its content not kept. */
export function oversizedIssue(p: string, size: number, maxFileSizeBytes: number): ScanIssue {
  return {
    path: p,
    kind: 'oversized',
    message: `${size} bytes is over the ${maxFileSizeBytes}-byte limit (maxFileSizeBytes): recorded by size and id only, content not kept`,
  };
}

/**
 * What the entry of cache row `row` is worth for a file whose stat data is the row's own (the
 * judgement of CaptureRun.reuse, of its journal variant and of both unchanged-tree fast paths):
 * null when it cannot be taken (racy stat data, its blob no longer stored, or recorded without its
 * content while now under the size limit); 'same' as recorded; 'same, oversized' as recorded by
 * size and id only, over the size limit; 'now oversized' when it was stored but the limit went down
 * below its size (recorded without its content from now on). The last two are reported as
 * oversized. `blobsStored` vouches for the blob without a lookup (see ObjectStore.collectionToken).
 */
export function cachedEntry(
  cache: StatCache,
  row: number,
  objects: ObjectStore,
  maxFileSizeBytes: number,
  blobsStored: boolean,
): 'same' | 'same, oversized' | 'now oversized' | null {
  if (Math.max(cache.rowMtimeMs(row), cache.rowCtimeMs(row)) >= cache.racyFrom) return null;
  const stored = cache.rowStored(row);
  if (cache.rowKind(row) === 'file' && cache.rowSize(row) > maxFileSizeBytes) return stored ? 'now oversized' : 'same, oversized';
  return stored && (blobsStored || objects.hasAt(cache.idColumn(), row * 20)) ? 'same' : null;
}

/**
 * Whether the entry of cache row `row` stands exactly as recorded (see cachedEntry); over the
 * size limit, the issue saying so goes to `oversized`.
 */
export function cachedEntryStands(
  cache: StatCache,
  row: number,
  objects: ObjectStore,
  maxFileSizeBytes: number,
  blobsStored: boolean,
  oversized: ScanIssue[],
): boolean {
  const verdict = cachedEntry(cache, row, objects, maxFileSizeBytes, blobsStored);
  if (verdict === 'same, oversized') oversized.push(oversizedIssue(cache.rowPath(row), cache.rowSize(row), maxFileSizeBytes));
  return verdict === 'same' || verdict === 'same, oversized';
}

/**
 * The previous capture as it stands, when a complete journal names nothing and the stat cache can
 * vouch for every file as CaptureRun.trust would (a regular file with settled stat data,
 * its blob stored, under the size limit) and every folder listing was read cleanly; else null and
 * the capture walks as usual. Saves walking the cached listings file by file.
 */
export function unchangedOnJournal(
  objects: ObjectStore,
  cache: StatCache,
  maxFileSizeBytes: number,
): { manifestId: string; files: number; issues: ScanIssue[] } | null {
  const manifestId = cache.manifestId;
  if (manifestId === null || !objects.has(manifestId) || cache.entryCount !== cache.rowCount) return null;
  const issues = standingListings(cache, () => true);
  if (!issues) return null;
  for (let row = 0; row < cache.rowCount; row++) {
    // Only regular files are taken on the journal's word (as CaptureRun.trust).
    if (cache.rowKind(row) !== 'file' || !cachedEntryStands(cache, row, objects, maxFileSizeBytes, false, issues)) return null;
  }
  return { manifestId, files: cache.rowCount, issues: issues.sort(compareIssues) };
}

/**
 * No collection ran since the cache was written (its collection token is the store's `collection`
 * now): every blob it names as stored, its manifest too, still is (see ObjectStore.collectionToken).
 */
export function blobsStillStored(cache: StatCache, collection: string | null): boolean {
  return collection !== null && cache.collection === collection;
}

/** What the stat preload found changed since the cache's capture, every folder listing standing. */
export interface PreloadChanges {
  /** The cache's manifest: the capture's own when no row changed and it is still stored. */
  manifestId: string;
  /** The manifest is stored (checked, or vouched for by the collection token). */
  manifestStored: boolean;
  /** Cache rows (ascending) whose file a walk would check again: changed, racy, or no longer vouched for. */
  rows: number[];
  /** The issues of the rows not in `rows` (over the size limit) and of every folder (special files), sorted. */
  issues: ScanIssue[];
}

/**
 * The files of the previous capture that must be checked again, when the stat preload found every
 * folder the cache names as the walk would accept its cached listing (same stat data, settled,
 * `.gitignore` unchanged, same filter settings): then the capture's files are exactly the cache's
 * rows, and every other row is taken as CaptureRun.reuse would take it (same stat data, settled,
 * blob stored, size limit). Null when a listing may have changed (a name added, removed or
 * renamed, a `.gitignore` rewritten) or a name is not UTF-8: the capture walks.
 */
export function changesOnPreload(
  objects: ObjectStore,
  cache: StatCache,
  opts: Pick<CaptureOptions, 'maxFileSizeBytes' | 'respectGitignore'>,
  preload: StatPreload,
  root: string,
  filterKey: string,
  /** The store's collection token now (see ObjectStore.collectionToken). */
  collection: string | null,
): PreloadChanges | null {
  const manifestId = cache.manifestId;
  // Listings filtered by other settings are not this capture's; without the root's, the walk lists it.
  if (manifestId === null || cache.filterKey !== filterKey || cache.dir('') === undefined) return null;
  // Folders first: a name added, removed or renamed anywhere sends the capture to the walk at once.
  const racyFrom = cache.racyFrom;
  const issues = standingListings(cache, (d, k) => {
    if (d.rawRel !== undefined) return false;
    try {
      // Only a folder whose listing a .gitignore shaped has one to check (no path built for the others).
      const gitignore = opts.respectGitignore && d.gitignore ? (d.rel === '' ? `${root}/.gitignore` : `${root}/${d.rel}/.gitignore`) : null;
      if (d.rel !== '') return preload.dirStands(k, d, racyFrom) && cachedGitignoreStands(d, gitignore, racyFrom);
      // The root as the walk takes it, following a symlink.
      const st = fs.statSync(root);
      return st.isDirectory() && cachedListingStands(st, d, gitignore, racyFrom);
    } catch {
      return false;
    }
  });
  if (!issues) return null;
  const stored = blobsStillStored(cache, collection);
  const rows: number[] = [];
  for (let row = 0; row < cache.rowCount; row++) {
    // Names that are not UTF-8 are left to the walk: rare.
    if (cache.rowRawPath(row) !== undefined) return null;
    // Symlinks are not preloaded (rare too): stat'ed here.
    const same = !cache.rowHasEntry(row)
      ? false
      : cache.rowKind(row) === 'symlink'
        ? symlinkMatches(cache, row, root)
        : preload.fileMatches(row);
    // The stat data equals the cache's, so the cache's columns stand for it from here.
    if (!same || !cachedEntryStands(cache, row, objects, opts.maxFileSizeBytes, stored, issues)) rows.push(row);
  }
  return { manifestId, manifestStored: stored || objects.has(manifestId), rows, issues: issues.sort(compareIssues) };
}

function symlinkMatches(cache: StatCache, row: number, root: string): boolean {
  try {
    const st = fs.lstatSync(`${root}/${cache.rowPath(row)}`, { throwIfNoEntry: false });
    return !!st?.isSymbolicLink() && cache.rowMatches(row, 'symlink', st.mode, st.size, st.mtimeMs, st.ctimeMs, st.ino);
  } catch {
    return false;
  }
}

/**
 * The previous capture as it stands (see changesOnPreload), when no row changed and its manifest
 * is still stored; else null.
 */
export function unchangedOnPreload(
  ...args: Parameters<typeof changesOnPreload>
): { manifestId: string; files: number; issues: ScanIssue[] } | null {
  return unchangedOf(changesOnPreload(...args), args[1]);
}

/** The capture of `cache` as it stands, when the preload found no row changed and its manifest is still stored. */
export function unchangedOf(
  changes: PreloadChanges | null,
  cache: StatCache,
): { manifestId: string; files: number; issues: ScanIssue[] } | null {
  if (!changes || changes.rows.length > 0 || !changes.manifestStored) return null;
  return { manifestId: changes.manifestId, files: cache.rowCount, issues: changes.issues };
}

/**
 * When every folder listing the cache holds stands (read cleanly, settled, and `current` by the
 * caller's evidence): the issues of those listings (special files); else null.
 */
function standingListings(cache: StatCache, current: (d: CachedDir, k: number) => boolean): ScanIssue[] | null {
  const issues: ScanIssue[] = [];
  const dirs = cache.allDirs();
  const racyFrom = cache.racyFrom;
  for (let k = 0; k < dirs.length; k++) {
    const d = dirs[k] as CachedDir;
    // A folder that could not be listed is tried (and reported) again by a walk.
    if (d.ino === -1 || Math.max(d.mtimeMs, d.ctimeMs) >= racyFrom || !current(d, k)) return null;
    if (d.specials.length > 0) issues.push(...d.specials);
  }
  return issues;
}

/** The order of a capture's issues: by path, then kind. */
export function compareIssues(a: ScanIssue, b: ScanIssue): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0;
}
