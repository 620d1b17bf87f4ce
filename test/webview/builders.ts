/** Test-data builders for the incident view: readable incidents, events and postmortems. */
import type { Decision, IncidentView, TimelineEvent, Trigger } from '../../src/protocol/incidentView';
import { ACTIVE_ARTIFACT_KEYS, CONTRIBUTING_FACTOR_KEYS } from '../../src/model/postmortem';
import type { Postmortem } from '../../src/protocol/postmortem';

export const T0 = Date.UTC(2026, 10, 22, 4, 32, 14, 0);

export function event(id: string, at: number, extra: Partial<TimelineEvent> = {}): TimelineEvent {
  return { id, timestamp: T0 + at, estimated: false, kind: 'log', title: id, ...extra };
}

export function decision(id: string, at: number, extra: Partial<Decision> = {}): Decision {
  return {
    id,
    timestamp: T0 + at,
    timestampEstimated: false,
    kind: 'decision',
    text: id,
    file: 'agent/agent.log',
    line: 1,
    source: 'marker',
    ...extra,
  };
}

export function trigger(id: string, at: number, extra: Partial<Trigger> = {}): Trigger {
  return {
    id,
    kind: 'log_error',
    severity: 'error',
    file: 'logs/job.log',
    line: 5,
    column: 1,
    endLine: 5,
    message: `${id} failed`,
    evidence: `${id} failed`,
    timestamp: T0 + at,
    timestampEstimated: false,
    ...extra,
  };
}

export function incident(extra: Partial<IncidentView> = {}): IncidentView {
  return {
    id: 'INC-0001',
    title: 'ECONNREFUSED in logs/job.log after config/app.json changed',
    createdAt: T0,
    severity: 'critical',
    status: 'open',
    resolvedAt: null,
    baselineId: 'base',
    postId: 'post',
    snapshotIds: ['base', 'post'],
    rootCause: {
      category: 'config_error',
      confidence: 0.68,
      description: 'port changed',
      alternatives: [{ category: 'external_failure', confidence: 0.14 }],
      evidence: [],
      contributingFactors: [],
      triggeringChange: { path: 'config/app.json', status: 'modified', role: 'config', reason: 'T3 names 45275', keys: ['database.port'] },
    },
    triggers: [],
    timeline: [],
    decisions: [],
    changes: [],
    remediation: ['Restore database.port'],
    signature: 'd47f94584debb539',
    repeatOf: null,
    ...extra,
  };
}

const field = <T>(value: T, state: 'drafted' | 'confirmed' | 'empty' = 'drafted') => ({ value, state });

export function postmortem(extra: Partial<Postmortem> = {}): Postmortem {
  return {
    incidentId: 'INC-0001',
    summary: {
      start: field<number | null>(T0),
      end: field<number | null>(T0 + 625),
      severity: field('SEV-3' as const),
      owner: field<string | null>(null, 'empty'),
      impact: {
        users: field<string | null>(null, 'empty'),
        systems: field(['127.0.0.1:45275']),
        slaBreached: field<boolean | null>(null, 'empty'),
      },
      detectionMethod: field('internal_discovery' as const),
      detectionDelayMs: field<number | null>(236),
      text: field('The nightly job could not reach its database.'),
    },
    activeArtifacts: Object.fromEntries(
      ACTIVE_ARTIFACT_KEYS.map((k) => [k, { value: null, state: 'empty' as const }]),
    ) as Postmortem['activeArtifacts'],
    whatHappened: field(['config changed', 'job failed']),
    containment: field<Postmortem['containment']['value']>([], 'empty'),
    blastRadius: {
      files: field(['config/app.json']),
      systems: field<string[]>([], 'empty'),
      data: field<string[]>([], 'empty'),
      memoryRecords: field<string[]>([], 'empty'),
      scope: field('single_run' as const),
    },
    rootCause: {
      category: 'config_error',
      immediateCause: field('The port was changed to one nothing listens on.'),
      contributing: field(['no config validation']),
      fiveWhys: [
        {
          question: 'Why did the job fail?',
          answer: 'It could not connect.',
          evidence: [{ kind: 'trigger', ref: 'T3' }],
          state: 'drafted',
        },
      ],
    },
    factors: Object.fromEntries(
      CONTRIBUTING_FACTOR_KEYS.map((k) => [k, { score: 0, notes: '', state: 'empty' as const }]),
    ) as Postmortem['factors'],
    controlGaps: field(['no pre-run config check']),
    wentWell: field<string[]>([], 'empty'),
    actions: [
      {
        id: 'A1',
        action: 'Validate config at start',
        owner: null,
        due: null,
        priority: 'P1',
        status: 'open',
        artifact: null,
        state: 'drafted',
      },
    ],
    prevention: {
      monitoringAdded: field(false, 'empty'),
      runbookUpdated: field(false, 'empty'),
      testCoverageAdded: field(false, 'empty'),
      architectureChangeNeeded: field(false, 'empty'),
      trainingNeeded: field(false, 'empty'),
    },
    cost: {
      revenueLost: field<number | null>(null, 'empty'),
      slaCredits: field<number | null>(null, 'empty'),
      vendorCosts: field<number | null>(null, 'empty'),
      engineeringHours: field<number | null>(null, 'empty'),
      hourlyRate: field<number | null>(null, 'empty'),
      churnRisk: field<number | null>(null, 'empty'),
    },
    lifecycleUpdates: field<Record<string, string>>({}, 'empty'),
    annotation: null,
    keptBlameSentences: [],
    updatedAt: T0,
    ...extra,
  };
}

/** A structured clone, as postMessage delivers it. */
export function overTheWire<T>(x: T): unknown {
  return structuredClone(x);
}
