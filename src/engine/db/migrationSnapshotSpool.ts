import type { Database } from 'sql.js';

/**
 * Changes no table: from this version on, snapshot rows may wait in the store's spool folder
 * before they reach the database (see SnapshotSpool). A version that does not know this would
 * read the database alone and could collect a waiting snapshot's objects, so it must refuse the
 * store, which it does for a schema newer than its own.
 */
export function markSnapshotSpool(db: Database): void {
  void db;
}
