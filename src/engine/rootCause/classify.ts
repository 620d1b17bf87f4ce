import type { RootCause, TriggeringChange } from '../types';
import { changeEvidence } from './changeEvidence';
import { buildContext } from './context';
import { decisionEvidence } from './decisionEvidence';
import { driftEvidence, sizeTrends } from './drift';
import { contributingFactors } from './factors';
import { knownGoodEvidence } from './knownGood';
import { slowdownEvidence } from './runHistory';
import type { ClassifyInput } from './input';
import { confidences, score } from './scoring';
import { suspect } from './suspect';
import { triggerEvidence } from './triggerEvidence';
import { CATEGORY_LABEL } from '../../model/incident';

const EXTERNAL_TRIGGER =
  'the trigger is outside the workspace (the service, host or network the job called); no workspace change is tied to it';

export function classifyRootCause(raw: ClassifyInput): RootCause {
  const ctx = buildContext(raw);
  const input = ctx.input;
  const scored = score([
    ...input.triggers.flatMap((t) => triggerEvidence(t, ctx)),
    ...changeEvidence(ctx),
    ...driftEvidence(ctx),
    ...decisionEvidence(ctx),
    ...knownGoodEvidence(ctx),
    ...slowdownEvidence(ctx),
  ]);
  const ranked = confidences(scored.scores);
  const top = ranked[0];
  const trends = sizeTrends(input.steps, input.roles);
  const factors = contributingFactors(ctx, trends);
  const { change: triggeringChange, candidates } = suspect(ctx, top && top.score > 0 ? top.category : undefined);

  if (!top || top.score <= 0) {
    return {
      category: 'drift',
      confidence: 0,
      description:
        'No trigger, error or change carried evidence of a cause; ' +
        `if the workspace still misbehaves, look for slow drift. ${input.categoryText.drift.description}`,
      alternatives: [],
      evidence: [],
      contributingFactors: factors.length ? factors : ['no trigger fired and no change stood out'],
      triggeringChange,
      candidates,
    };
  }

  const evidence = [...scored.evidence].sort(
    (a, b) => Number(b.category === top.category) - Number(a.category === top.category) || b.weight - a.weight,
  );
  const lead = evidence
    .filter((e) => e.category === top.category)
    .slice(0, 2)
    .map((e) => e.description);
  const runnerUp = ranked[1];
  const external = top.category === 'external_failure';
  const contested =
    runnerUp && runnerUp.score > 0 && runnerUp.score >= top.score * 0.6
      ? ` ${CATEGORY_LABEL[runnerUp.category]} is also plausible (${Math.round(runnerUp.confidence * 100)}%).`
      : '';
  return {
    category: top.category,
    confidence: top.confidence,
    description: `${CATEGORY_LABEL[top.category]}: ${lead.join('; ')}.${contested}`,
    alternatives: ranked
      .slice(1)
      .filter((r) => r.score > 0)
      .map((r) => ({ category: r.category, confidence: r.confidence })),
    evidence,
    contributingFactors: external && !triggeringChange ? [...factors, EXTERNAL_TRIGGER] : factors,
    triggeringChange,
    candidates,
  };
}

/** The change most likely to have set the failure off, weighed against the category the evidence points to. */
export function suspectTriggeringChange(input: ClassifyInput): TriggeringChange | null {
  return classifyRootCause(input).triggeringChange;
}
