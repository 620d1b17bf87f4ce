import type { Postmortem } from '../postmortem/types';
import type { Incident } from '../types';
import { redactDeep } from './redactExport';
import { reviewChecklist, type ChecklistItem } from './reviewChecklist';

/** What every export format is rendered from: the incident and its postmortem, already redacted. */
export interface ReportFacts {
  incident: Incident;
  postmortem: Postmortem;
  checklist: ChecklistItem[];
}

export function reportFacts(incident: Incident, postmortem: Postmortem): ReportFacts {
  const inc = redactDeep(incident);
  const pm = redactDeep(postmortem);
  return { incident: inc, postmortem: pm, checklist: reviewChecklist(inc, pm) };
}
