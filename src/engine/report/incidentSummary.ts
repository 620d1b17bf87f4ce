import { costOf, downtimeOf } from '../postmortem/cost';
import type { Postmortem, PostmortemSeverity } from '../postmortem/types';
import { ROOT_CAUSE_CATEGORIES, type Incident, type IncidentSeverity, type RootCauseCategory } from '../types';
import { isoTime, quarterOf } from './timeText';

export const SUMMARY_SCHEMA = 'incident-replay.summary/1';

export interface SummaryEntry {
  incident: Incident;
  postmortem: Postmortem;
}

export interface RepeatGroup {
  signature: string;
  category: RootCauseCategory;
  count: number;
  /** Oldest first. */
  incidents: string[];
  example: string;
}

export interface QuarterCost {
  /** `2024-Q2` (UTC). */
  quarter: string;
  incidents: number;
  total: number;
}

export type CostDirection = 'decreasing' | 'increasing' | 'flat' | 'unknown';

/**
 * The framework's quarterly review across incidents. `null` means no incident had the data
 * (no resolved incident for MTTR, no action item for the completion rate...).
 */
export interface IncidentSummary {
  schema: typeof SUMMARY_SCHEMA;
  generatedAt: string;
  /** Incidents created at or after this time (ISO), or null for all. */
  since: string | null;
  incidents: number;
  bySeverity: Record<IncidentSeverity, number>;
  byPostmortemSeverity: Record<PostmortemSeverity, number>;
  byRootCause: Record<RootCauseCategory, number>;
  /** Most frequent first, ties by name; at most three. */
  topRootCauses: { category: RootCauseCategory; count: number }[];
  /** Mean of postmortem start → first trigger. */
  meanTimeToDetectMs: number | null;
  detectSamples: number;
  /** Mean of incident recorded → resolved, over resolved incidents. */
  meanTimeToResolveMs: number | null;
  resolveSamples: number;
  actionItems: {
    total: number;
    done: number;
    inProgress: number;
    open: number;
    wontDo: number;
    /** done / (total − won't do): actions deliberately dropped are not unfinished work. */
    completionRate: number | null;
  };
  /** Signatures seen twice or more: the same failure again is a systemic failure. */
  repeats: RepeatGroup[];
  /** Incidents that repeated an earlier one of the set (each group's count − 1, summed). */
  repeatIncidents: number;
  /** Every quarter from the first incident's to the last's, empty ones as zero. */
  costByQuarter: QuarterCost[];
  /** The last quarter against the one before it; the framework wants it to decrease. */
  costTrend: { direction: CostDirection; from: string | null; to: string | null; change: number | null };
}

function zeroes<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : Math.round(values.reduce((a, b) => a + b, 0) / values.length);
}

function cents(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Start → first trigger: the drafted or confirmed delay when recorded, else computed from the evidence. */
export function detectionDelay(e: SummaryEntry): number | null {
  const recorded = e.postmortem.summary.detectionDelayMs.value;
  if (recorded !== null) return recorded >= 0 ? recorded : null;
  const start = e.postmortem.summary.start.value;
  if (start === null || e.incident.triggers.length === 0) return null;
  const first = e.incident.triggers.reduce((m, t) => Math.min(m, t.timestamp), Number.POSITIVE_INFINITY);
  return first >= start ? first - start : null;
}

function nextQuarter(q: string): string {
  const [y, n] = q.split('-Q').map(Number) as [number, number];
  return n === 4 ? `${y + 1}-Q1` : `${y}-Q${n + 1}`;
}

function quarterCosts(entries: readonly SummaryEntry[]): QuarterCost[] {
  const byQuarter = new Map<string, QuarterCost>();
  for (const e of entries) {
    const q = quarterOf(e.incident.createdAt);
    const row = byQuarter.get(q) ?? { quarter: q, incidents: 0, total: 0 };
    row.incidents++;
    row.total = cents(row.total + costOf(e.postmortem, downtimeOf(e.postmortem)).total);
    byQuarter.set(q, row);
  }
  const sorted = [...byQuarter.keys()].sort();
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (first === undefined || last === undefined) return [];
  const out: QuarterCost[] = [];
  for (let q = first; ; q = nextQuarter(q)) {
    out.push(byQuarter.get(q) ?? { quarter: q, incidents: 0, total: 0 });
    if (q === last) break;
  }
  return out;
}

function trendOf(quarters: readonly QuarterCost[]): IncidentSummary['costTrend'] {
  const to = quarters[quarters.length - 1];
  const from = quarters[quarters.length - 2];
  if (!to || !from) return { direction: 'unknown', from: from?.quarter ?? null, to: to?.quarter ?? null, change: null };
  const change = cents(to.total - from.total);
  return { direction: change < 0 ? 'decreasing' : change > 0 ? 'increasing' : 'flat', from: from.quarter, to: to.quarter, change };
}

function repeatGroups(entries: readonly SummaryEntry[]): RepeatGroup[] {
  const groups = new Map<string, RepeatGroup>();
  const oldestFirst = [...entries].sort(
    (a, b) => a.incident.createdAt - b.incident.createdAt || a.incident.id.localeCompare(b.incident.id),
  );
  for (const { incident } of oldestFirst) {
    const g = groups.get(incident.signature);
    if (g) {
      g.count++;
      g.incidents.push(incident.id);
      g.category = incident.rootCause.category;
      g.example = incident.title;
    } else {
      groups.set(incident.signature, {
        signature: incident.signature,
        category: incident.rootCause.category,
        count: 1,
        incidents: [incident.id],
        example: incident.title,
      });
    }
  }
  return [...groups.values()].filter((g) => g.count >= 2).sort((a, b) => b.count - a.count || a.signature.localeCompare(b.signature));
}

export function summarizeIncidents(entries: readonly SummaryEntry[], opts: { now: number; since?: number | null }): IncidentSummary {
  const since = opts.since ?? null;
  const picked = since === null ? [...entries] : entries.filter((e) => e.incident.createdAt >= since);

  const bySeverity = zeroes<IncidentSeverity>(['critical', 'high', 'medium', 'low']);
  const byPostmortemSeverity = zeroes<PostmortemSeverity>(['SEV-1', 'SEV-2', 'SEV-3']);
  const byRootCause = zeroes<RootCauseCategory>(ROOT_CAUSE_CATEGORIES);
  const detect: number[] = [];
  const resolve: number[] = [];
  const actions = { total: 0, done: 0, inProgress: 0, open: 0, wontDo: 0 };

  for (const e of picked) {
    bySeverity[e.incident.severity]++;
    const sev = e.postmortem.summary.severity.value;
    // A hand-edited record may hold a value outside the scale; it is counted nowhere rather than as NaN.
    if (sev in byPostmortemSeverity) byPostmortemSeverity[sev]++;
    byRootCause[e.incident.rootCause.category]++;
    const d = detectionDelay(e);
    if (d !== null) detect.push(d);
    if (e.incident.resolvedAt !== null && e.incident.resolvedAt >= e.incident.createdAt)
      resolve.push(e.incident.resolvedAt - e.incident.createdAt);
    for (const a of e.postmortem.actions) {
      actions.total++;
      if (a.status === 'done') actions.done++;
      else if (a.status === 'in_progress') actions.inProgress++;
      else if (a.status === 'open') actions.open++;
      else actions.wontDo++;
    }
  }

  const topRootCauses = ROOT_CAUSE_CATEGORIES.map((category) => ({ category, count: byRootCause[category] }))
    .filter((c) => c.count > 0)
    .sort((a, b) => b.count - a.count || a.category.localeCompare(b.category))
    .slice(0, 3);
  const repeats = repeatGroups(picked);
  const costByQuarter = quarterCosts(picked);
  const countable = actions.total - actions.wontDo;

  return {
    schema: SUMMARY_SCHEMA,
    generatedAt: isoTime(opts.now),
    since: since === null ? null : isoTime(since),
    incidents: picked.length,
    bySeverity,
    byPostmortemSeverity,
    byRootCause,
    topRootCauses,
    meanTimeToDetectMs: mean(detect),
    detectSamples: detect.length,
    meanTimeToResolveMs: mean(resolve),
    resolveSamples: resolve.length,
    actionItems: { ...actions, completionRate: countable > 0 ? actions.done / countable : null },
    repeats,
    repeatIncidents: repeats.reduce((n, g) => n + g.count - 1, 0),
    costByQuarter,
    costTrend: trendOf(costByQuarter),
  };
}
