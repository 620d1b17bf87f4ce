import type { Database } from 'sql.js';
import { getIncident } from '../db/incidentRows';
import { InputError } from '../errors';
import { normalizeIncidentId } from '../incidents';
import type { SnapshotStore } from '../snapshotStore';
import { draftPostmortem } from './draft';
import { readPostmortemRow, writePostmortemRow } from './rows';
import type { Annotation, Outcome, Postmortem } from './types';

export const OUTCOMES: readonly Outcome[] = ['fixed', 'mitigated', 'false-alarm', 'wont-fix'];
/** Outcomes after which nothing is left to do: annotating with one resolves the incident. Mitigated is not one. */
export const CLOSING_OUTCOMES: ReadonlySet<Outcome> = new Set<Outcome>(['fixed', 'false-alarm', 'wont-fix']);

const ID_HELP = 'use an id like INC-0001 (see `incident-replay incidents`)';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A stored record filled in with what a fresh draft has and it lacks: fields added to the
 * postmortem after it was saved. Whatever was stored wins, so no edit is ever lost.
 */
function withNewFields(stored: unknown, draft: unknown): unknown {
  if (stored === undefined) return draft;
  if (!isPlainObject(stored) || !isPlainObject(draft)) return stored;
  const out: Record<string, unknown> = { ...stored };
  for (const [key, value] of Object.entries(draft)) out[key] = withNewFields(stored[key], value);
  return out;
}

/** The stored postmortem or a fresh draft, inside an open read or write callback. */
function loadIn(db: Database, rawId: string, now: number): { pm: Postmortem; stored: boolean } {
  const id = normalizeIncidentId(rawId);
  const incident = getIncident(db, id);
  if (incident === undefined) throw new InputError(`no incident ${id} in this store: ${ID_HELP}`);
  const draft = draftPostmortem(incident, now);
  const stored = readPostmortemRow(db, id);
  if (stored === undefined) return { pm: draft, stored: false };
  if (!isPlainObject(stored) || stored.incidentId !== id) {
    throw new Error(`metadata database: the stored postmortem of ${id} is not a postmortem of that incident`);
  }
  return { pm: withNewFields(stored, draft) as Postmortem, stored: true };
}

/** The stored postmortem of an incident, else a fresh draft from its evidence (not saved). */
export async function getPostmortem(store: SnapshotStore, incidentId: string): Promise<Postmortem> {
  const now = Date.now();
  return store.db.read((db) => loadIn(db, incidentId, now).pm);
}

/** Whether a person has saved anything for this incident yet (else reads return a fresh draft). */
export async function hasStoredPostmortem(store: SnapshotStore, incidentId: string): Promise<boolean> {
  const now = Date.now();
  return store.db.read((db) => loadIn(db, incidentId, now).stored);
}

export async function savePostmortem(store: SnapshotStore, pm: Postmortem): Promise<void> {
  const id = normalizeIncidentId(pm.incidentId);
  await store.db.write((db) => {
    if (getIncident(db, id) === undefined) throw new InputError(`no incident ${id} in this store: ${ID_HELP}`);
    writePostmortemRow(db, { ...pm, incidentId: id });
  });
}

/**
 * Loads (or drafts), edits and saves in one write transaction, so two people editing the same
 * postmortem at once cannot overwrite each other's change. `edit` must be synchronous.
 */
export async function updatePostmortem(
  store: SnapshotStore,
  incidentId: string,
  edit: (pm: Postmortem) => Postmortem,
  now: number = Date.now(),
): Promise<Postmortem> {
  return store.db.write((db) => {
    const next = edit(loadIn(db, incidentId, now).pm);
    writePostmortemRow(db, next);
    return next;
  });
}

/** Records how the incident ended (fixed / mitigated / false-alarm / wont-fix) as part of its postmortem. */
export async function annotateIncident(
  store: SnapshotStore,
  incidentId: string,
  outcome: Outcome,
  note: string | null,
  now: number = Date.now(),
): Promise<Postmortem> {
  if (!OUTCOMES.includes(outcome)) {
    throw new InputError(`--outcome ${JSON.stringify(outcome)} is not one of ${OUTCOMES.join(', ')}`);
  }
  const text = note?.trim() ?? '';
  const annotation: Annotation = { outcome, note: text === '' ? null : text, at: now };
  return updatePostmortem(store, incidentId, (pm) => ({ ...pm, annotation, updatedAt: now }), now);
}
