import { redactLikelySecrets } from '../content/redact';
import { patterns } from '../incidents';
import type { SnapshotStore } from '../snapshotStore';
import { evalCasesJsonl } from './evalCases';
import { summarizeIncidents, type IncidentSummary } from './incidentSummary';
import { renderLearnings } from './learnings';
import { redactDeep } from './redactExport';
import { loadEntries } from './storeEntries';
import { renderSummaryMarkdown } from './summaryMarkdown';

export async function summaryOf(store: SnapshotStore, opts: { since?: number | null; now?: number } = {}): Promise<IncidentSummary> {
  const since = opts.since ?? null;
  const entries = await loadEntries(store, since);
  return redactDeep(summarizeIncidents(entries, { now: opts.now ?? Date.now(), since }));
}

export async function summaryText(
  store: SnapshotStore,
  opts: { format: 'md' | 'json'; since?: number | null; now?: number },
): Promise<string> {
  const summary = await summaryOf(store, opts);
  return opts.format === 'json' ? JSON.stringify(summary, null, 2) + '\n' : redactLikelySecrets(renderSummaryMarkdown(summary));
}

/** Every incident as one eval case per line. */
export async function evalCasesText(store: SnapshotStore): Promise<string> {
  return evalCasesJsonl(await loadEntries(store));
}

export async function learningsText(store: SnapshotStore, now = Date.now()): Promise<string> {
  return renderLearnings(await patterns(store), await loadEntries(store), now);
}
