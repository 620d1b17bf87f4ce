import { randomBytes } from 'node:crypto';
import { writeFileAtomic } from '../db/atomicFile';
import fs from 'node:fs';
import path from 'node:path';
import { decodeBlock } from './blockCodec';
import * as fsc from './fsCalls';
import { GitBlobHasher, gitBlobId, isBlobId } from './gitBlobId';
import { LooseWriter, readLooseObject } from './looseObject';
import { type ChunkRecord, type CompactPackIndex, compactPackIndex, decodePackIndex, entryId } from './packFormat';
import { PackTable } from './packTable';
import { PackWriter } from './packWriter';
import { CorruptObjectError, MissingObjectError } from './storeErrors';

/** Blobs at least this big get a file of their own, streamed; smaller ones go into packs. */
export const LARGE_BLOB_BYTES = 1 << 20;
/** Temporary files older than this are leftovers of a crashed writer, which gc may remove. */
const STALE_TMP_MS = 60 * 60 * 1000;
/**
 * Every capture that stores something writes a pack, and every process reads each pack's index on
 * opening the store: past this many packs, a collection also merges the small ones into one (as
 * git's `gc --auto` repacks past gc.autoPackLimit), so a store the recorder has fed for weeks opens
 * as fast as a new one.
 */
const AUTO_PACK_LIMIT = 16;
/** Packs at least this big (a first capture's) are left as they are by that merge. */
const SMALL_PACK_BYTES = 4 << 20;
/** Decoded chunks kept for reads that hit the same chunk again (a diff walks many files of one pack). */
const CHUNK_CACHE_SIZE = 8;
/**
 * Chunks or large blobs decoded at once by {@link ObjectStore.getMany}: decompression runs on
 * libuv's thread pool (4 threads), so this keeps both cores busy without queueing far ahead.
 */
const READ_PARALLELISM = 4;

interface PackRef {
  name: string;
  file: string;
  index: CompactPackIndex;
}

interface PackedAt {
  id: string;
  pack: PackRef;
  chunk: ChunkRecord;
  chunkNo: number;
  offset: number;
  size: number;
}

/** A large blob written to a temporary file, waiting to be published under its id. */
export interface StagedBlob {
  id: string;
  tmp: string;
}

/** A pack whose index could not be read; its blobs count as missing, and reads say why. */
export interface StoreProblem {
  file: string;
  message: string;
}

/**
 * Content-addressed blob store under `<storeDir>/objects`:
 *   packs/<name>.pack + <name>.idx   small blobs of one capture, chunked and compressed
 *   loose/<id>                       one large blob, in compressed blocks
 *   tmp/                             files being written; renamed into place when complete
 * Every write goes to a unique temporary name and is renamed into place, so two processes can
 * write at once and a crash leaves only temporaries behind. `gc` must run under the caller's
 * exclusive store lock: it deletes files that a concurrent capture might be reusing.
 */
/** Where a blob produced in blocks goes (see ObjectStore.putBlocks). */
export interface BlockSink {
  size(bytes: number): void;
  block(data: Buffer): Promise<void>;
}

/** The token of the store's latest collection (see ObjectStore.collectionToken). */
const COLLECTION_FILE = 'collection';

function validToken(text: string): string | null {
  return /^[0-9a-f]{32}$/.test(text) ? text : null;
}

export class ObjectStore {
  /** Every packed blob, by id (see PackTable); `packList` by the table's pack numbers. */
  private readonly packed = new PackTable();
  private readonly packList: PackRef[] = [];
  private readonly packs = new Map<string, PackRef>();
  private readonly loose = new Set<string>();
  private readonly chunkCache = new Map<string, Buffer>();
  private problemList: StoreProblem[] = [];
  /**
   * Whether the folders were listed and the indexes read. Not on open: a warm snapshot of an
   * unchanged tree may need no lookup at all (see collectionToken), and reading every pack's
   * index is the larger part of opening a store in a CLI process.
   */
  private indexRead = false;
  /** Whether this process committed a pack (see mergeSmallPacks). */
  private wrotePack = false;

  private constructor(readonly dir: string) {}

  static async open(dir: string): Promise<ObjectStore> {
    const store = new ObjectStore(path.resolve(dir));
    // Synchronous: three calls, each cheaper than a thread-pool round trip on a busy machine.
    for (const sub of ['packs', 'loose', 'tmp']) fs.mkdirSync(path.join(store.dir, sub), { recursive: true });
    return Promise.resolve(store);
  }

  private get packsDir(): string {
    return path.join(this.dir, 'packs');
  }

  private get looseDir(): string {
    return path.join(this.dir, 'loose');
  }

  private get tmpDir(): string {
    return path.join(this.dir, 'tmp');
  }

  /** Packs whose index is unreadable, found by the last refresh. */
  problems(): readonly StoreProblem[] {
    this.ensureIndex();
    return this.problemList;
  }

  /**
   * Re-reads the folder listing so that blobs written (or removed) by another process become
   * known. Cheap when nothing changed: only indexes not seen before are read.
   */
  refresh(): Promise<void> {
    this.refreshNow();
    return Promise.resolve();
  }

  private ensureIndex(): void {
    if (!this.indexRead) this.refreshNow();
  }

  private refreshNow(): void {
    // Two small listings: synchronous calls cost less than the thread pool's round trips, and
    // every capture makes them on taking the store lock (the collection rule).
    const packNames = fs.readdirSync(this.packsDir);
    const looseNames = fs.readdirSync(this.looseDir);
    const present = new Set(packNames.filter((n) => n.endsWith('.idx')).map((n) => n.slice(0, -4)));
    if ([...this.packs.keys()].some((n) => !present.has(n))) this.forget();
    const problems: StoreProblem[] = [];
    for (const name of [...present].sort()) {
      if (this.packs.has(name)) continue;
      const idxFile = path.join(this.packsDir, `${name}.idx`);
      try {
        this.addPack(name, decodePackIndex(fs.readFileSync(idxFile)));
      } catch (e) {
        if (fsc.errnoCode(e) === 'ENOENT') continue; // removed by a concurrent gc since the listing
        problems.push({ file: idxFile, message: e instanceof Error ? e.message : String(e) });
      }
    }
    this.problemList = problems;
    this.loose.clear();
    for (const n of looseNames) if (isBlobId(n)) this.loose.add(n);
    this.indexRead = true;
  }

  /**
   * Re-lists the object folders so that `has` answers for what is on disk now, not for what
   * this process saw earlier. Writers call it on taking the store lock: collections only
   * run under that lock, so what it finds then stays true until the lock is released.
   */
  revalidate(): Promise<void> {
    // Nothing believed yet: the first lookup lists the folders, under the same lock.
    if (this.indexRead) this.refreshNow();
    return Promise.resolve();
  }

  has(id: string): boolean {
    this.ensureIndex();
    return this.packed.has(id) || this.loose.has(id);
  }

  /** {@link has} for the 20-byte id at `ids[at]`: a capture checks every cached file this way. */
  hasAt(ids: Uint8Array, at: number): boolean {
    this.ensureIndex();
    return (
      this.packed.hasAt(ids, at) ||
      (this.loose.size > 0 && this.loose.has(Buffer.from(ids.buffer, ids.byteOffset + at, 20).toString('hex')))
    );
  }

  /** Where a packed blob is, or undefined when no pack holds it. */
  private locate(id: string): PackedAt | undefined {
    const slot = this.packed.find(id);
    if (!slot) return undefined;
    const pack = this.packList[slot[0]] as PackRef;
    const locs = pack.index.locs;
    const e = slot[1] * 3;
    const chunkNo = locs[e] as number;
    return {
      id,
      pack,
      chunk: pack.index.chunks[chunkNo] as ChunkRecord,
      chunkNo,
      offset: locs[e + 1] as number,
      size: locs[e + 2] as number,
    };
  }

  /** Stores one blob on its own (captures use {@link beginPack} for their many small blobs). */
  async put(content: Buffer): Promise<string> {
    const id = gitBlobId(content);
    if (this.has(id)) return id;
    const writer = this.beginLoose();
    try {
      for (let off = 0; off < content.length; off += LARGE_BLOB_BYTES) {
        await writer.append(content.subarray(off, off + LARGE_BLOB_BYTES));
      }
    } catch (e) {
      await writer.abort();
      throw e;
    }
    await this.commitLoose(writer, id);
    return id;
  }

  /**
   * Stores one blob that `produce` hands over in blocks, telling its size first (a blob id needs
   * it), so the blob is never whole in memory; returns its id. One already stored is not written again.
   */
  async putBlocks(produce: (sink: BlockSink) => Promise<void>): Promise<string> {
    const writer = this.beginLoose();
    let hasher: GitBlobHasher | undefined;
    let id: string;
    try {
      await produce({
        size: (bytes) => {
          hasher = new GitBlobHasher(bytes);
        },
        block: async (data) => {
          if (!hasher) throw new Error('internal: a block before the blob size');
          hasher.update(data);
          await writer.append(data);
        },
      });
      if (!hasher) throw new Error('internal: a blob without its size');
      id = hasher.digest();
    } catch (e) {
      await writer.abort();
      throw e;
    }
    if (this.has(id)) await writer.abort();
    else await this.commitLoose(writer, id);
    return id;
  }

  async get(id: string): Promise<Buffer> {
    if (!this.has(id)) await this.refresh();
    try {
      return await this.read(id);
    } catch (e) {
      // A concurrent gc may have repacked the blob elsewhere since we listed the folder.
      if (fsc.errnoCode(e) !== 'ENOENT') throw e;
      await this.refresh();
      return this.read(id);
    }
  }

  /**
   * Reads several blobs at once: each pack chunk is read and decompressed once however many of
   * the blobs it holds, chunks and large blobs are decoded in parallel on the thread pool, and a
   * pack is opened once for all its chunks. Every blob is checked against its id, as `get` does.
   */
  async getMany(ids: Iterable<string>): Promise<Map<string, Buffer>> {
    const wanted = [...new Set(ids)];
    if (wanted.some((id) => !this.has(id))) await this.refresh();
    const out = new Map<string, Buffer>();
    const byChunk = new Map<string, PackedAt[]>();
    const single: string[] = [];
    for (const id of wanted) {
      const at = this.locate(id);
      if (!at) {
        single.push(id);
        continue;
      }
      const key = `${at.pack.name}/${at.chunkNo}`;
      const group = byChunk.get(key);
      if (group) group.push(at);
      else byChunk.set(key, [at]);
    }
    // In file order, so one pack's reads move forward through it.
    const groups = [...byChunk.values()].sort((x, y) => {
      const a = x[0] as PackedAt;
      const b = y[0] as PackedAt;
      return a.pack.name !== b.pack.name ? (a.pack.name < b.pack.name ? -1 : 1) : a.chunk.offset - b.chunk.offset;
    });
    const fds = new Map<string, Promise<number>>();
    const fdOf = (pack: PackRef): Promise<number> => {
      let fd = fds.get(pack.file);
      if (!fd) {
        fd = fsc.open(pack.file, fs.constants.O_RDONLY);
        fd.catch(() => undefined);
        fds.set(pack.file, fd);
      }
      return fd;
    };
    const retry: string[] = [];
    const jobs: (() => Promise<void>)[] = [
      ...groups.map((group) => async () => {
        const first = group[0] as PackedAt;
        let chunk: Buffer;
        try {
          chunk = await this.readChunk(first, () => fdOf(first.pack));
        } catch (e) {
          // A concurrent gc may have repacked these blobs; `get` refreshes and finds them.
          if (fsc.errnoCode(e) !== 'ENOENT') throw e;
          for (const at of group) retry.push(at.id);
          return;
        }
        for (const at of group)
          out.set(at.id, this.verified(at.id, at.pack.file, Buffer.from(chunk.subarray(at.offset, at.offset + at.size))));
      }),
      ...single.map((id) => async () => {
        out.set(id, await this.get(id));
      }),
    ];
    try {
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < jobs.length) await (jobs[next++] as () => Promise<void>)();
      };
      await Promise.all(Array.from({ length: Math.min(READ_PARALLELISM, jobs.length) }, worker));
    } finally {
      for (const fd of fds.values()) {
        const n = await fd.catch(() => undefined);
        if (n !== undefined) await fsc.close(n).catch(() => undefined);
      }
    }
    for (const id of retry) out.set(id, await this.get(id));
    return out;
  }

  /**
   * Checks that each blob is present and reads back to its id, without keeping the contents:
   * what `fsck` needs over a whole store. Returns only the bad ones, with why.
   */
  async check(ids: Iterable<string>, onChecked?: (n: number) => void): Promise<Map<string, string>> {
    await this.refresh();
    const bad = new Map<string, string>();
    const byChunk = new Map<string, PackedAt[]>();
    const loose: string[] = [];
    for (const id of new Set(ids)) {
      const at = this.locate(id);
      if (at) {
        const key = `${at.pack.name}/${at.chunkNo}`;
        const group = byChunk.get(key);
        if (group) group.push(at);
        else byChunk.set(key, [at]);
      } else if (this.loose.has(id)) loose.push(id);
      else bad.set(id, 'missing');
    }
    let done = 0;
    for (const group of byChunk.values()) {
      try {
        const chunk = await this.readChunk(group[0] as PackedAt);
        for (const at of group) {
          if (gitBlobId(chunk.subarray(at.offset, at.offset + at.size)) !== at.id)
            bad.set(at.id, `content in ${at.pack.file} does not match its id`);
        }
      } catch (e) {
        for (const at of group) bad.set(at.id, e instanceof Error ? e.message : String(e));
      }
      done += group.length;
      onChecked?.(done);
    }
    for (const id of loose) {
      try {
        await this.read(id);
      } catch (e) {
        bad.set(id, e instanceof Error ? e.message : String(e));
      }
      onChecked?.(++done);
    }
    this.chunkCache.clear();
    return bad;
  }

  /** A pack for the small blobs of one capture; commit it to make them visible. */
  beginPack(): PackWriter {
    const name = `pack-${Date.now().toString(36)}-${randomBytes(8).toString('hex')}`;
    return new PackWriter({ tmpDir: this.tmpDir, packsDir: this.packsDir, name }, (n, index) =>
      this.addOwnPack(n, compactPackIndex(index)),
    );
  }

  /** A streamed large blob; {@link commitLoose} names it once its id is known. */
  beginLoose(): LooseWriter {
    return new LooseWriter(path.join(this.tmpDir, `loose-${randomBytes(10).toString('hex')}.tmp`));
  }

  /** Finishes a streamed blob and makes it visible at once (fsync, rename). */
  async commitLoose(writer: LooseWriter, id: string): Promise<void> {
    await this.publishLoose([await this.stageLoose(writer, id)]);
  }

  /**
   * Finishes a streamed blob without making it visible yet. A capture stages its large blobs
   * and publishes them together at the end, so their fsyncs overlap with each other and with
   * the rest of the capture instead of stalling it one file at a time.
   */
  async stageLoose(writer: LooseWriter, id: string): Promise<StagedBlob> {
    if (!isBlobId(id)) throw new Error(`not a blob id: ${id}`);
    return { id, tmp: await writer.finish() };
  }

  /** Makes staged blobs durable (fsync), then visible (rename), replacing identical copies. */
  async publishLoose(staged: readonly StagedBlob[]): Promise<void> {
    if (staged.length === 0) return;
    let next = 0;
    const syncOne = async (): Promise<void> => {
      while (next < staged.length) {
        const { tmp } = staged[next++] as StagedBlob;
        const fd = await fsc.open(tmp, fs.constants.O_RDONLY);
        try {
          await fsc.fsync(fd);
        } finally {
          await fsc.close(fd);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(4, staged.length) }, syncOne));
    for (const { id, tmp } of staged) {
      await fs.promises.rename(tmp, path.join(this.looseDir, id));
      this.loose.add(id);
    }
    await fsc.fsyncDir(this.looseDir);
  }

  /** Drops staged blobs that will not be published (a cancelled or failed capture). */
  async discardLoose(staged: readonly StagedBlob[]): Promise<void> {
    await Promise.all(staged.map((s) => fs.promises.rm(s.tmp, { force: true })));
  }

  /**
   * Removes every blob not in `live`. Packs with no live blob are deleted; packs that are only
   * partly live are rewritten with their live blobs, and so are small packs when there are many
   * (see AUTO_PACK_LIMIT); the new pack is committed before the old ones are removed, so a crash
   * leaves at worst a duplicate.
   */
  async gc(live: ReadonlySet<string>): Promise<{ removedObjects: number; freedBytes: number }> {
    await this.refresh();
    this.markCollection();
    const before = await this.diskUsage();
    const dead = new Set<string>();
    const rewrite: PackRef[] = [];
    const drop: PackRef[] = [];
    for (const pack of this.packs.values()) {
      let liveCount = 0;
      for (let i = 0; i < pack.index.count; i++) {
        const id = entryId(pack.index, i);
        if (live.has(id)) liveCount++;
        else dead.add(id);
      }
      if (liveCount === 0) drop.push(pack);
      else if (liveCount < pack.index.count) rewrite.push(pack);
    }
    if (this.packs.size - drop.length > AUTO_PACK_LIMIT) {
      for (const pack of this.smallPacks()) if (!drop.includes(pack) && !rewrite.includes(pack)) rewrite.push(pack);
    }
    await this.rewritePacks(rewrite, (id) => live.has(id));
    for (const pack of [...drop, ...rewrite]) await this.removePack(pack);
    for (const id of this.loose) {
      if (live.has(id)) continue;
      dead.add(id);
      await fs.promises.rm(path.join(this.looseDir, id), { force: true });
    }
    await this.removeStaleTemporaries();
    this.forget();
    await this.refresh();
    const after = await this.diskUsage();
    return { removedObjects: dead.size, freedBytes: Math.max(0, before - after) };
  }

  /**
   * Merges the small packs into one when there are more than twice AUTO_PACK_LIMIT, which a
   * store gets between collections (the recorder's retention collects only once its caps are
   * reached). Copies every blob and deletes nothing that is not in the merged pack, so it needs no
   * list of live blobs, only the store lock. Returns whether it merged.
   */
  async mergeSmallPacks(): Promise<boolean> {
    // Without a pack of its own the count is as the last writer left it (and that writer checked):
    // a capture that stored nothing reads no index just to count them.
    if (!this.indexRead && !this.wrotePack) return false;
    this.ensureIndex();
    if (this.packs.size <= 2 * AUTO_PACK_LIMIT) return false;
    const small = this.smallPacks();
    if (small.length < 2) return false;
    await this.rewritePacks(small, () => true);
    for (const pack of small) await this.removePack(pack);
    this.forget();
    await this.refresh();
    return true;
  }

  private smallPacks(): PackRef[] {
    return [...this.packs.values()].filter((p) => p.index.chunks.reduce((n, c) => n + c.storedLength, 0) < SMALL_PACK_BYTES);
  }

  /** Writes the blobs of `packs` that `keep` accepts into one new pack, committed before any old pack is removed. */
  private async rewritePacks(packs: readonly PackRef[], keep: (id: string) => boolean): Promise<void> {
    if (packs.length === 0) return;
    const writer = this.beginPack();
    try {
      const copied = new Set<string>();
      for (const pack of packs) {
        for (let i = 0; i < pack.index.count; i++) {
          const id = entryId(pack.index, i);
          if (!keep(id) || copied.has(id)) continue;
          copied.add(id);
          await writer.add(id, await this.read(id));
        }
      }
      await writer.commit();
    } catch (e) {
      await writer.abort();
      throw e;
    }
  }

  /**
   * Names the store's latest collection; a capture that finds the same token as when a stat cache
   * was written knows that every blob that cache names as stored still is: only a collection
   * deletes blobs, and it replaces the token (durably) before it deletes anything. Created by the
   * first capture to ask, under the store lock like every caller. Null when it cannot be read or
   * made (then every blob is looked up as usual).
   */
  collectionToken(): string | null {
    const file = path.join(this.dir, COLLECTION_FILE);
    try {
      return validToken(fs.readFileSync(file, 'latin1'));
    } catch (e) {
      if (fsc.errnoCode(e) !== 'ENOENT') return null;
    }
    try {
      const token = randomBytes(16).toString('hex');
      fs.writeFileSync(file, token, { flag: 'wx', mode: 0o644 });
      return token;
    } catch {
      return null;
    }
  }

  /** A new collection token, on disk before the caller deletes anything (see collectionToken). */
  private markCollection(): void {
    writeFileAtomic(path.join(this.dir, COLLECTION_FILE), Buffer.from(randomBytes(16).toString('hex'), 'latin1'));
  }

  /** Bytes the file system gives all packs, indexes and large blobs (temporaries included). */
  async diskUsage(): Promise<number> {
    let total = 0;
    for (const sub of [this.packsDir, this.looseDir, this.tmpDir]) total += await storeDiskBytes(sub);
    return total;
  }

  /** Drops the in-memory index so the next refresh rebuilds it from disk. */
  private forget(): void {
    this.packs.clear();
    this.packed.clear();
    this.packList.length = 0;
    this.chunkCache.clear();
  }

  /** A pack this process committed. */
  private addOwnPack(name: string, index: CompactPackIndex): void {
    this.wrotePack = true;
    this.addPack(name, index);
  }

  private addPack(name: string, index: CompactPackIndex): void {
    const pack: PackRef = { name, file: path.join(this.packsDir, `${name}.pack`), index };
    this.packs.set(name, pack);
    this.packList[this.packed.add(index)] = pack;
  }

  private async removePack(pack: PackRef): Promise<void> {
    // Index first: once it is gone no reader discovers the pack, then the data can go.
    await fs.promises.rm(path.join(this.packsDir, `${pack.name}.idx`), { force: true });
    await fs.promises.rm(pack.file, { force: true });
    this.packs.delete(pack.name);
  }

  private async read(id: string): Promise<Buffer> {
    const at = this.locate(id);
    let content: Buffer;
    let file: string;
    if (at) {
      file = at.pack.file;
      const chunk = await this.readChunk(at);
      content = Buffer.from(chunk.subarray(at.offset, at.offset + at.size));
    } else if (this.loose.has(id)) {
      file = path.join(this.looseDir, id);
      try {
        content = await readLooseObject(file);
      } catch (e) {
        if (fsc.errnoCode(e) !== undefined) throw e;
        throw new CorruptObjectError(id, file, e instanceof Error ? e.message : String(e));
      }
    } else {
      const why = this.problemList.map((p) => `${p.file}: ${p.message}`).join('; ');
      if (why) throw new CorruptObjectError(id, this.dir, `not found; unreadable pack indexes: ${why}`);
      throw new MissingObjectError(id);
    }
    return this.verified(id, file, content);
  }

  private verified(id: string, file: string, content: Buffer): Buffer {
    if (gitBlobId(content) !== id) throw new CorruptObjectError(id, file, 'content does not match its id');
    return content;
  }

  /** `openPack` lends a descriptor the caller closes; without it the pack is opened and closed here. */
  private async readChunk(at: PackedAt, openPack?: () => Promise<number>): Promise<Buffer> {
    const key = `${at.pack.name}/${at.chunkNo}`;
    const cached = this.chunkCache.get(key);
    if (cached) {
      this.chunkCache.delete(key);
      this.chunkCache.set(key, cached);
      return cached;
    }
    const { chunk } = at;
    const stored = Buffer.allocUnsafe(chunk.storedLength);
    let got: number;
    if (openPack) {
      got = await fsc.readFully(await openPack(), stored, 0, chunk.storedLength, chunk.offset);
    } else {
      const fd = await fsc.open(at.pack.file, fs.constants.O_RDONLY);
      try {
        got = await fsc.readFully(fd, stored, 0, chunk.storedLength, chunk.offset);
      } finally {
        await fsc.close(fd);
      }
    }
    const idOf = (): string => {
      const { index } = at.pack;
      for (let i = 0; i < index.count; i++) if (index.locs[i * 3] === at.chunkNo) return entryId(index, i);
      return '?';
    };
    if (got < chunk.storedLength) {
      throw new CorruptObjectError(idOf(), at.pack.file, `pack is truncated: chunk ${at.chunkNo} ends past the end of the file`);
    }
    let raw: Buffer;
    try {
      raw = await decodeBlock(chunk.encoding, stored, chunk.rawLength);
    } catch (e) {
      throw new CorruptObjectError(idOf(), at.pack.file, `chunk ${at.chunkNo}: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.chunkCache.set(key, raw);
    if (this.chunkCache.size > CHUNK_CACHE_SIZE) {
      const oldest = this.chunkCache.keys().next().value;
      if (oldest !== undefined) this.chunkCache.delete(oldest);
    }
    return raw;
  }

  private async removeStaleTemporaries(): Promise<void> {
    const now = Date.now();
    for (const name of await fs.promises.readdir(this.tmpDir)) {
      const file = path.join(this.tmpDir, name);
      try {
        if (now - (await fsc.lstat(file)).mtimeMs > STALE_TMP_MS) await fs.promises.rm(file, { force: true });
      } catch (e) {
        if (fsc.errnoCode(e) !== 'ENOENT') throw e;
      }
    }
    // A pack renamed into place whose index never followed (crash between the two renames).
    for (const name of await fs.promises.readdir(this.packsDir)) {
      if (!name.endsWith('.pack') || this.packs.has(name.slice(0, -5))) continue;
      const file = path.join(this.packsDir, name);
      try {
        if (now - (await fsc.lstat(file)).mtimeMs > STALE_TMP_MS) await fs.promises.rm(file, { force: true });
      } catch (e) {
        if (fsc.errnoCode(e) !== 'ENOENT') throw e;
      }
    }
  }
}

/**
 * Bytes allocated on disk to a folder and everything below it: blocks, not lengths, so a cap
 * on the store counts what the disk really loses (a 10-byte file takes a 4 KiB block).
 */
export async function storeDiskBytes(dir: string): Promise<number> {
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch (e) {
    if (fsc.errnoCode(e) === 'ENOENT') return 0;
    throw e;
  }
  let total = 0;
  for (const name of names) {
    const p = path.join(dir, name);
    let st: fs.Stats;
    try {
      st = await fsc.lstat(p);
    } catch (e) {
      // A collection or a temporary file may vanish while it is being counted.
      if (fsc.errnoCode(e) === 'ENOENT') continue;
      throw e;
    }
    total += allocatedBytes(st) + (st.isDirectory() ? await storeDiskBytes(p) : 0);
  }
  return total;
}

/** st_blocks is in 512-byte units on every platform Node reports it for; Windows reports none. */
export function allocatedBytes(st: fs.Stats): number {
  return st.blocks > 0 || st.size === 0 ? st.blocks * 512 : st.size;
}
