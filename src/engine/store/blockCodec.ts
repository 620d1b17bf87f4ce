import zlib from 'node:zlib';

/**
 * How a block of blob bytes is kept on disk. Every pack chunk and every block of a large
 * object carries one of these codes, so old data stays readable if the writer's choice changes.
 */
export const BlockEncoding = {
  raw: 0,
  deflate: 1,
  brotli: 2,
} as const;
export type BlockEncoding = (typeof BlockEncoding)[keyof typeof BlockEncoding];

export function isBlockEncoding(n: number): n is BlockEncoding {
  return n === 0 || n === 1 || n === 2;
}

/**
 * Data that shrinks by less than this is kept raw: decoding it later would cost time for
 * almost no space (random binary, already-compressed media).
 */
const KEEP_RAW_RATIO = 0.97;

/*
 * Brotli at quality 0 is the codec the writer uses. Measured on this project's 2-core machine
 * over real JavaScript source it compresses as well as zlib level 1 (ratio ~0.23) at over twice
 * the speed (~400 vs ~175 MB/s), and it passes incompressible data through at ~2 GB/s where
 * deflate crawls at ~50 MB/s. Both come from node:zlib; deflate stays readable.
 */
function brotliOptions(size: number): zlib.BrotliOptions {
  return {
    // One output buffer for the whole block: the default 16 KiB chunk costs a thread-pool
    // round trip per 16 KiB of output, which dominated large captures.
    chunkSize: outputChunk(size),
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 0,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: size,
    },
  };
}

export interface EncodedBlock {
  encoding: BlockEncoding;
  data: Buffer;
}

function outputChunk(size: number): number {
  return Math.max(zlib.constants.Z_MIN_CHUNK, Math.min(size + (size >> 3) + 1024, 8 << 20));
}

/** Compresses on libuv's thread pool, so callers can hash or read the next block meanwhile. */
export function encodeBlock(raw: Buffer): Promise<EncodedBlock> {
  if (raw.length < 64) return Promise.resolve({ encoding: BlockEncoding.raw, data: raw });
  return new Promise((resolve, reject) => {
    zlib.brotliCompress(raw, brotliOptions(raw.length), (err, out) => {
      if (err) reject(err);
      else if (out.length >= raw.length * KEEP_RAW_RATIO) resolve({ encoding: BlockEncoding.raw, data: raw });
      else resolve({ encoding: BlockEncoding.brotli, data: out });
    });
  });
}

/** Throws a plain Error with a short reason; callers wrap it with the object and file it concerns. */
export function decodeBlock(encoding: BlockEncoding, data: Buffer, rawLength: number): Promise<Buffer> {
  const check = (out: Buffer): Buffer => {
    if (out.length !== rawLength) {
      throw new Error(`block decodes to ${out.length} bytes, expected ${rawLength}`);
    }
    return out;
  };
  if (encoding === BlockEncoding.raw) return Promise.resolve(check(data));
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, out: Buffer): void => {
      if (err) {
        reject(new Error(`compressed block does not decode: ${err.message}`));
        return;
      }
      try {
        resolve(check(out));
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    };
    const opts = { maxOutputLength: Math.max(rawLength, 1), chunkSize: outputChunk(rawLength) };
    if (encoding === BlockEncoding.deflate) zlib.inflateRaw(data, opts, done);
    else zlib.brotliDecompress(data, opts, done);
  });
}
