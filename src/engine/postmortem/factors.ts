import { byTime, checksBetween, oneLine, UPSTREAM_FAILURE, upstreamSignal, whereOf, type IncidentFacts } from './facts';
import { CONTRIBUTING_FACTOR_KEYS, type ContributingFactorKey, type FactorScore } from './types';

const RESOURCE_SIGNALS = [
  'heap_oom',
  'out_of_memory',
  'killed',
  'file_descriptors',
  'disk_full',
  'context_limit',
  'quota_exhausted',
  'threads',
  'process_limit',
];
const LOGIC_SIGNALS = [
  'type_error',
  'attribute_error',
  'name_error',
  'assertion',
  'index_error',
  'zero_division',
  'null_reference',
  'panic',
  'recursion_depth',
];

type Scored = Pick<FactorScore, 'score' | 'notes'>;
type Scorer = (f: IncidentFacts) => Scored | null;

/**
 * Scores the framework's contributing factors (0 = not a factor, 3 = primary contributor) where
 * the evidence speaks to them. Factors the evidence cannot judge (documentation, bus factor,
 * communication...) stay 0 and empty for the team to score.
 */
const SCORERS: Partial<Record<ContributingFactorKey, Scorer>> = {
  third_party_dependency(f) {
    const signal = upstreamSignal(f);
    if (signal === null) return null;
    const endpoint = f.endpoints[0] ?? 'an upstream';
    const error = f.incident.triggers.find((t) => t.severity === 'error' && t.kind === 'log_error');
    const cite = error ? ` (${error.id} at ${whereOf(error)})` : '';
    if (f.incident.rootCause.category === 'external_failure') {
      return { score: 3, notes: `${endpoint} ${UPSTREAM_FAILURE[signal] ?? 'failed'}${cite}; the root cause is an external failure` };
    }
    // A config change that points the job at a dead endpoint makes the upstream a symptom, not a cause.
    const explained = f.incident.rootCause.category === 'config_error' && f.change?.role === 'config';
    return {
      score: explained ? 1 : 2,
      notes:
        `${endpoint} ${UPSTREAM_FAILURE[signal] ?? 'failed'}${cite}` +
        (explained ? `, after ${f.change?.path ?? 'a config file'} changed: check which side to fix` : ''),
    };
  },

  change_management_failure(f) {
    const configChanges = f.incident.triggers.filter((t) => t.kind === 'config_change').sort(byTime);
    const first = configChanges[0];
    if (first === undefined) return null;
    const failure = f.firstError;
    const checked = failure ? checksBetween(f, first.timestamp, failure.timestamp).length > 0 : false;
    const files = [...new Set(configChanges.map((t) => t.file))];
    const primary = f.incident.rootCause.category === 'config_error';
    const notes =
      `${files.join(', ')} changed (${configChanges.map((t) => t.id).join(', ')})` +
      (checked ? '; a check step was recorded before the failure' : '; no validation, review or approval step recorded before the run');
    return { score: primary ? 3 : checked ? 1 : 2, notes };
  },

  missing_monitoring(f) {
    const failure = f.firstError;
    if (f.incident.rootCause.category === 'drift') {
      return { score: 3, notes: `the degradation built up across ${f.incident.snapshotIds.length} snapshots before anything flagged it` };
    }
    if (failure === null || f.start === null) return null;
    // Snapshots taken after the first sign and before the first error: each was a chance to notice.
    const silent = f.incident.timeline.filter(
      (e) => e.kind === 'snapshot' && e.ref !== f.incident.baselineId && e.timestamp > (f.start ?? 0) && e.timestamp < failure.timestamp,
    );
    if (silent.length === 0) return null;
    return {
      score: silent.length >= 2 ? 2 : 1,
      notes: `no error surfaced for ${silent.length} snapshot${silent.length === 1 ? '' : 's'} (${silent.map((e) => e.ref ?? e.id).join(', ')}) after the first sign, until ${failure.id}`,
    };
  },

  capacity_limits(f) {
    const signals = RESOURCE_SIGNALS.filter((s) => f.signals.has(s));
    if (f.incident.rootCause.category === 'resource_exhaustion') {
      return { score: 3, notes: `the root cause is resource exhaustion${signals.length ? ` (${signals.join(', ')})` : ''}` };
    }
    return signals.length ? { score: 2, notes: `resource limits were hit: ${signals.join(', ')}` } : null;
  },

  insufficient_testing(f) {
    const code = f.change?.role === 'code' ? f.change.path : null;
    const signals = LOGIC_SIGNALS.filter((s) => f.signals.has(s));
    if (f.incident.rootCause.category === 'logic_error' && code !== null) {
      return { score: 3, notes: `a logic error in changed code (${code})${signals.length ? `: ${signals.join(', ')}` : ''} reached a run` };
    }
    if (code !== null && signals.length) return { score: 2, notes: `${signals.join(', ')} after ${code} changed` };
    if (f.incident.rootCause.category === 'logic_error') {
      const failure = f.failure;
      return { score: 2, notes: `a logic error${failure ? ` (${oneLine(failure.message, 80)})` : ''} reached a run` };
    }
    return null;
  },
};

export function draftFactors(f: IncidentFacts): Record<ContributingFactorKey, FactorScore> {
  const out = {} as Record<ContributingFactorKey, FactorScore>;
  for (const key of CONTRIBUTING_FACTOR_KEYS) {
    const scored = SCORERS[key]?.(f) ?? null;
    out[key] = scored === null ? { score: 0, notes: '', state: 'empty' } : { ...scored, state: 'drafted' };
  }
  return out;
}
