/**
 * The words an incident is written in: every kind, status and category, each as one runtime list
 * with its type derived from it. The engine, the protocol's guards, the CLI, the extension and the
 * webview all read these lists, so a new kind added here reaches every consumer at once (a guard
 * holding its own copy would reject whole incidents that carry the new kind).
 */

export const ENTRY_TYPES = ['file', 'symlink'] as const;
export type EntryType = (typeof ENTRY_TYPES)[number];

export const SCAN_ISSUE_KINDS = [
  'vanished',
  'changed_during_scan',
  'unreadable',
  'oversized',
  'special_file',
  'unreadable_directory',
] as const;
export type ScanIssueKind = (typeof SCAN_ISSUE_KINDS)[number];

export const CHANGE_STATUSES = ['added', 'removed', 'modified', 'renamed', 'mode_changed'] as const;
export type ChangeStatus = (typeof CHANGE_STATUSES)[number];

export const SEVERITIES = ['error', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const TRIGGER_KINDS = ['log_error', 'deletion', 'config_change', 'empty_output', 'size_growth', 'secret', 'constraint'] as const;
export type TriggerKind = (typeof TRIGGER_KINDS)[number];

export const TIMELINE_KINDS = ['snapshot', 'file_change', 'log', 'trigger', 'decision', 'commit', 'command'] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export const DECISION_KINDS = ['plan', 'decision', 'action', 'observation', 'tool_call', 'tool_result'] as const;
export type DecisionKind = (typeof DECISION_KINDS)[number];

export const DECISION_SOURCES = ['marker', 'aider', 'jsonl'] as const;
export type DecisionSource = (typeof DECISION_SOURCES)[number];

export const DECISION_OUTCOME_STATUSES = ['success', 'error', 'unknown'] as const;
export type DecisionOutcomeStatus = (typeof DECISION_OUTCOME_STATUSES)[number];

export const ROOT_CAUSE_CATEGORIES = [
  'config_error',
  'data_corruption',
  'drift',
  'external_failure',
  'logic_error',
  'resource_exhaustion',
] as const;
export type RootCauseCategory = (typeof ROOT_CAUSE_CATEGORIES)[number];

/** The category as a heading ("Configuration error"). */
export const CATEGORY_LABEL: Readonly<Record<RootCauseCategory, string>> = {
  config_error: 'Configuration error',
  data_corruption: 'Data corruption',
  drift: 'Drift',
  external_failure: 'External failure',
  logic_error: 'Logic error',
  resource_exhaustion: 'Resource exhaustion',
};

/** The category as it reads mid-sentence ("is typical of a configuration error"). */
export const CATEGORY_PHRASE: Readonly<Record<RootCauseCategory, string>> = {
  config_error: 'a configuration error',
  data_corruption: 'data corruption',
  drift: 'drift',
  external_failure: 'an external failure',
  logic_error: 'a logic error',
  resource_exhaustion: 'resource exhaustion',
};

export const FILE_ROLES = ['config', 'code', 'data', 'output', 'log', 'doc', 'other'] as const;
export type FileRole = (typeof FILE_ROLES)[number];

/** What a piece of root-cause evidence cites. */
export const EVIDENCE_KINDS = ['trigger', 'change', 'decision', 'snapshot'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

export const INCIDENT_SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type IncidentSeverity = (typeof INCIDENT_SEVERITIES)[number];

export const INCIDENT_STATUSES = ['open', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const METRIC_SOURCES = ['snapshots', 'log'] as const;
export const METRIC_DIRECTIONS = ['up', 'down'] as const;
export const METRIC_VERDICTS = ['worse', 'better', 'unknown'] as const;
