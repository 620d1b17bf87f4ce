// Test-data builders for report tests: incidents from the db builder, postmortems drafted by
// the real drafter and then set to what a test needs.
import { draftPostmortem } from '../../../src/engine/postmortem/draft';
import type { ActionItem, ActionStatus, Postmortem } from '../../../src/engine/postmortem/types';
import type { Incident } from '../../../src/engine/types';
import { incident as dbIncident } from '../db/builders';

export const HOUR = 3_600_000;

export function incident(id: string, overrides: Partial<Incident> = {}): Incident {
  return dbIncident(id, overrides);
}

export function action(id: string, status: ActionStatus, overrides: Partial<ActionItem> = {}): ActionItem {
  return {
    id,
    action: `Action ${id}`,
    owner: 'platform-team',
    due: '2024-07-01',
    priority: 'P1',
    status,
    artifact: null,
    state: 'confirmed',
    ...overrides,
  };
}

export interface PostmortemSetup {
  actions?: ActionItem[];
  /** Start → first trigger; null leaves it (and the start) unknown. */
  detectionDelayMs?: number | null;
  cost?: Partial<Record<keyof Postmortem['cost'], number>>;
}

export function postmortem(inc: Incident, setup: PostmortemSetup = {}): Postmortem {
  const pm = draftPostmortem(inc, inc.createdAt);
  if (setup.actions) pm.actions = setup.actions;
  if (setup.detectionDelayMs !== undefined) {
    const d = setup.detectionDelayMs;
    pm.summary.detectionDelayMs = d === null ? { value: null, state: 'empty' } : { value: d, state: 'confirmed' };
    if (d === null) pm.summary.start = { value: null, state: 'empty' };
  }
  for (const [key, value] of Object.entries(setup.cost ?? {})) {
    pm.cost[key as keyof Postmortem['cost']] = { value, state: 'confirmed' };
  }
  return pm;
}
