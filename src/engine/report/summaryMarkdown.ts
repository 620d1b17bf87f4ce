import type { IncidentSummary } from './incidentSummary';
import { code, inline, table } from './markdownText';
import { formatDuration } from '../../model/format';
import { formatMoney } from './timeText';

function orNone(ms: number | null, samples: number, what: string): string {
  return ms === null ? `_no ${what}_` : `${formatDuration(ms)} (over ${samples} incident${samples === 1 ? '' : 's'})`;
}

function percent(rate: number | null): string {
  return rate === null ? '_no action items_' : `${(rate * 100).toFixed(1)}%`;
}

function counts(record: Record<string, number>): string {
  return table(
    ['', 'Incidents'],
    Object.entries(record).map(([k, v]) => [code(k), String(v)]),
  );
}

/** The quarterly review as markdown, in the framework's order. */
export function renderSummaryMarkdown(s: IncidentSummary): string {
  const a = s.actionItems;
  const t = s.costTrend;
  const trend =
    t.direction === 'unknown'
      ? '_needs two quarters of incidents_'
      : `${t.direction} (${t.from} → ${t.to}: ${t.change !== null && t.change > 0 ? '+' : ''}${formatMoney(t.change ?? 0)})`;
  const lines = [
    '# Incident summary',
    '',
    `${s.incidents} incident(s)${s.since ? ` created since ${s.since}` : ''}; generated ${s.generatedAt}.`,
    '',
    '## Top root-cause categories',
    '',
    s.topRootCauses.length === 0 ? '_no incidents_' : s.topRootCauses.map((c, i) => `${i + 1}. ${code(c.category)}: ${c.count}`).join('\n'),
    '',
    '## Key metrics',
    '',
    table(
      ['Metric', 'Value'],
      [
        ['Mean time to detect (start → first trigger)', orNone(s.meanTimeToDetectMs, s.detectSamples, 'detection data')],
        ['Mean time to resolve (recorded → resolved)', orNone(s.meanTimeToResolveMs, s.resolveSamples, 'resolved incident')],
        [
          'Action item completion rate',
          `${percent(a.completionRate)} (${a.done} done, ${a.inProgress} in progress, ${a.open} open, ${a.wontDo} won't do)`,
        ],
        ['Repeat incidents (same signature again)', String(s.repeatIncidents)],
        ['Cost trend', trend],
      ],
    ),
    '',
    '## By severity',
    '',
    counts(s.bySeverity),
    '',
    counts(s.byPostmortemSeverity),
    '',
    '## By root cause',
    '',
    counts(s.byRootCause),
    '',
    '## Repeat incidents',
    '',
    s.repeats.length === 0
      ? 'No failure signature was seen twice.'
      : table(
          ['Signature', 'Root cause', 'Count', 'Incidents', 'Latest title'],
          s.repeats.map((r) => [
            code(r.signature),
            code(r.category),
            String(r.count),
            r.incidents.map(inline).join(', '),
            inline(r.example),
          ]),
        ),
    '',
    '## Cost per quarter',
    '',
    s.costByQuarter.length === 0
      ? '_no incidents_'
      : table(
          ['Quarter', 'Incidents', 'Total cost'],
          s.costByQuarter.map((q) => [q.quarter, String(q.incidents), formatMoney(q.total)]),
        ),
  ];
  return lines.join('\n') + '\n';
}
