/**
 * The postmortem's enum-keyed records, repeated here because the engine's constants are runtime
 * values and the webview bundle must not pull engine code in. `satisfies` keeps each list inside
 * the engine's union; test/protocol/postmortem.test.ts checks they are equal in both directions.
 */
import type { ActiveArtifactKey, ContributingFactorKey } from '../engine/postmortem/types';

export const ACTIVE_ARTIFACT_KEYS = [
  'trace_id',
  'session_id',
  'bundle_id',
  'change_id',
  'rollout_wave',
  'policy_bundle',
  'approval_mode',
  'tool_principal',
] as const satisfies readonly ActiveArtifactKey[];

export const CONTRIBUTING_FACTOR_KEYS = [
  'missing_monitoring',
  'insufficient_testing',
  'documentation_gaps',
  'process_not_followed',
  'knowledge_concentration',
  'capacity_limits',
  'third_party_dependency',
  'communication_breakdown',
  'change_management_failure',
  'technical_debt',
] as const satisfies readonly ContributingFactorKey[];
