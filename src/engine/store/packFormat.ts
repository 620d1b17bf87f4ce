import { createHash } from 'node:crypto';
import { type BlockEncoding, isBlockEncoding } from './blockCodec';

/*
 * A pack holds the small blobs of one capture: they are concatenated into chunks (128 KiB
 * when written now, 1 MiB in older packs) and each chunk is compressed as one block.
 * Compressing chunks rather than single files amortises the codec's setup cost over many
 * small files and compresses better; a read decodes one chunk. The index beside it maps blob id -> chunk, offset, size.
 *
 * pack: "IRPACK01" then chunk blocks back to back.
 * idx:  "IRIDX001", u32 chunkCount, u32 entryCount,
 *       chunkCount x (u48 offset, u32 storedLength, u32 rawLength, u8 encoding, u8 0),
 *       entryCount x (20-byte id, u32 chunk, u32 offsetInChunk, u32 size), by id since indexes are
 *       written sorted (older ones are in the order the blobs were added; readers tell them apart),
 *       SHA-1 of everything before it (detects a truncated or damaged index).
 */

export const PACK_MAGIC = Buffer.from('IRPACK01', 'latin1');
const IDX_MAGIC = Buffer.from('IRIDX001', 'latin1');
const CHUNK_RECORD = 16;
const ENTRY_RECORD = 32;
const TRAILER = 20;

export interface ChunkRecord {
  offset: number;
  storedLength: number;
  rawLength: number;
  encoding: BlockEncoding;
}

export interface PackEntry {
  id: string;
  chunk: number;
  offset: number;
  size: number;
}

export interface PackIndex {
  chunks: ChunkRecord[];
  entries: PackEntry[];
}

export function encodePackIndex(index: PackIndex): Buffer {
  const body = 16 + index.chunks.length * CHUNK_RECORD + index.entries.length * ENTRY_RECORD;
  const out = Buffer.alloc(body + TRAILER);
  IDX_MAGIC.copy(out, 0);
  out.writeUInt32LE(index.chunks.length, 8);
  out.writeUInt32LE(index.entries.length, 12);
  let pos = 16;
  for (const c of index.chunks) {
    out.writeUIntLE(c.offset, pos, 6);
    out.writeUInt32LE(c.storedLength, pos + 6);
    out.writeUInt32LE(c.rawLength, pos + 10);
    out.writeUInt8(c.encoding, pos + 14);
    pos += CHUNK_RECORD;
  }
  for (const e of index.entries) {
    out.write(e.id, pos, 20, 'hex');
    out.writeUInt32LE(e.chunk, pos + 20);
    out.writeUInt32LE(e.offset, pos + 24);
    out.writeUInt32LE(e.size, pos + 28);
    pos += ENTRY_RECORD;
  }
  createHash('sha1').update(out.subarray(0, body)).digest().copy(out, body);
  return out;
}

/** A pack index as read from disk, kept in its binary form (no object per blob: see PackTable). */
export interface CompactPackIndex {
  chunks: ChunkRecord[];
  count: number;
  /** `count` x 20-byte ids. */
  ids: Buffer;
  /** The ids are in ascending byte order (as indexes are written now): found by binary search, with no table to build (see PackTable). */
  sorted: boolean;
  /** `count` x (chunk, offset in chunk, size). */
  locs: Uint32Array;
}

/** The index's numbers are little-endian; typed arrays read in the machine's order. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** `bytes` bytes of `data` from `at` as 32-bit words: a view when aligned, else an aligned copy. */
function wordsAt(data: Buffer, at: number, bytes: number): Uint32Array {
  if ((data.byteOffset + at) % 4 === 0) return new Uint32Array(data.buffer, data.byteOffset + at, bytes / 4);
  const copy = new Uint32Array(bytes / 4);
  Buffer.from(copy.buffer).set(data.subarray(at, at + bytes));
  return copy;
}

/** Throws an Error whose message says what is wrong; the caller names the file. */
export function decodePackIndex(data: Buffer): CompactPackIndex {
  if (data.length < 16 + TRAILER || !data.subarray(0, 8).equals(IDX_MAGIC)) {
    throw new Error('not a pack index (bad header or truncated)');
  }
  const chunkCount = data.readUInt32LE(8);
  const count = data.readUInt32LE(12);
  const body = 16 + chunkCount * CHUNK_RECORD + count * ENTRY_RECORD;
  if (data.length !== body + TRAILER) {
    throw new Error(`pack index is ${data.length} bytes, expected ${body + TRAILER} (truncated?)`);
  }
  const sum = createHash('sha1').update(data.subarray(0, body)).digest();
  if (!sum.equals(data.subarray(body))) throw new Error('pack index checksum mismatch');
  const chunks: ChunkRecord[] = [];
  let pos = 16;
  for (let i = 0; i < chunkCount; i++, pos += CHUNK_RECORD) {
    const encoding = data.readUInt8(pos + 14);
    if (!isBlockEncoding(encoding)) throw new Error(`chunk ${i} has unknown encoding ${encoding}`);
    chunks.push({
      offset: data.readUIntLE(pos, 6),
      storedLength: data.readUInt32LE(pos + 6),
      rawLength: data.readUInt32LE(pos + 10),
      encoding,
    });
  }
  // A fresh buffer, so its words are aligned for the copy below.
  const ids = Buffer.allocUnsafeSlow(count * 20);
  const locs = new Uint32Array(count * 3);
  if (LITTLE_ENDIAN) {
    // Word by word through typed arrays: a CLI process decodes every index on open, uncompiled,
    // where three readUInt32LE calls and a copy per entry cost ~1 µs (10 ms per 10,000 blobs).
    const words = wordsAt(data, pos, count * ENTRY_RECORD);
    const idWords = new Uint32Array(ids.buffer, ids.byteOffset, count * 5);
    for (let i = 0, w = 0, o = 0; i < count; i++, w += 8, o += 5) {
      const chunk = words[w + 5] as number;
      const offset = words[w + 6] as number;
      const size = words[w + 7] as number;
      const rec = chunks[chunk];
      if (!rec || offset + size > rec.rawLength) throw new Error(`entry ${i} points outside its chunk`);
      idWords[o] = words[w] as number;
      idWords[o + 1] = words[w + 1] as number;
      idWords[o + 2] = words[w + 2] as number;
      idWords[o + 3] = words[w + 3] as number;
      idWords[o + 4] = words[w + 4] as number;
      locs[i * 3] = chunk;
      locs[i * 3 + 1] = offset;
      locs[i * 3 + 2] = size;
    }
    return { chunks, count, ids, locs, sorted: idsAscending(ids, count) };
  }
  for (let i = 0; i < count; i++, pos += ENTRY_RECORD) {
    const chunk = data.readUInt32LE(pos + 20);
    const offset = data.readUInt32LE(pos + 24);
    const size = data.readUInt32LE(pos + 28);
    const rec = chunks[chunk];
    if (!rec || offset + size > rec.rawLength) throw new Error(`entry ${i} points outside its chunk`);
    data.copy(ids, i * 20, pos, pos + 20);
    locs[i * 3] = chunk;
    locs[i * 3 + 1] = offset;
    locs[i * 3 + 2] = size;
  }
  return { chunks, count, ids, locs, sorted: idsAscending(ids, count) };
}

/** Orders two 20-byte ids: negative, 0 or positive. */
export function compareIds(a: Uint8Array, aAt: number, b: Uint8Array, bAt: number): number {
  for (let k = 0; k < 20; k++) {
    const d = (a[aAt + k] as number) - (b[bAt + k] as number);
    if (d !== 0) return d;
  }
  return 0;
}

/** Whether `count` 20-byte ids are strictly ascending (neighbours of a sorted index share a byte or two). */
function idsAscending(ids: Uint8Array, count: number): boolean {
  for (let i = 1, at = 20; i < count; i++, at += 20) if (compareIds(ids, at - 20, ids, at) >= 0) return false;
  return true;
}

/** Entries by id: the order indexes are written in, so readers can search them without a table. */
export function byId(a: PackEntry, b: PackEntry): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The compact form of an index a writer just built. */
export function compactPackIndex(index: PackIndex): CompactPackIndex {
  const count = index.entries.length;
  const ids = Buffer.allocUnsafe(count * 20);
  const locs = new Uint32Array(count * 3);
  index.entries.forEach((e, i) => {
    ids.write(e.id, i * 20, 20, 'hex');
    locs[i * 3] = e.chunk;
    locs[i * 3 + 1] = e.offset;
    locs[i * 3 + 2] = e.size;
  });
  return { chunks: index.chunks, count, ids, locs, sorted: idsAscending(ids, count) };
}

export function entryId(index: CompactPackIndex, i: number): string {
  return index.ids.toString('hex', i * 20, i * 20 + 20);
}
