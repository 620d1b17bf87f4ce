import { ENTRY_TYPES } from '../../model/incident';
import type { EntryType, ManifestEntry } from '../types';
import { InvalidManifestError, validateEntries } from './manifestValidation';
import { gitBlobId } from './gitBlobId';
import { type BlockSink, LARGE_BLOB_BYTES, type ObjectStore } from './objectStore';

/*
 * A manifest is stored as a blob like any file, so identical workspaces share one manifest
 * id. That only works if encoding is canonical: entries sorted, keys in a fixed order,
 * optional keys omitted when absent, and nothing time-of-capture in it.
 */

const FORMAT = 'incident-replay-manifest/1';

/** Order used for manifests: by path (UTF-16 code units), then raw bytes for names that decode alike. */
export function compareEntries(a: ManifestEntry, b: ManifestEntry): number {
  if (a.path !== b.path) return a.path < b.path ? -1 : 1;
  const ra = a.rawPath ?? '';
  const rb = b.rawPath ?? '';
  return ra < rb ? -1 : ra > rb ? 1 : 0;
}

function canonical(e: ManifestEntry): ManifestEntry {
  const out: ManifestEntry = {
    path: e.path,
    type: e.type,
    size: e.size,
    mode: e.mode,
    mtimeMs: e.mtimeMs,
    id: e.id,
    binary: e.binary,
    stored: e.stored,
  };
  if (e.rawPath !== undefined) out.rawPath = e.rawPath;
  if (e.target !== undefined) out.target = e.target;
  return out;
}

/**
 * Entries encoded per piece of the output, so no string of the whole manifest is ever built. A
 * piece's text stays well under V8's large-object size (some 80 KiB here): larger strings go
 * straight to the old generation and stayed there until a full collection, some 30 MiB at the
 * peak of a 100,000-file capture, which encodes every piece twice (see streamManifest).
 */
const ENTRIES_PER_PIECE = 512;

/** Entries in manifest order: as given when they already are (as a capture produces them), else sorted. */
function inOrder(entries: readonly ManifestEntry[]): readonly ManifestEntry[] {
  for (let i = 1; i < entries.length; i++) {
    if (compareEntries(entries[i - 1] as ManifestEntry, entries[i] as ManifestEntry) >= 0) return [...entries].sort(compareEntries);
  }
  return entries;
}

/**
 * The text of `JSON.stringify({ format, entries: entries.map(canonical) })`, piece by piece, for
 * entries in manifest order: at 100,000 files the whole-manifest string (17 MB) and the canonical
 * copies of every entry were a large share of a capture's peak memory.
 */
function* manifestText(list: readonly ManifestEntry[]): Generator<string> {
  yield `{"format":${JSON.stringify(FORMAT)},"entries":[`;
  for (let from = 0; from < list.length; from += ENTRIES_PER_PIECE) {
    // One stringify per piece (its fast path for arrays of like objects), without the brackets.
    const piece = JSON.stringify(list.slice(from, from + ENTRIES_PER_PIECE).map(canonical));
    yield (from === 0 ? '' : ',') + piece.slice(1, -1);
  }
  yield ']}';
}

/** The manifest's bytes, written piece by piece into one buffer (no string of the whole manifest). */
export function encodeManifest(entries: readonly ManifestEntry[]): Buffer {
  const list = inOrder(entries);
  let out = Buffer.allocUnsafe(Math.max(1024, list.length * 200));
  let used = 0;
  for (const text of manifestText(list)) {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    if (used + text.length * 3 > out.length) {
      const bigger = Buffer.allocUnsafe(Math.max(out.length * 2, used + text.length * 3));
      out.copy(bigger, 0, 0, used);
      out = bigger;
    }
    used += out.write(text, used, 'utf8');
  }
  // A copy only when most of the buffer would be slack.
  return used * 4 >= out.length * 3 ? out.subarray(0, used) : Buffer.from(out.subarray(0, used));
}

/**
 * The manifest's bytes as a sink takes them, never whole in memory: one pass measures them (a
 * blob's id needs its size first), a second hands them over in blocks of about `blockBytes`.
 * For manifests of tens of thousands of entries, where the whole buffer was megabytes at a
 * capture's peak; the pieces are encoded twice.
 */
export async function streamManifest(entries: readonly ManifestEntry[], blockBytes: number, sink: BlockSink): Promise<void> {
  const list = inOrder(entries);
  let size = 0;
  for (const text of manifestText(list)) size += Buffer.byteLength(text, 'utf8');
  sink.size(size);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for (const text of manifestText(list)) {
    const bytes = Buffer.from(text, 'utf8');
    pending.push(bytes);
    pendingBytes += bytes.length;
    if (pendingBytes >= blockBytes) {
      await sink.block(Buffer.concat(pending, pendingBytes));
      pending = [];
      pendingBytes = 0;
    }
  }
  if (pendingBytes > 0) await sink.block(Buffer.concat(pending, pendingBytes));
}

/**
 * From this many entries (a manifest of some 3 MB) a manifest is streamed into the store rather
 * than encoded whole (see streamManifest): it was the largest single buffer at a capture's peak.
 */
const STREAMED_MANIFEST_ENTRIES = 16_384;

/**
 * Stores the manifest of `entries` (in manifest order) and returns its id: streamed for big
 * trees, else as a large blob or into `pack` (the capture's or import's own). `held` says whether
 * a blob is stored already or will be with `pack`.
 */
export async function storeManifest(
  objects: ObjectStore,
  entries: readonly ManifestEntry[],
  pack: { add(id: string, data: Buffer): Promise<void> },
  held: (id: string) => boolean,
): Promise<string> {
  if (entries.length >= STREAMED_MANIFEST_ENTRIES) return objects.putBlocks((sink) => streamManifest(entries, LARGE_BLOB_BYTES, sink));
  const manifest = encodeManifest(entries);
  const id = gitBlobId(manifest);
  if (held(id)) return id;
  if (manifest.length >= LARGE_BLOB_BYTES) await objects.put(manifest);
  else await pack.add(id, manifest);
  return id;
}

const TYPES: ReadonlySet<EntryType> = new Set(ENTRY_TYPES);

function fail(why: string): never {
  throw new InvalidManifestError(why);
}

// Field checks are plain functions, not closures per entry: a manifest has one entry per file,
// and a closure (plus the bundler's name helper) per field per entry was a hot spot when decoding.
function str(r: Record<string, unknown>, k: string, i: number): string {
  const v = r[k];
  return typeof v === 'string' ? v : fail(`entry ${i}: ${k} is not a string`);
}

function num(r: Record<string, unknown>, k: string, i: number): number {
  const v = r[k];
  return typeof v === 'number' ? v : fail(`entry ${i}: ${k} is not a number`);
}

function bool(r: Record<string, unknown>, k: string, i: number): boolean {
  const v = r[k];
  return typeof v === 'boolean' ? v : fail(`entry ${i}: ${k} is not a boolean`);
}

function checkEntry(raw: unknown, i: number): ManifestEntry {
  if (typeof raw !== 'object' || raw === null) fail(`entry ${i} is not an object`);
  const r = raw as Record<string, unknown>;
  const type = str(r, 'type', i);
  if (!TYPES.has(type as EntryType)) fail(`entry ${i}: unknown type ${type}`);
  const e: ManifestEntry = {
    path: str(r, 'path', i),
    type: type as EntryType,
    size: num(r, 'size', i),
    mode: num(r, 'mode', i),
    mtimeMs: num(r, 'mtimeMs', i),
    id: str(r, 'id', i),
    binary: bool(r, 'binary', i),
    stored: bool(r, 'stored', i),
  };
  if (r.rawPath !== undefined) e.rawPath = str(r, 'rawPath', i);
  if (r.target !== undefined) e.target = str(r, 'target', i);
  return e;
}

export function decodeManifest(data: Buffer): ManifestEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.toString('utf8'));
  } catch (e) {
    fail(`not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof parsed !== 'object' || parsed === null) fail('not an object');
  const { format, entries } = parsed as { format?: unknown; entries?: unknown };
  if (format !== FORMAT) fail(`unknown format ${JSON.stringify(format)}`);
  if (!Array.isArray(entries)) fail('entries is not a list');
  const out = entries.map(checkEntry);
  validateEntries(out);
  return out;
}

export async function readManifest(objects: ObjectStore, manifestId: string): Promise<ManifestEntry[]> {
  return decodeManifest(await objects.get(manifestId));
}
