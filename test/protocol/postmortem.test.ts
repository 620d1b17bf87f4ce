import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as engine from '../../src/engine/postmortem/types';
import { ACTIVE_ARTIFACT_KEYS, CONTRIBUTING_FACTOR_KEYS } from '../../src/model/postmortem';
import { isPostmortem } from '../../src/protocol/postmortem';
import { postmortem } from '../webview/builders';

test("the protocol's copies of the postmortem keys match the engine's exactly", () => {
  assert.deepEqual([...ACTIVE_ARTIFACT_KEYS], [...engine.ACTIVE_ARTIFACT_KEYS]);
  assert.deepEqual([...CONTRIBUTING_FACTOR_KEYS], [...engine.CONTRIBUTING_FACTOR_KEYS]);
});

test('a postmortem with the optional newer fields passes; one missing an artifact or a factor does not', () => {
  const pm = postmortem();
  assert.ok(isPostmortem(pm));
  assert.ok(
    isPostmortem({
      ...pm,
      summary: { ...pm.summary, status: { value: 'mitigated', state: 'confirmed' } },
      evalsAndRollout: { value: { gate: 'canary 5%' }, state: 'confirmed' },
    }),
  );
  assert.ok(!isPostmortem({ ...pm, summary: { ...pm.summary, status: { value: 'done', state: 'confirmed' } } }));
  const { trace_id: _dropped, ...fewerArtifacts } = pm.activeArtifacts;
  assert.ok(!isPostmortem({ ...pm, activeArtifacts: fewerArtifacts }));
  const { technical_debt: _gone, ...fewerFactors } = pm.factors;
  assert.ok(!isPostmortem({ ...pm, factors: fewerFactors }));
  assert.ok(!isPostmortem({ ...pm, updatedAt: 1.5 }));
  assert.ok(!isPostmortem({ ...pm, whatHappened: { value: ['ok'], state: 'guessed' } }));
});
