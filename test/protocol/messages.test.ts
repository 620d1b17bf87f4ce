import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type HostMessage, type WebviewMessage, isHostMessage, isWebviewMessage } from '../../src/protocol/messages';
import { decision, event, incident, overTheWire, postmortem, trigger } from '../webview/builders';

const richIncident = incident({
  triggers: [
    trigger('T3', 373, { errorType: 'ECONNREFUSED', frames: [{ file: 'src/job.js', line: 12, inWorkspace: true }], rule: 'node_error' }),
  ],
  timeline: [
    event('snapshot:base', 0, { kind: 'snapshot', ref: 'base' }),
    event('change:post:config/app.json', 129, {
      kind: 'file_change',
      severity: 'info',
      file: 'config/app.json',
      line: 1,
      diff: { from: 'base', to: 'post', path: 'config/app.json' },
    }),
    event('trigger:T3', 373, { kind: 'trigger', severity: 'error', file: 'logs/job.log', line: 5, ref: 'T3', detail: 'stack' }),
  ],
  decisions: [
    decision('D7', 139, {
      kind: 'action',
      text: 'run node src/job.js',
      outcome: { status: 'error', text: 'exit 1', decisionId: 'D8' },
      triggerIds: ['T3'],
    }),
  ],
  changes: [{ status: 'modified', path: 'config/app.json', additions: 2, deletions: 2, binary: false }],
  artifacts: { trace_id: { value: 'abc', source: 'agent/session.jsonl:3' } },
  repeatOf: 'INC-0000',
});

const validHost: HostMessage[] = [
  { type: 'incident', folder: 'file:///ws', incident: richIncident },
  { type: 'loadFailed', incidentId: 'INC-0009', message: 'no such incident' },
  { type: 'postmortem', postmortem: postmortem(), blameCheckAvailable: true },
  { type: 'postmortemSaved', postmortem: postmortem({ annotation: { outcome: 'fixed', note: null, at: 1 } }) },
  { type: 'postmortemFailed', message: 'locked' },
  {
    type: 'blameFindings',
    requestId: 3,
    findings: [{ field: 'summary.text.value', sentence: 'Alice broke it.', who: 'Alice', suggestion: 'Rewrite.' }],
  },
  { type: 'actionState', action: 'resolve', state: 'running' },
  { type: 'actionState', action: 'exportReport', state: 'done', message: 'written' },
];

const validWebview: WebviewMessage[] = [
  { type: 'ready' },
  { type: 'openLocation', file: 'logs/job.log', line: 5 },
  { type: 'openLocation', file: 'logs/job.log', line: 5, column: 3 },
  { type: 'openDiff', from: 'base', to: 'post', path: 'config/app.json' },
  { type: 'runAction', action: 'reanalyze' },
  { type: 'runAction', action: 'openChanges' },
  { type: 'loadPostmortem' },
  { type: 'savePostmortem', postmortem: postmortem() },
  { type: 'checkBlame', requestId: 1, texts: [{ field: 'summary.text.value', text: 'x' }] },
];

test('every well-formed message is accepted after a structured clone, in its own direction only', () => {
  for (const m of validHost) {
    assert.ok(isHostMessage(overTheWire(m)), `host ${m.type}`);
    assert.ok(!isWebviewMessage(overTheWire(m)), `host ${m.type} is not a webview message`);
  }
  for (const m of validWebview) {
    assert.ok(isWebviewMessage(overTheWire(m)), `webview ${m.type}`);
    assert.ok(!isHostMessage(overTheWire(m)), `webview ${m.type} is not a host message`);
  }
});

test('unknown message types and non-objects are dropped in both directions', () => {
  const junk: unknown[] = [
    null,
    undefined,
    'ready',
    42,
    [],
    [{ type: 'ready' }],
    {},
    { type: 'nope' },
    { type: 'READY' },
    { type: 'toString' },
    { type: '__proto__' },
    { type: 'constructor' },
    { type: 'hasOwnProperty' },
    { kind: 'ready' },
  ];
  for (const j of junk) {
    assert.ok(!isHostMessage(j), `host accepted ${JSON.stringify(j)}`);
    assert.ok(!isWebviewMessage(j), `webview accepted ${JSON.stringify(j)}`);
  }
});

test('malformed webview requests are dropped: bad lines, wrong types, unknown actions, broken postmortems', () => {
  const bad: unknown[] = [
    { type: 'openLocation', file: 'a.txt' },
    { type: 'openLocation', file: 'a.txt', line: 0 },
    { type: 'openLocation', file: 'a.txt', line: 1.5 },
    { type: 'openLocation', file: 'a.txt', line: '3' },
    { type: 'openLocation', file: 7, line: 3 },
    { type: 'openLocation', file: 'a.txt', line: 3, column: -1 },
    { type: 'openDiff', from: 'base', to: 'post' },
    { type: 'runAction', action: 'deleteEverything' },
    { type: 'runAction' },
    { type: 'savePostmortem' },
    { type: 'savePostmortem', postmortem: { ...postmortem(), summary: undefined } },
    { type: 'savePostmortem', postmortem: { ...postmortem(), actions: [{ id: 'A1' }] } },
    { type: 'savePostmortem', postmortem: { ...postmortem(), factors: { missing_monitoring: { score: 7, notes: '', state: 'empty' } } } },
    { type: 'checkBlame', requestId: 'one', texts: [] },
    { type: 'checkBlame', requestId: 1, texts: [{ field: 'x' }] },
  ];
  for (const b of bad) assert.ok(!isWebviewMessage(b), `accepted ${JSON.stringify(b).slice(0, 120)}`);
});

test('malformed host messages are dropped: an incident with a broken event, finding or state', () => {
  const brokenEvent = {
    ...richIncident,
    timeline: [...richIncident.timeline, { id: 'x', timestamp: 'soon', estimated: false, kind: 'log', title: 'x' }],
  };
  const unknownKind = { ...richIncident, timeline: [{ ...richIncident.timeline[0], kind: 'telepathy' }] };
  const noRootCause = { ...richIncident, rootCause: null };
  const badChange = { ...richIncident, changes: [{ status: 'exploded', path: 'a', additions: 0, deletions: 0, binary: false }] };
  const bad: unknown[] = [
    { type: 'incident', folder: 'file:///ws', incident: brokenEvent },
    { type: 'incident', folder: 'file:///ws', incident: unknownKind },
    { type: 'incident', folder: 'file:///ws', incident: noRootCause },
    { type: 'incident', folder: 'file:///ws', incident: badChange },
    { type: 'incident', incident: richIncident },
    { type: 'postmortem', postmortem: postmortem() },
    { type: 'blameFindings', requestId: 1, findings: [{ field: 'x', sentence: 'y' }] },
    { type: 'actionState', action: 'resolve', state: 'exploded' },
  ];
  for (const b of bad) assert.ok(!isHostMessage(b), `accepted ${JSON.stringify(b).slice(0, 120)}`);
});
