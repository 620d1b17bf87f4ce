import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildDecisionChain, reasoningBehind } from '../../webview/model/decisionChain';
import { decision, trigger } from './builders';

// The sample agent's run: a plan, two decisions, an edit, a deletion, a run that fails, an observation.
const steps = [
  decision('D1', 0, { kind: 'plan', text: 'speed up the nightly report' }),
  decision('D2', 0, { text: 'the job spends most of its time waiting on the database connection pool' }),
  decision('D3', 15, {
    text: 'point the job at the read replica on port 45275 because the primary is slow at night',
    rationale: 'because the primary is slow at night',
  }),
  decision('D4', 23, { kind: 'action', text: 'edit config/app.json (database.port, batchSize)' }),
  decision('D5', 23, {
    text: 'remove agent/notes.md since it is stale',
    rationale: 'since it is stale',
    outcome: { status: 'error', text: 'job exited with code 1', decisionId: 'D8' },
  }),
  decision('D7', 30, {
    kind: 'action',
    text: 'run node src/job.js',
    outcome: { status: 'error', text: 'job exited with code 1', decisionId: 'D8' },
    triggerIds: ['T3', 'T4'],
  }),
  decision('D8', 275, {
    kind: 'observation',
    text: 'job exited with code 1',
    outcome: { status: 'error', text: 'job exited with code 1' },
  }),
];
const triggers = [
  trigger('T3', 264, { message: 'connect ECONNREFUSED 127.0.0.1:45275' }),
  trigger('T4', 264, { message: 'job exited with code 1' }),
];

test('the failing step is the one that produced triggers and reported an error; it links to them', () => {
  const chain = buildDecisionChain(steps, triggers, ['config/app.json', 'database.port']);
  assert.deepEqual(
    chain.steps.map((s) => s.decision.id),
    ['D1', 'D2', 'D3', 'D4', 'D5', 'D7', 'D8'],
  );
  assert.equal(chain.steps[chain.failing]?.decision.id, 'D7');
  assert.deepEqual(
    chain.steps.filter((s) => s.failing).map((s) => s.decision.id),
    ['D7'],
  );
  assert.deepEqual(
    chain.steps[chain.failing]?.triggers.map((t) => t.id),
    ['T3', 'T4'],
  );
  assert.equal(chain.steps[4]?.status, 'error', 'other error outcomes stay visible without being the failing step');
  assert.equal(chain.steps[0]?.status, 'none');
});

test('the story reads "decided X because Y → ran Z → error", with the decision the failure points at', () => {
  const chain = buildDecisionChain(steps, triggers, ['config/app.json', 'database.port']);
  assert.deepEqual(chain.story, [
    { verb: 'decided', text: steps[2]?.text, because: 'the primary is slow at night', decisionId: 'D3' },
    { verb: 'ran', text: 'run node src/job.js', decisionId: 'D7' },
    { verb: 'error', text: 'connect ECONNREFUSED 127.0.0.1:45275', triggerId: 'T3' },
  ]);
});

test('without shared words the nearest decision that gives a reason is taken, else the nearest', () => {
  const a = decision('A', 0, { text: 'use the cache', rationale: 'because it is faster' });
  const b = decision('B', 1, { text: 'skip the tests' });
  assert.equal(reasoningBehind([a, b], ['segfault'])?.id, 'A');
  assert.equal(reasoningBehind([b], ['segfault'])?.id, 'B');
  assert.equal(reasoningBehind([], ['segfault']), undefined);
  assert.equal(reasoningBehind([a, b], ['tests failed: 3 tests'])?.id, 'B');
});

test('a failing decision tells its own story, and a chain with no failure has none', () => {
  const d = decision('X', 0, { text: 'drop the table', rationale: 'since it is unused', triggerIds: ['T9'] });
  const chain = buildDecisionChain([d], [trigger('T9', 5, { message: 'relation does not exist' })]);
  assert.deepEqual(chain.story, [
    { verb: 'decided', text: 'drop the table', because: 'it is unused', decisionId: 'X' },
    { verb: 'error', text: 'relation does not exist', triggerId: 'T9' },
  ]);
  const calm = buildDecisionChain(
    [decision('P', 0, { kind: 'plan' }), decision('Q', 1, { kind: 'observation', outcome: { status: 'error', text: 'x' } })],
    [],
  );
  assert.equal(calm.failing, -1, 'an observation reporting an error is not itself the failing step');
  assert.deepEqual(calm.story, []);
});

test('an action that failed without a trigger ends the story with its outcome', () => {
  const chain = buildDecisionChain(
    [
      decision('D', 0, { text: 'use port 1', rationale: 'because' }),
      decision('A', 1, { kind: 'action', text: 'deploy', outcome: { status: 'error', text: 'deploy failed', decisionId: 'O' } }),
    ],
    [],
  );
  assert.equal(chain.steps[chain.failing]?.decision.id, 'A');
  assert.deepEqual(
    chain.story.map((p) => p.verb),
    ['decided', 'did', 'error'],
  );
  assert.deepEqual(chain.story[2], { verb: 'error', text: 'deploy failed', decisionId: 'O' });
});
