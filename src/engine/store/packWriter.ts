import fs from 'node:fs';
import path from 'node:path';
import { encodeBlock } from './blockCodec';
import * as fsc from './fsCalls';
import { byId, type ChunkRecord, encodePackIndex, PACK_MAGIC, type PackEntry, type PackIndex } from './packFormat';

/**
 * Raw bytes gathered before a chunk is compressed and written. A read decodes a whole chunk,
 * so small chunks keep reading one file cheap (a diff of 100 files scattered over a big pack
 * decoded ~100 MB with 1 MiB chunks); Brotli at quality 0 compresses 128 KiB chunks as well as
 * 1 MiB ones (measured on this project's synthetic workspace), and the thread pool hand-off
 * per chunk is small next to compressing 128 KiB.
 */
const CHUNK_TARGET = 128 << 10;
/** Chunks being compressed or written at once; bounds memory to a few MiB. */
const MAX_IN_FLIGHT = 8;

export interface PackLocation {
  tmpDir: string;
  packsDir: string;
  /** Unique name (no extension) so that concurrent writers never collide. */
  name: string;
}

/**
 * Collects the small blobs of one capture into a new pack. Nothing is visible to readers
 * until {@link commit}: the pack and its index are written under temporary names, fsynced,
 * and renamed pack first, index last (readers discover packs by their index).
 */
export class PackWriter {
  private fd: Promise<number> | undefined;
  private size = PACK_MAGIC.length;
  private chunk: Buffer = Buffer.allocUnsafe(0);
  private chunkUsed = 0;
  private sealed = 0;
  private readonly chunks: (ChunkRecord | undefined)[] = [];
  private readonly entries: PackEntry[] = [];
  private readonly pendingIds = new Set<string>();
  private inFlight: Promise<void>[] = [];
  /**
   * Chunk buffers whose bytes are written, for the next chunks: a capture seals thousands, and
   * each new one was external memory that lingered until a collection, tens of MiB at the peak of
   * a 100,000-file capture.
   */
  private readonly spare: Buffer[] = [];
  private failure: Error | undefined;
  private finished = false;

  constructor(
    private readonly where: PackLocation,
    private readonly onCommit: (name: string, index: PackIndex) => void,
  ) {}

  /** The first write failure, raised to the caller of the next operation (a property read, so narrowing before an await does not hide it). */
  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  /** True when the blob was added to this (uncommitted) pack. */
  has(id: string): boolean {
    return this.pendingIds.has(id);
  }

  get count(): number {
    return this.pendingIds.size;
  }

  /**
   * Adds one blob. The bytes are copied, so the caller may reuse `content` once this resolves;
   * it resolves only when there is room again, which is how back-pressure reaches the reader.
   */
  async add(id: string, content: Buffer): Promise<void> {
    if (this.finished) throw new Error('pack writer already finished');
    this.throwIfFailed();
    if (this.pendingIds.has(id)) return;
    this.pendingIds.add(id);
    if (this.chunkUsed > 0 && this.chunkUsed + content.length > this.chunk.length) this.seal();
    if (this.chunk.length - this.chunkUsed < content.length) {
      this.chunk = Buffer.allocUnsafe(Math.max(CHUNK_TARGET * 2, content.length));
      this.chunkUsed = 0;
    }
    this.entries.push({ id, chunk: this.sealed, offset: this.chunkUsed, size: content.length });
    content.copy(this.chunk, this.chunkUsed);
    this.chunkUsed += content.length;
    if (this.chunkUsed >= CHUNK_TARGET) {
      this.seal();
      while (this.inFlight.length >= MAX_IN_FLIGHT) await this.inFlight.shift();
      this.throwIfFailed();
    }
  }

  /** Writes what is left and the index, and makes the pack visible. Returns false when it was empty. */
  async commit(): Promise<boolean> {
    if (this.finished) throw new Error('pack writer already finished');
    this.finished = true;
    if (this.chunkUsed > 0) this.seal();
    await Promise.all(this.inFlight);
    this.inFlight = [];
    if (this.failure !== undefined) {
      await this.cleanup();
      throw this.failure;
    }
    if (this.entries.length === 0) return false;
    const chunks: ChunkRecord[] = [];
    for (const c of this.chunks) {
      if (!c) throw new Error('pack writer lost a chunk record');
      chunks.push(c);
    }
    // By id: readers then search the index in place instead of hashing every id (see PackTable).
    const index: PackIndex = { chunks, entries: [...this.entries].sort(byId) };
    const { tmpDir, packsDir, name } = this.where;
    const tmpIdx = path.join(tmpDir, `${name}.idx.tmp`);
    try {
      const fd = await this.descriptor();
      await fsc.fsync(fd);
      await fsc.close(fd);
      this.fd = undefined;
      const idxFd = await fsc.open(tmpIdx, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o444);
      try {
        await fsc.writeFully(idxFd, encodePackIndex(index), 0);
        await fsc.fsync(idxFd);
      } finally {
        await fsc.close(idxFd);
      }
      await fs.promises.rename(this.tmpPackPath(), path.join(packsDir, `${name}.pack`));
      await fs.promises.rename(tmpIdx, path.join(packsDir, `${name}.idx`));
      await fsc.fsyncDir(packsDir);
    } catch (e) {
      await this.cleanup();
      await fs.promises.rm(tmpIdx, { force: true });
      await fs.promises.rm(path.join(packsDir, `${name}.pack`), { force: true });
      throw e;
    }
    this.onCommit(name, index);
    return true;
  }

  /** Drops everything written so far; the store is left as it was. */
  async abort(): Promise<void> {
    this.finished = true;
    await Promise.allSettled(this.inFlight);
    this.inFlight = [];
    await this.cleanup();
  }

  private tmpPackPath(): string {
    return path.join(this.where.tmpDir, `${this.where.name}.pack.tmp`);
  }

  private seal(): void {
    const whole = this.chunk;
    const raw = whole.subarray(0, this.chunkUsed);
    const index = this.sealed++;
    this.chunk = this.spare.pop() ?? Buffer.allocUnsafe(CHUNK_TARGET * 2);
    this.chunkUsed = 0;
    const job = (async () => {
      const [block, fd] = await Promise.all([encodeBlock(raw), this.descriptor()]);
      // Space is claimed when a block is ready, so blocks may land out of seal order; the
      // chunk table is indexed by seal order, which is what entries refer to.
      const offset = this.size;
      this.size += block.data.length;
      this.chunks[index] = { offset, storedLength: block.data.length, rawLength: raw.length, encoding: block.encoding };
      await fsc.writeFully(fd, block.data, offset);
      // Written (a chunk stored raw is written from this very buffer): its bytes are needed no more.
      if (whole.length === CHUNK_TARGET * 2) this.spare.push(whole);
    })().catch((e: unknown) => {
      this.failure ??= e instanceof Error ? e : new Error(String(e));
    });
    this.inFlight.push(job);
  }

  private descriptor(): Promise<number> {
    this.fd ??= (async () => {
      const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL;
      const fd = await fsc.open(this.tmpPackPath(), flags, 0o444);
      await fsc.writeFully(fd, PACK_MAGIC, 0);
      return fd;
    })();
    return this.fd;
  }

  private async cleanup(): Promise<void> {
    const pending = this.fd;
    this.fd = undefined;
    if (pending) {
      const fd = await pending.catch(() => undefined);
      if (fd !== undefined) await fsc.close(fd).catch(() => undefined);
    }
    await fs.promises.rm(this.tmpPackPath(), { force: true });
  }
}
