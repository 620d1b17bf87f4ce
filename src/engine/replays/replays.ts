import { InputError } from '../errors';
import { redactLikelySecrets } from '../content/redact';
import { normalizeIncidentId } from '../incidents';
import { redactDeep } from '../report/redactExport';
import type { SnapshotStore } from '../snapshotStore';
import { findReplayByCall, getReplay, insertReplay, listReplayRows, nextReplayId, normalizeReplayId, updateReplay } from './rows';
import {
  REPLAY_STATUSES,
  type Replay,
  type ReplayListItem,
  type ReplayOutcome,
  type ReplayOutcomeInput,
  type ReplayPayload,
} from './types';

/** A replay is a task description, not a log: big inputs belong in the workspace or a snapshot. */
export const MAX_REPLAY_BYTES = 256 * 1024;
/** Tool results kept with an outcome: enough for the error and its context. */
export const MAX_RESULT_CHARS = 4000;
const MAX_FIELD_CHARS = 200;

function shortText(name: string, value: string | undefined | null, max = MAX_FIELD_CHARS): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new InputError(`${name} must be a string`);
  const t = value.trim();
  if (t.length > max) throw new InputError(`${name} is ${t.length} characters long: keep it under ${max}`);
  return t === '' ? null : t;
}

function cap(text: string | null | undefined, max: number): string | null {
  if (text === undefined || text === null) return null;
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * A secret named only by its key (`"password": "…"`) is recognisable with the key beside it, so
 * the record is redacted as JSON text first, then value by value.
 */
function redactRecord<T>(value: T): T {
  try {
    return redactDeep(JSON.parse(redactLikelySecrets(JSON.stringify(value))) as T);
  } catch {
    // A replacement cut through a JSON escape: the value-by-value pass still runs.
    return redactDeep(value);
  }
}

/**
 * Stores what an agent set out to do. Secrets in the payload are redacted before it is stored,
 * as incidents are: the store outlives the task and its contents end up in exports.
 */
export async function recordReplay(store: SnapshotStore, payload: ReplayPayload, now = Date.now()): Promise<Replay> {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload))
    throw new InputError('the payload must be an object (agent, phase, plan, task, inputs)');
  const inputs = payload.inputs ?? {};
  if (inputs === null || typeof inputs !== 'object' || Array.isArray(inputs)) throw new InputError('payload.inputs must be an object');
  const draft: Omit<Replay, 'id'> = {
    recordedAt: now,
    agent: shortText('payload.agent', payload.agent),
    phase: shortText('payload.phase', payload.phase),
    plan: shortText('payload.plan', payload.plan),
    task: shortText('payload.task', payload.task, 4000),
    inputs,
    session: shortText('payload.session', payload.session),
    callId: shortText('payload.callId', payload.callId),
    snapshot: shortText('payload.snapshot', payload.snapshot),
    incident: payload.incident ? normalizeIncidentId(payload.incident) : null,
    outcome: null,
  };
  const size = Buffer.byteLength(JSON.stringify(draft), 'utf8');
  if (size > MAX_REPLAY_BYTES) {
    throw new InputError(
      `the replay payload is ${Math.round(size / 1024)} KB: keep it under ${MAX_REPLAY_BYTES / 1024} KB (put big inputs in a file and record its path)`,
    );
  }
  const clean = redactRecord(draft);
  return store.db.write((db) => {
    const replay: Replay = { id: nextReplayId(db), ...clean };
    insertReplay(db, replay);
    return replay;
  });
}

export async function listReplays(store: SnapshotStore, opts: { agent?: string; limit?: number } = {}): Promise<ReplayListItem[]> {
  return store.db.read((db) => listReplayRows(db, opts));
}

export async function loadReplay(store: SnapshotStore, rawId: string): Promise<Replay> {
  const id = normalizeReplayId(rawId);
  const r = await store.db.read((db) => getReplay(db, id));
  if (r === undefined) throw new InputError(`no replay ${id} in this store: list_replays shows the ids`);
  return r;
}

function outcomeOf(input: ReplayOutcomeInput, now: number): ReplayOutcome {
  if (input === null || typeof input !== 'object')
    throw new InputError(`the outcome must be an object with a status (${REPLAY_STATUSES.join(', ')})`);
  const status = REPLAY_STATUSES.find((s) => s === input.status);
  if (status === undefined)
    throw new InputError(`outcome.status ${JSON.stringify(input.status)} is not one of ${REPLAY_STATUSES.join(', ')}`);
  return redactRecord({
    status,
    note: shortText('outcome.note', input.note, 4000),
    fix: shortText('outcome.fix', input.fix, 4000),
    category: shortText('outcome.category', input.category),
    incident: input.incident ? normalizeIncidentId(input.incident) : null,
    result: cap(input.result, MAX_RESULT_CHARS),
    at: now,
  });
}

/** Records how the task ended; a later annotation replaces an earlier one. */
export async function annotateReplay(store: SnapshotStore, rawId: string, input: ReplayOutcomeInput, now = Date.now()): Promise<Replay> {
  const id = normalizeReplayId(rawId);
  const outcome = outcomeOf(input, now);
  return store.db.write((db) => {
    const r = getReplay(db, id);
    if (r === undefined) throw new InputError(`no replay ${id} in this store: list_replays shows the ids`);
    const next: Replay = { ...r, outcome, incident: outcome.incident ?? r.incident };
    updateReplay(db, next);
    return next;
  });
}

/** Annotates the replay a hook recorded for one tool call; null when no such call was recorded. */
export async function annotateReplayOfCall(
  store: SnapshotStore,
  session: string,
  callId: string,
  input: ReplayOutcomeInput,
  now = Date.now(),
): Promise<Replay | null> {
  const outcome = outcomeOf(input, now);
  return store.db.write((db) => {
    const r = findReplayByCall(db, session, callId);
    if (r === undefined) return null;
    const next: Replay = { ...r, outcome };
    updateReplay(db, next);
    return next;
  });
}
