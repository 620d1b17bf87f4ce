import type { ChangeStatus, DiffSummary, FileChange, ManifestEntry } from '../types';
import { lineDiff } from './lineDiff';

/** Content of the empty blob: never evidence of a rename, as in git. */
const EMPTY_BLOB_ID = 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391';

export interface BlobReader {
  get(id: string): Promise<Buffer>;
  /** Several blobs in one go (the object store decodes each pack chunk once, in parallel). */
  getMany?(ids: Iterable<string>): Promise<Map<string, Buffer>>;
}

/**
 * Blob bytes fetched ahead in one batch: the line diffs of a batch's files are computed with
 * all their blobs in memory, so batches are cut at this size to keep a huge diff's memory flat.
 */
const PREFETCH_BYTES = 32 << 20;

export interface DiffOptions {
  /** Compute unified patches and line counts for text files (default true). */
  lines?: boolean;
  /** Keep the patch text on each change (default true; the analyzer drops it to stay small). */
  keepPatch?: boolean;
  /** Told the added line numbers of each line-diffed change, so a caller need not diff it again. */
  onAdded?: (change: FileChange, added: readonly number[]) => void;
}

/**
 * Compares two manifests: added / removed / modified / renamed (same content id at a new
 * path) / mode changed, plus line counts and patches for text files.
 */
export async function diffManifests(
  before: readonly ManifestEntry[],
  after: readonly ManifestEntry[],
  blobs: BlobReader,
  opts: DiffOptions = {},
): Promise<FileChange[]> {
  const lines = opts.lines ?? true;
  const keepPatch = opts.keepPatch ?? true;
  const oldByPath = new Map(before.map((e) => [e.path, e]));
  const newByPath = new Map(after.map((e) => [e.path, e]));
  const changes: FileChange[] = [];
  const removed: ManifestEntry[] = [];
  const added: ManifestEntry[] = [];

  for (const e of before) if (!newByPath.has(e.path)) removed.push(e);
  for (const e of after) {
    const old = oldByPath.get(e.path);
    if (!old) {
      added.push(e);
      continue;
    }
    const contentChanged = old.id !== e.id || old.type !== e.type;
    const modeChanged = old.mode !== e.mode;
    if (!contentChanged && !modeChanged) continue;
    const status: ChangeStatus = contentChanged ? 'modified' : 'mode_changed';
    changes.push({
      status,
      path: e.path,
      before: old,
      after: e,
      additions: 0,
      deletions: 0,
      binary: old.binary || e.binary,
      ...(contentChanged && modeChanged ? { modeChanged: true } : {}),
    });
  }

  // Renames: pair a removed and an added entry with the same non-empty content, preferring the same base name.
  const removedById = new Map<string, ManifestEntry[]>();
  for (const e of removed) {
    if (e.id === EMPTY_BLOB_ID || e.type !== 'file') continue;
    const list = removedById.get(e.id) ?? [];
    list.push(e);
    removedById.set(e.id, list);
  }
  const renamedFrom = new Set<string>();
  for (const e of added) {
    const candidates = removedById.get(e.id);
    if (e.type === 'file' && candidates && candidates.length > 0) {
      const base = e.path.slice(e.path.lastIndexOf('/') + 1);
      let idx = candidates.findIndex((c) => c.path.slice(c.path.lastIndexOf('/') + 1) === base);
      if (idx < 0) idx = 0;
      const [from] = candidates.splice(idx, 1);
      if (from) {
        renamedFrom.add(from.path);
        changes.push({
          status: 'renamed',
          path: e.path,
          oldPath: from.path,
          before: from,
          after: e,
          additions: 0,
          deletions: 0,
          binary: e.binary,
          ...(from.mode !== e.mode ? { modeChanged: true } : {}),
        });
        continue;
      }
    }
    changes.push({ status: 'added', path: e.path, after: e, additions: 0, deletions: 0, binary: e.binary });
  }
  for (const e of removed) {
    if (renamedFrom.has(e.path)) continue;
    changes.push({ status: 'removed', path: e.path, before: e, additions: 0, deletions: 0, binary: e.binary });
  }

  changes.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
  if (lines) {
    const texts = changes.filter(needsText);
    for (let from = 0; from < texts.length;) {
      let to = from;
      let bytes = 0;
      do {
        const c = texts[to++] as FileChange;
        bytes += (c.before?.size ?? 0) + (c.after?.size ?? 0);
      } while (to < texts.length && bytes < PREFETCH_BYTES);
      const batch = texts.slice(from, to);
      const reader = await prefetch(blobs, batch);
      for (const c of batch) await fillLineDiff(c, reader, keepPatch, opts.onAdded);
      from = to;
    }
  }
  return changes;
}

/** Whether the change gets a line diff; otherwise sets the note saying why not. */
function needsText(change: FileChange): boolean {
  if (change.status === 'mode_changed' || change.status === 'renamed') return false;
  const { before, after } = change;
  if ((before && before.type === 'symlink') || (after && after.type === 'symlink')) {
    change.note = 'symbolic link';
    return false;
  }
  if (change.binary) {
    change.note = 'binary file: not line-diffed';
    return false;
  }
  if ((before && !before.stored) || (after && !after.stored)) {
    change.note = 'over the size limit: recorded by size and id only';
    return false;
  }
  return true;
}

async function prefetch(blobs: BlobReader, changes: readonly FileChange[]): Promise<BlobReader> {
  if (!blobs.getMany) return blobs;
  const ids: string[] = [];
  for (const c of changes) {
    if (c.before) ids.push(c.before.id);
    if (c.after) ids.push(c.after.id);
  }
  const got = await blobs.getMany(ids);
  return { get: async (id) => got.get(id) ?? blobs.get(id) };
}

async function fillLineDiff(change: FileChange, blobs: BlobReader, keepPatch: boolean, onAdded: DiffOptions['onAdded']): Promise<void> {
  const { before, after } = change;
  const oldText = before ? (await blobs.get(before.id)).toString('utf8') : '';
  const newText = after ? (await blobs.get(after.id)).toString('utf8') : '';
  const d = lineDiff(oldText, newText, before ? `a/${before.path}` : '/dev/null', after ? `b/${after.path}` : '/dev/null');
  change.additions = d.additions;
  change.deletions = d.deletions;
  if (keepPatch && d.patch) change.patch = d.patch;
  if (d.approximate) change.note = 'changed region too large to align: shown as replaced';
  onAdded?.(change, d.added);
}

export function summarize(changes: readonly FileChange[]): DiffSummary {
  const s: DiffSummary = { added: 0, removed: 0, modified: 0, renamed: 0, modeChanged: 0, additions: 0, deletions: 0 };
  for (const c of changes) {
    if (c.status === 'added') s.added++;
    else if (c.status === 'removed') s.removed++;
    else if (c.status === 'modified') s.modified++;
    else if (c.status === 'renamed') s.renamed++;
    else s.modeChanged++;
    s.additions += c.additions;
    s.deletions += c.deletions;
  }
  return s;
}
