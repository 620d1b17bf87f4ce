/**
 * The postmortem's words: field states, severities, statuses, and the keys of its keyed records.
 * One runtime list each, with the type derived from it, read by the engine, the CLI's `--set`,
 * the protocol's guard and the webview's form.
 */

/** A drafted field came from the evidence; a person's edit makes it confirmed. */
export const FIELD_STATES = ['drafted', 'confirmed', 'empty'] as const;
export type FieldState = (typeof FIELD_STATES)[number];

export const POSTMORTEM_SEVERITIES = ['SEV-1', 'SEV-2', 'SEV-3'] as const;
export type PostmortemSeverity = (typeof POSTMORTEM_SEVERITIES)[number];

/** Where the incident itself stands, as the postmortem reports it. */
export const POSTMORTEM_STATUSES = ['open', 'mitigated', 'resolved'] as const;
export type PostmortemStatus = (typeof POSTMORTEM_STATUSES)[number];

export const DETECTION_METHODS = ['monitoring', 'customer_report', 'internal_discovery'] as const;
export type DetectionMethod = (typeof DETECTION_METHODS)[number];

export const ACTION_PRIORITIES = ['P0', 'P1', 'P2'] as const;
export type ActionPriority = (typeof ACTION_PRIORITIES)[number];

export const ACTION_STATUSES = ['open', 'in_progress', 'done', 'wont_do'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/** How an incident was closed (or kept open). */
export const OUTCOMES = ['fixed', 'mitigated', 'false-alarm', 'wont-fix'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const SCOPES = ['single_run', 'wider_pattern'] as const;
export type Scope = (typeof SCOPES)[number];

export const CONTAINMENT_KINDS = ['temporary', 'permanent'] as const;
export type ContainmentKind = (typeof CONTAINMENT_KINDS)[number];

export const ACTIVE_ARTIFACT_KEYS = [
  'trace_id',
  'session_id',
  'bundle_id',
  'change_id',
  'rollout_wave',
  'policy_bundle',
  'approval_mode',
  'tool_principal',
] as const;
export type ActiveArtifactKey = (typeof ACTIVE_ARTIFACT_KEYS)[number];

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
] as const;
export type ContributingFactorKey = (typeof CONTRIBUTING_FACTOR_KEYS)[number];

/** The lifecycle artifacts a postmortem says must change (`lifecycle.<key>`). */
export const LIFECYCLE_KEYS = [
  'change_id',
  'bundle_id',
  'retirement_plan',
  'registry_record',
  'inventory',
  'incident_taxonomy',
  'postmortem_rubric',
] as const;
export type LifecycleKey = (typeof LIFECYCLE_KEYS)[number];

/** What changes in evals and rollout (`evals.<key>`). */
export const EVALS_KEYS = ['dataset_cases', 'new_evals', 'rollout_gate', 'canary_scope', 'approval_thresholds'] as const;
export type EvalsKey = (typeof EVALS_KEYS)[number];
