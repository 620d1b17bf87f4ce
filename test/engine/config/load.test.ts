import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_CONFIG } from '../../../src/engine/config/defaults';
import { CONFIG_FILE_NAME, loadConfig, MAX_CONFIG_BYTES, parseConfigText } from '../../../src/engine/config/load';
import { ConfigError, InputError } from '../../../src/engine/errors';
import { json, tempWorkspace } from './_workspace';

test('without a config file the defaults are used', async () => {
  const root = tempWorkspace({ 'src/app.py': 'print(1)\n' });
  const loaded = await loadConfig({ workspaceRoot: root });
  assert.deepEqual(loaded.config, DEFAULT_CONFIG);
  assert.equal(loaded.source, null);
  assert.equal(loaded.workspaceRoot, undefined);
  assert.deepEqual(loaded.warnings, []);
});

test('a full valid file is applied over the defaults', async () => {
  const file = {
    $schema: './media/incident-replay.schema.json',
    include: ['src/**', 'config/**'],
    exclude: ['**/*.tmp'],
    respectGitignore: false,
    maxFileSizeBytes: 1048576,
    keepSnapshots: 10,
    triggers: {
      logPatterns: [
        { pattern: 'FATAL|panic', severity: 'error', message: 'the job panicked' },
        { pattern: 'retrying', severity: 'info' },
      ],
      deletionAllow: ['tmp/**'],
      configGlobs: ['settings/*.json'],
      outputGlobs: ['dist/report.csv'],
      sizeGrowthFactor: 4.5,
      sizeGrowthMinBytes: 0,
      secretPatterns: [{ name: 'internal-token', pattern: 'itk_[A-Za-z0-9]{32}' }],
      secretlint: false,
      constraints: [{ pattern: 'DROP TABLE', message: 'no destructive SQL', files: ['migrations/**'], severity: 'warning' }],
      ignore: [{ kind: 'size_growth', file: 'data/cache.db' }, { message: 'deprecated' }],
      maxLineLength: 2000,
      scanTimeBudgetMs: 1500,
    },
    rootCauseCategories: {
      drift: { description: 'The vendored model files drifted from upstream.' },
      external_failure: { remediation: ['Page the API team.', 'Fail over to the replica.'] },
    },
    decisionMarkers: ['^STEP \\d+:'],
    logFiles: ['run/*.log'],
    reportDir: 'postmortems',
    learningsFile: 'docs/LEARNINGS.md',
  };
  const root = tempWorkspace({ [CONFIG_FILE_NAME]: json(file) });
  const { config, source, warnings } = await loadConfig({ workspaceRoot: root });
  assert.equal(source, path.join(root, CONFIG_FILE_NAME));
  assert.deepEqual(warnings, []);
  assert.deepEqual(config.include, ['src/**', 'config/**']);
  assert.deepEqual(config.exclude, ['**/*.tmp']);
  assert.equal(config.respectGitignore, false);
  assert.equal(config.maxFileSizeBytes, 1048576);
  assert.equal(config.keepSnapshots, 10);
  assert.deepEqual(config.triggers, {
    logPatterns: [
      { pattern: 'FATAL|panic', severity: 'error', message: 'the job panicked' },
      { pattern: 'retrying', severity: 'info' },
    ],
    deletionAllow: ['tmp/**'],
    configGlobs: ['settings/*.json'],
    outputGlobs: ['dist/report.csv'],
    sizeGrowthFactor: 4.5,
    sizeGrowthMinBytes: 0,
    secretPatterns: [{ name: 'internal-token', pattern: 'itk_[A-Za-z0-9]{32}' }],
    secretlint: false,
    constraints: [{ pattern: 'DROP TABLE', message: 'no destructive SQL', files: ['migrations/**'], severity: 'warning' }],
    ignore: [{ kind: 'size_growth', file: 'data/cache.db' }, { message: 'deprecated' }],
    maxLineLength: 2000,
    scanTimeBudgetMs: 1500,
  });
  // Categories merge field by field: a new description keeps the default steps and vice versa.
  assert.equal(config.rootCauseCategories.drift.description, 'The vendored model files drifted from upstream.');
  assert.deepEqual(config.rootCauseCategories.drift.remediation, DEFAULT_CONFIG.rootCauseCategories.drift.remediation);
  assert.deepEqual(config.rootCauseCategories.external_failure.remediation, ['Page the API team.', 'Fail over to the replica.']);
  assert.equal(config.rootCauseCategories.external_failure.description, DEFAULT_CONFIG.rootCauseCategories.external_failure.description);
  assert.deepEqual(config.rootCauseCategories.logic_error, DEFAULT_CONFIG.rootCauseCategories.logic_error);
  assert.deepEqual(config.decisionMarkers, ['^STEP \\d+:']);
  assert.deepEqual(config.logFiles, ['run/*.log']);
  assert.equal(config.reportDir, 'postmortems');
  assert.equal(config.learningsFile, 'docs/LEARNINGS.md');
  assert.ok(Object.isFrozen(config.triggers.logPatterns));
});

test('a partial triggers object keeps the other trigger defaults, and optional rule fields are filled in', async () => {
  const root = tempWorkspace({
    [CONFIG_FILE_NAME]: json({
      triggers: { logPatterns: [{ pattern: 'boom' }], constraints: [{ pattern: 'TODO' }], secretPatterns: [{ pattern: 'sk-[a-z]{8}' }] },
    }),
  });
  const { config } = await loadConfig({ workspaceRoot: root });
  assert.deepEqual(config.triggers.logPatterns, [{ pattern: 'boom', severity: 'error' }]);
  assert.deepEqual(config.triggers.constraints, [
    { pattern: 'TODO', message: 'content matches the forbidden pattern /TODO/', files: [], severity: 'error' },
  ]);
  assert.deepEqual(config.triggers.secretPatterns, [{ name: 'custom-1', pattern: 'sk-[a-z]{8}' }]);
  assert.deepEqual(config.triggers.configGlobs, DEFAULT_CONFIG.triggers.configGlobs);
  assert.equal(config.triggers.sizeGrowthFactor, DEFAULT_CONFIG.triggers.sizeGrowthFactor);
});

test('--config points at another file, resolved against the workspace when relative', async () => {
  const root = tempWorkspace({
    [CONFIG_FILE_NAME]: json({ keepSnapshots: 5 }),
    'ci/replay.json': json({ keepSnapshots: 7 }),
  });
  const loaded = await loadConfig({ workspaceRoot: root, configFile: 'ci/replay.json' });
  assert.equal(loaded.config.keepSnapshots, 7);
  assert.equal(loaded.source, path.join(root, 'ci/replay.json'));
  const absolute = await loadConfig({ workspaceRoot: '/nonexistent', configFile: path.join(root, 'ci/replay.json') });
  assert.equal(absolute.config.keepSnapshots, 7);
});

test('an explicit config file that does not exist is an input error naming it', async () => {
  const root = tempWorkspace();
  const missing = path.join(root, 'nope.json');
  await assert.rejects(loadConfig({ workspaceRoot: root, configFile: missing }), (err: unknown) => {
    assert.ok(err instanceof InputError);
    assert.equal(err.exitCode, 2);
    assert.match(err.message, /config file not found/);
    assert.ok(err.message.includes(missing));
    return true;
  });
});

test('a config path that is not .json is refused before reading', async () => {
  const root = tempWorkspace({ 'replay.yaml': 'keepSnapshots: 3\n' });
  await assert.rejects(loadConfig({ workspaceRoot: root, configFile: 'replay.yaml' }), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /replay\.yaml/);
    assert.match(err.message, /not a \.json file/);
    return true;
  });
});

test('a config file just over 1 MB is refused with its size', async () => {
  const body = json({ exclude: ['x'] });
  const padded = body + ' '.repeat(MAX_CONFIG_BYTES + 1 - Buffer.byteLength(body));
  assert.equal(Buffer.byteLength(padded), MAX_CONFIG_BYTES + 1);
  const root = tempWorkspace({ [CONFIG_FILE_NAME]: padded });
  await assert.rejects(loadConfig({ workspaceRoot: root }), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, new RegExp(`${MAX_CONFIG_BYTES + 1} bytes`));
    assert.match(err.message, /limited to 1 MB/);
    return true;
  });
  // Exactly at the limit is fine.
  const atLimit = tempWorkspace({ [CONFIG_FILE_NAME]: padded.slice(0, -1) });
  assert.deepEqual((await loadConfig({ workspaceRoot: atLimit })).config.exclude, ['x']);
});

test('a JSON syntax error reports its line and column', async () => {
  const text = '{\n  "include": ["src/**"],\n  "exclude": ["a" "b"]\n}\n';
  const root = tempWorkspace({ [CONFIG_FILE_NAME]: text });
  await assert.rejects(loadConfig({ workspaceRoot: root }), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /line 3, column 19/);
    assert.match(err.message, /expected "," or "]"/);
    return true;
  });
});

test('common JSON mistakes are explained', () => {
  const cases: [string, RegExp][] = [
    ['{\n  "a": 1,\n}', /line 3, column 1: trailing comma/],
    ['{\n  // note\n  "a": 1\n}', /line 2, column 3: comments are not allowed/],
    ['{"secretlint": True}', /line 1, column 16: True is Python, JSON writes it true/],
    ['{"decisionMarkers": ["\\d+"]}', /line 1, column 23: invalid escape \\d/],
    ['{"a": \'x\'}', /strings must use double quotes/],
    ['', /the file is empty/],
    ['{"include": ["a"]', /line 1, column 18: unexpected end of file/],
  ];
  for (const [text, expected] of cases) {
    assert.throws(
      () => parseConfigText(text, 'incident-replay.json'),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError, text);
        assert.match(err.message, expected, text);
        return true;
      },
    );
  }
});

test('a key written twice is a warning, and the last value wins as in JSON', () => {
  const loaded = parseConfigText('{"keepSnapshots": 3, "keepSnapshots": 4}', 'incident-replay.json');
  assert.equal(loaded.config.keepSnapshots, 4);
  assert.deepEqual(loaded.warnings, ['incident-replay.json: keepSnapshots: written more than once, the last value is used']);
});

test('a "__proto__" key is data, not a prototype', () => {
  const loaded = parseConfigText('{"__proto__": {"keepSnapshots": 1}}', 'incident-replay.json');
  assert.equal(loaded.config.keepSnapshots, 50);
  assert.equal(({} as { keepSnapshots?: number }).keepSnapshots, undefined);
  assert.equal(loaded.warnings.length, 1);
  assert.match(loaded.warnings[0] ?? '', /__proto__: unknown key/);
});

test('an untrusted workspace keeps the default regexes and says which settings were not applied', async () => {
  const root = tempWorkspace({
    [CONFIG_FILE_NAME]: json({
      keepSnapshots: 90,
      decisionMarkers: ['^STEP:'],
      triggers: {
        logPatterns: [{ pattern: '(a+)+$' }],
        constraints: [{ pattern: 'eval\\(' }],
        secretPatterns: [{ name: 'x', pattern: 'x{40}' }],
        ignore: [
          { kind: 'size_growth', file: 'tmp/**' },
          { kind: 'log_error', message: '.*' },
        ],
        configGlobs: [...DEFAULT_CONFIG.triggers.configGlobs, 'conf/**'],
      },
    }),
  });
  const untrusted = await loadConfig({ workspaceRoot: root, trustWorkspacePatterns: false });
  const { config } = untrusted;
  assert.equal(config.trustWorkspacePatterns, false);
  assert.deepEqual(config.decisionMarkers, DEFAULT_CONFIG.decisionMarkers);
  assert.deepEqual(config.triggers.logPatterns, []);
  assert.deepEqual(config.triggers.constraints, []);
  assert.deepEqual(config.triggers.secretPatterns, []);
  // The rule without a regex stays; the one with a regex goes whole (dropping only the regex would hide more).
  assert.deepEqual(config.triggers.ignore, [{ kind: 'size_growth', file: 'tmp/**' }]);
  // Settings without regexes that do not weaken detection still apply.
  assert.equal(config.keepSnapshots, 90);
  assert.deepEqual(config.triggers.configGlobs, [...DEFAULT_CONFIG.triggers.configGlobs, 'conf/**']);
  // One warning per setting not applied, naming it (the editor puts each on its key).
  const notTrusted = untrusted.warnings.filter((w) => /not trusted/.test(w));
  for (const key of ['decisionMarkers', 'triggers.logPatterns', 'triggers.constraints', 'triggers.secretPatterns', 'triggers.ignore']) {
    assert.ok(
      notTrusted.some((w) => w.includes(`: ${key}: `)),
      `${key} in: ${notTrusted.join('\n')}`,
    );
  }
  assert.equal(notTrusted.length, 5);
  assert.ok(
    notTrusted.some((w) => /triggers\.ignore: its rules with a message regex were not applied/.test(w)),
    notTrusted.join('\n'),
  );

  const trusted = await loadConfig({ workspaceRoot: root });
  assert.equal(trusted.config.trustWorkspacePatterns, true);
  assert.deepEqual(trusted.config.decisionMarkers, ['^STEP:']);
  assert.equal(trusted.config.triggers.ignore.length, 2);
  assert.ok(!trusted.warnings.some((w) => /not trusted/.test(w)));
});

test('an untrusted workspace without regex settings gets no warning about them', async () => {
  const root = tempWorkspace({ [CONFIG_FILE_NAME]: json({ keepSnapshots: 200 }) });
  const loaded = await loadConfig({ workspaceRoot: root, trustWorkspacePatterns: false });
  assert.deepEqual(loaded.warnings, []);
  assert.equal(loaded.config.trustWorkspacePatterns, false);
});

test('editor settings apply under the workspace file, and are checked the same way', async () => {
  const root = tempWorkspace({ [CONFIG_FILE_NAME]: json({ keepSnapshots: 12 }) });
  const overrides = { keepSnapshots: 3, reportDir: 'incidents', triggers: { secretlint: false } };
  const { config } = await loadConfig({ workspaceRoot: root, overrides });
  assert.equal(config.keepSnapshots, 12);
  assert.equal(config.reportDir, 'incidents');
  assert.equal(config.triggers.secretlint, false);

  const noFile = await loadConfig({ workspaceRoot: tempWorkspace(), overrides });
  assert.equal(noFile.config.keepSnapshots, 3);
  assert.equal(noFile.source, null);

  await assert.rejects(loadConfig({ workspaceRoot: root, overrides: { keepSnapshots: 'many' } }), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.file, 'settings');
    assert.deepEqual(err.problems, [{ path: 'keepSnapshots', message: 'expected an integer ≥ 1 (got "many")' }]);
    return true;
  });
});

test('a folder named like the config file is reported, not read', async () => {
  const root = tempWorkspace();
  fs.mkdirSync(path.join(root, CONFIG_FILE_NAME));
  await assert.rejects(loadConfig({ workspaceRoot: root }), /not a regular file/);
});
