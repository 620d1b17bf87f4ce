import assert from 'node:assert/strict';
import { test } from 'node:test';
import { incidentDiagnostics, type MappingContext } from '../../src/extension/problems/diagnosticModel';
import { aRootCause, aTrigger, anIncident } from './builders';

const existing = (...paths: string[]): MappingContext => ({ exists: (p) => paths.includes(p), configFile: null });

test('a trigger becomes a problem at its file and range, converted from 1-based to 0-based', () => {
  const t = aTrigger({
    id: 'T3',
    kind: 'log_error',
    file: 'logs/job.log',
    line: 12,
    column: 5,
    endLine: 14,
    severity: 'warning',
    message: 'ECONNREFUSED 127.0.0.1:5433',
  });
  const [d] = incidentDiagnostics(anIncident({ triggers: [t] }), existing('logs/job.log'));
  assert.ok(d);
  assert.deepEqual(d.target, { kind: 'workspace', path: 'logs/job.log' });
  assert.deepEqual([d.span.startLine, d.span.startCharacter, d.span.endLine], [11, 4, 13]);
  assert.ok(d.span.endCharacter > d.span.startCharacter, 'the range runs to the end of the line');
  assert.equal(d.severity, 'warning');
  assert.equal(d.code, 'log_error');
  assert.equal(d.message, 'ECONNREFUSED 127.0.0.1:5433');
  assert.equal(d.triggerId, 'T3');
});

test('positions the engine leaves at 0 or omits still land on the first line', () => {
  const [d] = incidentDiagnostics(
    anIncident({ triggers: [aTrigger({ kind: 'config_change', file: 'a.json', line: 0, column: 0, endLine: 0 })] }),
    existing('a.json'),
  );
  assert.deepEqual([d?.span.startLine, d?.span.startCharacter, d?.span.endLine], [0, 0, 0]);
});

test('a trigger on a deleted file attaches to the config file, else to the log, else to the baseline copy', () => {
  const deletion = aTrigger({ id: 'T1', kind: 'deletion', file: 'data/orders.csv', line: 1, message: 'data/orders.csv was deleted' });
  const log = aTrigger({ id: 'T2', kind: 'log_error', file: 'logs/job.log', line: 7 });
  const incident = anIncident({ triggers: [deletion, log] });

  const withConfig = incidentDiagnostics(incident, {
    exists: (p) => p === 'incident-replay.json' || p === 'logs/job.log',
    configFile: 'incident-replay.json',
  });
  assert.deepEqual(withConfig[0]?.target, { kind: 'workspace', path: 'incident-replay.json' });
  assert.equal(withConfig[0]?.message, 'data/orders.csv: data/orders.csv was deleted', 'the message says which file it is about');
  assert.deepEqual(withConfig[0]?.span.startLine, 0);
  assert.deepEqual(
    withConfig[0]?.related[0]?.target,
    { kind: 'snapshot', snapshotId: 'aaaa1111', path: 'data/orders.csv' },
    'and points at the file as the baseline had it',
  );

  const withLog = incidentDiagnostics(incident, existing('logs/job.log'));
  assert.deepEqual(withLog[0]?.target, { kind: 'workspace', path: 'logs/job.log' });

  const bare = incidentDiagnostics(anIncident({ triggers: [deletion] }), existing());
  assert.deepEqual(bare[0]?.target, { kind: 'snapshot', snapshotId: 'aaaa1111', path: 'data/orders.csv' });
  assert.equal(bare[0]?.message, 'data/orders.csv was deleted');
});

test('related information points at the triggering config change and at stack frames inside the workspace', () => {
  const change = aTrigger({ id: 'T2', kind: 'config_change', file: 'config/app.json', line: 5, column: 3, severity: 'warning' });
  const t = aTrigger({
    kind: 'log_error',
    file: 'logs/job.log',
    line: 3,
    frames: [
      { file: '/usr/lib/node/net.js', line: 10, inWorkspace: false },
      { file: 'src/db.js', line: 42, column: 7, function: 'connect', inWorkspace: true },
      { file: 'src/job.js', line: 8, inWorkspace: true },
      { file: 'src/deleted.js', line: 1, inWorkspace: true },
    ],
  });
  const incident = anIncident({
    triggers: [t, change],
    rootCause: aRootCause({
      triggeringChange: {
        path: 'config/app.json',
        status: 'modified',
        role: 'config',
        reason: 'database.port changed',
        keys: ['database.port'],
      },
    }),
  });
  const [d] = incidentDiagnostics(incident, existing('logs/job.log', 'src/db.js', 'src/job.js', 'config/app.json'));
  const related = d?.related ?? [];
  assert.deepEqual(related[0]?.target, { kind: 'workspace', path: 'config/app.json' });
  assert.match(related[0]?.message ?? '', /triggering change: config\/app\.json modified \(database\.port\)/);
  assert.deepEqual(
    [related[0]?.span.startLine, related[0]?.span.startCharacter],
    [4, 2],
    'at the changed key, where the config-change trigger is',
  );
  const frames = related.filter((r) => r.message.startsWith('stack frame'));
  assert.deepEqual(
    frames.map((f) => [f.target.path, f.span.startLine, f.span.startCharacter]),
    [
      ['src/job.js', 7, 0],
      ['src/db.js', 41, 6],
    ],
    'innermost frame first; frames outside the workspace or in files that are gone are left out',
  );
});

test('a triggering change to a removed file points at the baseline copy of it', () => {
  const incident = anIncident({
    triggers: [aTrigger({ kind: 'log_error', file: 'logs/job.log' })],
    changes: [{ status: 'removed', path: 'config/old.yaml', additions: 0, deletions: 3, binary: false }],
    rootCause: aRootCause({ triggeringChange: { path: 'config/old.yaml', status: 'removed', role: 'config', reason: 'removed' } }),
  });
  const [d] = incidentDiagnostics(incident, existing('logs/job.log'));
  assert.deepEqual(d?.related[0]?.target, { kind: 'snapshot', snapshotId: 'aaaa1111', path: 'config/old.yaml' });
});

test('a repeated error is one problem with its count, and its last occurrence is a related location', () => {
  const t = aTrigger({
    id: 'T1',
    kind: 'log_error',
    file: 'logs/error.log',
    line: 4,
    message: '[client <addr>] File does not exist: /var/www/html/a.png',
    count: 37,
    occurrences: [
      { line: 4, timestamp: 1 },
      { line: 9, timestamp: 2 },
      { line: 212, timestamp: 3 },
    ],
  });
  const [d] = incidentDiagnostics(anIncident({ triggers: [t] }), existing('logs/error.log'));
  assert.equal(d?.message, '[client <addr>] File does not exist: /var/www/html/a.png ×37');
  assert.deepEqual(
    d?.related.map((r) => [r.target, r.span.startLine, r.message]),
    [[{ kind: 'workspace', path: 'logs/error.log' }, 211, 'last of 37 occurrences']],
  );
  const [once] = incidentDiagnostics(
    anIncident({ triggers: [aTrigger({ kind: 'log_error', file: 'logs/error.log', message: 'once' })] }),
    existing('logs/error.log'),
  );
  assert.equal(once?.message, 'once');
});
