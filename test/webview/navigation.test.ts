import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IncidentIndex } from '../../webview/model/navigation';
import { T0, decision, event, incident, trigger } from './builders';

const inc = incident({
  snapshotIds: ['base', 'mid', 'post'],
  triggers: [
    trigger('T3', 373, { file: 'logs/job.log', line: 5, column: 7 }),
    trigger('T6', 700, { kind: 'deletion', file: 'agent/notes.md', line: 1 }),
  ],
  decisions: [decision('D7', 139, { file: 'agent/agent.log', line: 7 })],
  changes: [
    { status: 'modified', path: 'logs/job.log', additions: 5, deletions: 0, binary: false },
    { status: 'modified', path: 'config/app.json', additions: 2, deletions: 2, binary: false },
    { status: 'removed', path: 'agent/notes.md', additions: 0, deletions: 2, binary: false },
  ],
  timeline: [
    event('snapshot:base', 0, { kind: 'snapshot', ref: 'base' }),
    event('snapshot:mid', 300, { kind: 'snapshot', ref: 'mid' }),
    event('snapshot:post', 800, { kind: 'snapshot', ref: 'post' }),
    event('change:cfg', 129, {
      kind: 'file_change',
      file: 'config/app.json',
      line: 1,
      diff: { from: 'base', to: 'post', path: 'config/app.json' },
    }),
    event('change:notes', 800, {
      kind: 'file_change',
      file: 'agent/notes.md',
      line: 1,
      diff: { from: 'base', to: 'post', path: 'agent/notes.md' },
    }),
    event('trigger:T3', 373, { kind: 'trigger', ref: 'T3', file: 'logs/job.log', line: 5 }),
    event('trigger:T6', 800, { kind: 'trigger', ref: 'T6', file: 'agent/notes.md', line: 1 }),
    event('decision:D7', 139, { kind: 'decision', ref: 'D7', file: 'agent/agent.log', line: 7 }),
  ],
  rootCause: {
    ...incident().rootCause,
    evidence: [
      { kind: 'trigger', ref: 'T3', category: 'config_error', description: 'names the new port', file: 'config/app.json', weight: 0.9 },
      { kind: 'trigger', ref: 'T3', category: 'external_failure', description: 'ECONNREFUSED', file: 'logs/job.log', line: 5, weight: 0.2 },
      { kind: 'decision', ref: 'D7', category: 'config_error', description: 'ran the job', weight: 0.1 },
      { kind: 'snapshot', ref: 'mid', category: 'drift', description: 'mid snapshot', weight: 0.1 },
      { kind: 'change', ref: 'config/app.json', category: 'config_error', description: 'changed', weight: 0.5 },
      { kind: 'trigger', ref: 'T404', category: 'drift', description: 'cites nothing we have', weight: 0.1 },
    ],
  },
});
const index = new IncidentIndex(inc);
const ev = (id: string) => inc.timeline.find((e) => e.id === id) ?? assert.fail(id);

test('a file change opens its diff; its file is the other view, unless the file is gone', () => {
  assert.deepEqual(index.eventTargets(ev('change:cfg')), {
    primary: { type: 'diff', from: 'base', to: 'post', path: 'config/app.json' },
    secondary: { type: 'location', file: 'config/app.json', line: 1 },
  });
  assert.deepEqual(index.eventTargets(ev('change:notes')).secondary, null);
});

test('a finding opens its file at the line and column; the diff around it is the other view', () => {
  assert.deepEqual(index.eventTargets(ev('trigger:T3')), {
    primary: { type: 'location', file: 'logs/job.log', line: 5, column: 7 },
    secondary: { type: 'diff', from: 'mid', to: 'post', path: 'logs/job.log' },
  });
  assert.deepEqual(index.eventTargets(ev('decision:D7')), {
    primary: { type: 'location', file: 'agent/agent.log', line: 7 },
    secondary: null,
  });
  assert.deepEqual(
    index.eventTargets(ev('trigger:T6')).primary,
    { type: 'diff', from: 'base', to: 'post', path: 'agent/notes.md' },
    'a deleted file shows as its diff',
  );
  assert.deepEqual(index.eventTargets(ev('snapshot:mid')), { primary: null, secondary: null });
});

test('the snapshots around a moment are the last one at or before it and the first after it', () => {
  assert.deepEqual(index.snapshotsAround(T0 + 100), { from: 'base', to: 'mid' });
  assert.deepEqual(index.snapshotsAround(T0 + 300), { from: 'mid', to: 'post' });
  assert.deepEqual(index.snapshotsAround(T0 - 5), { from: 'base', to: 'post' }, 'before the first snapshot: the whole window');
  assert.deepEqual(index.snapshotsAround(T0 + 10_000), { from: 'base', to: 'post' }, 'after the last snapshot: the whole window');
});

test('each root-cause evidence item links to what it cites', () => {
  const targets = inc.rootCause.evidence.map((item) => index.evidenceTarget(item));
  assert.deepEqual(targets, [
    { type: 'diff', from: 'base', to: 'post', path: 'config/app.json' },
    { type: 'location', file: 'logs/job.log', line: 5 },
    { type: 'location', file: 'agent/agent.log', line: 7 },
    { type: 'event', eventId: 'snapshot:mid' },
    { type: 'diff', from: 'base', to: 'post', path: 'config/app.json' },
    null,
  ]);
  assert.deepEqual(index.triggerTarget(inc.triggers[1] ?? assert.fail()), {
    type: 'diff',
    from: 'base',
    to: 'post',
    path: 'agent/notes.md',
  });
  assert.equal(index.eventFor('T3'), 'trigger:T3');
  assert.equal(index.eventFor('D7'), 'decision:D7');
  assert.equal(index.eventFor('nope'), null);
});
