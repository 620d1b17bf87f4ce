import type { Incident, RootCause, Trigger } from '../../src/engine/types';

/** Test-data builders: an incident reads as the fields a test cares about. */
export function aTrigger(fields: Partial<Trigger> & Pick<Trigger, 'kind' | 'file'>): Trigger {
  return {
    id: 'T1',
    severity: 'error',
    line: 1,
    column: 1,
    endLine: 1,
    message: `${fields.kind} in ${fields.file}`,
    evidence: '',
    timestamp: 1_700_000_000_000,
    timestampEstimated: false,
    ...fields,
  };
}

export function aRootCause(fields: Partial<RootCause> = {}): RootCause {
  return {
    category: 'config_error',
    confidence: 0.8,
    description: 'A config value changed.',
    alternatives: [],
    evidence: [],
    contributingFactors: [],
    triggeringChange: null,
    ...fields,
  };
}

export function anIncident(fields: Partial<Incident> = {}): Incident {
  return {
    id: 'INC-0001',
    title: 'Connection refused after config/app.json changed',
    createdAt: 1_700_000_100_000,
    severity: 'high',
    status: 'open',
    resolvedAt: null,
    baselineId: 'aaaa1111',
    postId: 'bbbb2222',
    snapshotIds: ['aaaa1111', 'bbbb2222'],
    rootCause: aRootCause(),
    triggers: [],
    timeline: [],
    decisions: [],
    changes: [],
    remediation: [],
    signature: 'sig',
    repeatOf: null,
    ...fields,
  };
}
