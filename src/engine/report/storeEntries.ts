import { getIncidentOrThrow, incidentList } from '../incidents';
import { getPostmortem } from '../postmortem/store';
import type { SnapshotStore } from '../snapshotStore';
import type { SummaryEntry } from './incidentSummary';

/** Every incident (oldest first) with its postmortem, stored or freshly drafted; `since` filters by created time. */
export async function loadEntries(store: SnapshotStore, since: number | null = null): Promise<SummaryEntry[]> {
  const list = (await incidentList(store)).filter((i) => since === null || i.createdAt >= since);
  const out: SummaryEntry[] = [];
  for (const item of list) {
    const incident = await getIncidentOrThrow(store, item.id);
    out.push({ incident, postmortem: await getPostmortem(store, incident.id) });
  }
  return out;
}
