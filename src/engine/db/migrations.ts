import type { Database } from 'sql.js';
import { InputError } from '../errors';
import { createInitialSchema } from './migration1';
import { createPostmortems } from './migration2';
import { addSnapshotGitCommit } from './migrationGitSnapshots';
import { createReplays } from './migrationReplays';
import { addSnapshotOrigin } from './migrationSnapshotOrigin';
import { markSnapshotSpool } from './migrationSnapshotSpool';

export type Migration = (db: Database) => void;

/**
 * Entry i upgrades a database from `user_version` i to i + 1. Append only: users have
 * databases made by every released entry, so a released migration never changes.
 */
export const MIGRATIONS: readonly Migration[] = [
  createInitialSchema,
  createPostmortems,
  createReplays,
  addSnapshotGitCommit,
  addSnapshotOrigin,
  markSnapshotSpool,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function userVersion(db: Database): number {
  const value = db.exec('PRAGMA user_version')[0]?.values[0]?.[0];
  return typeof value === 'number' ? value : 0;
}

/**
 * Brings `db` up to SCHEMA_VERSION in memory, one transaction per step so a failing step
 * leaves the previous version intact. Returns whether anything changed (the caller saves).
 */
export function migrate(db: Database, file: string): boolean {
  const from = userVersion(db);
  if (from > SCHEMA_VERSION) {
    throw new InputError(
      `the metadata database ${file} was written by a newer version of Incident Replay ` +
        `(schema version ${from}; this version knows up to ${SCHEMA_VERSION}). ` +
        `Update Incident Replay (the VS Code extension and the incident-replay CLI) to the latest version; ` +
        `the database was left unchanged.`,
    );
  }
  for (let version = from; version < SCHEMA_VERSION; version++) {
    const step = MIGRATIONS[version];
    if (step === undefined) break;
    db.exec('BEGIN');
    try {
      step(db);
      // user_version is part of the transaction, so it moves only if the step succeeded.
      db.exec(`PRAGMA user_version = ${version + 1}`);
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
  }
  return from < SCHEMA_VERSION;
}
