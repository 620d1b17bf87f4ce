import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_CONFIG } from '../../../src/engine/config/defaults';
import { CONFIG_FILE_NAME, loadConfig, parseConfigText } from '../../../src/engine/config/load';
import { ConfigError, type ConfigProblem } from '../../../src/engine/errors';
import { json, tempWorkspace } from './_workspace';

/** A config as the Python Incident Replay tool's users write it (its config.py, dumped to JSON). */
const PYTHON_CONFIG = {
  WORKSPACE_ROOT: '../agent-workspace',
  INCLUDE_PATTERNS: ['**/*.py', '**/*.json', 'data/**'],
  EXCLUDE_PATTERNS: ['**/__pycache__/**', '.venv/**'],
  MAX_SNAPSHOTS: 25,
  TRIGGERS: {
    log_patterns: ['Traceback \\(most recent call last\\)', { pattern: 'WARNING: disk', severity: 'warning' }],
    file_changes: { unexpected_deletions: { allow: ['tmp/**'] }, config_files: ['settings.yaml', 'config/*.json'] },
    content_patterns: { 'no hard-coded paths': '/home/[a-z]+/' },
    constraints: ['rm -rf /'],
    secret_patterns: { 'openai-key': 'sk-[A-Za-z0-9]{20,}' },
    output_files: ['output/*.csv'],
    size_growth_factor: 5,
  },
  ROOT_CAUSE_CATEGORIES: {
    config_error: {
      description: 'Agent changed config.',
      remediation: '- Revert the config\n- Add a schema check\n\n',
    },
    resource_exhaustion: { remediation: ['Free disk space.'] },
  },
  DECISION_MARKERS: ['^>>> DECISION'],
  LOG_FILES: ['agent.log', 'memory/*.md'],
};

test('every Python-tool key is mapped onto the engine config', async () => {
  const root = tempWorkspace({ 'replay/incident-replay.json': json(PYTHON_CONFIG) });
  const loaded = await loadConfig({ workspaceRoot: root, configFile: 'replay/incident-replay.json' });
  assert.deepEqual(loaded.warnings, []);
  // Relative to the config file's folder, not to the process or the workspace.
  assert.equal(loaded.workspaceRoot, path.join(root, 'agent-workspace'));
  const { config } = loaded;
  assert.deepEqual(config.include, ['**/*.py', '**/*.json', 'data/**']);
  assert.deepEqual(config.exclude, ['**/__pycache__/**', '.venv/**']);
  assert.equal(config.keepSnapshots, 25);
  assert.deepEqual(config.triggers.logPatterns, [
    { pattern: 'Traceback \\(most recent call last\\)', severity: 'error' },
    { pattern: 'WARNING: disk', severity: 'warning' },
  ]);
  assert.deepEqual(config.triggers.deletionAllow, ['tmp/**']);
  assert.deepEqual(config.triggers.configGlobs, ['settings.yaml', 'config/*.json']);
  assert.deepEqual(config.triggers.constraints, [
    { pattern: '/home/[a-z]+/', message: 'no hard-coded paths', files: [], severity: 'error' },
    { pattern: 'rm -rf /', message: 'content matches the forbidden pattern /rm -rf //', files: [], severity: 'error' },
  ]);
  assert.deepEqual(config.triggers.secretPatterns, [{ name: 'openai-key', pattern: 'sk-[A-Za-z0-9]{20,}' }]);
  assert.deepEqual(config.triggers.outputGlobs, ['output/*.csv']);
  assert.equal(config.triggers.sizeGrowthFactor, 5);
  assert.deepEqual(config.rootCauseCategories.config_error, {
    description: 'Agent changed config.',
    remediation: ['Revert the config', 'Add a schema check'],
  });
  assert.deepEqual(config.rootCauseCategories.resource_exhaustion, {
    description: DEFAULT_CONFIG.rootCauseCategories.resource_exhaustion.description,
    remediation: ['Free disk space.'],
  });
  assert.deepEqual(config.decisionMarkers, ['^>>> DECISION']);
  assert.deepEqual(config.logFiles, ['agent.log', 'memory/*.md']);
});

test('switches given as booleans turn the matching triggers off', () => {
  const off = parseConfigText(
    json({ TRIGGERS: { file_changes: false, empty_output: false, size_growth_min_bytes: 0 } }),
    'incident-replay.json',
  ).config.triggers;
  assert.deepEqual(off.deletionAllow, ['**']);
  assert.deepEqual(off.configGlobs, []);
  assert.deepEqual(off.outputGlobs, []);
  assert.equal(off.sizeGrowthMinBytes, 0);

  const split = parseConfigText(
    json({ TRIGGERS: { unexpected_deletions: false, config_modifications: ['app.ini'], empty_outputs: true } }),
    'incident-replay.json',
  ).config.triggers;
  assert.deepEqual(split.deletionAllow, ['**']);
  assert.deepEqual(split.configGlobs, ['app.ini']);
  assert.deepEqual(split.outputGlobs, DEFAULT_CONFIG.triggers.outputGlobs);
});

test("WORKSPACE_ROOT accepts ~ and absolute paths in the user's own config file, and refuses them from a workspace's", () => {
  const own = { origin: 'user' } as const;
  assert.equal(
    parseConfigText(json({ WORKSPACE_ROOT: '~/agents/run' }), '/etc/ir/incident-replay.json', own).workspaceRoot,
    path.join(os.homedir(), 'agents/run'),
  );
  assert.equal(parseConfigText(json({ WORKSPACE_ROOT: '/srv/job' }), '/etc/ir/incident-replay.json', own).workspaceRoot, '/srv/job');
  assert.equal(parseConfigText(json({ WORKSPACE_ROOT: '.' }), '/etc/ir/incident-replay.json', own).workspaceRoot, '/etc/ir');
  const workspaceFile = parseConfigText(json({ WORKSPACE_ROOT: '/srv/job' }), '/etc/ir/incident-replay.json');
  assert.equal(workspaceFile.workspaceRoot, undefined);
  assert.deepEqual(workspaceFile.warnings, [
    'incident-replay.json: WORKSPACE_ROOT: not applied: WORKSPACE_ROOT "/srv/job" is outside the workspace /etc/ir; ' +
      "a workspace's configuration cannot send us to another folder (pass --workspace to work there)",
  ]);
});

test('the workspace file WORKSPACE_ROOT is found at the workspace root too', async () => {
  const root = tempWorkspace({ [CONFIG_FILE_NAME]: json({ WORKSPACE_ROOT: 'job' }) });
  assert.equal((await loadConfig({ workspaceRoot: root })).workspaceRoot, path.join(root, 'job'));
});

function problemsOf(config: unknown): ConfigProblem[] {
  try {
    parseConfigText(json(config), 'incident-replay.json');
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems;
  }
  assert.fail('the config was accepted');
}

test('a setting given both as a Python key and as ours is an error naming both', () => {
  assert.deepEqual(problemsOf({ include: ['src/**'], INCLUDE_PATTERNS: ['**/*.py'] }), [
    {
      path: 'INCLUDE_PATTERNS',
      message: '"INCLUDE_PATTERNS" (the Python tool\'s name) and "include" are the same setting, keep one of them',
    },
  ]);
  assert.deepEqual(
    problemsOf({ keepSnapshots: 3, MAX_SNAPSHOTS: 4 }).map((p) => p.path),
    ['MAX_SNAPSHOTS'],
  );
  assert.deepEqual(problemsOf({ triggers: { logPatterns: [{ pattern: 'a' }] }, TRIGGERS: { log_patterns: ['b'] } }), [
    {
      path: 'TRIGGERS.log_patterns',
      message: '"TRIGGERS.log_patterns" (the Python tool\'s name) and "triggers.logPatterns" are the same setting, keep one of them',
    },
  ]);
  assert.deepEqual(
    problemsOf({
      rootCauseCategories: { drift: { description: 'a.' } },
      ROOT_CAUSE_CATEGORIES: { drift: { description: 'b.' } },
    }).map((p) => p.path),
    ['ROOT_CAUSE_CATEGORIES.drift.description'],
  );
  // Different settings under both spellings are fine.
  const both = parseConfigText(
    json({
      triggers: { secretlint: false },
      TRIGGERS: { size_growth_factor: 3 },
      rootCauseCategories: { drift: { description: 'a.' } },
      ROOT_CAUSE_CATEGORIES: { drift: { remediation: 'b' } },
    }),
    'incident-replay.json',
  ).config;
  assert.equal(both.triggers.secretlint, false);
  assert.equal(both.triggers.sizeGrowthFactor, 3);
  assert.deepEqual(both.rootCauseCategories.drift, { description: 'a.', remediation: ['b'] });
});

test('two Python keys that set the same list of globs clash', () => {
  assert.deepEqual(problemsOf({ TRIGGERS: { config_files: ['a.ini'], config_modifications: false } }), [
    {
      path: 'TRIGGERS.config_modifications',
      message: '"TRIGGERS.config_files" and "TRIGGERS.config_modifications" both set triggers.configGlobs, keep one of them',
    },
  ]);
});

test('Python-tool values are checked with their own key paths', () => {
  const problems = problemsOf({
    MAX_SNAPSHOTS: '10',
    TRIGGERS: {
      log_patterns: ['ok', 42, { pattern: '(' }, { pattern: 'x', severity: 'CRITICAL' }],
      secret_patterns: { token: '[' },
      empty_output: 'yes',
    },
    ROOT_CAUSE_CATEGORIES: { timeout: { description: 'x' } },
    DECISION_MARKERS: ['?'],
  });
  assert.deepEqual(
    problems.sort((a, b) => a.path.localeCompare(b.path)),
    [
      { path: 'DECISION_MARKERS[0]', message: 'invalid regular expression "?": Nothing to repeat' },
      { path: 'MAX_SNAPSHOTS', message: 'expected an integer ≥ 1 (got "10")' },
      {
        path: 'ROOT_CAUSE_CATEGORIES.timeout',
        message:
          'unknown root-cause category, expected one of config_error, data_corruption, drift, external_failure, logic_error, resource_exhaustion',
      },
      { path: 'TRIGGERS.empty_output', message: 'expected true or false or a list of non-empty strings (got "yes")' },
      { path: 'TRIGGERS.log_patterns[1]', message: 'expected a non-empty string or an object (got 42)' },
      { path: 'TRIGGERS.log_patterns[2].pattern', message: 'invalid regular expression "(": Unterminated group' },
      { path: 'TRIGGERS.log_patterns[3].severity', message: 'expected one of error, warning, info (got "CRITICAL")' },
      { path: 'TRIGGERS.secret_patterns.token', message: 'invalid regular expression "[": Unterminated character class' },
    ],
  );
});

test('unknown Python keys and trigger sub-keys are reported, with suggestions', () => {
  const { warnings } = parseConfigText(
    json({
      SNAPSHOT_DIR: '.incident_replay/snapshots',
      REPORT_DIR: 'reports',
      TRIGGERS: { log_pattern: ['x'], memory_growth: true },
      ROOT_CAUSE_CATEGORIES: { drift: { description: 'd.', keywords: ['version'] } },
    }),
    'incident-replay.json',
  );
  assert.deepEqual(warnings, [
    'incident-replay.json: SNAPSHOT_DIR: unknown key, ignored',
    'incident-replay.json: REPORT_DIR: unknown key, ignored (did you mean "reportDir"?)',
    'incident-replay.json: TRIGGERS.log_pattern: unknown key, ignored (did you mean "log_patterns"?)',
    'incident-replay.json: TRIGGERS.memory_growth: unknown key, ignored',
    'incident-replay.json: ROOT_CAUSE_CATEGORIES.drift.keywords: unknown key, ignored',
  ]);
});

test('in an untrusted workspace the Python keys with regexes are dropped too, and named, and so are those that weaken detection', () => {
  const loaded = parseConfigText(json(PYTHON_CONFIG), 'incident-replay.json', { trustWorkspacePatterns: false });
  assert.deepEqual(loaded.config.triggers.logPatterns, []);
  assert.deepEqual(loaded.config.triggers.constraints, []);
  assert.deepEqual(loaded.config.triggers.secretPatterns, []);
  assert.deepEqual(loaded.config.decisionMarkers, DEFAULT_CONFIG.decisionMarkers);
  // Fewer snapshots kept, fewer files snapshotted, expected deletions, our advice replaced: the defaults stay.
  assert.equal(loaded.config.keepSnapshots, DEFAULT_CONFIG.keepSnapshots);
  assert.deepEqual(loaded.config.include, DEFAULT_CONFIG.include);
  assert.deepEqual(loaded.config.triggers.deletionAllow, []);
  assert.deepEqual(loaded.config.rootCauseCategories, DEFAULT_CONFIG.rootCauseCategories);
  // A lower growth factor only flags more: it applies.
  assert.equal(loaded.config.triggers.sizeGrowthFactor, 5);
  const keys = [
    'TRIGGERS.log_patterns',
    'TRIGGERS.content_patterns',
    'TRIGGERS.constraints',
    'TRIGGERS.secret_patterns',
    'DECISION_MARKERS',
  ];
  for (const key of keys)
    assert.ok(
      loaded.warnings.some((w) => w.includes(`: ${key}: not applied`)),
      `${key} in ${loaded.warnings.join('\n')}`,
    );
  const weakening = [
    'INCLUDE_PATTERNS',
    'EXCLUDE_PATTERNS',
    'MAX_SNAPSHOTS',
    'LOG_FILES',
    'TRIGGERS.file_changes.unexpected_deletions',
    'TRIGGERS.file_changes.config_files',
    'TRIGGERS.output_files',
    'ROOT_CAUSE_CATEGORIES.config_error.description',
    'ROOT_CAUSE_CATEGORIES.config_error.remediation',
    'ROOT_CAUSE_CATEGORIES.resource_exhaustion.remediation',
  ];
  for (const key of weakening) {
    assert.ok(
      loaded.warnings.some((w) => w.includes(`: ${key}: not applied: `) && w.endsWith("the workspace's configuration is not trusted")),
      `${key} in ${loaded.warnings.join('\n')}`,
    );
  }
  // Outside the file's folder: refused whatever the trust.
  assert.ok(
    loaded.warnings.some((w) => w.includes(': WORKSPACE_ROOT: not applied: ')),
    loaded.warnings.join('\n'),
  );
  assert.equal(loaded.warnings.length, keys.length + weakening.length + 1, loaded.warnings.join('\n'));
  assert.equal(loaded.untrustedSettings, keys.length + weakening.length);
});
