import path from 'node:path';
import { lineDiff } from '../diff/lineDiff';
import { hasControlBytes } from '../logs/controlBytes';
import type { BatchBlobReader } from '../store/blobCache';
import type { BigLog } from '../logs/bigLog';
import type { FileChange, ManifestEntry } from '../types';

/**
 * A changed file as the post snapshot has it, and which of its lines are new since the
 * baseline. Appended logs (the usual case) are detected by checking that the old content is a
 * byte prefix of the new one, so only the appended part is scanned and old lines never
 * re-fire; rewritten files fall back to a line diff.
 */
export type ChangedText = HeldText | BigText;

interface ChangedFile {
  change: FileChange;
  path: string;
  entry: ManifestEntry;
}

/** A file small enough to hold: every stored file. */
export interface HeldText extends ChangedFile {
  text: string;
  /** 1-based first new line when the file was appended to (or created: 1). */
  firstNewLine: number;
  /** The new lines when the file was rewritten rather than appended to. */
  addedLines?: ReadonlySet<number>;
  /** `text` has no control characters but TAB, LF and CR (checked on its bytes), so line consumers may skip that check. */
  plain: boolean;
}

/** A file too big to keep in the store: only the log scan reads it, from disk (see bigLog.ts). */
export interface BigText extends ChangedFile {
  text?: undefined;
  big: BigLog;
}

/** Files above this are never decoded whole: their lines are streamed from disk. */
const MAX_IN_MEMORY = 64 * 1024 * 1024;
/** Blobs fetched together, so they are read and decoded in parallel, but never more than this at once. */
const PREFETCH_BYTES = 64 * 1024 * 1024;
const PREFETCH_FILES = 256;

type BlobGetter = (id: string) => Promise<Buffer>;

interface Candidate {
  change: FileChange;
  entry: ManifestEntry;
  before: ManifestEntry | undefined;
}

export async function changedTexts(
  changes: readonly FileChange[],
  objects: BatchBlobReader,
  workspaceRoot: string,
  onSkip: (path: string, why: string) => void,
  /** Added line numbers the snapshot diff already worked out, by path. */
  knownAdded: ReadonlyMap<string, readonly number[]> = new Map(),
): Promise<ChangedText[]> {
  const candidates: Candidate[] = [];
  for (const change of changes) {
    const entry = change.after;
    if (!entry || change.status === 'removed' || change.status === 'mode_changed' || change.status === 'renamed') continue;
    if (entry.type !== 'file' || entry.binary) continue;
    const before = change.status === 'modified' && change.before && change.before.type === 'file' ? change.before : undefined;
    candidates.push({ change, entry, before });
  }
  const out: ChangedText[] = [];
  for (let from = 0; from < candidates.length;) {
    const ids: string[] = [];
    let bytes = 0;
    let to = from;
    while (to < candidates.length && (to === from || (bytes < PREFETCH_BYTES && to - from < PREFETCH_FILES))) {
      const { entry, before } = candidates[to] as Candidate;
      if (inMemory(entry)) {
        ids.push(entry.id);
        bytes += entry.size;
        if (before && before.stored && !before.binary) {
          ids.push(before.id);
          bytes += before.size;
        }
      }
      to++;
    }
    const get = await prefetch(objects, ids);
    for (let i = from; i < to; i++) {
      const { change, entry, before } = candidates[i] as Candidate;
      try {
        if (inMemory(entry)) {
          const blob = await get(entry.id);
          const text = blob.toString('utf8');
          out.push({
            change,
            path: entry.path,
            entry,
            text,
            plain: !hasControlBytes(blob),
            ...(await newLines(text, before, get, knownAdded.get(entry.path))),
          });
        } else {
          const big: BigLog = {
            path: entry.path,
            file: path.join(workspaceRoot, ...entry.path.split('/')),
            size: entry.size,
            mtimeMs: entry.mtimeMs,
          };
          if (before) big.before = { size: before.size, id: before.id };
          out.push({ change, path: entry.path, entry, big });
        }
      } catch (e) {
        onSkip(entry.path, `could not be read: ${(e as Error).message}`);
      }
    }
    from = to;
  }
  return out;
}

function inMemory(entry: ManifestEntry): boolean {
  return entry.stored && entry.size <= MAX_IN_MEMORY;
}

/**
 * The blobs read in one go (the store decodes them in parallel); a blob that could not be had
 * that way is read on its own, so its error is reported against its file as before.
 */
async function prefetch(objects: BatchBlobReader, ids: readonly string[]): Promise<BlobGetter> {
  const single: BlobGetter = (id) => objects.get(id);
  if (ids.length < 2) return single;
  let got: Map<string, Buffer>;
  try {
    got = await objects.getMany(ids);
  } catch {
    return single;
  }
  return (id) => {
    const hit = got.get(id);
    return hit ? Promise.resolve(hit) : objects.get(id);
  };
}

async function newLines(
  text: string,
  before: ManifestEntry | undefined,
  get: BlobGetter,
  known: readonly number[] | undefined,
): Promise<{ firstNewLine: number; addedLines?: ReadonlySet<number> }> {
  if (!before) return { firstNewLine: 1 };
  if (!before.stored || before.binary) return { firstNewLine: 1 };
  const old = (await get(before.id)).toString('utf8');
  if (text.startsWith(old)) return { firstNewLine: lineOfOffset(old) };
  // From the hunks, not the patch text: a huge rewrite's patch is cut, its added lines are not.
  return { firstNewLine: 1, addedLines: new Set(known ?? lineDiff(old, text, 'a', 'b').added) };
}

/** The 1-based line where text appended after `old` starts (a partial last line counts as new). */
function lineOfOffset(old: string): number {
  let lines = 1;
  for (let i = old.indexOf('\n'); i >= 0; i = old.indexOf('\n', i + 1)) lines++;
  return lines;
}

/** Lines of a text, split like readline does (no trailing empty line). */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
