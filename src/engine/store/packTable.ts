import { compareIds, type CompactPackIndex } from './packFormat';

/*
 * Which pack holds each blob, for every pack of a store, without an object per blob: a store of
 * 100,000 files held ~20 MB of per-blob objects (a Map entry, its hex key, two records), which a
 * CLI process built on every start and the scavenger copied around. Here a pack's ids stay as the
 * 20-byte records of its index file (CompactPackIndex). A sorted index (as written now) is searched
 * in place, as git searches its .idx files: a CLI process that looks up a hundred blobs no longer
 * hashes every id of the store first (8 ms and 2 MB for 100,000 ids). Older, unsorted indexes, and
 * every index once a process has made many lookups, go into one open-addressing table (typed arrays).
 */

/** The first four bytes of an id (uniformly distributed: it is a SHA-1). */
function hashAt(ids: Uint8Array, at: number): number {
  return ((ids[at] as number) << 24) | ((ids[at + 1] as number) << 16) | ((ids[at + 2] as number) << 8) | (ids[at + 3] as number);
}

function sameId(a: Uint8Array, at: number, b: Uint8Array, bt: number): boolean {
  for (let i = 0; i < 20; i++) if (a[at + i] !== b[bt + i]) return false;
  return true;
}

/** Lookups served by binary search before a table is built after all (see PackTable.locateAt). */
const SEARCHES_BEFORE_HASHING = 1024;

/** The entry of a sorted index holding the id at `q[at..at+20]`, or -1. */
function search(index: CompactPackIndex, q: Uint8Array, at: number): number {
  let lo = 0;
  let hi = index.count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareIds(index.ids, mid * 20, q, at);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Value of a hex digit, or -1. */
function nibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * Blob id -> (pack number, entry number) over the packs added so far. The first pack to hold an
 * id keeps it (a later duplicate, left by an interrupted rewrite, is never looked up).
 */
export class PackTable {
  private readonly packs: CompactPackIndex[] = [];
  /** Numbers of the packs whose ids are sorted and not yet in the table: searched. */
  private readonly sorted: number[] = [];
  /** Lookups that searched sorted packs: past SEARCHES_BEFORE_HASHING, every pack goes into the table. */
  private searches = 0;
  /** Per slot: pack number + 1 (0 = empty), and entry number. */
  private slotPack = new Int32Array(0);
  private slotEntry = new Int32Array(0);
  private used = 0;
  /** The id being looked up, as bytes (no allocation per lookup). */
  private readonly query = Buffer.alloc(20);

  clear(): void {
    this.packs.length = 0;
    this.sorted.length = 0;
    this.searches = 0;
    this.slotPack = new Int32Array(0);
    this.slotEntry = new Int32Array(0);
    this.used = 0;
  }

  /** Adds a pack's ids; returns its number (for {@link pack}). */
  add(index: CompactPackIndex): number {
    const no = this.packs.length;
    this.packs.push(index);
    if (index.sorted && this.searches <= SEARCHES_BEFORE_HASHING) {
      this.sorted.push(no);
      return no;
    }
    this.reserve(this.used + index.count);
    for (let i = 0; i < index.count; i++) this.insert(no, i);
    return no;
  }

  pack(no: number): CompactPackIndex {
    return this.packs[no] as CompactPackIndex;
  }

  /** Where `id` is, as [pack number, entry number], or null. */
  find(id: string): [number, number] | null {
    if (!this.parse(id)) return null;
    return this.locateAt(this.query, 0);
  }

  has(id: string): boolean {
    return this.find(id) !== null;
  }

  /** {@link has} for the id at `ids[at..at+20]` (a stat cache's column), with no hex in between. */
  hasAt(ids: Uint8Array, at: number): boolean {
    return this.locateAt(ids, at) !== null;
  }

  /** Writes `id` into `query` as bytes; false when it is not 40 hex digits. */
  private parse(id: string): boolean {
    if (id.length !== 40) return false;
    const q = this.query;
    for (let i = 0; i < 20; i++) {
      const hi = nibble(id.charCodeAt(2 * i));
      const lo = nibble(id.charCodeAt(2 * i + 1));
      if (hi < 0 || lo < 0) return false;
      q[i] = (hi << 4) | lo;
    }
    return true;
  }

  /** The first pack (lowest number) holding the id, searched or from the table, and its entry. */
  private locateAt(ids: Uint8Array, at: number): [number, number] | null {
    // Many lookups (a capture checking every cached file after a collection) are cheaper in one
    // table than in a binary search per pack each: 24,000 ids over 24 packs took 64 ms against 9 ms.
    if (this.sorted.length > 0 && ++this.searches > SEARCHES_BEFORE_HASHING) this.hashAll();
    const slot = this.used > 0 ? this.probe(ids, at) : -1;
    const hashed = slot < 0 ? this.packs.length : (this.slotPack[slot] as number) - 1;
    for (const no of this.sorted) {
      if (no > hashed) break;
      const entry = search(this.packs[no] as CompactPackIndex, ids, at);
      if (entry >= 0) return [no, entry];
    }
    return slot < 0 ? null : [hashed, this.slotEntry[slot] as number];
  }

  /** The slot holding the id at `ids[at..at+20]`, or -1. */
  private probe(ids: Uint8Array, at: number): number {
    const mask = this.slotPack.length - 1;
    for (let s = hashAt(ids, at) & mask; ; s = (s + 1) & mask) {
      const p = this.slotPack[s] as number;
      if (p === 0) return -1;
      if (sameId((this.packs[p - 1] as CompactPackIndex).ids, (this.slotEntry[s] as number) * 20, ids, at)) return s;
    }
  }

  /** Puts every pack into the table, in pack order, so the first pack holding an id keeps it. */
  private hashAll(): void {
    this.sorted.length = 0;
    this.slotPack = new Int32Array(0);
    this.slotEntry = new Int32Array(0);
    this.used = 0;
    this.reserve(this.packs.reduce((n, p) => n + p.count, 0));
    this.packs.forEach((p, no) => {
      for (let i = 0; i < p.count; i++) this.insert(no, i);
    });
  }

  private insert(no: number, entry: number): void {
    const ids = (this.packs[no] as CompactPackIndex).ids;
    const at = entry * 20;
    const mask = this.slotPack.length - 1;
    for (let s = hashAt(ids, at) & mask; ; s = (s + 1) & mask) {
      const p = this.slotPack[s] as number;
      if (p === 0) {
        this.slotPack[s] = no + 1;
        this.slotEntry[s] = entry;
        this.used++;
        return;
      }
      if (sameId((this.packs[p - 1] as CompactPackIndex).ids, (this.slotEntry[s] as number) * 20, ids, at)) return;
    }
  }

  /** Keeps the table at most half full, rehashing into a bigger one when needed. */
  private reserve(entries: number): void {
    let capacity = Math.max(this.slotPack.length, 1024);
    while (capacity < entries * 2) capacity *= 2;
    if (capacity === this.slotPack.length) return;
    const oldPack = this.slotPack;
    const oldEntry = this.slotEntry;
    this.slotPack = new Int32Array(capacity);
    this.slotEntry = new Int32Array(capacity);
    this.used = 0;
    for (let s = 0; s < oldPack.length; s++) {
      const p = oldPack[s] as number;
      if (p !== 0) this.insert(p - 1, oldEntry[s] as number);
    }
  }
}
