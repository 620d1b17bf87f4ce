import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfigText } from '../../../src/engine/config/load';
import { ConfigError, type ConfigProblem } from '../../../src/engine/errors';
import { json } from './_workspace';

const FILE = '/ws/incident-replay.json';

/** The problems a config is rejected with (fails the test if it is accepted). */
function problemsOf(config: unknown): ConfigProblem[] {
  try {
    parseConfigText(json(config), FILE);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    assert.equal(err.file, FILE);
    assert.equal(err.exitCode, 2);
    return err.problems;
  }
  assert.fail('the config was accepted');
}

function warningsOf(config: unknown): string[] {
  return parseConfigText(json(config), FILE).warnings;
}

test('type errors name the key path and what was expected', () => {
  const cases: [unknown, ConfigProblem][] = [
    [
      { triggers: { configGlobs: ['*.json', 'a.yml', 3] } },
      { path: 'triggers.configGlobs[2]', message: 'expected a non-empty string (got 3)' },
    ],
    [{ keepSnapshots: 0 }, { path: 'keepSnapshots', message: 'expected an integer ≥ 1 (got 0)' }],
    [{ keepSnapshots: 2.5 }, { path: 'keepSnapshots', message: 'expected an integer ≥ 1 (got 2.5)' }],
    [
      { triggers: { logPatterns: [{ pattern: 'x', severity: 'fatal' }] } },
      { path: 'triggers.logPatterns[0].severity', message: 'expected one of error, warning, info (got "fatal")' },
    ],
    [{ respectGitignore: 'yes' }, { path: 'respectGitignore', message: 'expected true or false (got "yes")' }],
    [{ include: 'src/**' }, { path: 'include', message: 'expected a list of non-empty strings (got "src/**")' }],
    [{ triggers: [] }, { path: 'triggers', message: 'expected an object (got a list)' }],
    [{ triggers: { sizeGrowthFactor: 1 } }, { path: 'triggers.sizeGrowthFactor', message: 'expected a number > 1 (got 1)' }],
    [
      { triggers: { constraints: [{ message: 'no eval' }] } },
      { path: 'triggers.constraints[0].pattern', message: 'missing (expected a non-empty string)' },
    ],
    [
      { triggers: { ignore: [{}] } },
      { path: 'triggers.ignore[0]', message: 'expected an object with at least one of kind, file, message (got an empty object)' },
    ],
    [
      { triggers: { ignore: [{ kind: 'crash' }] } },
      {
        path: 'triggers.ignore[0].kind',
        message: 'expected one of log_error, deletion, config_change, empty_output, size_growth, secret, constraint (got "crash")',
      },
    ],
    [{ reportDir: '' }, { path: 'reportDir', message: 'expected a non-empty string (got an empty string)' }],
    [
      { rootCauseCategories: { drift: { remediation: 'Pin versions.' } } },
      { path: 'rootCauseCategories.drift.remediation', message: 'expected a list of non-empty strings (got "Pin versions.")' },
    ],
    [['include'], { path: '', message: 'the config must be a JSON object (got a list)' }],
  ];
  for (const [config, expected] of cases) {
    assert.deepEqual(problemsOf(config), [expected], JSON.stringify(config));
  }
});

test('every problem of a file is reported at once', () => {
  const problems = problemsOf({
    include: ['src/**', ''],
    keepSnapshots: -1,
    triggers: { logPatterns: [{ pattern: '([a-z]+' }], scanTimeBudgetMs: 'fast' },
    decisionMarkers: ['*oops'],
    rootCauseCategories: { flakiness: { description: 'Flaky tests.' } },
  });
  assert.deepEqual(problems.map((p) => p.path).sort(), [
    'decisionMarkers[0]',
    'include[1]',
    'keepSnapshots',
    'rootCauseCategories.flakiness',
    'triggers.logPatterns[0].pattern',
    'triggers.scanTimeBudgetMs',
  ]);
  try {
    parseConfigText(json({ keepSnapshots: -1, include: [''] }), FILE);
    assert.fail('accepted');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /^invalid config \/ws\/incident-replay\.json: /);
    assert.match(err.message, /include\[0\]: expected a non-empty string/);
    assert.match(err.message, /keepSnapshots: expected an integer ≥ 1 \(got -1\)/);
  }
});

test('an unknown root-cause category is an error listing the valid ones', () => {
  const [problem, ...rest] = problemsOf({ rootCauseCategories: { config_eror: { description: 'Typo.' } } });
  assert.deepEqual(rest, []);
  assert.equal(problem?.path, 'rootCauseCategories.config_eror');
  assert.match(
    problem?.message ?? '',
    /unknown root-cause category, expected one of config_error, data_corruption, drift, external_failure, logic_error, resource_exhaustion \(did you mean "config_error"\?\)/,
  );
});

test('every regex in the config is compiled at load time and a bad one names its key path', () => {
  const problems = problemsOf({
    decisionMarkers: ['^ok:', '(unclosed'],
    triggers: {
      logPatterns: [{ pattern: 'fine' }, { pattern: '[z-a]' }],
      constraints: [{ pattern: '+x', message: 'm' }],
      secretPatterns: [{ name: 'tok', pattern: '(?<n>a)(?<n>b)' }],
      ignore: [{ message: '\\' }],
    },
  });
  const byPath = new Map(problems.map((p) => [p.path, p.message]));
  assert.deepEqual([...byPath.keys()].sort(), [
    'decisionMarkers[1]',
    'triggers.constraints[0].pattern',
    'triggers.ignore[0].message',
    'triggers.logPatterns[1].pattern',
    'triggers.secretPatterns[0].pattern',
  ]);
  assert.match(byPath.get('decisionMarkers[1]') ?? '', /^invalid regular expression "\(unclosed": Unterminated group$/);
  assert.match(byPath.get('triggers.logPatterns[1].pattern') ?? '', /Range out of order/);
});

test('an unknown key is a warning with a "did you mean" when one is close', () => {
  const loaded = parseConfigText(
    json({ keepSnapshot: 5, triggers: { logPaterns: [] }, log_patterns: ['x'], snapshotDir: '.snapshots' }),
    FILE,
  );
  assert.deepEqual(loaded.warnings, [
    'incident-replay.json: keepSnapshot: unknown key, ignored (did you mean "keepSnapshots"?)',
    'incident-replay.json: triggers.logPaterns: unknown key, ignored (did you mean "logPatterns"?)',
    'incident-replay.json: log_patterns: unknown key, ignored (did you mean "triggers.logPatterns"?)',
    'incident-replay.json: snapshotDir: unknown key, ignored',
  ]);
  assert.deepEqual(loaded.warningDetails[0], {
    source: FILE,
    path: 'keepSnapshot',
    message: 'unknown key, ignored (did you mean "keepSnapshots"?)',
  });
  // Unknown keys change nothing.
  assert.equal(loaded.config.keepSnapshots, 50);
});

test('unknown keys inside rule objects are reported too', () => {
  assert.deepEqual(warningsOf({ triggers: { logPatterns: [{ pattern: 'x', severty: 'info' }] } }), [
    'incident-replay.json: triggers.logPatterns[0].severty: unknown key, ignored (did you mean "severity"?)',
  ]);
});

test('trustWorkspacePatterns cannot be set from the file', () => {
  const loaded = parseConfigText(json({ trustWorkspacePatterns: true }), FILE, { trustWorkspacePatterns: false });
  assert.equal(loaded.config.trustWorkspacePatterns, false);
  assert.equal(loaded.warnings.length, 1);
  assert.match(loaded.warnings[0] ?? '', /trustWorkspacePatterns: not read from the file/);
});
