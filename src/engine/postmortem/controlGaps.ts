import type { RootCauseCategory, Trigger } from '../types';
import { actorOf, byTime, oneLine, upstreamSignal, whereOf, type IncidentFacts } from './facts';
import { mentionsPath } from '../rootCause/index';

const EDIT_VERB: Record<string, string> = { removed: 'deleted', added: 'created', renamed: 'renamed', mode_changed: 'changed the mode of' };

/** Which check should have caught each category before the run, phrased as the gap. */
function categoryGap(f: IncidentFacts, category: RootCauseCategory, failure: Trigger | null): string | null {
  const at = failure ? ` (${failure.id})` : '';
  const path = f.change?.path;
  switch (category) {
    case 'config_error':
      return `No config schema check validated ${path ?? 'the configuration'} before the run; the bad value surfaced only at runtime${at}`;
    case 'logic_error': {
      const where = failure ? whereOf(failure) : path;
      return `No test exercised ${where ?? 'the failing code'} before the run; ${failure?.errorType ?? 'the error'} surfaced only at runtime${at}`;
    }
    case 'data_corruption':
      return `No validation rejected the malformed ${path ?? 'data'} before the job read it${at}`;
    case 'external_failure': {
      const signal = upstreamSignal(f);
      return `No health check, retry or fallback covered ${f.endpoints[0] ?? 'the external dependency'}${signal ? ` (${signal})` : ''}${at}`;
    }
    case 'resource_exhaustion':
      return `No limit or alert with headroom fired before ${failure?.errorType ?? 'the resource ran out'}${at}`;
    case 'drift':
      return `No eval or threshold flagged the degradation across ${f.incident.snapshotIds.length} snapshots`;
  }
}

/**
 * Control-layer gaps: which approval, check or eval should have caught the incident, drafted
 * from the root-cause category, the decision chain and the trigger kinds. Each names its evidence.
 */
export function draftControlGaps(f: IncidentFacts): string[] {
  const gaps: string[] = [];
  const { change, incident } = f;
  const maker = f.makers[f.makers.length - 1];
  if (change !== null) {
    const verb = EDIT_VERB[change.status] ?? 'edited';
    gaps.push(
      maker !== undefined
        ? `No approval was required before ${actorOf(f)} ${verb} ${change.path} (${maker.id})`
        : `No recorded step accounts for the change to ${change.path}, so it reached the run without review`,
    );
  }
  const category = categoryGap(f, incident.rootCause.category, f.failure);
  if (category !== null) gaps.push(category);

  const triggers = [...incident.triggers].sort(byTime);
  for (const t of triggers) {
    if (t.kind === 'deletion' && t.file !== change?.path) {
      const step = incident.decisions.find((d) => (d.kind === 'action' || d.kind === 'tool_call') && mentionsPath(d.text, t.file));
      if (step !== undefined) gaps.push(`No approval was required before ${actorOf(f)} deleted ${t.file} (${step.id})`);
    } else if (t.kind === 'secret') {
      gaps.push(`No secret scan blocked ${t.file} before the secret was written (${t.id})`);
    } else if (t.kind === 'empty_output') {
      gaps.push(`No output check stopped the empty ${t.file} from replacing the previous one (${t.id})`);
    } else if (t.kind === 'constraint') {
      gaps.push(`The constraint "${oneLine(t.rule ?? t.message, 80)}" was only checked after the fact (${t.id})`);
    }
  }
  return [...new Set(gaps)].slice(0, 8);
}
