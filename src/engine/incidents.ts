import { getIncident, listIncidents, listPatterns, updateIncident, type IncidentListItem } from './db/incidentRows';
import { InputError } from './errors';
import type { SnapshotStore } from './snapshotStore';
import type { Incident, PatternSummary } from './types';

const ID_HELP = 'use an id like INC-0001 (see `incident-replay incidents`)';

/** Accepts `INC-0001`, `inc-1`, `1`. */
export function normalizeIncidentId(raw: string): string {
  const m = /^(?:inc-?)?0*(\d+)$/i.exec(raw.trim());
  if (!m) throw new InputError(`${JSON.stringify(raw)} is not an incident id: ${ID_HELP}`);
  return `INC-${(m[1] as string).padStart(4, '0')}`;
}

export async function getIncidentOrThrow(store: SnapshotStore, raw: string): Promise<Incident> {
  const id = normalizeIncidentId(raw);
  const inc = await store.db.read((db) => getIncident(db, id));
  if (!inc) throw new InputError(`no incident ${id} in this store: ${ID_HELP}`);
  return inc;
}

export function incidentList(store: SnapshotStore): Promise<IncidentListItem[]> {
  return store.db.read((db) => listIncidents(db));
}

/** The incidents as every list shows them (the CLI, the MCP tools and resources, the Incidents view): newest first. */
export async function incidentsNewestFirst(store: SnapshotStore): Promise<IncidentListItem[]> {
  return (await incidentList(store)).sort((a, b) => b.createdAt - a.createdAt);
}

export function patterns(store: SnapshotStore): Promise<PatternSummary[]> {
  return store.db.read((db) => listPatterns(db));
}

export async function resolveIncident(store: SnapshotStore, raw: string, now = Date.now()): Promise<Incident> {
  const id = normalizeIncidentId(raw);
  return store.db.write((db) => {
    const inc = getIncident(db, id);
    if (!inc) throw new InputError(`no incident ${id} in this store: ${ID_HELP}`);
    if (inc.status === 'resolved') return inc;
    const resolved: Incident = { ...inc, status: 'resolved', resolvedAt: now };
    updateIncident(db, resolved);
    return resolved;
  });
}
