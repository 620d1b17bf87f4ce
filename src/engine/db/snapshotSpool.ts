import fs from 'node:fs';
import path from 'node:path';
import type { Database } from 'sql.js';
import { JobError } from '../errors';
import { storeWriteMessage } from '../store/storeErrors';
import type { SnapshotRecord } from '../types';
import { writeFileAtomic } from './atomicFile';
import { getSnapshot, insertSnapshot } from './snapshotRows';

/*
 * Snapshot rows recorded without opening the database. A CLI `snapshot` is a whole process per
 * call, and loading SQLite (its WebAssembly compiled on first use) plus saving the database was a
 * fifth of a warm one; the row it adds is a few hundred bytes. So that process writes the row as
 * one file here, and the next process to read or write the database moves every waiting row into
 * it (MetadataDb's `pending`), under the database's lock, before anything else sees the rows.
 *
 * Safety (docs/ARCHITECTURE.md, "Collection rule"): the capture writes its row file, durably,
 * while it still holds the store lock, and a collection reads the rows (and so merges the files)
 * under that same lock: a waiting snapshot's objects are as live as a merged one's. A merge saves
 * the database before it removes the files, and every write merges before it changes anything, so
 * a crash in between leaves files whose rows are already in (recognised and removed next time),
 * never a file that brings back a snapshot deleted since. The database's schema marks that it has
 * rows waiting here (migrationSnapshotSpool), so a version that knows nothing of them refuses it.
 */

const SPOOL_FORMAT = 1;
const SUFFIX = '.json';
/** A file that is not a valid row is renamed to this, kept for a person to look at, never merged. */
const INVALID_SUFFIX = '.invalid';
const ID = /^[0-9a-f]{8}$/;
const STALE_TEMP_MS = 10 * 60_000;
const OBJECT_ID = /^[0-9a-f]{40}$/;

export class SnapshotSpool {
  constructor(readonly dir: string) {}

  /** Names of the rows waiting; one readdir, cheap enough for every database read. */
  waiting(): string[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    // Temp files of writers in progress start with a dot (see writeFileAtomic).
    return names.filter((n) => n.endsWith(SUFFIX) && !n.startsWith('.'));
  }

  /** Whether `id` is taken by a waiting row. */
  has(id: string): boolean {
    return fs.existsSync(path.join(this.dir, `${id}${SUFFIX}`));
  }

  /** Records `rec` durably (fsynced file and folder) before returning. */
  add(rec: SnapshotRecord): void {
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      writeFileAtomic(path.join(this.dir, `${rec.id}${SUFFIX}`), Buffer.from(JSON.stringify({ format: SPOOL_FORMAT, snapshot: rec })));
    } catch (e) {
      throw new JobError(storeWriteMessage(`could not record snapshot ${rec.id} in ${this.dir}`, e));
    }
  }

  /**
   * Inserts the waiting rows `names` into `db` (in the caller's transaction), oldest first. A row
   * already there (a merge that crashed before removing its files) is skipped; a file that is not
   * a valid row is set aside.
   */
  apply(db: Database, names: readonly string[]): void {
    const rows: SnapshotRecord[] = [];
    for (const name of names) {
      const rec = this.read(name);
      if (rec) rows.push(rec);
    }
    rows.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const rec of rows) {
      const there = getSnapshot(db, rec.id);
      if (there === undefined) insertSnapshot(db, rec);
      else if (there.manifestId !== rec.manifestId || there.createdAt !== rec.createdAt) {
        // Two snapshots drew the same random id (about one in four billion per pair): the
        // waiting one is kept under an id of its own rather than lost or merged into the other.
        insertSnapshot(db, { ...rec, id: freeId(db, rec.id) });
      }
    }
  }

  /**
   * Removes row files once the database that holds their rows is saved, and the temp files of
   * writers killed mid-write (a row is written in milliseconds; one this old has no writer left).
   */
  remove(names: readonly string[]): void {
    for (const name of names) fs.rmSync(path.join(this.dir, name), { force: true });
    const cutoff = Date.now() - STALE_TEMP_MS;
    for (const name of fs.readdirSync(this.dir)) {
      if (!name.startsWith('.') || !name.includes('.tmp-')) continue;
      const file = path.join(this.dir, name);
      const st = fs.statSync(file, { throwIfNoEntry: false });
      if (st && st.mtimeMs < cutoff) fs.rmSync(file, { force: true });
    }
  }

  private read(name: string): SnapshotRecord | null {
    const file = path.join(this.dir, name);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      // Merged and removed by another process between the listing and now.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    const rec = parseRow(text, name.slice(0, -SUFFIX.length));
    if (rec === null) fs.renameSync(file, `${file}${INVALID_SUFFIX}`);
    return rec;
  }
}

/**
 * The row in a spool file, checked field by field: the store may sit inside a cloned workspace,
 * so what is in it is data to validate, and a file is only ever taken as the row it names.
 */
function parseRow(text: string, id: string): SnapshotRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { format, snapshot: s } = value as { format?: unknown; snapshot?: Record<string, unknown> };
  if (format !== SPOOL_FORMAT || typeof s !== 'object' || s === null) return null;
  const whole = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
  if (s.id !== id || !ID.test(id) || typeof s.manifestId !== 'string' || !OBJECT_ID.test(s.manifestId)) return null;
  if (!whole(s.createdAt) || !whole(s.fileCount) || !whole(s.byteCount) || typeof s.baseline !== 'boolean') return null;
  if (s.label !== null && typeof s.label !== 'string') return null;
  if (s.origin !== undefined && s.origin !== 'auto') return null;
  if (s.reason !== undefined && typeof s.reason !== 'string') return null;
  return {
    id,
    label: s.label,
    baseline: s.baseline,
    createdAt: s.createdAt,
    manifestId: s.manifestId,
    fileCount: s.fileCount,
    byteCount: s.byteCount,
    ...(s.origin === 'auto' ? { origin: 'auto' as const } : {}),
    ...(typeof s.reason === 'string' ? { reason: s.reason } : {}),
  };
}

/** An id no snapshot in `db` has, derived from `id` so the same clash resolves the same way. */
function freeId(db: Database, id: string): string {
  for (let n = 1; ; n++) {
    const candidate = ((Number.parseInt(id, 16) + n * 0x9e3779b1) >>> 0).toString(16).padStart(8, '0');
    if (getSnapshot(db, candidate) === undefined) return candidate;
  }
}
