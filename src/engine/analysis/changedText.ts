import { createReadStream, promises as fsp } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { addedLineNumbers, lineDiff } from '../diff/lineDiff';
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
  /** For files too big to keep in the store: stream lines from disk (the post snapshot is "now"). */
  streamLines?: () => AsyncIterable<string>;
}

/** Files above this are never decoded whole: their lines are streamed from disk. */
const MAX_IN_MEMORY = 64 * 1024 * 1024;

export async function changedTexts(
  changes: readonly FileChange[],
  objects: ObjectStore,
  workspaceRoot: string,
  onSkip: (path: string, why: string) => void,
): Promise<ChangedText[]> {
  const out: ChangedText[] = [];
  for (const change of changes) {
    const entry = change.after;
    if (!entry || change.status === 'removed' || change.status === 'mode_changed' || change.status === 'renamed') continue;
    if (entry.type !== 'file' || entry.binary) continue;
    const before = change.status === 'modified' && change.before && change.before.type === 'file' ? change.before : undefined;
    try {
      if (entry.stored && entry.size <= MAX_IN_MEMORY) {
        const text = (await objects.get(entry.id)).toString('utf8');
        out.push({ change, path: entry.path, entry, text, ...(await newLines(text, before, objects)) });
      } else {
        const streamed = await streamedText(change, entry, before, workspaceRoot);
        if (streamed) out.push(streamed);
        else onSkip(entry.path, 'changed again after the snapshot and too large to keep: not scanned');
      }
    } catch (e) {
      onSkip(entry.path, `could not be read: ${(e as Error).message}`);
    }
  }
  return out;
}

async function newLines(
  text: string,
  before: ManifestEntry | undefined,
  objects: ObjectStore,
): Promise<{ firstNewLine: number; addedLines?: ReadonlySet<number> }> {
  if (!before) return { firstNewLine: 1 };
  if (!before.stored || before.binary) return { firstNewLine: 1 };
  const old = (await objects.get(before.id)).toString('utf8');
  if (text.startsWith(old)) return { firstNewLine: lineOfOffset(old) };
  const d = lineDiff(old, text, 'a', 'b');
  return { firstNewLine: 1, addedLines: addedLineNumbers(d.patch) };
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
  let firstNewLine = 1;
  if (before && before.size <= entry.size && (await prefixHasId(abs, before.size, before.id))) {
    firstNewLine = await countLines(abs, before.size);
  }
  return {
    change,
    path: entry.path,
    entry,
    firstNewLine,
    streamLines: () => readLines(abs),
  };
}

/** True when the first `size` bytes of the file have the given git blob id: the old version is a prefix. */
async function prefixHasId(file: string, size: number, id: string): Promise<boolean> {
  if (size === 0) return true;
  const h = new GitBlobHasher(size);
  for await (const chunk of createReadStream(file, { start: 0, end: size - 1 })) h.update(chunk as Buffer);
  return h.digest() === id;
}

async function countLines(file: string, bytes: number): Promise<number> {
  let lines = 1;
  if (bytes === 0) return lines;
  for await (const chunk of createReadStream(file, { start: 0, end: bytes - 1 })) {
    const b = chunk as Buffer;
    for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) lines++;
  }
  return lines;
}

async function* readLines(file: string): AsyncIterable<string> {
  const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of rl) yield line;
}

/** Lines of a text, split like readline does (no trailing empty line). */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
