import { innermostWorkspaceFrame } from '../rootCause/index';
import { dueDateFor } from './dates';
import { actorOf, upstreamSignal, type IncidentFacts } from './facts';
import type { ActionItem, ActionPriority } from './types';

interface Suggestion {
  action: string;
  priority: ActionPriority;
  /** The artifact the action updates, in the words of the agent-systems template. */
  artifact: string;
}

function suggestionsFor(f: IncidentFacts): Suggestion[] {
  const { incident, change, failure } = f;
  const out: Suggestion[] = [];
  const category = incident.rootCause.category;
  const secret = incident.triggers.find((t) => t.kind === 'secret');
  if (secret !== undefined) {
    out.push({
      action: `Rotate the credential exposed in ${secret.file} (${secret.id}) and add a secret scan to the rollout gate`,
      priority: 'P0',
      artifact: 'rollout gate',
    });
  }
  if (category === 'logic_error') {
    const frame = failure ? innermostWorkspaceFrame(failure) : null;
    const file = frame?.file ?? (change?.role === 'code' ? change.path : null);
    out.push({
      action: `Add a regression test reproducing ${failure?.errorType ?? 'the failure'}${file ? ` in ${file}` : ''}`,
      priority: 'P1',
      artifact: 'regression test',
    });
  }
  if (category === 'config_error' || change?.role === 'config') {
    out.push({
      action: `Add a config schema check for ${change?.path ?? 'the job configuration'}`,
      priority: 'P1',
      artifact: 'policy bundle / rollout gate',
    });
  }
  if (category === 'data_corruption') {
    out.push({
      action: `Validate ${change?.path ?? 'input data'} before the job reads it (reject truncated or malformed content)`,
      priority: 'P1',
      artifact: 'rollout gate',
    });
  }
  // An endpoint a config change just set is not an unreliable upstream: the schema check covers it.
  const upstreamExplained = category === 'config_error' && change?.role === 'config';
  if (category === 'external_failure' || (upstreamSignal(f) !== null && !upstreamExplained)) {
    const endpoint = f.endpoints[0] ?? 'the external dependency';
    out.push({
      action: `Add a detection rule for ${endpoint} failing, and a retry with backoff or a fallback in the job`,
      priority: category === 'external_failure' ? 'P1' : 'P2',
      artifact: 'detection rule',
    });
  }
  if (category === 'resource_exhaustion') {
    out.push({
      action: `Add an alert with headroom for ${failure?.errorType ?? 'the exhausted resource'} and a limit on what grew`,
      priority: 'P1',
      artifact: 'detection rule',
    });
  }
  if (category === 'drift') {
    out.push({
      action: 'Add a threshold eval that compares each run with the baseline and fails on gradual degradation',
      priority: 'P2',
      artifact: 'eval dataset',
    });
  }
  const maker = f.makers[f.makers.length - 1];
  if (change !== null && maker !== undefined) {
    const verb = change.status === 'removed' ? 'deletes' : 'edits';
    out.push({
      action: `Require approval before ${actorOf(f)} ${verb} ${change.role} files such as ${change.path} (${maker.id})`,
      priority: 'P1',
      artifact: 'approval policy',
    });
  }
  out.push({
    action: `Add ${incident.id} to the eval dataset${failure ? ` (${failure.errorType ?? failure.kind}${change ? ` after ${change.path} changed` : ''})` : ''}`,
    priority: 'P2',
    artifact: 'eval dataset',
  });
  return out;
}

/** Suggested corrective actions drafted from the root cause: no owner yet, due date from the priority. */
export function draftActions(f: IncidentFacts, now: number): ActionItem[] {
  return suggestionsFor(f).map((s, i) => ({
    id: `A${i + 1}`,
    action: s.action,
    owner: null,
    due: dueDateFor(s.priority, now),
    priority: s.priority,
    status: 'open',
    artifact: s.artifact,
    state: 'drafted',
  }));
}
