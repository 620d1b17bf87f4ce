import type { Postmortem } from '../postmortem/types';
import type { Incident } from '../types';

/**
 * The agent template's closing list ("mark every no explicitly"), answered from the record:
 * an item is `yes` only when the data shows it, so an unfilled postmortem reads as a row of noes.
 */
export interface ChecklistItem {
  id: ChecklistId;
  question: string;
  answer: 'yes' | 'no';
  /** What the answer rests on, or what is missing. */
  why: string;
  /** The answer rests on fields drafted by the tool that nobody has confirmed. */
  drafted: boolean;
}

export type ChecklistId =
  'incident_id' | 'artifacts' | 'contributing_factors' | 'control_gaps' | 'owned_actions' | 'lifecycle_artifacts' | 'evals';

const RECONSTRUCTED = ['trace_id', 'session_id', 'bundle_id', 'change_id'] as const;
const INCIDENT_ID = /^INC-\d{4,}$/;
const EVAL_OR_ROLLOUT = /\beval|rollout|canary|regression/i;

function item(id: ChecklistId, question: string, yes: boolean, why: string, drafted: boolean): ChecklistItem {
  return { id, question, answer: yes ? 'yes' : 'no', why, drafted: yes && drafted };
}

export function reviewChecklist(incident: Incident, pm: Postmortem): ChecklistItem[] {
  const live = pm.actions.filter((a) => a.status !== 'wont_do');
  const unowned = live.filter((a) => !a.owner || !a.due);
  const missingArtifacts = RECONSTRUCTED.filter((k) => !pm.activeArtifacts[k].value);
  const scoredFactors = Object.entries(pm.factors).filter(([, f]) => f.score > 0);
  const contributing = pm.rootCause.contributing.value;
  const lifecycle = Object.entries(pm.lifecycleUpdates.value).filter(([, v]) => v.trim() !== '');
  const evalActions = live.filter((a) => EVAL_OR_ROLLOUT.test(`${a.artifact ?? ''} ${a.action}`));
  const evalNotes = Object.entries(pm.evalsAndRollout?.value ?? {}).filter(([, v]) => v.trim() !== '');

  return [
    item(
      'incident_id',
      'Does the postmortem include a precise incident_id?',
      INCIDENT_ID.test(pm.incidentId) && pm.incidentId === incident.id,
      pm.incidentId === incident.id ? pm.incidentId : `postmortem names ${pm.incidentId}, incident is ${incident.id}`,
      false,
    ),
    item(
      'artifacts',
      'Are trace_id, session_id, bundle_id and change_id reconstructed?',
      missingArtifacts.length === 0,
      missingArtifacts.length === 0
        ? RECONSTRUCTED.map((k) => `${k}=${pm.activeArtifacts[k].value ?? ''}`).join(', ')
        : `missing ${missingArtifacts.join(', ')}`,
      RECONSTRUCTED.some((k) => pm.activeArtifacts[k].state === 'drafted'),
    ),
    item(
      'contributing_factors',
      'Does it include contributing factors, not only a root cause?',
      contributing.length > 0 || scoredFactors.length > 0,
      contributing.length > 0 || scoredFactors.length > 0
        ? `${contributing.length} contributing factor(s), ${scoredFactors.length} scored factor(s)`
        : 'no contributing factor listed or scored',
      pm.rootCause.contributing.state === 'drafted' || scoredFactors.some(([, f]) => f.state === 'drafted'),
    ),
    item(
      'control_gaps',
      'Are control gaps recorded?',
      pm.controlGaps.value.length > 0,
      pm.controlGaps.value.length > 0 ? `${pm.controlGaps.value.length} gap(s)` : 'no control-layer gap recorded',
      pm.controlGaps.state === 'drafted',
    ),
    item(
      'owned_actions',
      'Are there concrete corrective actions with owners and due dates?',
      live.length > 0 && unowned.length === 0,
      live.length === 0
        ? 'no corrective action'
        : unowned.length === 0
          ? `all ${live.length} action(s) have an owner and a due date`
          : `${unowned.length} of ${live.length} action(s) lack an owner or a due date`,
      live.some((a) => a.state === 'drafted'),
    ),
    item(
      'lifecycle_artifacts',
      'Is it clear which lifecycle artifacts must change?',
      lifecycle.length > 0,
      lifecycle.length > 0 ? lifecycle.map(([k]) => k).join(', ') : 'no lifecycle update named',
      pm.lifecycleUpdates.state === 'drafted',
    ),
    item(
      'evals',
      'Does the incident flow back into evals and rollout criteria?',
      evalActions.length > 0 || evalNotes.length > 0,
      evalActions.length > 0 || evalNotes.length > 0
        ? [
            evalActions.length > 0 ? `action(s) ${evalActions.map((a) => a.id).join(', ')} update evals or rollout` : '',
            evalNotes.length > 0 ? `evals and rollout changes: ${evalNotes.map(([k]) => k).join(', ')}` : '',
          ]
            .filter(Boolean)
            .join('; ')
        : 'no action or recorded change updates an eval dataset, regression test or rollout gate',
      evalActions.some((a) => a.state === 'drafted') || pm.evalsAndRollout?.state === 'drafted',
    ),
  ];
}
