/** The decision chain tab: the story line, then every step connected, the failing one marked. */
import type { DecisionChain, StoryPart } from '../model/decisionChain';
import { formatClock } from '../../src/model/time';
import { humanize } from '../model/format';
import type { ViewContext } from './context';
import { h, icon, linkButton } from './dom';

const KIND_ICON: Record<string, string> = {
  plan: 'list-ordered',
  decision: 'lightbulb',
  action: 'run',
  observation: 'eye',
  tool_call: 'tools',
  tool_result: 'output',
};

const STATUS_INFO: Record<string, { icon: string; label: string }> = {
  success: { icon: 'pass', label: 'succeeded' },
  error: { icon: 'error', label: 'failed' },
  unknown: { icon: 'question', label: 'outcome unknown' },
};

function storyPart(p: StoryPart, ctx: ViewContext): HTMLElement {
  const open = (): void => {
    if (p.verb === 'error' && p.triggerId) {
      const t = ctx.index.triggers.get(p.triggerId);
      if (t) ctx.navigate(ctx.index.triggerTarget(t));
      return;
    }
    const d = p.decisionId ? ctx.index.decisions.get(p.decisionId) : undefined;
    if (d) ctx.navigate(ctx.index.decisionTarget(d));
  };
  switch (p.verb) {
    case 'decided':
    case 'planned':
      return h('span', { class: 'story-part' }, `${p.verb} `, linkButton([`“${p.text}”`], open), p.because ? ` because ${p.because}` : '');
    case 'ran':
    case 'did':
      return h('span', { class: 'story-part' }, `${p.verb === 'ran' ? 'ran' : 'then'} `, linkButton([`“${p.text}”`], open));
    case 'error':
      return h(
        'span',
        { class: 'story-part story-error' },
        icon('error'),
        ' error: ',
        linkButton([p.text], open),
        p.triggerId ? ` (${p.triggerId})` : '',
      );
  }
}

export function renderChain(chain: DecisionChain, ctx: ViewContext): HTMLElement {
  if (chain.steps.length === 0) {
    return h(
      'section',
      { class: 'chain-empty', testid: 'decision-chain' },
      h('p', { text: 'No agent decisions were found in this window’s logs or transcripts.' }),
    );
  }
  const story =
    chain.story.length > 0
      ? h(
          'p',
          { class: 'chain-story', testid: 'chain-story' },
          ...chain.story.flatMap((p, i) =>
            i === 0
              ? [storyPart(p, ctx)]
              : [
                  h('span', { class: 'arrow', 'aria-hidden': 'true', text: ' → ' }),
                  h('span', { class: 'sr-only', text: ', then ' }),
                  storyPart(p, ctx),
                ],
          ),
        )
      : h('p', { class: 'chain-story', testid: 'chain-story', text: 'No step of the chain is linked to a failure.' });

  const steps = chain.steps.map((s, i) => {
    const d = s.decision;
    const status = STATUS_INFO[s.status];
    return h(
      'li',
      {
        class: ['chain-step', `kind-${d.kind}`, `status-${s.status}`, s.failing && 'failing'],
        testid: 'chain-step',
        'data-decision-id': d.id,
        'aria-current': s.failing ? 'step' : false,
      },
      h(
        'div',
        { class: 'step-head' },
        icon(KIND_ICON[d.kind] ?? 'circle-small', 'step-icon'),
        h('span', { class: 'step-kind', text: humanize(d.kind) }),
        d.tool ? h('span', { class: 'step-tool', text: d.tool }) : null,
        h('span', { class: 'step-time', text: `${d.timestampEstimated ? '~' : ''}${formatClock(d.timestamp, ctx.zone)}` }),
        s.failing ? h('span', { class: 'badge failing-badge', testid: 'chain-failing' }, icon('flame'), ' Failing step') : null,
        linkButton([icon('go-to-file'), ` ${d.file}:${d.line}`], () => ctx.navigate(ctx.index.decisionTarget(d)), {
          class: 'step-source',
          testid: 'chain-step-source',
          'aria-label': `Open ${d.file} at line ${d.line}`,
        }),
        linkButton([icon('list-flat')], () => ctx.showInTimeline(d.id), {
          class: 'icon-button',
          testid: 'chain-step-timeline',
          'aria-label': `Show step ${i + 1} in the timeline`,
          title: 'Show in timeline',
        }),
      ),
      h('p', { class: 'step-text', text: d.text }),
      d.rationale ? h('p', { class: 'step-rationale' }, h('span', { class: 'label', text: 'Rationale: ' }), d.rationale) : null,
      d.outcome && status
        ? h(
            'p',
            { class: ['step-outcome', `status-${d.outcome.status}`] },
            icon(status.icon),
            h('span', { class: 'label', text: ` Outcome (${status.label}): ` }),
            d.outcome.text,
          )
        : null,
      s.triggers.length > 0
        ? h(
            'p',
            { class: 'step-triggers' },
            h('span', { class: 'label', text: 'Produced: ' }),
            ...s.triggers.map((t) =>
              linkButton([icon('flame'), ` ${t.id} ${humanize(t.kind)}: ${t.message}`], () => ctx.navigate(ctx.index.triggerTarget(t)), {
                class: ['chip', `sev-${t.severity}`],
                testid: 'chain-trigger',
                'data-trigger-id': t.id,
              }),
            ),
          )
        : null,
    );
  });
  return h(
    'section',
    { class: 'chain', 'aria-label': 'Decision chain' },
    story,
    h('ol', { class: 'chain-steps', testid: 'decision-chain' }, ...steps),
  );
}
