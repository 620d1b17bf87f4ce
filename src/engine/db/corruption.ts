import * as fs from 'node:fs';
import type { Database } from 'sql.js';
import { errorMessage } from './sqlEngine';

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
export const HEADER_SIZE = 100;

/** Whether `header` (a file's first bytes) starts like an SQLite database; says nothing of the rest. */
export function hasSqliteMagic(header: Uint8Array): boolean {
  return header.byteLength >= SQLITE_MAGIC.length && SQLITE_MAGIC.equals(header.subarray(0, SQLITE_MAGIC.length));
}

/**
 * What is structurally wrong with the bytes of a database file, or null when the header
 * is sound. Checked before SQLite sees the bytes so the user gets a specific reason
 * ("truncated", "not SQLite") instead of SQLite's generic "malformed".
 */
export function headerDamage(bytes: Uint8Array): string | null {
  if (bytes.byteLength === 0) return 'the file is empty';
  if (bytes.byteLength < HEADER_SIZE || !hasSqliteMagic(bytes)) {
    return 'it is not an SQLite database (the file does not start with the SQLite header)';
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rawPageSize = view.getUint16(16);
  const pageSize = rawPageSize === 1 ? 65_536 : rawPageSize;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) {
    return `its header is damaged (page size ${rawPageSize} is not valid)`;
  }
  if (bytes.byteLength % pageSize !== 0) {
    return `it is truncated (${bytes.byteLength} bytes is not a whole number of ${pageSize}-byte pages)`;
  }
  // The page count at offset 28 is only trustworthy when the change counter (24) matches
  // the "version-valid-for" number (92); see https://www.sqlite.org/fileformat.html.
  const pageCount = view.getUint32(28);
  if (view.getUint32(24) === view.getUint32(92) && pageCount * pageSize > bytes.byteLength) {
    return `it is truncated (${bytes.byteLength} bytes, but its header announces ${pageCount * pageSize})`;
  }
  return null;
}

/** SQLite's own verdict on an opened database, or null when it is sound. */
export function contentDamage(db: Database): string | null {
  try {
    const result = db.exec('PRAGMA quick_check');
    const first = result[0]?.values[0]?.[0];
    return first === 'ok' ? null : `it is damaged (${String(first)})`;
  } catch (err) {
    return `it is damaged (${errorMessage(err)})`;
  }
}

/**
 * Renames a damaged database to `<file>.corrupt-<YYYYMMDD-HHMMSS>` (UTC) and returns the
 * new path. A numeric suffix keeps two corruptions within one second apart.
 */
export function moveAside(file: string, now: number): string {
  const base = `${file}.corrupt-${compactUtc(now)}`;
  let target = base;
  for (let n = 2; fs.existsSync(target); n++) target = `${base}-${n}`;
  fs.renameSync(file, target);
  return target;
}

function compactUtc(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2024-05-01T12:34:56.789Z
  return `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}`;
}

export function corruptMessage(file: string, reason: string, movedTo: string): string {
  return (
    `the metadata database ${file} could not be read: ${reason}. ` +
    `It was moved aside to ${movedTo} (nothing was deleted). ` +
    `Running the command again starts a new, empty database; snapshot contents (the objects/ folder) ` +
    `are kept, but the list of snapshots and incidents starts over.`
  );
}
