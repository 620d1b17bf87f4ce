import type { Database } from 'sql.js';

/**
 * Schema version 1: snapshot and incident metadata. Released migrations are frozen; a
 * change to the schema is a new migration appended in migrations.ts.
 *
 * Incident payloads are a BLOB of zlib-deflated JSON (see incidentRows.ts): an incident
 * carries its whole timeline, triggers and change list, which is repetitive JSON that
 * shrinks several times over, and the database file is rewritten on every save.
 */
export function createInitialSchema(db: Database): void {
  db.exec(`
    CREATE TABLE snapshots (
      id          TEXT PRIMARY KEY,
      label       TEXT,
      baseline    INTEGER NOT NULL DEFAULT 0 CHECK (baseline IN (0, 1)),
      created_at  INTEGER NOT NULL,
      manifest_id TEXT NOT NULL,
      file_count  INTEGER NOT NULL,
      byte_count  INTEGER NOT NULL
    );
    CREATE INDEX snapshots_created_at ON snapshots (created_at);

    CREATE TABLE incidents (
      id          TEXT PRIMARY KEY,
      seq         INTEGER NOT NULL UNIQUE,
      title       TEXT NOT NULL,
      created_at  INTEGER NOT NULL,
      severity    TEXT NOT NULL,
      status      TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
      resolved_at INTEGER,
      baseline_id TEXT NOT NULL,
      post_id     TEXT NOT NULL,
      category    TEXT NOT NULL,
      confidence  REAL NOT NULL,
      signature   TEXT NOT NULL,
      repeat_of   TEXT,
      payload     BLOB NOT NULL
    );
    CREATE INDEX incidents_signature ON incidents (signature);
  `);
}
