/**
 * The source at each error's innermost workspace frame, for the classifier (ClassifyInput.frameSource):
 * Java, Go, JavaScript and Rust errors quote no source line, yet what the failing code reads (a
 * config key by name) often says why it failed.
 */
import { frameSourceKey } from '../rootCause/input';
import { innermostWorkspaceFrame } from '../rootCause/triggers';
import type { BlobCache } from '../store/blobCache';
import type { ManifestEntry, Trigger } from '../types';
import { storedText } from './outputRecords';

/** Lines above the failing one that are read with it: an assignment a line or two up feeds it. */
const LINES_ABOVE = 4;
/** Source files larger than this are not read for it. */
const MAX_SOURCE_BYTES = 1 << 20;
/** Frames read per analysis: retry loops repeat one error; a few distinct places are plenty. */
const MAX_FRAMES = 20;

export async function frameSources(
  triggers: readonly Trigger[],
  entries: readonly ManifestEntry[],
  blobs: BlobCache,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let byPath: Map<string, ManifestEntry> | undefined;
  for (const t of triggers) {
    if (t.severity !== 'error' || out.size >= MAX_FRAMES) continue;
    const at = innermostWorkspaceFrame(t);
    if (!at || at.line === undefined || at.line < 1) continue;
    const key = frameSourceKey(at.file, at.line);
    if (out.has(key)) continue;
    byPath ??= new Map(entries.map((e) => [e.path, e]));
    const entry = byPath.get(at.file);
    if (!entry || entry.type !== 'file' || entry.binary) continue;
    // A hint only: a blob the store cannot give back is reported by the diff, not here.
    const text = await storedText(blobs, entry, MAX_SOURCE_BYTES).catch(() => null);
    if (text === null) continue;
    const lines = text.split('\n');
    if (at.line > lines.length) continue;
    out.set(key, feedingLines(lines.slice(Math.max(0, at.line - 1 - LINES_ABOVE), at.line)).join('\n'));
  }
  return out;
}

const IDENTIFIER = /[A-Za-z_$][\w$]*/g;
const STRING_LITERAL = /'[^']*'|"[^"]*"|`[^`]*`/g;
/** A plain assignment: `=` or `:=`, not a comparison nor a compound operator. */
const ASSIGNMENT = /(?<![=!<>+\-*/%&|^~?:])(?::=|=)(?![=>])/;
/** Words on the left of an assignment that name a type or a declaration, not the value assigned. */
const NOT_A_NAME = new Set([
  'const',
  'let',
  'var',
  'val',
  'final',
  'auto',
  'def',
  'self',
  'this',
  'String',
  'str',
  'int',
  'long',
  'float',
  'double',
  'bool',
  'boolean',
  'dict',
  'list',
  'Object',
  'map',
]);

function words(text: string): string[] {
  return text.match(IDENTIFIER) ?? [];
}

/**
 * The failing line (last) and, above it, only the lines that assign a name it uses, or a name
 * such a line uses: what fed the failing code. A config read a few lines up that feeds nothing
 * the failing line uses (`print(cfg['epochs'])` before a CSV parse that failed) is left out.
 */
export function feedingLines(window: readonly string[]): string[] {
  const failing = window[window.length - 1];
  if (failing === undefined) return [];
  const used = new Set(words(failing));
  const kept = [failing];
  for (let i = window.length - 2; i >= 0; i--) {
    const line = window[i] as string;
    const eq = ASSIGNMENT.exec(line);
    if (!eq) continue;
    const target = line.slice(0, eq.index);
    // `f(x, flush=True)` passes an argument; a target has no open call in it.
    if (target.includes('(')) continue;
    const assigned = words(target.replace(STRING_LITERAL, '')).filter((w) => !NOT_A_NAME.has(w));
    if (!assigned.some((w) => used.has(w))) continue;
    kept.unshift(line);
    for (const w of words(line.slice(eq.index))) used.add(w);
  }
  return kept;
}
