import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reportingFailures } from '../../src/extension/commands/failures';

const never = (): Promise<void> => new Promise<void>(() => undefined);

test('a failing command settles once its failure is reported, without waiting for the user to dismiss the notification', async () => {
  const reported: unknown[] = [];
  const failure = new Error('no baseline');
  const run = reportingFailures(
    () => Promise.reject(failure),
    (err) => {
      reported.push(err);
      return never(); // a notification nobody dismisses
    },
    () => assert.fail('the report did not fail'),
  );
  assert.equal(await run(), undefined);
  assert.deepEqual(reported, [failure]);
});

test('a command that succeeds resolves to what it returns and reports nothing', async () => {
  const run = reportingFailures(
    (...args) => Promise.resolve({ args }),
    () => assert.fail('nothing to report'),
    () => assert.fail('nothing to report'),
  );
  assert.deepEqual(await run('a', 1), { args: ['a', 1] });
});

test('a report that itself fails is handed on, never left as an unhandled rejection', async () => {
  const broken = new Error('the notification could not be shown');
  let handed: unknown;
  const run = reportingFailures(
    () => Promise.reject(new Error('failed')),
    () => Promise.reject(broken),
    (err) => {
      handed = err;
    },
  );
  assert.equal(await run(), undefined);
  await new Promise((r) => setImmediate(r));
  assert.equal(handed, broken);
});
