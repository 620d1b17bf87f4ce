import assert from 'node:assert/strict';
import { test } from 'node:test';
import { minimatch } from 'minimatch';
import { compileDecisionMarkers, DEFAULT_CONFIG } from '../../../src/engine/config/defaults';
import { ROOT_CAUSE_CATEGORIES } from '../../../src/engine/types';

const markers = compileDecisionMarkers(DEFAULT_CONFIG.decisionMarkers);
const marked = (line: string): RegExpExecArray | undefined =>
  markers.map((m) => m.exec(line)).find((m): m is RegExpExecArray => m !== null);

test('DEFAULT_CONFIG is deeply frozen', () => {
  assert.ok(Object.isFrozen(DEFAULT_CONFIG));
  assert.ok(Object.isFrozen(DEFAULT_CONFIG.triggers.configGlobs));
  assert.ok(Object.isFrozen(DEFAULT_CONFIG.rootCauseCategories.drift.remediation));
  assert.throws(() => DEFAULT_CONFIG.include.push('x'), TypeError);
  assert.throws(() => {
    (DEFAULT_CONFIG.triggers as { sizeGrowthFactor: number }).sizeGrowthFactor = 2;
  }, TypeError);
  assert.equal(DEFAULT_CONFIG.triggers.sizeGrowthFactor, 10);
});

test('defaults have the documented values', () => {
  assert.deepEqual(DEFAULT_CONFIG.include, ['**']);
  assert.deepEqual(DEFAULT_CONFIG.exclude, []);
  assert.equal(DEFAULT_CONFIG.respectGitignore, true);
  assert.equal(DEFAULT_CONFIG.maxFileSizeBytes, 20 * 1024 * 1024);
  assert.equal(DEFAULT_CONFIG.keepSnapshots, 50);
  assert.equal(DEFAULT_CONFIG.reportDir, 'docs/incidents');
  assert.equal(DEFAULT_CONFIG.learningsFile, 'LEARNINGS.md');
  assert.equal(DEFAULT_CONFIG.trustWorkspacePatterns, true);
  const t = DEFAULT_CONFIG.triggers;
  assert.equal(t.sizeGrowthMinBytes, 1024 * 1024);
  assert.equal(t.maxLineLength, 10_000);
  assert.equal(t.scanTimeBudgetMs, 5_000);
  assert.equal(t.secretlint, true);
  assert.deepEqual([t.logPatterns, t.deletionAllow, t.secretPatterns, t.constraints, t.ignore], [[], [], [], [], []]);
});

test('default config, output and log globs pick the files they are meant for', () => {
  // dot: true, because `.env` files are exactly the config the watchers must see.
  const any = (globs: readonly string[], file: string): boolean => globs.some((g) => minimatch(file, g, { dot: true }));
  const { configGlobs, outputGlobs } = DEFAULT_CONFIG.triggers;
  for (const file of [
    'settings.json',
    'a/b/c.yaml',
    'deploy.yml',
    'pyproject.toml',
    'x/setup.ini',
    '.env',
    'svc/.env.local',
    'config/app.cfg',
  ]) {
    assert.ok(any(configGlobs, file), `${file} is config`);
  }
  for (const file of ['src/main.py', 'README.md', 'data/rows.csv']) assert.ok(!any(configGlobs, file), `${file} is not config`);
  for (const file of ['output/report.csv', 'out/a/b.txt', 'results/run1.json']) assert.ok(any(outputGlobs, file), file);
  assert.ok(!any(outputGlobs, 'src/output.py'));
  for (const file of ['agent/run/today.log', 'logs/app.log', 'job.log', 'memory.md', 'memory-2024.md', 'agent/memory/notes.txt']) {
    assert.ok(any(DEFAULT_CONFIG.logFiles, file), `${file} is a log or memory file`);
  }
  assert.ok(!any(DEFAULT_CONFIG.logFiles, 'src/app.py'));
});

test('every default decision marker compiles, and the set finds decision lines', () => {
  const lines: [string, string][] = [
    ['2024-05-20 14:02:03 INFO Decision: retry with backoff', 'retry with backoff'],
    ['- **Plan:** migrate the db', 'migrate the db'],
    ['Thought: the file is missing', 'the file is missing'],
    ['Decided to skip validation because it was slow', 'skip validation because it was slow'],
    ['Reasoning: the cache is stale', 'the cache is stale'],
    ['Action: run_tests', 'run_tests'],
    ['Observation: 3 tests failed', '3 tests failed'],
    ['INFO:root:Action: delete tmp/', 'delete tmp/'],
    ['2024-05-20 14:02:03,123 - agent.core - INFO - Observation: file written', 'file written'],
    ['[2024-05-20T14:02:03Z] [planner] PLAN: rewrite config', 'rewrite config'],
    ['## Decision: keep the old schema', 'keep the old schema'],
    ['Thought 2: try again', 'try again'],
    ['  * We decided to revert the change', 'revert the change'],
  ];
  for (const [line, text] of lines) {
    const match = marked(line);
    assert.ok(match, `should match: ${line}`);
    assert.equal(match.groups?.text, text, line);
  }
});

test('decision markers leave ordinary lines alone', () => {
  for (const line of [
    'ordinary log line',
    '2024-05-20 14:02:03 INFO starting job',
    'The plan: is in the wiki',
    'planning: phase 2',
    'ERROR Traceback (most recent call last):',
    'const decision = compute();',
  ]) {
    assert.equal(marked(line), undefined, `should not match: ${line}`);
  }
});

test('each root-cause category has a description and 3 to 5 remediation steps', () => {
  const descriptions = new Set<string>();
  for (const category of ROOT_CAUSE_CATEGORIES) {
    const text = DEFAULT_CONFIG.rootCauseCategories[category];
    assert.match(text.description, /^[A-Z].{40,}\.$/, category);
    descriptions.add(text.description);
    assert.ok(text.remediation.length >= 3 && text.remediation.length <= 5, category);
    for (const step of text.remediation) assert.match(step, /^[A-Z].{20,}\.$/, `${category}: ${step}`);
  }
  assert.equal(descriptions.size, ROOT_CAUSE_CATEGORIES.length);
});
