import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../db/atomicFile';
import { InputError, WouldOverwriteError } from '../errors';

/**
 * Files the tool writes into the workspace carry a marker with a hash of what it wrote, so a
 * re-export replaces its own output but never a report a person has edited since.
 */
const MARKER_PREFIX = 'incident-replay:generated sha256=';
const MARKER_PATTERN = /incident-replay:generated sha256=([0-9a-f]{64})/;

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function markerText(hash: string): string {
  return `${MARKER_PREFIX}${hash}`;
}

/** Markdown: the marker is an HTML comment on the first line, hashing everything after it. */
export function stampMarkdown(body: string): string {
  return `<!-- ${markerText(sha256(body))} -->\n${body}`;
}

export type Ownership = 'untouched' | 'edited' | 'foreign';

/** Whether a markdown file is exactly what the tool wrote, was edited after, or never was the tool's. */
export function markdownOwnership(text: string): Ownership {
  const nl = text.indexOf('\n');
  const first = nl < 0 ? text : text.slice(0, nl);
  const m = MARKER_PATTERN.exec(first);
  if (!m) return 'foreign';
  return sha256(nl < 0 ? '' : text.slice(nl + 1)) === m[1] ? 'untouched' : 'edited';
}

/** The hash a structured export carries in its `marker` field, read back from its text. */
export function markerHash(marker: unknown): string | null {
  if (typeof marker !== 'string') return null;
  const m = MARKER_PATTERN.exec(marker);
  return m?.[1] ?? null;
}

export interface WriteGeneratedOptions {
  /** Overwrite even a file that was edited by hand or never written by the tool. */
  force?: boolean;
  /** How to tell whether the file on disk is the tool's untouched output. */
  ownership: (existing: string) => Ownership;
}

/**
 * Writes `content` to `file` atomically (temp file + rename in the same folder), refusing to
 * replace a file a person wrote or edited unless `force` is set.
 */
export async function writeGenerated(file: string, content: string, opts: WriteGeneratedOptions): Promise<void> {
  const existing = await fsp.readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    if (e.code === 'EISDIR') throw new InputError(`${file} is a folder: give a file path to write the export to`);
    throw e;
  });
  if (existing !== null && !opts.force) {
    const owner = opts.ownership(existing);
    if (owner === 'edited' || owner === 'foreign') throw new WouldOverwriteError(file, owner);
  }
  await fsp.mkdir(path.dirname(file), { recursive: true });
  writeFileAtomic(file, Buffer.from(content, 'utf8'));
}
