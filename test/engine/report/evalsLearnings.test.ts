import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DEFAULT_CONFIG } from '../../../src/engine/config/defaults';
import { insertIncident } from '../../../src/engine/db/incidentRows';
import { savePostmortem } from '../../../src/engine/postmortem/store';
import type { EvalCase } from '../../../src/engine/report/evalCases';
import { markdownOwnership } from '../../../src/engine/report/generatedFile';
import { evalCasesText, learningsText } from '../../../src/engine/report/storeReports';
import { SnapshotStore } from '../../../src/engine/snapshotStore';
import type { Decision, Incident } from '../../../src/engine/types';
import { action, HOUR, incident, postmortem } from './builders';

const NOW = Date.UTC(2024, 6, 1);
const SIG = 'config_error | ZeroDivisionError | config/pipeline.yaml';
let dir: string;
let store: SnapshotStore;

function steps(): Decision[] {
  const base = { timestampEstimated: false, file: 'agent/run.log', source: 'marker' as const };
  return [
    { ...base, id: 'D1', timestamp: Date.UTC(2024, 0, 10, 9), kind: 'plan', text: 'speed up the nightly run', line: 1 },
    {
      ...base,
      id: 'D2',
      timestamp: Date.UTC(2024, 0, 10, 9, 1),
      kind: 'decision',
      text: 'set batch_size to 0 to disable batching',
      rationale: 'batching looked slow',
      line: 2,
      triggerIds: ['T1'],
    },
    {
      ...base,
      id: 'D3',
      timestamp: Date.UTC(2024, 0, 10, 9, 2),
      kind: 'observation',
      text: 'run failed',
      line: 3,
      outcome: { status: 'error', text: 'ZeroDivisionError' },
    },
  ];
}

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ir-'));
  store = await SnapshotStore.open({ workspaceRoot: dir, config: DEFAULT_CONFIG });
  const incidents: Incident[] = [
    incident('INC-0001', {
      createdAt: Date.UTC(2024, 0, 10),
      signature: SIG,
      decisions: steps(),
      status: 'resolved',
      resolvedAt: Date.UTC(2024, 0, 10) + HOUR,
    }),
    incident('INC-0002', { createdAt: Date.UTC(2024, 1, 10), signature: SIG, repeatOf: 'INC-0001', decisions: [] }),
    incident('INC-0003', {
      createdAt: Date.UTC(2024, 2, 10),
      signature: 'one-off',
      title: 'Disk filled by debug logs',
      rootCause: { ...incident('x').rootCause, category: 'resource_exhaustion' },
    }),
  ];
  for (const inc of incidents) await store.db.write((db) => insertIncident(db, inc));
  const first = incidents[0] as Incident;
  const pm1 = postmortem(first, {
    actions: [
      action('A1', 'done', { action: 'Validate batch_size > 0 at load time', owner: 'data-platform', artifact: 'regression test' }),
      action('A2', 'open'),
    ],
  });
  pm1.annotation = { outcome: 'fixed', note: 'restored batch_size: 500 from the baseline', at: Date.UTC(2024, 0, 10, 11) };
  await savePostmortem(store, pm1);
  const third = incidents[2] as Incident;
  await savePostmortem(store, postmortem(third, { actions: [action('A1', 'done', { action: 'Rotate debug logs daily' })] }));
});

after(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

test('every incident becomes one JSONL eval case with its evidence, expected cause, failed step and outcome', async () => {
  const lines = (await evalCasesText(store)).split('\n');
  assert.equal(lines.pop(), '', 'the text ends with a newline');
  assert.equal(lines.length, 3);
  const cases = lines.map((l) => JSON.parse(l) as EvalCase);
  assert.deepEqual(
    cases.map((c) => c.id),
    ['INC-0001', 'INC-0002', 'INC-0003'],
  );
  const [c1, c2, c3] = cases;
  assert.equal(c1?.schema, 'incident-replay.eval/1');
  assert.equal(c1?.expected.rootCauseCategory, 'config_error');
  assert.deepEqual(c1?.expected.triggeringChange, { path: 'config/pipeline.yaml', status: 'modified', keys: ['batch_size'] });
  // The step that produced a trigger is the one that failed; the chain stops there.
  assert.equal(c1?.expected.failedDecision?.id, 'D2');
  assert.equal(c1?.expected.failedDecision?.rationale, 'batching looked slow');
  assert.deepEqual(
    c1?.input.decisions.map((d) => d.id),
    ['D1', 'D2'],
  );
  assert.equal(c1?.input.triggers.length, 12);
  assert.equal(c1?.input.changes.length, 30);
  assert.deepEqual(c1?.outcome, { outcome: 'fixed', note: 'restored batch_size: 500 from the baseline', at: '2024-01-10T11:00:00.000Z' });
  assert.equal(c2?.expected.failedDecision, null);
  assert.equal(c2?.outcome, null);
  assert.equal(c2?.repeatOf, 'INC-0001');
  assert.equal(c3?.expected.rootCauseCategory, 'resource_exhaustion');
});

test('the learnings file lists recurring patterns with what fixed them, then one-off fixes', async () => {
  const md = await learningsText(store, NOW);
  assert.equal(markdownOwnership(md), 'untouched');
  const recurring = md.slice(md.indexOf('## Recurring patterns'), md.indexOf('## Fixed once'));
  assert.match(recurring, /### `config_error`: .* \(2×\)/);
  assert.match(recurring, /- \*\*Incidents:\*\* INC-0001, INC-0002/);
  assert.match(recurring, / {2}- INC-0001 fixed: restored batch\\_size: 500 from the baseline/);
  assert.match(recurring, / {2}- INC-0001 done: Validate batch\\_size &gt; 0 at load time \(data-platform\), updates regression test/);
  assert.doesNotMatch(recurring, /Action A2/, 'open actions are not fixes');
  const once = md.slice(md.indexOf('## Fixed once'));
  assert.match(
    once,
    /\| INC-0003 \| `resource_exhaustion` \| Disk filled by debug logs \| done: Rotate debug logs daily \(platform-team\) \|/,
  );
});
