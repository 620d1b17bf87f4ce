import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CONFIG } from '../../../src/engine/config/defaults';
import { extractDecisions } from '../../../src/engine/decisions/index';

const log = [
  '2024-05-20T14:00:00.000Z INFO Decision: remove agent/notes.md since it is stale',
  '2024-05-20T14:00:01.000Z INFO Action: delete agent/notes.md',
  '2024-05-20T14:00:02.000Z INFO Action: run node src/job.js',
  '2024-05-20T14:00:03.000Z INFO Observation: job exited with code 1',
  '2024-05-20T14:00:04.000Z INFO Decision: retry with a longer timeout',
  '2024-05-20T14:00:05.000Z INFO Action: run node src/job.js --timeout 60',
  '2024-05-20T14:00:06.000Z INFO Observation: job finished, report written',
].join('\n');

test('an observation answers the action just before it, and a decision only through its single action', () => {
  const { decisions } = extractDecisions([{ path: 'agent/agent.log', text: log, mtimeMs: 0 }], {
    markers: [...DEFAULT_CONFIG.decisionMarkers],
  });
  const by = (text: RegExp) => decisions.find((d) => text.test(d.text));
  assert.equal(by(/remove agent\/notes/)?.outcome, undefined, 'two actions stand between the decision and the result');
  assert.equal(by(/delete agent\/notes/)?.outcome, undefined);
  assert.equal(by(/^run node src\/job\.js$/)?.outcome?.status, 'error');
  assert.equal(by(/retry with a longer timeout/)?.outcome?.status, 'success');
  assert.equal(by(/--timeout 60/)?.outcome?.status, 'success');
});
