import type { Decision, Incident, Trigger } from '../engine/types';
import { describeChange } from './commands/diff';
import { formatTime, table } from './format';
import { formatDuration, plural } from '../model/format';

export function renderTriggers(triggers: readonly Trigger[]): string {
  if (triggers.length === 0) return 'no triggers';
  return table(
    triggers.map((t) => [
      t.id,
      t.severity,
      t.kind,
      `${t.file}:${t.line}:${t.column}`,
      `${formatTime(t.timestamp)}${t.timestampEstimated ? '~' : ''}`,
      oneLine(t.message, 140) + (t.count && t.count > 1 ? ` ×${t.count}` : ''),
    ]),
  );
}

function oneLine(s: string, n: number): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length <= n ? flat : flat.slice(0, n - 1) + '…';
}

function renderDecision(d: Decision): string {
  const lines = [
    `  ${formatTime(d.timestamp)}${d.timestampEstimated ? '~' : ' '} ${d.id.padEnd(4)} ${d.kind.padEnd(11)} ${oneLine(d.text, 110)}  (${d.file}:${d.line})`,
  ];
  if (d.rationale) lines.push(`${' '.repeat(33)}why: ${oneLine(d.rationale, 100)}`);
  if (d.outcome) lines.push(`${' '.repeat(33)}→ ${d.outcome.status}: ${oneLine(d.outcome.text, 100)}`);
  if (d.triggerIds?.length) lines.push(`${' '.repeat(33)}⚠ produced ${d.triggerIds.join(', ')}`);
  return lines.join('\n');
}

export function renderIncident(inc: Incident, opts: { timeline?: boolean } = {}): string {
  const rc = inc.rootCause;
  const first = inc.triggers[0]?.timestamp;
  const last = inc.timeline[inc.timeline.length - 1]?.timestamp;
  const out: string[] = [
    `${inc.id}  ${inc.title}`,
    `severity ${inc.severity} · ${inc.status} · snapshots ${inc.baselineId} → ${inc.postId} (${inc.snapshotIds.length})` +
      (first !== undefined && last !== undefined ? ` · ${formatTime(first)} → ${formatTime(last)} (${formatDuration(last - first)})` : '') +
      (inc.repeatOf ? ` · repeats ${inc.repeatOf}` : ''),
    '',
    `Root cause: ${rc.category} (confidence ${rc.confidence.toFixed(2)})` +
      (rc.alternatives.length
        ? `; alternatives: ${rc.alternatives.map((a) => `${a.category} ${a.confidence.toFixed(2)}`).join(', ')}`
        : ''),
    `  ${rc.description}`,
  ];
  if (rc.triggeringChange) {
    const tc = rc.triggeringChange;
    out.push(
      `  Suspected triggering change: ${tc.path} (${tc.status}, ${tc.role})${tc.keys?.length ? ` keys ${tc.keys.join(', ')}` : ''}: ${tc.reason}`,
    );
  }
  if (rc.evidence.length) {
    out.push('  Evidence:');
    for (const e of rc.evidence) out.push(`    - [${e.kind} ${e.ref}] ${oneLine(e.description, 150)}`);
  }
  if (rc.contributingFactors.length) {
    out.push('  Contributing factors:');
    for (const f of rc.contributingFactors) out.push(`    - ${f}`);
  }
  out.push('', `Triggers (${inc.triggers.length}):`, indent(renderTriggers(inc.triggers)));
  if (inc.decisions.length) out.push('', `Decision chain (${plural(inc.decisions.length, 'step')}):`, ...inc.decisions.map(renderDecision));
  out.push('', `Changes (${inc.changes.length}):`, ...inc.changes.slice(0, 40).map((c) => '  ' + describeChange(c)));
  if (inc.changes.length > 40) out.push(`  ... and ${inc.changes.length - 40} more (incident-replay diff ${inc.baselineId} ${inc.postId})`);
  if (opts.timeline) {
    out.push('', `Timeline (${plural(inc.timeline.length, 'event')}):`);
    for (const e of inc.timeline.slice(0, 200)) {
      const where = e.file ? ` (${e.file}${e.line ? ':' + e.line : ''})` : '';
      out.push(`  ${formatTime(e.timestamp)}${e.estimated ? '~' : ' '} ${e.kind.padEnd(11)} ${oneLine(e.title, 110)}${where}`);
    }
    if (inc.timeline.length > 200) out.push(`  ... ${inc.timeline.length - 200} more (use --json)`);
  }
  out.push('', 'Remediation:', ...inc.remediation.map((r, i) => `  ${i + 1}. ${r}`));
  return out.join('\n');
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => '  ' + l)
    .join('\n');
}
