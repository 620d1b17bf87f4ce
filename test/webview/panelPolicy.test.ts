import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Incident } from '../../src/engine/types';
import { TargetPolicy, isSafeRelativePath, toIncidentView } from '../../src/extension/incidentPanel/viewModel';
import { isIncidentView } from '../../src/protocol/incidentView';
import { incident, trigger } from './builders';

const entry = {
  path: 'config/app.json',
  type: 'file' as const,
  size: 175,
  mode: 0o644,
  mtimeMs: 1,
  id: 'a'.repeat(40),
  binary: false,
  stored: true,
};

const engineIncident: Incident = {
  ...incident({
    triggers: [
      trigger('T3', 1, {
        file: 'logs/job.log',
        frames: [
          { file: 'src/job.js', line: 3, inWorkspace: true },
          { file: '/usr/lib/node/net.js', line: 9, inWorkspace: false },
        ],
      }),
    ],
  }),
  changes: [
    {
      status: 'modified',
      path: 'config/app.json',
      before: entry,
      after: { ...entry, size: 180 },
      additions: 2,
      deletions: 2,
      binary: false,
      patch: '@@ -1 +1 @@\n-secret\n+other',
    },
    { status: 'renamed', path: 'data/new.csv', oldPath: 'data/old.csv', additions: 0, deletions: 0, binary: true, note: 'binary' },
  ],
};

test('the view gets changed files without manifest entries or patch text', () => {
  const view = toIncidentView(engineIncident);
  assert.deepEqual(view.changes, [
    { status: 'modified', path: 'config/app.json', additions: 2, deletions: 2, binary: false },
    { status: 'renamed', path: 'data/new.csv', oldPath: 'data/old.csv', additions: 0, deletions: 0, binary: true, note: 'binary' },
  ]);
  assert.doesNotMatch(JSON.stringify(view), /secret|"before"|"after"|"patch"/);
  assert.ok(isIncidentView(structuredClone(view)));
  assert.equal(engineIncident.changes[0]?.patch !== undefined, true, 'the engine record is not modified');
});

test('the host opens only files and diffs the incident names, inside the folder', () => {
  const policy = new TargetPolicy(engineIncident);
  assert.ok(policy.allowsLocation('logs/job.log'));
  assert.ok(policy.allowsLocation('src/job.js'), 'a stack frame in the workspace');
  assert.ok(policy.allowsLocation('config/app.json'));
  assert.ok(!policy.allowsLocation('/usr/lib/node/net.js'), 'a frame outside the workspace');
  assert.ok(!policy.allowsLocation('.ssh/id_rsa'));
  assert.ok(!policy.allowsLocation('../outside.txt'));
  assert.ok(policy.allowsDiff('base', 'post', 'config/app.json'));
  assert.ok(policy.allowsDiff('base', 'post', 'data/old.csv'));
  assert.ok(!policy.allowsDiff('base', 'post', 'src/other.ts'), 'a path the incident does not name');
  assert.ok(!policy.allowsDiff('base', 'elsewhere', 'config/app.json'), 'a snapshot outside the window');
  assert.ok(!policy.allowsDiff('base', 'base', 'config/app.json'));
});

test('paths that could leave the folder are never safe', () => {
  for (const p of ['a/b.txt', 'a..b/c', '.hidden']) assert.ok(isSafeRelativePath(p), p);
  for (const p of ['', '/etc/passwd', '../x', 'a/../../x', 'C:/x', 'a\\..\\x', 'a\u0000b'])
    assert.ok(!isSafeRelativePath(p), JSON.stringify(p));
});
