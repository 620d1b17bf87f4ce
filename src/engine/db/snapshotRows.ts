import type { Database } from 'sql.js';
import { InputError } from '../errors';
import { FAILED_REPLAY_STATUSES } from '../replays/types';
import type { SnapshotRecord } from '../types';
import { nullableTextColumn, numberColumn, queryRow, queryRows, textColumn, type Row } from './sqlRows';

const COLUMNS = 'id, label, baseline, created_at, manifest_id, file_count, byte_count, origin, reason';

/** Adds a snapshot row; a record marked as baseline takes the flag from any other. */
export function insertSnapshot(db: Database, rec: SnapshotRecord): void {
  if (getSnapshot(db, rec.id) !== undefined) throw new InputError(`snapshot ${rec.id} already exists`);
  if (rec.baseline) clearBaseline(db);
  db.run(`INSERT INTO snapshots (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
    rec.id,
    rec.label,
    rec.baseline ? 1 : 0,
    rec.createdAt,
    rec.manifestId,
    rec.fileCount,
    rec.byteCount,
    rec.origin ?? 'manual',
    rec.reason ?? null,
  ]);
}

/** Oldest first; snapshots taken within the same millisecond keep their insertion order. */
export function listSnapshots(db: Database): SnapshotRecord[] {
  return queryRows(db, `SELECT ${COLUMNS} FROM snapshots ORDER BY created_at, rowid`).map(toRecord);
}

export function getSnapshot(db: Database, id: string): SnapshotRecord | undefined {
  const row = queryRow(db, `SELECT ${COLUMNS} FROM snapshots WHERE id = ?`, [id]);
  return row === undefined ? undefined : toRecord(row);
}

export function getBaseline(db: Database): SnapshotRecord | undefined {
  const row = queryRow(db, `SELECT ${COLUMNS} FROM snapshots WHERE baseline = 1 ORDER BY created_at DESC, rowid DESC`);
  return row === undefined ? undefined : toRecord(row);
}

/** Marks `id` as the baseline; the latest marked wins, so every other snapshot loses the flag. */
export function setBaseline(db: Database, id: string): void {
  if (getSnapshot(db, id) === undefined) throw new InputError(`unknown snapshot ${id}: cannot mark it as baseline`);
  db.run('UPDATE snapshots SET baseline = CASE WHEN id = ? THEN 1 ELSE 0 END WHERE baseline = 1 OR id = ?', [id, id]);
}

/** Removes the rows of `ids`; ids that do not exist are ignored (retention may race with itself). */
export function deleteSnapshots(db: Database, ids: readonly string[]): void {
  const statement = db.prepare('DELETE FROM snapshots WHERE id = ?');
  try {
    for (const id of ids) statement.run([id]);
  } finally {
    statement.free();
  }
}

/**
 * The baseline, every snapshot an incident was analysed between and the checkpoint before each
 * failed agent task (a replay's snapshot): never pruned, never dropped by retention.
 */
export function pinnedIds(db: Database): Set<string> {
  const ids = new Set<string>();
  for (const row of queryRows(db, 'SELECT id FROM snapshots WHERE baseline = 1')) ids.add(textColumn(row, 'id'));
  for (const row of queryRows(db, 'SELECT baseline_id AS a, post_id AS b FROM incidents')) {
    ids.add(textColumn(row, 'a'));
    ids.add(textColumn(row, 'b'));
  }
  // The checkpoint taken before an agent's task that failed: what a restore goes back to.
  const checkpoints = queryRows(
    db,
    `SELECT json_extract(payload, '$.snapshot') AS s FROM replays
     WHERE status IN (${FAILED_REPLAY_STATUSES.map(() => '?').join(', ')}) AND json_type(payload, '$.snapshot') = 'text'`,
    [...FAILED_REPLAY_STATUSES],
  );
  for (const row of checkpoints) ids.add(textColumn(row, 's'));
  return ids;
}

/** Ids of the incidents whose window starts or ends at snapshot `id`. */
export function incidentsUsing(db: Database, id: string): string[] {
  return queryRows(db, 'SELECT id FROM incidents WHERE baseline_id = ? OR post_id = ? ORDER BY seq', [id, id]).map((r) =>
    textColumn(r, 'id'),
  );
}

function clearBaseline(db: Database): void {
  db.run('UPDATE snapshots SET baseline = 0 WHERE baseline = 1');
}

function toRecord(row: Row): SnapshotRecord {
  return {
    id: textColumn(row, 'id'),
    label: nullableTextColumn(row, 'label'),
    baseline: numberColumn(row, 'baseline') === 1,
    createdAt: numberColumn(row, 'created_at'),
    manifestId: textColumn(row, 'manifest_id'),
    fileCount: numberColumn(row, 'file_count'),
    byteCount: numberColumn(row, 'byte_count'),
    ...(textColumn(row, 'origin') === 'auto' ? { origin: 'auto' as const } : {}),
    ...(nullableTextColumn(row, 'reason') !== null ? { reason: nullableTextColumn(row, 'reason') as string } : {}),
  };
}
