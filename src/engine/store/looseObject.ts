import fs from 'node:fs';
import { decodeBlock, encodeBlock, isBlockEncoding } from './blockCodec';
import * as fsc from './fsCalls';

/*
 * A large blob gets a file of its own, so it can be written and read block by block without
 * ever being whole in memory:
 *   "IRBLOB01", u48 size, u16 0, then blocks of (u32 storedLength, u32 rawLength, u8 encoding, data).
 */

const MAGIC = Buffer.from('IRBLOB01', 'latin1');
const HEADER = 16;
const BLOCK_HEADER = 9;
/** Blocks compressing or waiting to be written per object. */
const MAX_IN_FLIGHT = 2;

/** Streams one blob into a temporary file; {@link commit} renames it to its final name. */
export class LooseWriter {
  private readonly fd: Promise<number>;
  private position = HEADER;
  private size = 0;
  private writes: Promise<void> = Promise.resolve();
  private inFlight: Promise<void>[] = [];
  private failure: Error | undefined;

  constructor(private readonly tmpPath: string) {
    const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL;
    this.fd = fsc.open(tmpPath, flags, 0o444);
    // A failed open surfaces on the first append or commit; avoid an unhandled rejection meanwhile.
    this.fd.catch(() => undefined);
  }

  /** Compresses on the thread pool; resolves once the writer can take another block. */
  async append(raw: Buffer): Promise<void> {
    this.throwIfFailed();
    this.size += raw.length;
    const encoded = encodeBlock(raw);
    const previous = this.writes;
    const job = (async () => {
      const [block, fd] = await Promise.all([encoded, this.fd]);
      await previous;
      const head = Buffer.alloc(BLOCK_HEADER);
      head.writeUInt32LE(block.data.length, 0);
      head.writeUInt32LE(raw.length, 4);
      head.writeUInt8(block.encoding, 8);
      await fsc.writeFully(fd, head, this.position);
      await fsc.writeFully(fd, block.data, this.position + BLOCK_HEADER);
      this.position += BLOCK_HEADER + block.data.length;
    })();
    this.writes = job.catch((e: unknown) => {
      this.failure ??= e instanceof Error ? e : new Error(String(e));
    });
    this.inFlight.push(this.writes);
    while (this.inFlight.length >= MAX_IN_FLIGHT) await this.inFlight.shift();
    this.throwIfFailed();
  }

  /** The first write failure, raised to the caller of the next operation (a property read, so narrowing before an await does not hide it). */
  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  /**
   * Writes the header and closes the temporary file, complete but not yet fsynced or visible;
   * see ObjectStore.publishLoose. Returns the temporary path.
   */
  async finish(): Promise<string> {
    await this.writes;
    if (this.failure !== undefined) {
      await this.abort();
      throw this.failure;
    }
    const fd = await this.fd;
    try {
      const head = Buffer.alloc(HEADER);
      MAGIC.copy(head, 0);
      head.writeUIntLE(this.size, 8, 6);
      await fsc.writeFully(fd, head, 0);
    } catch (e) {
      await this.abort();
      throw e;
    }
    await fsc.close(fd);
    return this.tmpPath;
  }

  async abort(): Promise<void> {
    await this.writes;
    const fd = await this.fd.catch(() => undefined);
    if (fd !== undefined) await fsc.close(fd).catch(() => undefined);
    await fs.promises.rm(this.tmpPath, { force: true });
  }
}

/** Reads a whole large object; throws a plain Error naming what is wrong (the caller adds id and file). */
export async function readLooseObject(file: string): Promise<Buffer> {
  const data = await fs.promises.readFile(file);
  if (data.length < HEADER || !data.subarray(0, 8).equals(MAGIC)) {
    throw new Error('not a blob file (bad header or truncated)');
  }
  const size = data.readUIntLE(8, 6);
  const parts: Buffer[] = [];
  let pos = HEADER;
  let total = 0;
  while (pos < data.length) {
    if (pos + BLOCK_HEADER > data.length) throw new Error('truncated block header');
    const stored = data.readUInt32LE(pos);
    const rawLength = data.readUInt32LE(pos + 4);
    const encoding = data.readUInt8(pos + 8);
    if (!isBlockEncoding(encoding)) throw new Error(`unknown block encoding ${encoding}`);
    const start = pos + BLOCK_HEADER;
    if (start + stored > data.length) throw new Error('truncated block');
    parts.push(await decodeBlock(encoding, data.subarray(start, start + stored), rawLength));
    total += rawLength;
    pos = start + stored;
  }
  if (total !== size) throw new Error(`holds ${total} bytes, header says ${size} (truncated?)`);
  return parts.length === 1 && parts[0] ? parts[0] : Buffer.concat(parts, total);
}
