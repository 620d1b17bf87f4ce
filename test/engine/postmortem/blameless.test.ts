import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blamelessCheck, findBlame } from '../../../src/engine/postmortem/blameless';
import { draftPostmortem } from '../../../src/engine/postmortem/draft';
import { setField } from '../../../src/engine/postmortem/edit';
import { incident } from '../db/builders';

test('names and handles next to a mistake are flagged, with who and a process-gap rewrite', () => {
  const cases: [text: string, who: string][] = [
    ['Alice broke the build.', 'Alice'],
    ['The outage was caused by @bob.', '@bob'],
    ['John forgot to rotate the key before the release.', 'John'],
    ['Honestly, it was Dave’s fault.', 'Dave'],
    ["It was Dave's fault.", 'Dave'],
    ['Then Maria Lopez accidentally deleted the replica config.', 'Maria Lopez'],
    ['@carol.dev pushed the migration without review', '@carol.dev'],
    ['We blame Priya for the bad rollout.', 'Priya'],
    ['Kenji did not check the dashboard.', 'Kenji'],
  ];
  for (const [text, who] of cases) {
    const found = findBlame(text, 'summary');
    assert.equal(found.length, 1, `${text}: ${JSON.stringify(found)}`);
    assert.equal(found[0]?.who, who, text);
    assert.equal(found[0]?.field, 'summary');
    assert.equal(found[0]?.sentence, text.trim());
    assert.match(found[0]?.suggestion ?? '', new RegExp(`without naming ${who.replace('.', '\\.')}, as a process gap`));
  }
});

test('systems, tools, agents and upstreams doing things are not blame', () => {
  for (const text of [
    'the deploy script broke',
    'The deploy script broke the build.',
    'the agent deleted the file',
    'The agent deleted data/customers.csv because it looked stale.',
    'the upstream refused the connection',
    'Postgres refused the connection on port 5432.',
    'Claude deleted the file after the plan step.',
    'Kubernetes killed the pod when memory ran out.',
    'Alice fixed the build and Bob reviewed the patch.',
    'Migration broke the nightly export.',
    'No check caught the change before the release.',
  ]) {
    assert.deepEqual(findBlame(text), [], text);
  }
});

test('only the blaming sentence of a paragraph is reported', () => {
  const found = findBlame('The job failed at 02:00. It was caused by @bob. The retry did not help.');
  assert.deepEqual(
    found.map((f) => f.sentence),
    ['It was caused by @bob.'],
  );
});

test('the postmortem check reads every free-text field under the key that sets it, but not the owner', () => {
  let pm = draftPostmortem(incident('INC-0001'), Date.UTC(2024, 4, 20));
  assert.deepEqual(blamelessCheck(pm), [], 'the draft itself never blames');
  pm = setField(pm, 'owner', 'Alice');
  pm = setField(pm, 'why.2', 'Alice broke the build by pushing on Friday.');
  pm = setField(pm, 'what_went_well', 'Rollback was quick.');
  pm = setField(pm, 'factors.process_not_followed', '2:John forgot to run the checklist');
  const found = blamelessCheck(pm);
  assert.deepEqual(
    found.map((f) => [f.field, f.who]),
    [
      ['why.2', 'Alice'],
      ['factors.process_not_followed', 'John'],
    ],
  );
});
