import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { unrunTests } from '../../scripts/e2e/tapSummary.mjs';

/** Runs a tiny suite under node:test with the TAP reporter, as the e2e runner does. */
function tapOf(source: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ir-tap-'));
  try {
    const file = path.join(dir, 'suite.test.mjs');
    const tap = path.join(dir, 'results.tap');
    writeFileSync(file, `import { test } from 'node:test';\n${source}\n`);
    // Without the parent runner's NODE_TEST_CONTEXT, the child reports to its own destination.
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    spawnSync(process.execPath, ['--test', '--test-reporter=tap', `--test-reporter-destination=${tap}`, file], { encoding: 'utf8', env });
    return readFileSync(tap, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a run with a skipped or todo test is reported with the tests it did not run', () => {
  const unrun = unrunTests(
    tapOf(`
test('runs', () => {});
test('needs a feature', (t) => { t.skip('the feature is missing'); });
test('later', { todo: 'not written' }, () => {});
`),
  );
  assert.equal(unrun.skipped, 1);
  assert.equal(unrun.todo, 1);
  assert.equal(unrun.names.length, 2);
  assert.match(unrun.names[0] ?? '', /needs a feature \(skip the feature is missing\)/);
  assert.match(unrun.names[1] ?? '', /later \(todo/);
});

test('a run where every test ran has nothing unrun', () => {
  assert.deepEqual(unrunTests(tapOf(`test('a', () => {});\ntest('b', () => {});`)), { skipped: 0, todo: 0, names: [] });
});
