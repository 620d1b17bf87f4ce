import type { Database } from 'sql.js';

/**
 * Snapshots the flight recorder takes on its own carry `origin = 'auto'` and why they were taken,
 * so retention can drop them while never touching a snapshot a person asked for (the default).
 */
export function addSnapshotOrigin(db: Database): void {
  db.exec(`
    ALTER TABLE snapshots ADD COLUMN origin TEXT NOT NULL DEFAULT 'manual';
    ALTER TABLE snapshots ADD COLUMN reason TEXT;
  `);
}
