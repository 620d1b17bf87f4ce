/**
 * The incident as the webview receives it. The data shapes are the engine's own, imported as
 * types only (erased at build time, so no engine code reaches the browser bundle and the two
 * sides cannot drift apart silently: a new required field breaks the guard's type check below).
 * The one projection: changed files travel without their manifest entries, because the view
 * needs status, path and +/- counts, not blob ids, modes or patches.
 */
import type { ChangeStatus, Decision, EvidenceItem, Incident, RootCause, StackFrame, TimelineEvent, Trigger } from '../engine/types';
import {
  CHANGE_STATUSES,
  DECISION_KINDS,
  DECISION_OUTCOME_STATUSES,
  DECISION_SOURCES,
  EVIDENCE_KINDS,
  FILE_ROLES,
  INCIDENT_SEVERITIES,
  INCIDENT_STATUSES,
  ROOT_CAUSE_CATEGORIES,
  SEVERITIES,
  TIMELINE_KINDS,
  TRIGGER_KINDS,
} from '../model/incident';
import { type Guard, isArrayOf, isBoolean, isNullable, isNumber, isOneOf, isRecordOf, isShape, isString, optional } from './guards';

export type {
  ChangeStatus,
  Decision,
  DecisionKind,
  EvidenceItem,
  IncidentSeverity,
  IncidentStatus,
  RootCause,
  RootCauseCategory,
  Severity,
  StackFrame,
  TimelineEvent,
  TimelineKind,
  Trigger,
  TriggerKind,
} from '../engine/types';

export interface ChangeView {
  status: ChangeStatus;
  path: string;
  oldPath?: string;
  additions: number;
  deletions: number;
  binary: boolean;
  note?: string;
}

export type IncidentView = Omit<Incident, 'changes'> & { changes: ChangeView[] };

export const isSeverity = isOneOf(SEVERITIES);
export const isCategory = isOneOf(ROOT_CAUSE_CATEGORIES);

const isStackFrame: Guard<StackFrame> = isShape({
  file: isString,
  line: isNumber,
  column: optional(isNumber),
  function: optional(isString),
  inWorkspace: isBoolean,
});

export const isTrigger: Guard<Trigger> = isShape({
  id: isString,
  kind: isOneOf(TRIGGER_KINDS),
  severity: isSeverity,
  file: isString,
  line: isNumber,
  column: isNumber,
  endLine: isNumber,
  message: isString,
  evidence: isString,
  timestamp: isNumber,
  timestampEstimated: isBoolean,
  errorType: optional(isString),
  frames: optional(isArrayOf(isStackFrame)),
  rule: optional(isString),
  count: optional(isNumber),
  occurrences: optional(isArrayOf(isShape({ line: isNumber, timestamp: isNumber }))),
  burst: optional(isBoolean),
  recurring: optional(isBoolean),
});

export const isTimelineEvent: Guard<TimelineEvent> = isShape({
  id: isString,
  timestamp: isNumber,
  estimated: isBoolean,
  kind: isOneOf(TIMELINE_KINDS),
  severity: optional(isSeverity),
  title: isString,
  detail: optional(isString),
  file: optional(isString),
  line: optional(isNumber),
  diff: optional(isShape({ from: isString, to: isString, path: isString })),
  ref: optional(isString),
});

export const isDecision: Guard<Decision> = isShape({
  id: isString,
  timestamp: isNumber,
  timestampEstimated: isBoolean,
  kind: isOneOf(DECISION_KINDS),
  text: isString,
  rationale: optional(isString),
  outcome: optional(isShape({ status: isOneOf(DECISION_OUTCOME_STATUSES), text: isString, decisionId: optional(isString) })),
  file: isString,
  line: isNumber,
  source: isOneOf(DECISION_SOURCES),
  tool: optional(isString),
  triggerIds: optional(isArrayOf(isString)),
});

const isEvidenceItem: Guard<EvidenceItem> = isShape({
  kind: isOneOf(EVIDENCE_KINDS),
  ref: isString,
  category: isCategory,
  description: isString,
  file: optional(isString),
  line: optional(isNumber),
  weight: isNumber,
});

const isRootCause: Guard<RootCause> = isShape({
  category: isCategory,
  confidence: isNumber,
  description: isString,
  alternatives: isArrayOf(isShape({ category: isCategory, confidence: isNumber })),
  evidence: isArrayOf(isEvidenceItem),
  contributingFactors: isArrayOf(isString),
  triggeringChange: isNullable(
    isShape({
      path: isString,
      status: isOneOf(CHANGE_STATUSES),
      role: isOneOf(FILE_ROLES),
      reason: isString,
      keys: optional(isArrayOf(isString)),
    }),
  ),
});

export const isChangeView: Guard<ChangeView> = isShape({
  status: isOneOf(CHANGE_STATUSES),
  path: isString,
  oldPath: optional(isString),
  additions: isNumber,
  deletions: isNumber,
  binary: isBoolean,
  note: optional(isString),
});

export const isIncidentView: Guard<IncidentView> = isShape({
  id: isString,
  title: isString,
  createdAt: isNumber,
  severity: isOneOf(INCIDENT_SEVERITIES),
  status: isOneOf(INCIDENT_STATUSES),
  resolvedAt: isNullable(isNumber),
  baselineId: isString,
  postId: isString,
  snapshotIds: isArrayOf(isString),
  rootCause: isRootCause,
  triggers: isArrayOf(isTrigger),
  timeline: isArrayOf(isTimelineEvent),
  decisions: isArrayOf(isDecision),
  changes: isArrayOf(isChangeView),
  remediation: isArrayOf(isString),
  signature: isString,
  repeatOf: isNullable(isString),
  artifacts: optional(isRecordOf(isShape({ value: isString, source: isString }))),
});
