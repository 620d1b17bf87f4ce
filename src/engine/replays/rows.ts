import type { Database } from 'sql.js';
import { InputError } from '../errors';
import { nullableTextColumn, numberColumn, queryRow, queryRows, textColumn, type Row } from '../db/sqlRows';
import { REPLAY_STATUSES, type Replay, type ReplayListItem, type ReplayStatus } from './types';

const ID_PATTERN = /^RPL-(\d{4,})$/;
const LIST_COLUMNS = 'id, recorded_at, agent, phase, plan, status, payload';

export function normalizeReplayId(raw: string): string {
  const m = /^(?:rpl-?)?0*(\d+)$/i.exec(raw.trim());
  if (!m) throw new InputError(`${JSON.stringify(raw)} is not a replay id: give one like RPL-0001 (list_replays shows them)`);
  return `RPL-${(m[1] as string).padStart(4, '0')}`;
}

/** The id the next replay gets; call it in the same write as insertReplay (the write lock keeps ids unique). */
export function nextReplayId(db: Database): string {
  const row = queryRow(db, 'SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM replays');
  return `RPL-${String(row === undefined ? 1 : numberColumn(row, 'next')).padStart(4, '0')}`;
}

export function insertReplay(db: Database, r: Replay): void {
  const seq = Number(ID_PATTERN.exec(r.id)?.[1]);
  db.run(
    `INSERT INTO replays (id, seq, recorded_at, agent, phase, plan, session, call_id, status, annotated_at, payload)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      r.id,
      seq,
      r.recordedAt,
      r.agent,
      r.phase,
      r.plan,
      r.session,
      r.callId,
      r.outcome?.status ?? null,
      r.outcome?.at ?? null,
      JSON.stringify(r),
    ],
  );
}

export function updateReplay(db: Database, r: Replay): void {
  db.run('UPDATE replays SET status = ?, annotated_at = ?, payload = ? WHERE id = ?', [
    r.outcome?.status ?? null,
    r.outcome?.at ?? null,
    JSON.stringify(r),
    r.id,
  ]);
  if (db.getRowsModified() === 0) throw new InputError(`no replay ${r.id} in this store: list_replays shows the ids`);
}

export function getReplay(db: Database, id: string): Replay | undefined {
  const row = queryRow(db, 'SELECT payload FROM replays WHERE id = ?', [id]);
  return row === undefined ? undefined : (JSON.parse(textColumn(row, 'payload')) as Replay);
}

/** The newest replay of one tool call (a hook's "before" record, which its "after" completes). */
export function findReplayByCall(db: Database, session: string, callId: string): Replay | undefined {
  const row = queryRow(db, 'SELECT payload FROM replays WHERE session = ? AND call_id = ? ORDER BY seq DESC LIMIT 1', [session, callId]);
  return row === undefined ? undefined : (JSON.parse(textColumn(row, 'payload')) as Replay);
}

/** Newest first; `agent` filters. */
export function listReplayRows(db: Database, opts: { agent?: string; limit?: number } = {}): ReplayListItem[] {
  const where = opts.agent === undefined ? '' : 'WHERE agent = ?';
  const params = opts.agent === undefined ? [] : [opts.agent];
  const limit = opts.limit === undefined ? '' : ` LIMIT ${Math.max(1, Math.floor(opts.limit))}`;
  return queryRows(db, `SELECT ${LIST_COLUMNS} FROM replays ${where} ORDER BY seq DESC${limit}`, params).map(toListItem);
}

/** Every replay with its payload, oldest first. */
export function allReplays(db: Database): Replay[] {
  return queryRows(db, 'SELECT payload FROM replays ORDER BY seq').map((row) => JSON.parse(textColumn(row, 'payload')) as Replay);
}

function toListItem(row: Row): ReplayListItem {
  const status = nullableTextColumn(row, 'status');
  const payload = JSON.parse(textColumn(row, 'payload')) as Partial<Replay>;
  return {
    id: textColumn(row, 'id'),
    recordedAt: numberColumn(row, 'recorded_at'),
    agent: nullableTextColumn(row, 'agent'),
    phase: nullableTextColumn(row, 'phase'),
    plan: nullableTextColumn(row, 'plan'),
    task: typeof payload.task === 'string' ? payload.task : null,
    status: REPLAY_STATUSES.find((s): s is ReplayStatus => s === status) ?? null,
  };
}
