import { fixesOf } from '../report/learnings';
import { redactDeep } from '../report/redactExport';
import type { SummaryEntry } from '../report/incidentSummary';
import { loadEntries } from '../report/storeEntries';
import { isoTime } from '../report/timeText';
import type { SnapshotStore } from '../snapshotStore';
import { allReplays } from './rows';
import { FAILED_REPLAY_STATUSES, type Replay, type ReplayStatus } from './types';

/** The phase hooks record tool calls under: runs, as opposed to tasks an agent recorded itself. */
export const TOOL_CALL_PHASE = 'tool-call';

export type FailureSource = 'incident' | 'replay' | 'run';

/** One failure of the dataset, whatever it came from. */
export interface FailureItem {
  source: FailureSource;
  /** INC-0001 or RPL-0001. */
  id: string;
  at: string;
  agent: string;
  category: string;
  signature: string;
  title: string;
  /** Open/resolved for incidents, the annotated status for replays. */
  status: string;
  /** What the people or agents involved say fixed it. */
  fixes: string[];
  /** Linked items: a replay's incident, an incident's replays. */
  related: string[];
}

export interface FailureDataset {
  counts: { incidents: number; replays: number; runs: number };
  items: FailureItem[];
}

const UNKNOWN_AGENT = 'unknown';
const FAILED: ReadonlySet<ReplayStatus> = new Set<ReplayStatus>(FAILED_REPLAY_STATUSES);

function replayTitle(r: Replay): string {
  const what = r.task ?? [r.phase, r.plan].filter((x) => x !== null).join(' ');
  const why = r.outcome?.note ?? r.outcome?.result?.split('\n')[0] ?? '';
  return [what || r.id, why]
    .filter((x) => x !== '')
    .join(': ')
    .slice(0, 200);
}

function replaySignature(r: Replay, incidentSignature: string | undefined): string {
  if (incidentSignature !== undefined) return incidentSignature;
  const parts = [r.agent ?? UNKNOWN_AGENT, r.phase ?? '-', r.plan ?? '-', r.outcome?.category ?? r.outcome?.status ?? '-'];
  return `replay:${parts.join('/')}`;
}

function incidentAgent(e: SummaryEntry, linked: readonly Replay[]): string {
  const byReplay = linked.find((r) => r.agent !== null)?.agent;
  return byReplay ?? e.incident.artifacts?.['tool_principal']?.value ?? UNKNOWN_AGENT;
}

/**
 * Incidents, annotated replays that did not succeed, and hook-recorded tool calls that failed,
 * as one dataset (oldest first): the seed tool's `collect`, drawn from the store instead of
 * planning folders. Everything is redacted like every export.
 */
export async function collectFailures(store: SnapshotStore): Promise<FailureDataset> {
  const [entries, replays] = await Promise.all([loadEntries(store), store.db.read((db) => allReplays(db))]);
  const byIncident = new Map<string, Replay[]>();
  for (const r of replays) {
    const inc = r.outcome?.incident ?? r.incident;
    if (inc !== null) byIncident.set(inc, [...(byIncident.get(inc) ?? []), r]);
  }
  const incidentById = new Map(entries.map((e) => [e.incident.id, e]));
  const items: (FailureItem & { ms: number })[] = [];
  for (const e of entries) {
    const linked = byIncident.get(e.incident.id) ?? [];
    items.push({
      ms: e.incident.createdAt,
      source: 'incident',
      id: e.incident.id,
      at: isoTime(e.incident.createdAt),
      agent: incidentAgent(e, linked),
      category: e.incident.rootCause.category,
      signature: e.incident.signature,
      title: e.incident.title,
      status: e.incident.status,
      fixes: [...fixesOf(e).map((f) => f.text), ...linked.flatMap((r) => (r.outcome?.fix ? [r.outcome.fix] : []))],
      related: linked.map((r) => r.id),
    });
  }
  let replayCount = 0;
  let runCount = 0;
  for (const r of replays) {
    if (r.outcome === null || !FAILED.has(r.outcome.status)) continue;
    const inc = r.outcome.incident ?? r.incident;
    const linked = inc === null ? undefined : incidentById.get(inc);
    const run = r.phase === TOOL_CALL_PHASE;
    if (run) runCount++;
    else replayCount++;
    items.push({
      ms: r.outcome.at,
      source: run ? 'run' : 'replay',
      id: r.id,
      at: isoTime(r.outcome.at),
      agent: r.agent ?? UNKNOWN_AGENT,
      category: r.outcome.category ?? linked?.incident.rootCause.category ?? 'unclassified',
      signature: replaySignature(r, linked?.incident.signature),
      title: replayTitle(r),
      status: r.outcome.status,
      fixes: r.outcome.fix ? [r.outcome.fix] : [],
      related: inc === null ? [] : [inc],
    });
  }
  items.sort((a, b) => a.ms - b.ms || a.id.localeCompare(b.id));
  return redactDeep({
    counts: { incidents: entries.length, replays: replayCount, runs: runCount },
    items: items.map(({ ms: _ms, ...item }) => item),
  });
}

export interface CountRow {
  key: string;
  count: number;
}

export interface SignatureGroup {
  signature: string;
  category: string;
  agents: string[];
  count: number;
  ids: string[];
  firstSeen: string;
  lastSeen: string;
  example: string;
  fixes: string[];
}

export interface FailureSummary {
  total: number;
  byAgent: (CountRow & { categories: CountRow[] })[];
  byCategory: CountRow[];
  bySignature: SignatureGroup[];
}

function counted(keys: readonly string[]): CountRow[] {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return [...m.entries()].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

/** Groups by signature, most frequent then most recent first; examples and fixes from the items. */
export function groupBySignature(items: readonly FailureItem[]): SignatureGroup[] {
  const groups = new Map<string, SignatureGroup>();
  for (const i of items) {
    const g = groups.get(i.signature);
    if (g === undefined) {
      groups.set(i.signature, {
        signature: i.signature,
        category: i.category,
        agents: [i.agent],
        count: 1,
        ids: [i.id],
        firstSeen: i.at,
        lastSeen: i.at,
        example: i.title,
        fixes: [...i.fixes],
      });
      continue;
    }
    g.count++;
    g.ids.push(i.id);
    if (!g.agents.includes(i.agent)) g.agents.push(i.agent);
    g.lastSeen = i.at;
    g.example = i.title;
    g.category = i.category;
    for (const f of i.fixes) if (!g.fixes.includes(f)) g.fixes.push(f);
  }
  return [...groups.values()].sort(
    (a, b) => b.count - a.count || b.lastSeen.localeCompare(a.lastSeen) || a.signature.localeCompare(b.signature),
  );
}

/** The dataset by agent, by category and by signature: the seed tool's `summarize`. */
export function summarizeFailures(dataset: FailureDataset): FailureSummary {
  const agents = counted(dataset.items.map((i) => i.agent));
  return {
    total: dataset.items.length,
    byAgent: agents.map((a) => ({ ...a, categories: counted(dataset.items.filter((i) => i.agent === a.key).map((i) => i.category)) })),
    byCategory: counted(dataset.items.map((i) => i.category)),
    bySignature: groupBySignature(dataset.items),
  };
}
