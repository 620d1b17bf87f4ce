import { stringify } from 'yaml';
import type { Postmortem } from '../postmortem/types';

/** The agent template's short YAML record ("11. Short YAML template"), field for field. */
export interface PostmortemYamlRecord {
  postmortem: {
    incident_id: string;
    severity: string;
    owner: string | null;
    active_artifacts: {
      trace_id: string | null;
      session_id: string | null;
      bundle_id: string | null;
      change_id: string | null;
      rollout_wave: string | null;
    };
    root_cause: { primary: string; contributing: string[] };
    corrective_actions: { owner: string | null; action: string; due: string | null }[];
    lifecycle_updates: Record<string, string>;
  };
}

export function postmortemYamlRecord(pm: Postmortem): PostmortemYamlRecord {
  const a = pm.activeArtifacts;
  return {
    postmortem: {
      incident_id: pm.incidentId,
      // The template writes `sev2`.
      severity: pm.summary.severity.value.toLowerCase().replace('-', ''),
      owner: pm.summary.owner.value,
      active_artifacts: {
        trace_id: a.trace_id.value,
        session_id: a.session_id.value,
        bundle_id: a.bundle_id.value,
        change_id: a.change_id.value,
        rollout_wave: a.rollout_wave.value,
      },
      root_cause: { primary: pm.rootCause.category, contributing: [...pm.rootCause.contributing.value] },
      corrective_actions: pm.actions.filter((x) => x.status !== 'wont_do').map((x) => ({ owner: x.owner, action: x.action, due: x.due })),
      lifecycle_updates: { ...pm.lifecycleUpdates.value },
    },
  };
}

export function postmortemYaml(pm: Postmortem): string {
  return stringify(postmortemYamlRecord(pm), { lineWidth: 0 });
}
