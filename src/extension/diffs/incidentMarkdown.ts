import type { Incident } from '../../engine/types';
import { plural } from '../../model/format';

const MAX_TIMELINE = 40;
const MAX_CHANGES = 50;

/** A readable markdown summary of an incident (shown read-only when the incident view is unavailable). */
export function incidentMarkdown(inc: Incident): string {
  const rc = inc.rootCause;
  const lines: string[] = [
    `# ${inc.id}: ${escapeMd(inc.title)}`,
    '',
    `**Severity:** ${inc.severity} · **Status:** ${inc.status}${inc.resolvedAt ? ` (resolved ${iso(inc.resolvedAt)})` : ''} · **Recorded:** ${iso(inc.createdAt)}`,
    `**Window:** snapshot \`${inc.baselineId}\` → \`${inc.postId}\` (${plural(inc.snapshotIds.length, 'snapshot')})`,
  ];
  if (inc.repeatOf) lines.push(`**Repeat of:** ${inc.repeatOf}`);
  lines.push('', '## Root cause', '', `**${rc.category}** (confidence ${Math.round(rc.confidence * 100)}%): ${escapeMd(rc.description)}`);
  if (rc.triggeringChange) {
    const c = rc.triggeringChange;
    lines.push('', `Triggering change: \`${c.path}\` ${c.status} (${c.role})${c.keys?.length ? `, keys ${c.keys.map((k) => `\`${k}\``).join(', ')}` : ''}: ${escapeMd(c.reason)}`);
  }
  if (rc.alternatives.length > 0) {
    lines.push('', `Alternatives: ${rc.alternatives.map((a) => `${a.category} ${Math.round(a.confidence * 100)}%`).join(', ')}`);
  }
  if (rc.contributingFactors.length > 0) {
    lines.push('', 'Contributing factors:', '', ...rc.contributingFactors.map((f) => `- ${escapeMd(f)}`));
  }

  lines.push('', `## Triggers (${inc.triggers.length})`, '');
  for (const t of inc.triggers) {
    lines.push(`- **${t.severity}** \`${t.kind}\` \`${t.file}:${t.line}\`: ${escapeMd(t.message)}`);
  }

  if (inc.timeline.length > 0) {
    lines.push('', '## Timeline', '');
    for (const e of inc.timeline.slice(0, MAX_TIMELINE)) {
      lines.push(`- ${iso(e.timestamp)}${e.estimated ? ' (est.)' : ''} ${e.kind}: ${escapeMd(e.title)}`);
    }
    if (inc.timeline.length > MAX_TIMELINE) lines.push(`- … ${inc.timeline.length - MAX_TIMELINE} more events`);
  }

  if (inc.decisions.length > 0) {
    lines.push('', '## Decision chain', '');
    for (const d of inc.decisions.slice(0, MAX_TIMELINE)) {
      const outcome = d.outcome ? ` → ${d.outcome.status}` : '';
      lines.push(`- ${d.kind}: ${escapeMd(d.text)}${outcome} (\`${d.file}:${d.line}\`)`);
    }
  }

  lines.push('', `## Changes (${inc.changes.length})`, '');
  for (const c of inc.changes.slice(0, MAX_CHANGES)) {
    lines.push(`- ${c.status} \`${c.oldPath ? `${c.oldPath} → ` : ''}${c.path}\`${c.binary ? ' (binary)' : ` +${c.additions} −${c.deletions}`}`);
  }
  if (inc.changes.length > MAX_CHANGES) lines.push(`- … ${inc.changes.length - MAX_CHANGES} more`);

  if (inc.remediation.length > 0) {
    lines.push('', '## Remediation', '', ...inc.remediation.map((r, i) => `${i + 1}. ${escapeMd(r)}`));
  }
  return lines.join('\n') + '\n';
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** Keeps text from workspace files from turning into markdown structure (links, html, emphasis). */
function escapeMd(s: string): string {
  return s.replace(/[\\`*_[\]<>#|]/g, '\\$&').replace(/\r?\n/g, ' ');
}
