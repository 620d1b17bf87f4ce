import type { BlobCache } from '../store/blobCache';
import type { FileChange, ManifestEntry } from '../types';
import { matchesAny } from './fileTriggers';

/** Outputs bigger than this are not read to count their records: a big output is not empty. */
const MAX_COUNTED_BYTES = 1024 * 1024;

/** What a job output holds: its records, and what one is (`row`, `item`, `line`). */
export interface OutputRecords {
  count: number;
  unit: 'row' | 'item' | 'key' | 'line';
  /** A CSV or TSV with its header line and no row. */
  headerOnly?: boolean;
}

/**
 * Counts the records of an output by its format: rows of a CSV or TSV after the header, items of
 * a JSON array (keys of an object, none for `null`), lines of JSON Lines or text. Null when the
 * format cannot say (a JSON document that does not parse is not "empty").
 */
export function countRecords(path: string, text: string): OutputRecords | null {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (/\.(?:csv|tsv)$/i.test(path)) {
    return { count: Math.max(0, lines.length - 1), unit: 'row', ...(lines.length === 1 ? { headerOnly: true } : {}) };
  }
  if (/\.json$/i.test(path)) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return null;
    }
    if (value === null) return { count: 0, unit: 'item' };
    if (Array.isArray(value)) return { count: value.length, unit: 'item' };
    if (typeof value === 'object') return { count: Object.keys(value).length, unit: 'key' };
    return null;
  }
  return { count: lines.length, unit: 'line' };
}

/** The content of a stored text entry up to `maxBytes`, else null (binary, not stored, too big, a symlink). */
export async function storedText(blobs: BlobCache, e: ManifestEntry | undefined, maxBytes: number): Promise<string | null> {
  return e && e.type === 'file' && e.stored && !e.binary && e.size <= maxBytes ? (await blobs.get(e.id)).toString('utf8') : null;
}

/**
 * For every changed output that is not zero bytes (those are empty by size alone) and small
 * enough to read: its records before (null when added or unreadable) and after.
 */
export async function outputRecordCounts(
  changes: readonly FileChange[],
  outputGlobs: readonly string[],
  blobs: BlobCache,
): Promise<Map<string, { before: OutputRecords | null; after: OutputRecords }>> {
  const out = new Map<string, { before: OutputRecords | null; after: OutputRecords }>();
  const textOf = (e: ManifestEntry | undefined): Promise<string | null> => storedText(blobs, e, MAX_COUNTED_BYTES);
  for (const c of changes) {
    if ((c.status !== 'modified' && c.status !== 'added') || !c.after || c.after.size === 0 || !matchesAny(c.path, outputGlobs)) continue;
    const afterText = await textOf(c.after);
    const after = afterText === null ? null : countRecords(c.path, afterText);
    if (!after) continue;
    const beforeText = c.status === 'modified' ? await textOf(c.before) : null;
    out.set(c.path, { before: beforeText === null ? null : countRecords(c.path, beforeText), after });
  }
  return out;
}
