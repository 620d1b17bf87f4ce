/** The incident's header: identity, severity, status, root cause, triggering change, time span, repeats. */
import type { IncidentView } from '../../src/protocol/incidentView';
import { formatPreciseDuration } from '../../src/model/format';
import { formatDateTime } from '../../src/model/time';
import { formatPercent, humanize } from '../model/format';
import type { TimelineModel } from '../model/timeline';
import type { ViewContext } from './context';
import { h, icon, linkButton } from './dom';

const SEVERITY_ICON: Record<IncidentView['severity'], string> = {
  critical: 'error',
  high: 'warning',
  medium: 'info',
  low: 'circle-outline',
};

function fact(label: string, ...value: (Node | string | null)[]): HTMLElement[] {
  return [h('dt', { text: label }), h('dd', {}, ...value)];
}

export function renderHeader(incident: IncidentView, model: TimelineModel, ctx: ViewContext): HTMLElement {
  const rc = incident.rootCause;
  const start = model.entries.length > 0 ? model.start : incident.createdAt;
  const end = model.entries.length > 0 ? model.end : incident.createdAt;
  const tc = rc.triggeringChange;
  const alternatives = [...rc.alternatives].sort((a, b) => b.confidence - a.confidence);

  return h(
    'header',
    { class: 'incident-header', testid: 'incident-header' },
    h(
      'h1',
      { class: 'incident-title' },
      h('span', { class: 'incident-id', testid: 'incident-id', text: incident.id }),
      ' ',
      h('span', { testid: 'incident-title', text: incident.title }),
    ),
    h(
      'div',
      { class: 'badges' },
      h(
        'span',
        { class: ['badge', `severity-${incident.severity}`], testid: 'incident-severity' },
        icon(SEVERITY_ICON[incident.severity]),
        ` Severity: ${incident.severity}`,
      ),
      h(
        'span',
        { class: ['badge', `status-${incident.status}`], testid: 'incident-status' },
        icon(incident.status === 'resolved' ? 'pass' : 'circle-large-outline'),
        ` Status: ${incident.status}`,
        incident.resolvedAt !== null ? ` (${formatDateTime(incident.resolvedAt, ctx.zone)})` : '',
      ),
      incident.repeatOf
        ? h('span', { class: ['badge', 'repeat'], testid: 'incident-repeats' }, icon('history'), ` repeats ${incident.repeatOf}`)
        : null,
    ),
    h(
      'dl',
      { class: 'facts' },
      ...fact(
        'Root cause',
        h('strong', { testid: 'root-cause-category', text: humanize(rc.category) }),
        ` (${formatPercent(rc.confidence)} confidence) `,
        h('span', { class: 'root-cause-description', text: rc.description }),
      ),
      ...(alternatives.length > 0
        ? fact(
            'Alternatives',
            h(
              'ol',
              { class: 'alternatives', testid: 'root-cause-alternatives' },
              ...alternatives.map((a) => h('li', { text: `${humanize(a.category)} (${formatPercent(a.confidence)})` })),
            ),
          )
        : []),
      ...fact(
        'Suspected trigger',
        tc
          ? h(
              'span',
              {},
              linkButton([icon('diff'), ` ${tc.path}`], () => ctx.navigate(ctx.index.changeDiff(tc.path)), {
                testid: 'triggering-change',
                'aria-label': `Open diff of ${tc.path}`,
              }),
              ` ${humanize(tc.status)} ${tc.role} file: ${tc.reason}`,
              tc.keys && tc.keys.length > 0 ? ` (keys: ${tc.keys.join(', ')})` : '',
            )
          : 'none identified',
      ),
      ...fact(
        'Time',
        h(
          'span',
          { testid: 'incident-span' },
          `${formatDateTime(start, ctx.zone)} → ${formatDateTime(end, ctx.zone)} (${formatPreciseDuration(end - start)})`,
        ),
      ),
    ),
  );
}
