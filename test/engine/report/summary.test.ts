import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_CONFIG } from '../../../src/engine/config/defaults';
import { insertIncident } from '../../../src/engine/db/incidentRows';
import { savePostmortem } from '../../../src/engine/postmortem/store';
import { SnapshotStore } from '../../../src/engine/snapshotStore';
import { summaryOf, summaryText } from '../../../src/engine/report/storeReports';
import { summarizeIncidents, type SummaryEntry } from '../../../src/engine/report/incidentSummary';
import { renderSummaryMarkdown } from '../../../src/engine/report/summaryMarkdown';
import { action, HOUR, incident, postmortem } from './builders';

const NOW = Date.UTC(2024, 7, 1);
const REPEATED = 'config_error | KeyError | config/settings.json';

/**
 * Five incidents with answers worked out by hand:
 * MTTD (60 s + 120 s + 30 s) / 3 = 70 s; MTTR (2 h + 4 h + 0.5 h + 1 h) / 4 = 1.875 h;
 * actions 4 done of 8, one won't do → 4/7; Q1 cost 1,000 + (10 h × 100 + 500) = 2,500, Q2 200.
 */
function entries(): SummaryEntry[] {
  const i1 = incident('INC-0001', {
    createdAt: Date.UTC(2024, 0, 10),
    severity: 'high',
    signature: REPEATED,
    status: 'resolved',
    resolvedAt: Date.UTC(2024, 0, 10) + 2 * HOUR,
  });
  const i2 = incident('INC-0002', {
    createdAt: Date.UTC(2024, 1, 15),
    severity: 'critical',
    signature: REPEATED,
    status: 'resolved',
    resolvedAt: Date.UTC(2024, 1, 15) + 4 * HOUR,
    repeatOf: 'INC-0001',
  });
  const i3 = incident('INC-0003', {
    createdAt: Date.UTC(2024, 3, 20),
    severity: 'medium',
    signature: 'logic',
    rootCause: { ...i1.rootCause, category: 'logic_error' },
  });
  const i4 = incident('INC-0004', {
    createdAt: Date.UTC(2024, 4, 1),
    severity: 'low',
    signature: 'external',
    status: 'resolved',
    resolvedAt: Date.UTC(2024, 4, 1) + HOUR / 2,
    rootCause: { ...i1.rootCause, category: 'external_failure' },
  });
  const i5 = incident('INC-0005', {
    createdAt: Date.UTC(2024, 5, 30),
    severity: 'high',
    signature: REPEATED,
    status: 'resolved',
    resolvedAt: Date.UTC(2024, 5, 30) + HOUR,
    repeatOf: 'INC-0001',
  });
  return [
    {
      incident: i1,
      postmortem: postmortem(i1, {
        detectionDelayMs: 60_000,
        actions: [action('A1', 'done'), action('A2', 'done'), action('A3', 'open')],
        cost: { revenueLost: 1000 },
      }),
    },
    {
      incident: i2,
      postmortem: postmortem(i2, {
        detectionDelayMs: 120_000,
        actions: [action('A1', 'done'), action('A2', 'wont_do')],
        cost: { engineeringHours: 10, hourlyRate: 100, slaCredits: 500 },
      }),
    },
    {
      incident: i3,
      postmortem: postmortem(i3, {
        detectionDelayMs: null,
        actions: [action('A1', 'in_progress'), action('A2', 'open')],
        cost: { vendorCosts: 200 },
      }),
    },
    { incident: i4, postmortem: postmortem(i4, { detectionDelayMs: 30_000, actions: [action('A1', 'done')] }) },
    { incident: i5, postmortem: postmortem(i5, { detectionDelayMs: null, actions: [] }) },
  ];
}

test('summary metrics across incidents match the hand-worked answers', () => {
  const s = summarizeIncidents(entries(), { now: NOW });
  assert.equal(s.incidents, 5);
  assert.deepEqual(s.bySeverity, { critical: 1, high: 2, medium: 1, low: 1 });
  assert.equal(s.byRootCause.config_error, 3);
  assert.deepEqual(s.topRootCauses, [
    { category: 'config_error', count: 3 },
    { category: 'external_failure', count: 1 },
    { category: 'logic_error', count: 1 },
  ]);
  assert.equal(s.meanTimeToDetectMs, 70_000);
  assert.equal(s.detectSamples, 3);
  assert.equal(s.meanTimeToResolveMs, 1.875 * HOUR);
  assert.equal(s.resolveSamples, 4);
  assert.deepEqual(s.actionItems, { total: 8, done: 4, inProgress: 1, open: 2, wontDo: 1, completionRate: 4 / 7 });
  assert.deepEqual(s.repeats, [
    {
      signature: REPEATED,
      category: 'config_error',
      count: 3,
      incidents: ['INC-0001', 'INC-0002', 'INC-0005'],
      example: s.repeats[0]?.example,
    },
  ]);
  assert.equal(s.repeatIncidents, 2);
  assert.deepEqual(s.costByQuarter, [
    { quarter: '2024-Q1', incidents: 2, total: 2500 },
    { quarter: '2024-Q2', incidents: 3, total: 200 },
  ]);
  assert.deepEqual(s.costTrend, { direction: 'decreasing', from: '2024-Q1', to: '2024-Q2', change: -2300 });
});

test('--since keeps only incidents created on or after the date', () => {
  const s = summarizeIncidents(entries(), { now: NOW, since: Date.UTC(2024, 3, 1) });
  assert.equal(s.incidents, 3);
  assert.equal(s.since, '2024-04-01T00:00:00.000Z');
  assert.equal(s.meanTimeToDetectMs, 30_000);
  assert.equal(s.meanTimeToResolveMs, 0.75 * HOUR);
  assert.equal(s.actionItems.completionRate, 1 / 3);
  assert.deepEqual(s.repeats, [], 'one occurrence of the signature in range is not a repeat');
  assert.deepEqual(s.costTrend.direction, 'unknown');
});

test('quarters without incidents count as zero cost, and no data reads as null, not zero', () => {
  const [e1, , , , e5] = entries();
  assert.ok(e1 && e5);
  const s = summarizeIncidents([e1, e5], { now: NOW });
  assert.deepEqual(
    s.costByQuarter.map((q) => q.quarter),
    ['2024-Q1', '2024-Q2'],
  );
  const gap = summarizeIncidents([e1, { ...e5, incident: { ...e5.incident, createdAt: Date.UTC(2024, 9, 2) } }], { now: NOW });
  assert.deepEqual(
    gap.costByQuarter.map((q) => [q.quarter, q.total]),
    [
      ['2024-Q1', 1000],
      ['2024-Q2', 0],
      ['2024-Q3', 0],
      ['2024-Q4', 0],
    ],
  );
  assert.equal(gap.costTrend.direction, 'flat');
  const none = summarizeIncidents([], { now: NOW });
  assert.equal(none.meanTimeToDetectMs, null);
  assert.equal(none.meanTimeToResolveMs, null);
  assert.equal(none.actionItems.completionRate, null);
  assert.match(renderSummaryMarkdown(none), /_no resolved incident_/);
});

test('the markdown summary states the metrics a reader looks for', () => {
  const md = renderSummaryMarkdown(summarizeIncidents(entries(), { now: NOW }));
  assert.match(md, /1\. `config_error`: 3\n2\. `external_failure`: 1\n3\. `logic_error`: 1/);
  assert.match(md, /\| Mean time to detect \(start → first trigger\) \| 1 min 10 s \(over 3 incidents\) \|/);
  assert.match(md, /\| Mean time to resolve \(recorded → resolved\) \| 1 h 52 min \(over 4 incidents\) \|/);
  assert.match(md, /\| Action item completion rate \| 57\.1% \(4 done, 1 in progress, 2 open, 1 won't do\) \|/);
  assert.match(md, /\| Cost trend \| decreasing \(2024-Q1 → 2024-Q2: -\$2,300\.00\) \|/);
  assert.match(md, /\| 2024-Q1 \| 2 \| \$2,500\.00 \|/);
});

test('the summary reads incidents and saved postmortems from a real store, and --since filters them', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ir-'));
  const store = await SnapshotStore.open({ workspaceRoot: dir, config: DEFAULT_CONFIG });
  try {
    for (const e of entries()) {
      await store.db.write((db) => insertIncident(db, e.incident));
      await savePostmortem(store, e.postmortem);
    }
    const all = await summaryOf(store, { now: NOW });
    assert.equal(all.incidents, 5);
    assert.equal(all.meanTimeToDetectMs, 70_000);
    assert.equal(all.meanTimeToResolveMs, 1.875 * HOUR);
    assert.equal(all.actionItems.completionRate, 4 / 7);
    assert.deepEqual(
      all.topRootCauses.map((c) => c.category),
      ['config_error', 'external_failure', 'logic_error'],
    );
    assert.equal(all.repeatIncidents, 2);
    assert.deepEqual(
      all.costByQuarter.map((q) => q.total),
      [2500, 200],
    );
    const json = JSON.parse(await summaryText(store, { format: 'json', since: Date.UTC(2024, 3, 1), now: NOW })) as { incidents: number };
    assert.equal(json.incidents, 3);
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
