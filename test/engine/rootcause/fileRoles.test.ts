import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CONFIG } from '../../../src/engine/config/defaults';
import { fileRole, holdsJsonRecords } from '../../../src/engine/rootCause/fileRoles';

const defaults = {
  configGlobs: DEFAULT_CONFIG.triggers.configGlobs,
  outputGlobs: DEFAULT_CONFIG.triggers.outputGlobs,
  logFiles: DEFAULT_CONFIG.logFiles,
};

test('common workspace files get the role a person would give them (default globs)', () => {
  const expected: Record<string, string> = {
    'config/app.yaml': 'config',
    'settings.toml': 'config',
    '.env': 'config',
    '.env.production': 'config',
    Dockerfile: 'config',
    'deploy/docker-compose.prod.yml': 'config',
    'package.json': 'config',
    'pyproject.toml': 'config',
    'requirements.txt': 'config',
    'vite.config.ts': 'config',
    'src/report.py': 'code',
    'lib/index.ts': 'code',
    'cmd/main.go': 'code',
    'scripts/run.sh': 'code',
    'src/log/logger.ts': 'code',
    'data/input.csv': 'data',
    'data/users.json': 'data',
    'tests/fixtures/sample.yaml': 'data',
    'datasets/train.parquet': 'data',
    'input/orders.jsonl': 'data',
    'exports/rows.tsv': 'data',
    'db/app.sqlite': 'data',
    'output/report.csv': 'output',
    'results/summary.json': 'output',
    'logs/app.log': 'log',
    'job.log': 'log',
    'server.log.1': 'log',
    'logs/worker.txt': 'log',
    'README.md': 'doc',
    'docs/guide.rst': 'doc',
    'docs/notes.txt': 'doc',
    LICENSE: 'doc',
    'assets/logo.png': 'other',
    'notes.txt': 'other',
  };
  for (const [file, role] of Object.entries(expected)) assert.equal(fileRole(file, defaults), role, file);
});

test('a .json under data/ is data even though the default config globs match every .json', () => {
  assert.equal(fileRole('data/settings.json', defaults), 'data');
  assert.equal(fileRole('src/data/fixtures/seed.yaml', defaults), 'data');
  assert.equal(fileRole('config/settings.json', defaults), 'config');
  // ...but a script kept in a data folder still runs: it is code.
  assert.equal(fileRole('data/clean.py', defaults), 'code');
});

test('declared roles win over guesses: output and log globs, then exact config paths', () => {
  const cfg = { configGlobs: ['data/pipeline.json'], outputGlobs: ['build/*.json'], logFiles: ['agent/transcript.jsonl'] };
  assert.equal(fileRole('build/stats.json', cfg), 'output');
  assert.equal(fileRole('agent/transcript.jsonl', cfg), 'log');
  assert.equal(fileRole('data/pipeline.json', cfg), 'config');
  assert.equal(fileRole('data/other.json', cfg), 'data');
  assert.equal(fileRole('./src/app.py', cfg), 'code');
});

test('a glob without a slash matches at any depth, like the trigger detectors', () => {
  const cfg = { configGlobs: [], outputGlobs: ['*.out'], logFiles: ['memory*.md'] };
  assert.equal(fileRole('runs/7/result.out', cfg), 'output');
  assert.equal(fileRole('agent/memory-notes.md', cfg), 'log');
});

test('a .json file whose top level is an array holds records (data); an object, or a file named as config, does not', () => {
  assert.equal(holdsJsonRecords('items.json', '[\n {"id": 1}\n]\n', defaults), true);
  assert.equal(holdsJsonRecords('state/queue.json', '\uFEFF  [{"id": 1}, {"id": 2', defaults), true, 'a BOM, spaces, a truncated tail');
  assert.equal(holdsJsonRecords('settings.json', '{"retries": 3}', defaults), false);
  assert.equal(holdsJsonRecords('items.yaml', '[1, 2]', defaults), false, 'only JSON');
  assert.equal(
    holdsJsonRecords('items.json', '[1, 2]', { ...defaults, configGlobs: ['items.json', ...defaults.configGlobs] }),
    false,
    'the user named it config',
  );
});
