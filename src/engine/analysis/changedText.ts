import { createReadStream, promises as fsp } from 'node:fs';
import path from 'node:path';
import { lineDiff } from '../diff/lineDiff';
import { hasControlBytes } from '../forensics/logs/controlBytes';
import { type LineHandler, LineSplitter } from '../forensics/logs/lineSplitter';
import { GitBlobHasher } from '../store/gitBlobId';
import type { ObjectStore } from '../store/objectStore';
import type { FileChange, ManifestEntry } from '../types';

/**
 * The text of a changed file as the post snapshot has it, and which of its lines are new
 * since the baseline. Appended logs (the usual case) are detected by checking that the old
 * content is a byte prefix of the new one, so only the appended part is scanned and old lines
 * never re-fire; rewritten files fall back to a line diff.
 */
export interface ChangedText {
  change: FileChange;
  path: string;
  entry: ManifestEntry;
  /** 1-based first new line when the file was appended to (or created: 1). */
  firstNewLine: number;
  /** The new lines when the file was rewritten rather than appended to. */
  addedLines?: ReadonlySet<number>;
  /** The full text, when it is small enough to hold (every stored file is). */
  text?: string;
  /** `text` has no control characters but TAB, LF and CR (checked on its bytes), so line consumers may skip that check. */
  plain?: boolean;
  /**
   * For files too big to keep in the store: streams the lines from `firstNewLine` on from disk
   * (the post snapshot is "now"), split at LF with a trailing CR dropped, each cut to
   * `maxLineLength` + 1 characters so one huge line never sits in memory whole.
   */
  streamNewLines?: (maxLineLength: number, onLine: LineHandler) => Promise<void>;
}

/** Files above this are never decoded whole: their lines are streamed from disk. */
const MAX_IN_MEMORY = 64 * 1024 * 1024;
/** Read size for hashing the old part of a file on disk: large enough that per-chunk costs vanish. */
const HASH_CHUNK = 1024 * 1024;
/**
 * Read size for lines streamed from disk. Kept small: a line is a slice of its chunk's text,
 * so a finding that keeps a piece of a line (its message) keeps the whole chunk alive.
 */
const LINE_CHUNK = 64 * 1024;

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
  objects: ObjectStore,
  workspaceRoot: string,
  onSkip: (path: string, why: string) => void,
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
  for (let from = 0; from < candidates.length; ) {
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
          out.push({ change, path: entry.path, entry, text, plain: !hasControlBytes(blob), ...(await newLines(text, before, get)) });
        } else {
          const streamed = await streamedText(change, entry, before, workspaceRoot);
          if (streamed) out.push(streamed);
          else onSkip(entry.path, 'changed again after the snapshot and too large to keep: not scanned');
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
async function prefetch(objects: ObjectStore, ids: readonly string[]): Promise<BlobGetter> {
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
): Promise<{ firstNewLine: number; addedLines?: ReadonlySet<number> }> {
  if (!before) return { firstNewLine: 1 };
  if (!before.stored || before.binary) return { firstNewLine: 1 };
  const old = (await get(before.id)).toString('utf8');
  if (text.startsWith(old)) return { firstNewLine: lineOfOffset(old) };
  const d = lineDiff(old, text, 'a', 'b');
  // From the hunks, not the patch text: a huge rewrite's patch is cut, its added lines are not.
  return { firstNewLine: 1, addedLines: new Set(d.added) };
}

/** The 1-based line where text appended after `old` starts (a partial last line counts as new). */
function lineOfOffset(old: string): number {
  let lines = 1;
  for (let i = old.indexOf('\n'); i >= 0; i = old.indexOf('\n', i + 1)) lines++;
  return lines;
}

async function streamedText(
  change: FileChange,
  entry: ManifestEntry,
  before: ManifestEntry | undefined,
  workspaceRoot: string,
): Promise<ChangedText | null> {
  const abs = path.join(workspaceRoot, ...entry.path.split('/'));
  const st = await fsp.stat(abs).catch(() => null);
  if (!st || st.size !== entry.size || Math.floor(st.mtimeMs) !== entry.mtimeMs) return null;
  let start: OldPart = { firstNewLine: 1, byteOffset: 0 };
  if (before && before.size <= entry.size) start = (await oldPart(abs, before.size, before.id)) ?? start;
  return {
    change,
    path: entry.path,
    entry,
    firstNewLine: start.firstNewLine,
    streamNewLines: (maxLineLength, onLine) => streamLines(abs, start.byteOffset, maxLineLength, onLine),
  };
}

interface OldPart {
  /** 1-based line where the appended text starts (a partial last old line counts as new). */
  firstNewLine: number;
  /** Byte offset where that line starts. */
  byteOffset: number;
}

/**
 * Where the new part of an appended file starts, when its first `size` bytes are the old
 * version (they have its git blob id); null when they are not. One read of the old part
 * serves both the check and the line count.
 */
async function oldPart(file: string, size: number, id: string): Promise<OldPart | null> {
  if (size === 0) return { firstNewLine: 1, byteOffset: 0 };
  const h = new GitBlobHasher(size);
  let lines = 1;
  let lineStart = 0;
  let pos = 0;
  for await (const chunk of createReadStream(file, { start: 0, end: size - 1, highWaterMark: HASH_CHUNK })) {
    const b = chunk as Buffer;
    h.update(b);
    for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) {
      lines++;
      lineStart = pos + i + 1;
    }
    pos += b.length;
  }
  return h.digest() === id ? { firstNewLine: lines, byteOffset: lineStart } : null;
}

async function streamLines(file: string, from: number, maxLineLength: number, onLine: LineHandler): Promise<void> {
  const splitter = new LineSplitter(maxLineLength, (line, plain) => onLine(line.endsWith('\r') ? line.slice(0, -1) : line, plain));
  for await (const chunk of createReadStream(file, { start: from, highWaterMark: LINE_CHUNK })) splitter.write(chunk as Buffer);
  splitter.end();
}

/** Lines of a text, split like readline does (no trailing empty line). */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
