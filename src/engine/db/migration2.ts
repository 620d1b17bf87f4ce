import type { Database } from 'sql.js';

/**
 * Schema version 2: the postmortem of an incident, one row per incident, edited by people.
 * The payload is plain JSON text rather than deflated like incidents: a postmortem is small,
 * rewritten on every edit, and worth being readable with any SQLite tool.
 */
export function createPostmortems(db: Database): void {
  db.exec(`
    CREATE TABLE postmortems (
      incident_id TEXT PRIMARY KEY REFERENCES incidents (id) ON DELETE CASCADE,
      payload     TEXT NOT NULL CHECK (json_valid(payload)),
      updated_at  INTEGER NOT NULL
    );
  `);
}
