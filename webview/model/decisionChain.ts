/**
 * The agent's steps as one chain, the step that failed, and the one-line story a reader wants
 * first: "decided X because Y → ran Z → error E".
 */
import type { Decision, Trigger } from '../../src/protocol/incidentView';
import { isCommandStep } from './timeline';

export interface ChainStep {
  decision: Decision;
  /** Triggers this step produced, in the order the linker recorded them. */
  triggers: Trigger[];
  status: 'success' | 'error' | 'unknown' | 'none';
  failing: boolean;
}

export type StoryPart =
  | { verb: 'decided' | 'planned'; text: string; because?: string; decisionId: string }
  | { verb: 'ran' | 'did'; text: string; decisionId: string }
  | { verb: 'error'; text: string; triggerId?: string; decisionId?: string };

export interface DecisionChain {
  steps: ChainStep[];
  /** Index of the failing step in `steps`, or -1. */
  failing: number;
  story: StoryPart[];
}

/**
 * The failing step is the first that produced a trigger and reported an error; failing that, the
 * first that produced a trigger; failing that, the first non-observation step with an error.
 */
function findFailing(steps: readonly ChainStep[]): number {
  const producing = (s: ChainStep): boolean => s.triggers.length > 0;
  let i = steps.findIndex((s) => producing(s) && s.status === 'error');
  if (i < 0) i = steps.findIndex(producing);
  if (i < 0) i = steps.findIndex((s) => s.status === 'error' && s.decision.kind !== 'observation' && s.decision.kind !== 'tool_result');
  return i;
}

function isReasoning(d: Decision): boolean {
  return d.kind === 'decision' || d.kind === 'plan';
}

function reasoningPart(d: Decision): StoryPart {
  const part: StoryPart = { verb: d.kind === 'plan' ? 'planned' : 'decided', text: d.text, decisionId: d.id };
  if (d.rationale !== undefined) part.because = d.rationale.replace(/^(because|since|as)\s+/i, '');
  return part;
}

/** Words worth matching between a decision and a failure: long words and numbers (ports, codes, ids). */
export function salientTokens(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .split(/[^a-z0-9_]+/)
      .filter((w) => (/^\d+$/.test(w) ? w.length >= 3 : w.length >= 4)),
  );
}

/**
 * The reasoning behind a failing action, among the earlier decisions (oldest first): the one
 * that shares most words with the failure (a port, a key, a file), nearest first on a tie; with
 * nothing shared, the nearest that gives a rationale, else the nearest.
 */
export function reasoningBehind(earlier: readonly Decision[], failureTexts: readonly string[]): Decision | undefined {
  const failure = salientTokens(failureTexts.join(' '));
  let best: Decision | undefined;
  let bestScore = 0;
  for (let i = earlier.length - 1; i >= 0; i--) {
    const d = earlier[i] as Decision;
    let score = 0;
    for (const w of salientTokens(`${d.text} ${d.rationale ?? ''}`)) if (failure.has(w)) score++;
    if (score > bestScore) {
      best = d;
      bestScore = score;
    }
  }
  if (best) return best;
  for (let i = earlier.length - 1; i >= 0; i--) if (earlier[i]?.rationale !== undefined) return earlier[i];
  return earlier[earlier.length - 1];
}

/** `hints`: other words tied to the failure (the triggering change's path and keys). */
export function buildDecisionChain(
  decisions: readonly Decision[],
  triggers: readonly Trigger[],
  hints: readonly string[] = [],
): DecisionChain {
  const triggerById = new Map(triggers.map((t) => [t.id, t]));
  const order = decisions.map((_, i) => i);
  order.sort((a, b) => (decisions[a] as Decision).timestamp - (decisions[b] as Decision).timestamp || a - b);
  const steps: ChainStep[] = order.map((i) => {
    const decision = decisions[i] as Decision;
    return {
      decision,
      triggers: (decision.triggerIds ?? []).flatMap((id) => {
        const t = triggerById.get(id);
        return t ? [t] : [];
      }),
      status: decision.outcome?.status ?? 'none',
      failing: false,
    };
  });
  const failing = findFailing(steps);
  const story: StoryPart[] = [];
  const f = steps[failing];
  if (f) {
    f.failing = true;
    const d = f.decision;
    if (isReasoning(d)) {
      story.push(reasoningPart(d));
    } else {
      const why = reasoningBehind(
        steps
          .slice(0, failing)
          .map((s) => s.decision)
          .filter(isReasoning),
        [...f.triggers.map((t) => t.message), ...hints],
      );
      if (why) story.push(reasoningPart(why));
      story.push({ verb: isCommandStep(d) ? 'ran' : 'did', text: d.text, decisionId: d.id });
    }
    const trigger = f.triggers[0];
    if (trigger) story.push({ verb: 'error', text: trigger.message, triggerId: trigger.id });
    else if (d.outcome) story.push({ verb: 'error', text: d.outcome.text, decisionId: d.outcome.decisionId ?? d.id });
  }
  return { steps, failing, story };
}
