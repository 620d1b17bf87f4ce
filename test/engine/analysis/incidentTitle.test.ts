import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultTitle } from '../../../src/engine/analysis/incident';
import type { RootCause, Trigger } from '../../../src/engine/types';

function trigger(over: Partial<Trigger>): Trigger {
  return {
    id: 'T1',
    kind: 'log_error',
    severity: 'error',
    file: 'logs/job.log',
    line: 4,
    column: 1,
    endLine: 4,
    message: '',
    evidence: '',
    timestamp: 0,
    timestampEstimated: false,
    ...over,
  };
}

const configChanged = {
  category: 'config_error',
  triggeringChange: { path: 'config/app.json', status: 'modified' },
} as unknown as RootCause;

test('a drafted title names the failure by its exception type, else by the words that say what failed', () => {
  const title = (t: Partial<Trigger>): string => defaultTitle({ triggers: [trigger(t)], rootCause: configChanged });
  assert.equal(title({ errorType: 'KeyError', message: "KeyError: 'user_id'" }), 'KeyError in logs/job.log after config/app.json changed');
  assert.equal(
    title({ message: 'nightly-export: Error: connect ECONNREFUSED 127.0.0.1:41301' }),
    'ECONNREFUSED in logs/job.log after config/app.json changed',
  );
  assert.equal(
    title({ message: 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory' }),
    'Reached heap limit in logs/job.log after config/app.json changed',
  );
  assert.equal(title({ message: 'worker: batch 7 failed' }), 'Error in logs/job.log after config/app.json changed');
});
