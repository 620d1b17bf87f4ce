import type { Trigger } from '../types';
import type { Context } from './context';
import { errorTextEvidence } from './errorEvidence';
import type { Contribution } from './scoring';
import { W } from './weights';

/** Errors the agent saw that no trigger reported: each is read like a log error, at a discount. */
export function decisionEvidence(ctx: Context): Contribution[] {
  const out: Contribution[] = [];
  for (const d of ctx.input.decisions) {
    if (d.outcome?.status !== 'error' || (d.triggerIds?.length ?? 0) > 0) continue;
    const pseudo: Trigger = {
      id: d.id,
      kind: 'log_error',
      severity: 'error',
      file: d.file,
      line: d.line,
      column: 1,
      endLine: d.line,
      message: d.outcome.text,
      evidence: '',
      timestamp: d.timestamp,
      timestampEstimated: d.timestampEstimated,
    };
    const ref = { kind: 'decision' as const, ref: d.outcome.decisionId ?? d.id };
    out.push(...errorTextEvidence(pseudo, ctx, ref, W.decisionOutcomeFactor));
  }
  return out;
}
