/** The evidence tab: triggers, changed files, root-cause evidence, contributing factors, remediation. */
import type { ChangeView, IncidentView, Trigger } from '../../src/protocol/incidentView';
import { formatClock } from '../../src/model/time';
import { formatPercent, humanize } from '../model/format';
import type { ViewContext } from './context';
import { h, icon, linkButton } from './dom';

const SEV_ICON: Record<Trigger['severity'], string> = { error: 'error', warning: 'warning', info: 'info' };
const CHANGE_ICON: Record<ChangeView['status'], string> = {
  added: 'diff-added',
  removed: 'diff-removed',
  modified: 'diff-modified',
  renamed: 'diff-renamed',
  mode_changed: 'symbol-property',
};

function section(title: string, testid: string, body: Node | null): HTMLElement | null {
  return body
    ? h('section', { class: 'evidence-section', 'aria-label': title }, h('h2', { text: title }), h('div', { testid }, body))
    : null;
}

function triggerItem(t: Trigger, ctx: ViewContext): HTMLElement {
  const frames = (t.frames ?? []).filter((f) => f.inWorkspace);
  return h(
    'li',
    { class: ['trigger', `sev-${t.severity}`] },
    linkButton(
      [
        icon(SEV_ICON[t.severity]),
        h('span', { class: 'sev-label', text: ` ${t.severity} ` }),
        h('span', { class: 'trigger-kind', text: `${t.id} ${humanize(t.kind)}: ` }),
        h('span', { class: 'trigger-message', text: t.message }),
        h('span', { class: 'trigger-where', text: ` — ${t.file}:${t.line}` }),
        h('span', {
          class: 'trigger-time',
          text: ` at ${t.timestampEstimated ? '~' : ''}${formatClock(t.timestamp, ctx.zone)}${t.timestampEstimated ? ' (estimated)' : ''}`,
        }),
      ],
      () => ctx.navigate(ctx.index.triggerTarget(t)),
      { testid: 'evidence-trigger', 'data-trigger-id': t.id },
    ),
    t.errorType ? h('span', { class: 'chip', text: t.errorType }) : null,
    frames.length > 0
      ? h(
          'ul',
          { class: 'frames', 'aria-label': 'Stack frames in the workspace' },
          ...frames.map((f) =>
            h(
              'li',
              {},
              linkButton(
                [icon('debug-stackframe'), ` ${f.function ?? '(anonymous)'} ${f.file}:${f.line}`],
                () =>
                  ctx.navigate({ type: 'location', file: f.file, line: f.line, ...(f.column !== undefined ? { column: f.column } : {}) }),
                { testid: 'evidence-frame' },
              ),
            ),
          ),
        )
      : null,
    t.evidence && t.evidence !== t.message ? h('pre', { class: 'trigger-evidence', text: t.evidence }) : null,
  );
}

function changeItem(c: ChangeView, ctx: ViewContext): HTMLElement {
  return h(
    'li',
    { class: ['change', `status-${c.status}`] },
    linkButton(
      [
        icon(CHANGE_ICON[c.status]),
        h('span', { class: 'change-status', text: ` ${humanize(c.status)} ` }),
        h('span', { class: 'change-path', text: c.oldPath ? `${c.oldPath} → ${c.path}` : c.path }),
        h('span', { class: 'additions', text: ` +${c.additions}` }),
        h('span', { class: 'deletions', text: ` −${c.deletions}` }),
        c.binary ? h('span', { class: 'chip', text: 'binary' }) : null,
      ],
      () => ctx.navigate(ctx.index.changeDiff(c.path)),
      {
        testid: 'evidence-change',
        'data-path': c.path,
        'aria-label': `${humanize(c.status)} ${c.path}, ${c.additions} added and ${c.deletions} removed lines; open diff`,
      },
    ),
    c.note ? h('span', { class: 'change-note', text: ` ${c.note}` }) : null,
  );
}

export function renderEvidence(incident: IncidentView, ctx: ViewContext): HTMLElement {
  const rc = incident.rootCause;
  const evidence = [...rc.evidence].sort((a, b) => b.weight - a.weight);
  return h(
    'div',
    { class: 'evidence' },
    section(
      `Triggers (${incident.triggers.length})`,
      'evidence-triggers',
      incident.triggers.length > 0
        ? h('ul', { class: 'plain-list' }, ...incident.triggers.map((t) => triggerItem(t, ctx)))
        : h('p', { text: 'No triggers.' }),
    ),
    section(
      `Changed files (${incident.changes.length})`,
      'evidence-changes',
      incident.changes.length > 0
        ? h('ul', { class: 'plain-list' }, ...incident.changes.map((c) => changeItem(c, ctx)))
        : h('p', { text: 'No files changed.' }),
    ),
    section(
      'Root-cause evidence',
      'root-cause-evidence',
      evidence.length > 0
        ? h(
            'ul',
            { class: 'plain-list' },
            ...evidence.map((item) => {
              const target = ctx.index.evidenceTarget(item);
              const label = [
                h('span', { class: 'chip', text: `${humanize(item.kind)} ${item.ref}` }),
                ` ${item.description} `,
                h('span', { class: 'weight', text: `(${humanize(item.category)}, weight ${formatPercent(item.weight)})` }),
              ];
              return h(
                'li',
                {},
                target
                  ? linkButton(label, () => ctx.navigate(target), { testid: 'evidence-item', 'data-ref': item.ref })
                  : h('span', { testid: 'evidence-item' }, ...label),
              );
            }),
          )
        : h('p', { text: 'The classifier recorded no evidence.' }),
    ),
    section(
      'Contributing factors',
      'contributing-factors',
      rc.contributingFactors.length > 0 ? h('ul', {}, ...rc.contributingFactors.map((f) => h('li', { text: f }))) : null,
    ),
    section(
      'Remediation',
      'remediation',
      incident.remediation.length > 0
        ? h('ol', { class: 'remediation' }, ...incident.remediation.map((r) => h('li', { text: r })))
        : h('p', { text: 'No remediation steps suggested.' }),
    ),
    incident.artifacts && Object.keys(incident.artifacts).length > 0
      ? section(
          'Agent-system identifiers',
          'artifacts',
          h(
            'dl',
            { class: 'facts' },
            ...Object.entries(incident.artifacts).flatMap(([k, v]) => [
              h('dt', { text: k }),
              h('dd', {}, h('code', { text: v.value }), ` (${v.source})`),
            ]),
          ),
        )
      : null,
  );
}
