import type { TimelineEvent, TimelineKind } from '../types';
import { isoTime } from './timeText';

/** GitHub renders big flowcharts unreadably small; past this many events the diagram keeps the most telling ones. */
export const DIAGRAM_EVENT_CAP = 25;

/** What survives the cap first: the failure and the steps that led to it, then the context. */
const KIND_PRIORITY: Record<TimelineKind, number> = {
  trigger: 0,
  decision: 1,
  command: 1,
  commit: 2,
  snapshot: 3,
  file_change: 4,
  log: 5,
};

export interface TimelineDiagram {
  /** Mermaid source, without the code fence. */
  source: string;
  shown: number;
  total: number;
}

/**
 * Mermaid flowchart labels are quoted strings in which Mermaid decodes `#name;` / `#NNN;`
 * entities and then renders HTML, so quotes, `#`, angle brackets, `&` and backticks (which
 * would start a markdown string) are written as entity codes.
 */
export function mermaidLabel(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[#"<>&`%{}[\]|]/g, (c) => `#${c.charCodeAt(0)};`);
}

function pick(events: readonly TimelineEvent[], cap: number): TimelineEvent[] {
  if (events.length <= cap) return [...events];
  const ranked = events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => KIND_PRIORITY[a.e.kind] - KIND_PRIORITY[b.e.kind] || a.i - b.i)
    .slice(0, cap);
  return ranked.sort((a, b) => a.i - b.i).map((r) => r.e);
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : s.slice(0, n - 1) + '…';
}

/** The timeline as a top-down flowchart, one node per event in time order, styled by kind. */
export function timelineDiagram(events: readonly TimelineEvent[], cap = DIAGRAM_EVENT_CAP): TimelineDiagram {
  const shown = pick(events, cap);
  const first = shown[0];
  const sameDay = first !== undefined && shown.every((e) => isoTime(e.timestamp).slice(0, 10) === isoTime(first.timestamp).slice(0, 10));
  const lines = ['flowchart TD'];
  shown.forEach((e, i) => {
    const iso = isoTime(e.timestamp);
    const when = (sameDay ? iso.slice(11, 23) : iso) + (e.estimated ? ' ~est.' : '');
    const label = `${mermaidLabel(when)} · ${mermaidLabel(e.kind)}<br/>${mermaidLabel(truncate(e.title, 90))}`;
    lines.push(`  e${i}["${label}"]:::${e.kind}`);
    if (i > 0) lines.push(`  e${i - 1} --> e${i}`);
  });
  lines.push(
    '  classDef trigger fill:#fde2e1,stroke:#c62828,color:#000',
    '  classDef decision fill:#e3f2fd,stroke:#1565c0,color:#000',
    '  classDef commit fill:#ede7f6,stroke:#4527a0,color:#000',
    '  classDef snapshot fill:#eeeeee,stroke:#616161,color:#000',
    '  classDef file_change fill:#fff8e1,stroke:#f9a825,color:#000',
    '  classDef log fill:#f1f8e9,stroke:#558b2f,color:#000',
  );
  return { source: lines.join('\n'), shown: shown.length, total: events.length };
}
