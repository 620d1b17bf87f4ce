import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { InputError } from '../../../src/engine/errors';
import { gitBlobId } from '../../../src/engine/store/gitBlobId';
import { ObjectStore } from '../../../src/engine/store/objectStore';
import { CorruptObjectError, MissingObjectError } from '../../../src/engine/store/storeErrors';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const text = (n: number, seed = 'line'): Buffer =>
  Buffer.from(Array.from({ length: n }, (_, i) => `${seed} ${i} of some source text\n`).join(''));

async function packed(store: ObjectStore, blobs: Buffer[]): Promise<string[]> {
  const writer = store.beginPack();
  const ids: string[] = [];
  for (const b of blobs) {
    const id = gitBlobId(b);
    ids.push(id);
    await writer.add(id, b);
  }
  await writer.commit();
  return ids;
}

function onlyFile(sub: string, suffix: string): string {
  const names = fs.readdirSync(path.join(dir, sub)).filter((n) => n.endsWith(suffix));
  assert.equal(names.length, 1, `expected one ${suffix} in ${sub}, found ${names.join(', ')}`);
  return path.join(dir, sub, names[0] as string);
}

describe('ObjectStore', () => {
  it('returns what was put, by git blob id, for empty, small, compressible and multi-block content', async () => {
    const store = await ObjectStore.open(dir);
    for (const content of [Buffer.alloc(0), Buffer.from('x'), text(20000), randomBytes(2.5 * 1024 * 1024)]) {
      const id = await store.put(content);
      assert.equal(id, gitBlobId(content));
      assert.ok(store.has(id));
      assert.deepEqual(await store.get(id), content);
    }
    // A fresh instance (another process) finds them on disk.
    const again = await ObjectStore.open(dir);
    assert.deepEqual(await again.get(gitBlobId(text(20000))), text(20000));
  });

  it('keeps one copy of content put twice', async () => {
    const store = await ObjectStore.open(dir);
    const content = text(5000);
    const id = await store.put(content);
    const usage = await store.diskUsage();
    assert.ok(usage > 0);
    assert.equal(await store.put(content), id);
    assert.equal(await store.diskUsage(), usage);
  });

  it('compresses text and leaves random data at about its size', async () => {
    const store = await ObjectStore.open(dir);
    await packed(store, [text(50000)]);
    const textUsage = await store.diskUsage();
    assert.ok(textUsage < text(50000).length / 3, `text took ${textUsage} bytes`);
  });

  it('reads blobs from packs, including chunks written by another instance', async () => {
    const reader = await ObjectStore.open(dir);
    // Its first lookup reads the folders (not opening: see ObjectStore.indexRead).
    assert.equal(reader.has('0'.repeat(40)), false);
    const writer = await ObjectStore.open(dir);
    const blobs = Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? randomBytes(5000 + i) : text(100 + i, `f${i}`)));
    const ids = await packed(writer, blobs);
    assert.equal(reader.has(ids[0] as string), false, 'not known before a refresh');
    for (let i = 0; i < blobs.length; i += 37) assert.deepEqual(await reader.get(ids[i] as string), blobs[i]);
    assert.ok(reader.has(ids[0] as string));
  });

  it('getMany returns many blobs at once, from several chunks and packs and from large blob files', async () => {
    const writer = await ObjectStore.open(dir);
    // Enough text for several chunks per pack, in two packs, plus two large blobs of their own.
    const first = Array.from({ length: 400 }, (_, i) => (i % 5 === 0 ? randomBytes(2000 + i) : text(40 + (i % 50), `one${i}`)));
    const second = Array.from({ length: 200 }, (_, i) => text(30 + (i % 20), `two${i}`));
    const ids = [...(await packed(writer, first)), ...(await packed(writer, second))];
    const large = [text(60_000, 'large-a'), randomBytes(1.5 * 1024 * 1024)];
    for (const b of large) ids.push(await writer.put(b));
    const blobs = [...first, ...second, ...large];
    const reader = await ObjectStore.open(dir);
    // Every other blob, some twice, in an order unrelated to where they are stored.
    const wanted = ids.filter((_, i) => i % 2 === 0).reverse();
    const got = await reader.getMany([...wanted, ...wanted.slice(0, 10)]);
    assert.equal(got.size, wanted.length);
    for (let i = 0; i < ids.length; i += 2) assert.deepEqual(got.get(ids[i] as string), blobs[i], `blob ${i}`);
    assert.deepEqual(await reader.getMany([]), new Map());
  });

  it('getMany fails like get for a missing or damaged blob', async () => {
    const store = await ObjectStore.open(dir);
    const [id] = await packed(store, [text(30000)]);
    const missing = gitBlobId('never stored');
    await assert.rejects(
      store.getMany([id as string, missing]),
      (e: unknown) => e instanceof MissingObjectError && e.message.includes(missing),
    );
    const pack = onlyFile('packs', '.pack');
    const bytes = fs.readFileSync(pack);
    for (let i = 100; i < 400; i++) bytes[i] = (bytes[i] as number) ^ 0x5a;
    fs.chmodSync(pack, 0o644);
    fs.writeFileSync(pack, bytes);
    await assert.rejects(
      (await ObjectStore.open(dir)).getMany([id as string]),
      (e: unknown) => e instanceof CorruptObjectError && e.message.includes(pack),
    );
  });

  it('says clearly when an object is missing', async () => {
    const store = await ObjectStore.open(dir);
    const id = gitBlobId('never stored');
    await assert.rejects(store.get(id), (e: unknown) => {
      assert.ok(e instanceof MissingObjectError && e instanceof InputError);
      assert.match(e.message, new RegExp(`object ${id} is not in the snapshot store`));
      return true;
    });
  });

  it('reports a damaged pack chunk as corrupt, naming the pack', async () => {
    const store = await ObjectStore.open(dir);
    const [id] = await packed(store, [text(30000)]);
    const pack = onlyFile('packs', '.pack');
    const bytes = fs.readFileSync(pack);
    for (let i = 100; i < 400; i++) bytes[i] = (bytes[i] as number) ^ 0x5a;
    fs.chmodSync(pack, 0o644);
    fs.writeFileSync(pack, bytes);
    const fresh = await ObjectStore.open(dir);
    await assert.rejects(fresh.get(id as string), (e: unknown) => {
      assert.ok(e instanceof CorruptObjectError);
      assert.ok(e.message.includes(pack), e.message);
      assert.match(e.message, /corrupt/);
      return true;
    });
  });

  it('reports a truncated pack as truncated', async () => {
    const store = await ObjectStore.open(dir);
    const [id] = await packed(store, [randomBytes(200_000)]);
    const pack = onlyFile('packs', '.pack');
    fs.truncateSync(pack, 1000);
    const fresh = await ObjectStore.open(dir);
    await assert.rejects(fresh.get(id as string), /pack is truncated/);
  });

  it('reports a raw (uncompressed) chunk whose bytes changed as not matching its id', async () => {
    const store = await ObjectStore.open(dir);
    const blob = randomBytes(50_000);
    const [id] = await packed(store, [blob]);
    const pack = onlyFile('packs', '.pack');
    const bytes = fs.readFileSync(pack);
    bytes[bytes.length - 10] = (bytes[bytes.length - 10] as number) ^ 1;
    fs.chmodSync(pack, 0o644);
    fs.writeFileSync(pack, bytes);
    await assert.rejects((await ObjectStore.open(dir)).get(id as string), /content does not match its id/);
  });

  it('reports a damaged large object as corrupt', async () => {
    const store = await ObjectStore.open(dir);
    const id = await store.put(text(100_000));
    const file = path.join(dir, 'loose', id);
    fs.chmodSync(file, 0o644);
    fs.truncateSync(file, fs.statSync(file).size - 100);
    await assert.rejects(
      (await ObjectStore.open(dir)).get(id),
      (e: unknown) => e instanceof CorruptObjectError && /truncated/.test(e.message),
    );
  });

  it('survives an unreadable pack index and names it when its blobs are asked for', async () => {
    const store = await ObjectStore.open(dir);
    const [id] = await packed(store, [text(100)]);
    const idx = onlyFile('packs', '.idx');
    fs.chmodSync(idx, 0o644);
    fs.truncateSync(idx, 30);
    const fresh = await ObjectStore.open(dir);
    assert.equal(fresh.problems().length, 1);
    await assert.rejects(fresh.get(id as string), (e: unknown) => e instanceof CorruptObjectError && e.message.includes(idx));
  });

  it('gc removes only unreferenced blobs, rewriting partly live packs', async () => {
    const store = await ObjectStore.open(dir);
    const [a, b] = await packed(store, [text(3000, 'a'), text(3000, 'b')]);
    const [c] = await packed(store, [text(3000, 'c')]);
    const d = await store.put(randomBytes(1_500_000));
    const e = await store.put(randomBytes(1_200_000));
    const before = await store.diskUsage();
    const result = await store.gc(new Set([a as string, d]));
    assert.equal(result.removedObjects, 3);
    assert.ok(result.freedBytes > 1_200_000, `freed ${result.freedBytes}`);
    assert.equal(await store.diskUsage(), before - result.freedBytes);
    const fresh = await ObjectStore.open(dir);
    assert.deepEqual(await fresh.get(a as string), text(3000, 'a'));
    assert.equal((await fresh.get(d)).length, 1_500_000);
    for (const gone of [b, c, e] as string[]) {
      assert.equal(fresh.has(gone), false);
      await assert.rejects(fresh.get(gone), MissingObjectError);
    }
    assert.equal(fs.readdirSync(path.join(dir, 'packs')).length, 2, 'one pack and its index remain');
  });

  it('gc with everything live changes nothing', async () => {
    const store = await ObjectStore.open(dir);
    const ids = await packed(store, [text(100, 'x'), text(100, 'y')]);
    const before = await store.diskUsage();
    assert.deepEqual(await store.gc(new Set(ids)), { removedObjects: 0, freedBytes: 0 });
    assert.equal(await store.diskUsage(), before);
  });

  it('gc merges small packs into one past 16 packs, leaving big ones, and every live blob stays readable', async () => {
    const store = await ObjectStore.open(dir);
    const [big] = await packed(store, [randomBytes(5_000_000)]);
    const small: string[] = [];
    for (let i = 0; i < 20; i++) small.push(...(await packed(store, [text(200, `s${i}`), text(50, `t${i}`)])));
    const dead = small.pop() as string;
    const live = new Set([big as string, ...small]);
    const packsOf = (): string[] => fs.readdirSync(path.join(dir, 'packs')).filter((n) => n.endsWith('.pack'));
    assert.equal(packsOf().length, 21);
    const result = await store.gc(live);
    assert.equal(result.removedObjects, 1);
    assert.equal(packsOf().length, 2, 'the big pack and one merged pack');
    const fresh = await ObjectStore.open(dir);
    for (let i = 0; i < 20; i++) assert.deepEqual(await fresh.get(small[2 * i] as string), text(200, `s${i}`));
    assert.equal((await fresh.get(big as string)).length, 5_000_000);
    assert.equal(fresh.has(dead), false);
    // Under the limit, nothing more is merged.
    await packed(fresh, [text(10, 'late')]);
    await fresh.gc(new Set([...live, gitBlobId(text(10, 'late'))]));
    assert.equal(packsOf().length, 3);
  });

  it('merges small packs past 32 without a collection, keeping every blob', async () => {
    const store = await ObjectStore.open(dir);
    const ids: string[] = [];
    for (let i = 0; i < 32; i++) ids.push(...(await packed(store, [text(100, `m${i}`)])));
    assert.equal(await store.mergeSmallPacks(), false, 'not at 32');
    ids.push(...(await packed(store, [text(100, 'm32')])));
    assert.equal(await store.mergeSmallPacks(), true);
    assert.equal(fs.readdirSync(path.join(dir, 'packs')).filter((n) => n.endsWith('.pack')).length, 1);
    const fresh = await ObjectStore.open(dir);
    for (let i = 0; i <= 32; i++) assert.deepEqual(await fresh.get(ids[i] as string), text(100, `m${i}`));
  });

  it('putBlocks stores a blob handed over in blocks under its git id, once', async () => {
    const store = await ObjectStore.open(dir);
    const content = Buffer.concat([text(20_000, 'p'), randomBytes(1_500_000)]);
    const produce = async (sink: { size(n: number): void; block(b: Buffer): Promise<void> }): Promise<void> => {
      sink.size(content.length);
      for (let at = 0; at < content.length; at += 300_000) await sink.block(content.subarray(at, at + 300_000));
    };
    const id = await store.putBlocks(produce);
    assert.equal(id, gitBlobId(content));
    assert.ok((await (await ObjectStore.open(dir)).get(id)).equals(content));
    const loose = fs.readdirSync(path.join(dir, 'loose')).length;
    assert.equal(await store.putBlocks(produce), id);
    assert.equal(fs.readdirSync(path.join(dir, 'loose')).length, loose, 'not written again');
    assert.equal(fs.readdirSync(path.join(dir, 'tmp')).length, 0, 'no temporary left');
    await assert.rejects(
      store.putBlocks(async (sink) => {
        sink.size(10);
        await sink.block(Buffer.from('too short'));
      }),
      /told 10 bytes but received 9/,
    );
    assert.equal(fs.readdirSync(path.join(dir, 'tmp')).length, 0, 'a failed blob leaves no temporary');
  });

  it('an aborted pack leaves nothing behind', async () => {
    const store = await ObjectStore.open(dir);
    const writer = store.beginPack();
    await writer.add(gitBlobId(text(40000)), text(40000));
    await writer.add(gitBlobId(text(40000, 'z')), text(40000, 'z'));
    await writer.abort();
    assert.equal(await store.diskUsage(), 0);
    assert.equal(store.has(gitBlobId(text(40000))), false);
  });
});
