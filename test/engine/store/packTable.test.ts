import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { byId, compactPackIndex, decodePackIndex, encodePackIndex, entryId, type PackIndex } from '../../../src/engine/store/packFormat';
import { PackTable } from '../../../src/engine/store/packTable';

const idOf = (n: number): string => createHash('sha1').update(`blob ${n}`).digest('hex');

function index(ids: readonly string[]): PackIndex {
  return {
    chunks: [{ offset: 8, storedLength: 10, rawLength: ids.length * 10, encoding: 0 }],
    entries: ids.map((id, i) => ({ id, chunk: 0, offset: i * 10, size: 10 })),
  };
}

describe('PackTable', () => {
  it('finds every id of every pack added, through growth, and nothing else', () => {
    const table = new PackTable();
    const packs = [0, 1, 2].map((p) => Array.from({ length: 1500 }, (_, i) => idOf(p * 10_000 + i)));
    packs.forEach((ids) => table.add(compactPackIndex(index(ids))));
    packs.forEach((ids, p) =>
      ids.forEach((id, i) => {
        assert.deepEqual(table.find(id), [p, i]);
        assert.ok(table.has(id.toUpperCase()), 'hex digits in either case');
      }),
    );
    for (let n = 0; n < 200; n++) assert.equal(table.has(idOf(50_000 + n)), false);
    assert.equal(table.has('not an id'), false);
    assert.equal(table.has('zz'.repeat(20)), false);
  });

  it('keeps the first pack holding an id when a later one holds it too', () => {
    const table = new PackTable();
    table.add(compactPackIndex(index([idOf(1), idOf(2)])));
    table.add(compactPackIndex(index([idOf(3), idOf(2)])));
    assert.deepEqual(table.find(idOf(2)), [0, 1]);
    table.clear();
    assert.equal(table.has(idOf(1)), false);
  });

  it('reads an index file into the same records a writer built', () => {
    const built = index([idOf(7), idOf(8), idOf(9)]);
    const read = decodePackIndex(encodePackIndex(built));
    assert.equal(read.count, 3);
    assert.deepEqual(
      [0, 1, 2].map((i) => entryId(read, i)),
      [idOf(7), idOf(8), idOf(9)],
    );
    assert.deepEqual(read, compactPackIndex(built));
  });

  it('reads the same from bytes at any alignment, and refuses an entry outside its chunk', () => {
    const built = index([idOf(1), idOf(2), idOf(3), idOf(4), idOf(5)]);
    const bytes = encodePackIndex(built);
    for (let shift = 0; shift < 4; shift++) {
      const at = Buffer.alloc(bytes.length + shift);
      bytes.copy(at, shift);
      assert.deepEqual(decodePackIndex(at.subarray(shift)), compactPackIndex(built), `shifted by ${shift}`);
    }
    const outside = index([idOf(1)]);
    (outside.entries[0] as { size: number }).size = 1 << 30;
    assert.throws(() => decodePackIndex(encodePackIndex(outside)), /entry 0 points outside its chunk/);
  });
});

describe('PackTable with sorted indexes (as written now)', () => {
  const sortedIndex = (ids: readonly string[]): PackIndex => {
    const built = index(ids);
    return { ...built, entries: [...built.entries].sort(byId) };
  };

  it('searches sorted packs in place and hashes only unsorted ones, finding every id in either', () => {
    const table = new PackTable();
    const ids = (p: number): string[] => Array.from({ length: 1200 }, (_, i) => idOf(p * 10_000 + i));
    const packs = [sortedIndex(ids(0)), index(ids(1)), sortedIndex(ids(2))];
    const compact = packs.map((p) => decodePackIndex(encodePackIndex(p)));
    assert.deepEqual(
      compact.map((c) => c.sorted),
      [true, false, true],
    );
    compact.forEach((c) => table.add(c));
    packs.forEach((p, no) =>
      p.entries.forEach((e, i) => {
        assert.deepEqual(table.find(e.id), [no, i]);
        assert.ok(table.hasAt(compact[no]?.ids as Buffer, i * 20));
      }),
    );
    for (let n = 0; n < 300; n++) assert.equal(table.has(idOf(90_000 + n)), false);
    // Before the first id, after the last, and between two: not found.
    assert.equal(table.has('0'.repeat(40)), false);
    assert.equal(table.has('f'.repeat(40)), false);
  });

  it('keeps the first pack holding an id, whichever way each pack is looked up', () => {
    const table = new PackTable();
    const a = idOf(1);
    const b = idOf(2);
    const c = idOf(3);
    table.add(compactPackIndex(index([b, c].sort().reverse())));
    table.add(compactPackIndex(sortedIndex([a, b])));
    table.add(compactPackIndex(sortedIndex([b, c])));
    assert.deepEqual(table.find(b)?.[0], 0);
    assert.deepEqual(table.find(a), [1, [a, b].sort().indexOf(a)]);
    const later = new PackTable();
    later.add(compactPackIndex(sortedIndex([a, b])));
    later.add(compactPackIndex(index([c, b].sort().reverse())));
    assert.deepEqual(later.find(b)?.[0], 0);
    assert.deepEqual(later.find(c)?.[0], 1);
  });

  it('after many lookups puts every pack into one table, and answers as before', () => {
    const table = new PackTable();
    const ids = (p: number): string[] => Array.from({ length: 800 }, (_, i) => idOf(p * 10_000 + i));
    const shared = idOf(123_456);
    const packs = [sortedIndex([...ids(0), shared]), index([shared, ...ids(1)]), sortedIndex(ids(2))];
    packs.forEach((p) => table.add(compactPackIndex(p)));
    const where = (id: string): [number, number] | null => table.find(id);
    // Enough lookups to pass the point where searching gives way to the table, asked twice each.
    const before = packs.flatMap((p) => p.entries.map((e) => [e.id, where(e.id)] as const));
    const after = packs.flatMap((p) => p.entries.map((e) => [e.id, where(e.id)] as const));
    assert.deepEqual(after, before);
    assert.equal(where(shared)?.[0], 0, 'the first pack keeps a shared id');
    // A pack added once the table is built is hashed into it as well.
    const late = sortedIndex(ids(3));
    table.add(compactPackIndex(late));
    late.entries.forEach((e, i) => assert.deepEqual(where(e.id), [3, i]));
    assert.equal(table.has(idOf(99_999)), false);
  });

  it('a writer commits its index sorted by id', () => {
    assert.equal(decodePackIndex(encodePackIndex(sortedIndex([idOf(5), idOf(6), idOf(7), idOf(8)]))).sorted, true);
  });
});
