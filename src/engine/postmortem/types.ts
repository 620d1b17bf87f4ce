import type { EvidenceKind, RootCauseCategory } from '../types';
import type {
  ActionPriority,
  ActionStatus,
  ActiveArtifactKey,
  ContainmentKind,
  ContributingFactorKey,
  DetectionMethod,
  FieldState,
  Outcome,
  PostmortemSeverity,
  PostmortemStatus,
  Scope,
} from '../../model/postmortem';

export { ACTIVE_ARTIFACT_KEYS, CONTRIBUTING_FACTOR_KEYS } from '../../model/postmortem';
export type {
  ActionPriority,
  ActionStatus,
  ActiveArtifactKey,
  ContributingFactorKey,
  DetectionMethod,
  FieldState,
  Outcome,
  PostmortemSeverity,
  PostmortemStatus,
} from '../../model/postmortem';

/**
 * The blameless postmortem of one incident, stored with it and edited by people.
 * Every field the engine can draft starts as `drafted`; a person's edit makes it `confirmed`.
 */
export interface Field<T> {
  value: T;
  state: FieldState;
}

export interface ActiveArtifact {
  value: string | null;
  /** Where it was found (`agent/session.jsonl:3`), when auto-extracted. */
  source?: string;
  state: FieldState;
}

export interface WhyStep {
  question: string;
  answer: string;
  /** What the answer rests on: a trigger id, changed path, decision id or snapshot id. */
  evidence: { kind: EvidenceKind | 'none'; ref: string }[];
  state: FieldState;
}

export interface FactorScore {
  /** 0 = not a factor … 3 = primary contributor. */
  score: 0 | 1 | 2 | 3;
  notes: string;
  state: FieldState;
}

export interface ActionItem {
  id: string;
  action: string;
  owner: string | null;
  /** YYYY-MM-DD. */
  due: string | null;
  priority: ActionPriority;
  status: ActionStatus;
  /** The artifact it updates: policy bundle, eval dataset, regression test, rollout gate, registry record, detection rule... */
  artifact: string | null;
  state: FieldState;
}

export interface Containment {
  action: string;
  kind: ContainmentKind;
}

export interface Annotation {
  outcome: Outcome;
  note: string | null;
  at: number;
}

export interface Postmortem {
  incidentId: string;
  summary: {
    start: Field<number | null>;
    end: Field<number | null>;
    severity: Field<PostmortemSeverity>;
    /** Absent on records stored before it existed; drafted from the incident's status. */
    status?: Field<PostmortemStatus>;
    owner: Field<string | null>;
    impact: {
      users: Field<string | null>;
      systems: Field<string[]>;
      slaBreached: Field<boolean | null>;
    };
    detectionMethod: Field<DetectionMethod>;
    /** Start → first trigger, ms. */
    detectionDelayMs: Field<number | null>;
    text: Field<string>;
  };
  activeArtifacts: Record<ActiveArtifactKey, ActiveArtifact>;
  whatHappened: Field<string[]>;
  containment: Field<Containment[]>;
  blastRadius: {
    files: Field<string[]>;
    systems: Field<string[]>;
    data: Field<string[]>;
    memoryRecords: Field<string[]>;
    scope: Field<Scope>;
  };
  rootCause: {
    category: RootCauseCategory;
    immediateCause: Field<string>;
    contributing: Field<string[]>;
    fiveWhys: WhyStep[];
  };
  factors: Record<ContributingFactorKey, FactorScore>;
  controlGaps: Field<string[]>;
  wentWell: Field<string[]>;
  actions: ActionItem[];
  prevention: {
    monitoringAdded: Field<boolean>;
    runbookUpdated: Field<boolean>;
    testCoverageAdded: Field<boolean>;
    architectureChangeNeeded: Field<boolean>;
    trainingNeeded: Field<boolean>;
  };
  cost: {
    revenueLost: Field<number | null>;
    slaCredits: Field<number | null>;
    vendorCosts: Field<number | null>;
    engineeringHours: Field<number | null>;
    hourlyRate: Field<number | null>;
    churnRisk: Field<number | null>;
  };
  lifecycleUpdates: Field<Record<string, string>>;
  /** What changes in evals and rollout (eval dataset cases, new evals, rollout gate, canary scope). */
  evalsAndRollout?: Field<Record<string, string>>;
  annotation: Annotation | null;
  /** Sentences the blameless check flagged that a person chose to keep. */
  keptBlameSentences: string[];
  updatedAt: number;
}
