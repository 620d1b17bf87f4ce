/**
 * The postmortem record as it travels both ways: the host sends the stored one, the webview sends
 * back the edited one to save. The shape is the engine's (type-only import); this guard is what
 * keeps a malformed save from reaching the store.
 */
import type {
  ActionItem,
  ActiveArtifact,
  Annotation,
  Containment,
  FactorScore,
  Field,
  Postmortem,
  WhyStep,
} from '../engine/postmortem/types';
import {
  ACTION_PRIORITIES,
  ACTION_STATUSES,
  ACTIVE_ARTIFACT_KEYS,
  CONTAINMENT_KINDS,
  CONTRIBUTING_FACTOR_KEYS,
  DETECTION_METHODS,
  FIELD_STATES,
  OUTCOMES,
  POSTMORTEM_SEVERITIES,
  POSTMORTEM_STATUSES,
  SCOPES,
} from '../model/postmortem';
import { EVIDENCE_KINDS } from '../model/incident';
import {
  type Guard,
  isArrayOf,
  isBoolean,
  isInteger,
  isKeyedRecord,
  isNullable,
  isNumber,
  isOneOf,
  isRecordOf,
  isShape,
  isString,
  optional,
} from './guards';
import { isCategory } from './incidentView';

export type {
  ActionItem,
  ActionPriority,
  ActionStatus,
  ActiveArtifact,
  ActiveArtifactKey,
  ContributingFactorKey,
  FieldState,
  Field,
  Postmortem,
  WhyStep,
} from '../engine/postmortem/types';

/** What a why rests on: the evidence an incident cites, or nothing yet. */
export const WHY_EVIDENCE_KINDS = [...EVIDENCE_KINDS, 'none'] as const;

const isFieldState = isOneOf(FIELD_STATES);

function isField<T>(value: Guard<T>): Guard<Field<T>> {
  return isShape({ value, state: isFieldState });
}

const isStrings = isArrayOf(isString);
const isOptNumber = isNullable(isNumber);

const isActiveArtifact: Guard<ActiveArtifact> = isShape({
  value: isNullable(isString),
  source: optional(isString),
  state: isFieldState,
});

const isWhyStep: Guard<WhyStep> = isShape({
  question: isString,
  answer: isString,
  evidence: isArrayOf(isShape({ kind: isOneOf(WHY_EVIDENCE_KINDS), ref: isString })),
  state: isFieldState,
});

const isFactorScore: Guard<FactorScore> = isShape({
  score: isOneOf([0, 1, 2, 3] as const),
  notes: isString,
  state: isFieldState,
});

const isActionItem: Guard<ActionItem> = isShape({
  id: isString,
  action: isString,
  owner: isNullable(isString),
  due: isNullable(isString),
  priority: isOneOf(ACTION_PRIORITIES),
  status: isOneOf(ACTION_STATUSES),
  artifact: isNullable(isString),
  state: isFieldState,
});

const isContainment: Guard<Containment> = isShape({ action: isString, kind: isOneOf(CONTAINMENT_KINDS) });
const isAnnotation: Guard<Annotation> = isShape({ outcome: isOneOf(OUTCOMES), note: isNullable(isString), at: isNumber });

export const isPostmortem: Guard<Postmortem> = isShape({
  incidentId: isString,
  summary: isShape({
    start: isField(isOptNumber),
    end: isField(isOptNumber),
    severity: isField(isOneOf(POSTMORTEM_SEVERITIES)),
    status: optional(isField(isOneOf(POSTMORTEM_STATUSES))),
    owner: isField(isNullable(isString)),
    impact: isShape({
      users: isField(isNullable(isString)),
      systems: isField(isStrings),
      slaBreached: isField(isNullable(isBoolean)),
    }),
    detectionMethod: isField(isOneOf(DETECTION_METHODS)),
    detectionDelayMs: isField(isOptNumber),
    text: isField(isString),
  }),
  activeArtifacts: isKeyedRecord(ACTIVE_ARTIFACT_KEYS, isActiveArtifact),
  whatHappened: isField(isStrings),
  containment: isField(isArrayOf(isContainment)),
  blastRadius: isShape({
    files: isField(isStrings),
    systems: isField(isStrings),
    data: isField(isStrings),
    memoryRecords: isField(isStrings),
    scope: isField(isOneOf(SCOPES)),
  }),
  rootCause: isShape({
    category: isCategory,
    immediateCause: isField(isString),
    contributing: isField(isStrings),
    fiveWhys: isArrayOf(isWhyStep),
  }),
  factors: isKeyedRecord(CONTRIBUTING_FACTOR_KEYS, isFactorScore),
  controlGaps: isField(isStrings),
  wentWell: isField(isStrings),
  actions: isArrayOf(isActionItem),
  prevention: isShape({
    monitoringAdded: isField(isBoolean),
    runbookUpdated: isField(isBoolean),
    testCoverageAdded: isField(isBoolean),
    architectureChangeNeeded: isField(isBoolean),
    trainingNeeded: isField(isBoolean),
  }),
  cost: isShape({
    revenueLost: isField(isOptNumber),
    slaCredits: isField(isOptNumber),
    vendorCosts: isField(isOptNumber),
    engineeringHours: isField(isOptNumber),
    hourlyRate: isField(isOptNumber),
    churnRisk: isField(isOptNumber),
  }),
  lifecycleUpdates: isField(isRecordOf(isString)),
  evalsAndRollout: optional(isField(isRecordOf(isString))),
  annotation: isNullable(isAnnotation),
  keptBlameSentences: isStrings,
  updatedAt: isInteger,
});
