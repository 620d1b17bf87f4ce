import type { Database } from 'sql.js';
import { queryRow, textColumn } from '../db/sqlRows';
import { redactDeep } from '../report/redactExport';
import type { Postmortem } from './types';

/** The stored postmortem of `incidentId` as written, or undefined when none was saved. */
export function readPostmortemRow(db: Database, incidentId: string): unknown {
  const row = queryRow(db, 'SELECT payload FROM postmortems WHERE incident_id = ?', [incidentId]);
  if (row === undefined) return undefined;
  try {
    return JSON.parse(textColumn(row, 'payload')) as unknown;
  } catch (err) {
    throw new Error(`metadata database: the postmortem of ${incidentId} is not valid JSON (${(err as Error).message})`);
  }
}

export function writePostmortemRow(db: Database, pm: Postmortem): void {
  db.run(
    `INSERT INTO postmortems (incident_id, payload, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (incident_id) DO UPDATE SET payload = excluded.payload, updated_at = excluded.updated_at`,
    // Typed fields may hold a key pasted by mistake; the stored row gets the same redaction as every export.
    [pm.incidentId, JSON.stringify(redactDeep(pm)), pm.updatedAt],
  );
}
