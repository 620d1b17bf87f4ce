/**
 * The timeline's view model: events in time order with a display kind, severity, search text and
 * the gap to the previous event; then the rows a query (filters, search, grouping) leaves. Pure
 * data in, data out, so the 10,000-event case is measured and tested without a browser.
 */
import type { Decision, TimelineEvent, Trigger } from '../../src/protocol/incidentView';

/** The kinds a reader tells apart. `log` events read as log errors; agent steps that ran a shell command read as commands. */
export const DISPLAY_KINDS = ['snapshot', 'file_change', 'log_error', 'trigger', 'decision', 'command', 'commit'] as const;
export type DisplayKind = (typeof DISPLAY_KINDS)[number];

export const KIND_INFO: Readonly<Record<DisplayKind, { label: string; icon: string }>> = {
  snapshot: { label: 'Snapshot', icon: 'device-camera' },
  file_change: { label: 'File change', icon: 'diff' },
  log_error: { label: 'Log error', icon: 'output' },
  trigger: { label: 'Trigger', icon: 'flame' },
  decision: { label: 'Decision', icon: 'lightbulb' },
  command: { label: 'Command', icon: 'terminal' },
  commit: { label: 'Commit', icon: 'git-commit' },
};

/** Events without a severity filter as `none`, so "hide info" does not hide snapshots. */
export const SEVERITY_FILTERS = ['error', 'warning', 'info', 'none'] as const;
export type SeverityFilter = (typeof SEVERITY_FILTERS)[number];

export const SEVERITY_INFO: Readonly<Record<SeverityFilter, { label: string; icon: string }>> = {
  error: { label: 'Error', icon: 'error' },
  warning: { label: 'Warning', icon: 'warning' },
  info: { label: 'Info', icon: 'info' },
  none: { label: 'No severity', icon: 'circle-small' },
};

export interface TimelineEntry {
  event: TimelineEvent;
  kind: DisplayKind;
  severity: SeverityFilter;
  /** Milliseconds since the previous event in time order; null for the first. */
  deltaMs: number | null;
  /** The delta is long compared with the rest of the incident. */
  gap: boolean;
  /** Lower-cased title, detail, file and kind label: what the search box matches. */
  haystack: string;
  /** The event's trigger is a repeated error: how often, and where each listed occurrence is. */
  repeats: Repeats | null;
}

export interface Repeats {
  count: number;
  file: string;
  occurrences: NonNullable<Trigger['occurrences']>;
}

export interface TimelineModel {
  /** Time order; events with equal timestamps keep the engine's order. */
  entries: TimelineEntry[];
  /** Entry index by event id. */
  byId: Map<string, number>;
  start: number;
  end: number;
  /** Deltas at least this long are gaps. */
  gapThresholdMs: number;
}

const COMMAND_TOOL =
  /^(bash|shell|sh|zsh|powershell|pwsh|terminal|exec|execute|run|run_command|execute_command|local_shell|run_terminal_cmd|command)$/i;
const COMMAND_TEXT = /^(\$\s|run\b|ran\b|exec(ute)?\b|npm\s|npx\s|node\s|python3?\s|pytest\b|make\b|cargo\s|go\s+(run|test|build)\b)/i;

/** An agent step that ran something in a shell, by its tool name or how its text begins. */
export function isCommandStep(d: Decision): boolean {
  if (d.kind !== 'action' && d.kind !== 'tool_call') return false;
  if (d.tool !== undefined && COMMAND_TOOL.test(d.tool)) return true;
  return COMMAND_TEXT.test(d.text.trim());
}

function displayKind(e: TimelineEvent, decisions: ReadonlyMap<string, Decision>): DisplayKind {
  switch (e.kind) {
    case 'log':
      return 'log_error';
    case 'decision': {
      const d = e.ref === undefined ? undefined : decisions.get(e.ref);
      return d !== undefined && isCommandStep(d) ? 'command' : 'decision';
    }
    default:
      return e.kind;
  }
}

/** A gap is ten times the typical spacing, and never under a second: bursts of ms-apart lines are normal. */
export function gapThreshold(deltas: readonly number[]): number {
  const positive = deltas.filter((d) => d > 0).sort((a, b) => a - b);
  const median = positive.length === 0 ? 0 : (positive[Math.floor(positive.length / 2)] ?? 0);
  return Math.max(1000, median * 10);
}

function repeatsOf(e: TimelineEvent, triggers: ReadonlyMap<string, Trigger>): Repeats | null {
  const t = e.kind === 'trigger' && e.ref !== undefined ? triggers.get(e.ref) : undefined;
  if (!t?.count || t.count < 2 || !t.occurrences?.length) return null;
  return { count: t.count, file: t.file, occurrences: t.occurrences };
}

export function buildTimelineModel(
  events: readonly TimelineEvent[],
  decisions: readonly Decision[],
  triggers: readonly Trigger[] = [],
): TimelineModel {
  const decisionById = new Map(decisions.map((d) => [d.id, d]));
  const triggerById = new Map(triggers.map((t) => [t.id, t]));
  const order = events.map((_, i) => i);
  // Stable by construction: ties fall back to the engine's order.
  order.sort((a, b) => (events[a] as TimelineEvent).timestamp - (events[b] as TimelineEvent).timestamp || a - b);
  const deltas: number[] = [];
  const entries = new Array<TimelineEntry>(order.length);
  let prev: number | null = null;
  for (let i = 0; i < order.length; i++) {
    const event = events[order[i] as number] as TimelineEvent;
    const kind = displayKind(event, decisionById);
    const deltaMs = prev === null ? null : event.timestamp - prev;
    if (deltaMs !== null) deltas.push(deltaMs);
    prev = event.timestamp;
    entries[i] = {
      event,
      kind,
      severity: event.severity ?? 'none',
      deltaMs,
      gap: false,
      haystack: `${event.title}\n${event.detail ?? ''}\n${event.file ?? ''}\n${KIND_INFO[kind].label}`.toLowerCase(),
      repeats: repeatsOf(event, triggerById),
    };
  }
  const threshold = gapThreshold(deltas);
  for (const e of entries) if (e.deltaMs !== null && e.deltaMs >= threshold) e.gap = true;
  const byId = new Map<string, number>();
  entries.forEach((e, i) => byId.set(e.event.id, i));
  return {
    entries,
    byId,
    start: entries[0]?.event.timestamp ?? 0,
    end: entries[entries.length - 1]?.event.timestamp ?? 0,
    gapThresholdMs: threshold,
  };
}

export interface TimelineQuery {
  hiddenKinds: ReadonlySet<DisplayKind>;
  hiddenSeverities: ReadonlySet<SeverityFilter>;
  search: string;
  /** Sections per kind (each in time order) instead of one time-ordered list. */
  groupByKind: boolean;
  /** Kinds whose section is folded (grouped mode only). */
  collapsedKinds: ReadonlySet<DisplayKind>;
  /** Events of repeated errors whose occurrences are listed under them. */
  expandedEvents?: ReadonlySet<string>;
}

export type TimelineRow =
  | { type: 'group'; kind: DisplayKind; count: number; collapsed: boolean }
  | { type: 'event'; entry: number }
  /** One occurrence of a repeated error, under its event: `index` into its occurrences, `ordinal` 1-based among all `count`. */
  | { type: 'occurrence'; entry: number; index: number; ordinal: number };

/** The event's row followed, when it is expanded, by a row per listed occurrence. */
function eventRows(model: TimelineModel, entry: number, expanded: ReadonlySet<string> | undefined, out: TimelineRow[]): void {
  out.push({ type: 'event', entry });
  const e = model.entries[entry] as TimelineEntry;
  if (!e.repeats || !expanded?.has(e.event.id)) return;
  const { occurrences, count } = e.repeats;
  // The list is capped (the first ones and the last): the last listed is the last of all.
  occurrences.forEach((_, index) =>
    out.push({ type: 'occurrence', entry, index, ordinal: index === occurrences.length - 1 ? count : index + 1 }),
  );
}

/** Whitespace-separated terms, all of which must occur (case-insensitive). */
export function searchTerms(search: string): string[] {
  return search
    .toLowerCase()
    .split(/\s+/)
    .filter((t) => t.length > 0);
}

export function matchesQuery(entry: TimelineEntry, query: TimelineQuery, terms: readonly string[]): boolean {
  if (query.hiddenKinds.has(entry.kind) || query.hiddenSeverities.has(entry.severity)) return false;
  for (const t of terms) if (!entry.haystack.includes(t)) return false;
  return true;
}

/** Indexes of the entries the filters and search leave, in time order. */
export function matchingEntries(model: TimelineModel, query: TimelineQuery): number[] {
  const terms = searchTerms(query.search);
  const out: number[] = [];
  model.entries.forEach((e, i) => {
    if (matchesQuery(e, query, terms)) out.push(i);
  });
  return out;
}

export function timelineRows(model: TimelineModel, query: TimelineQuery): TimelineRow[] {
  const matching = matchingEntries(model, query);
  const expanded = query.expandedEvents;
  if (!query.groupByKind) {
    const rows: TimelineRow[] = [];
    for (const entry of matching) eventRows(model, entry, expanded, rows);
    return rows;
  }
  const byKind = new Map<DisplayKind, number[]>();
  for (const i of matching) {
    const kind = (model.entries[i] as TimelineEntry).kind;
    let list = byKind.get(kind);
    if (!list) byKind.set(kind, (list = []));
    list.push(i);
  }
  const rows: TimelineRow[] = [];
  for (const kind of DISPLAY_KINDS) {
    const list = byKind.get(kind);
    if (!list) continue;
    const collapsed = query.collapsedKinds.has(kind);
    rows.push({ type: 'group', kind, count: list.length, collapsed });
    if (!collapsed) for (const entry of list) eventRows(model, entry, expanded, rows);
  }
  return rows;
}

/** Counts per kind and per severity over all events, for the filter labels. */
export function facetCounts(model: TimelineModel): { kinds: Record<DisplayKind, number>; severities: Record<SeverityFilter, number> } {
  const kinds = Object.fromEntries(DISPLAY_KINDS.map((k) => [k, 0])) as Record<DisplayKind, number>;
  const severities = Object.fromEntries(SEVERITY_FILTERS.map((s) => [s, 0])) as Record<SeverityFilter, number>;
  for (const e of model.entries) {
    kinds[e.kind]++;
    severities[e.severity]++;
  }
  return { kinds, severities };
}

/** The row of the earliest error among the rows shown, or -1. */
export function firstErrorRow(model: TimelineModel, rows: readonly TimelineRow[]): number {
  let best = -1;
  let bestTime = Infinity;
  rows.forEach((r, i) => {
    if (r.type !== 'event') return;
    const e = model.entries[r.entry] as TimelineEntry;
    if (e.severity === 'error' && e.event.timestamp < bestTime) {
      best = i;
      bestTime = e.event.timestamp;
    }
  });
  return best;
}

/** The row showing an event id, or -1 when filtered out or folded away. */
export function rowOfEvent(model: TimelineModel, rows: readonly TimelineRow[], eventId: string): number {
  const entry = model.byId.get(eventId);
  if (entry === undefined) return -1;
  return rows.findIndex((r) => r.type === 'event' && r.entry === entry);
}
