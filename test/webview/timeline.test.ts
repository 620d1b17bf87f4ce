import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type DisplayKind,
  type SeverityFilter,
  type TimelineQuery,
  buildTimelineModel,
  facetCounts,
  firstErrorRow,
  gapThreshold,
  matchingEntries,
  rowOfEvent,
  timelineRows,
} from '../../webview/model/timeline';
import { decision, event } from './builders';

const query = (
  q: Partial<Omit<TimelineQuery, 'hiddenKinds' | 'hiddenSeverities' | 'collapsedKinds'>> & {
    hiddenKinds?: DisplayKind[];
    hiddenSeverities?: SeverityFilter[];
    collapsedKinds?: DisplayKind[];
  } = {},
): TimelineQuery => ({
  search: q.search ?? '',
  groupByKind: q.groupByKind ?? false,
  hiddenKinds: new Set(q.hiddenKinds ?? []),
  hiddenSeverities: new Set(q.hiddenSeverities ?? []),
  collapsedKinds: new Set(q.collapsedKinds ?? []),
});

const decisions = [
  decision('D1', 10, { kind: 'decision', text: 'point the job at the replica' }),
  decision('D2', 20, { kind: 'action', text: 'run node src/job.js' }),
  decision('D3', 30, { kind: 'tool_call', tool: 'Bash', text: '{"command":"ls"}' }),
  decision('D4', 40, { kind: 'action', text: 'edit config/app.json' }),
];

const events = [
  event('snapshot:post', 5000, { kind: 'snapshot', title: 'Snapshot post' }),
  event('decision:D2', 20, { kind: 'decision', ref: 'D2', title: 'action: run node src/job.js' }),
  event('decision:D1', 10, { kind: 'decision', ref: 'D1', title: 'decision: point the job at the replica' }),
  event('log:1', 25, { kind: 'log', severity: 'error', title: 'ERROR connect ECONNREFUSED', file: 'logs/job.log', line: 5 }),
  event('trigger:T1', 25, {
    kind: 'trigger',
    severity: 'error',
    title: 'log_error: connect ECONNREFUSED',
    detail: 'at TCPConnectWrap',
    file: 'logs/job.log',
    line: 5,
  }),
  event('decision:D3', 30, { kind: 'decision', ref: 'D3', title: 'tool_call: Bash' }),
  event('decision:D4', 40, { kind: 'decision', ref: 'D4', title: 'action: edit config/app.json' }),
  event('change:a', 15, {
    kind: 'file_change',
    severity: 'info',
    title: 'modified config/app.json (+2 -2)',
    file: 'config/app.json',
    estimated: true,
  }),
  event('trigger:T2', 41, { kind: 'trigger', severity: 'warning', title: 'deletion: notes.md was deleted' }),
  event('snapshot:base', 0, { kind: 'snapshot', title: 'Snapshot base' }),
];

const model = buildTimelineModel(events, decisions);
const ids = (rows: ReturnType<typeof timelineRows>): string[] =>
  rows.map((r) =>
    r.type === 'group' ? `[${r.kind}${r.collapsed ? ' folded' : ''} ${r.count}]` : (model.entries[r.entry]?.event.id ?? '?'),
  );

test('events come in time order, and events at the same millisecond keep the engine’s order', () => {
  assert.deepEqual(
    model.entries.map((e) => e.event.id),
    [
      'snapshot:base',
      'decision:D1',
      'change:a',
      'decision:D2',
      'log:1',
      'trigger:T1',
      'decision:D3',
      'decision:D4',
      'trigger:T2',
      'snapshot:post',
    ],
  );
  assert.equal(model.start, events[9]?.timestamp);
  assert.equal(model.end, events[0]?.timestamp);
  assert.equal(model.byId.get('trigger:T1'), 5);
});

test('each event gets a display kind: log lines read as log errors, shell steps as commands', () => {
  const kindOf = (id: string): string | undefined => model.entries[model.byId.get(id) ?? -1]?.kind;
  assert.equal(kindOf('log:1'), 'log_error');
  assert.equal(kindOf('decision:D1'), 'decision');
  assert.equal(kindOf('decision:D2'), 'command', 'an action that runs node');
  assert.equal(kindOf('decision:D3'), 'command', 'a Bash tool call');
  assert.equal(kindOf('decision:D4'), 'decision', 'an edit is not a command');
  assert.equal(kindOf('snapshot:base'), 'snapshot');
});

test('deltas to the previous event are kept and long pauses are marked as gaps', () => {
  const post = model.entries[model.byId.get('snapshot:post') ?? -1];
  assert.equal(post?.deltaMs, 5000 - 41);
  assert.equal(post?.gap, true);
  assert.equal(model.entries[0]?.deltaMs, null);
  assert.ok(model.entries.filter((e) => e.gap).length === 1);
  assert.equal(gapThreshold([1, 2, 3, 200]), 1000, 'never under a second');
  assert.equal(gapThreshold([500, 500, 700]), 5000, 'ten times the median spacing');
});

test('filters hide kinds and severities; events without a severity filter as "none"', () => {
  assert.deepEqual(ids(timelineRows(model, query({ hiddenKinds: ['decision', 'command', 'snapshot'] }))), [
    'change:a',
    'log:1',
    'trigger:T1',
    'trigger:T2',
  ]);
  assert.deepEqual(ids(timelineRows(model, query({ hiddenSeverities: ['none', 'info'] }))), ['log:1', 'trigger:T1', 'trigger:T2']);
  assert.deepEqual(ids(timelineRows(model, query({ hiddenSeverities: ['error', 'warning', 'info', 'none'] }))), []);
});

test('search matches title, detail and file, case-insensitively, all words required', () => {
  assert.deepEqual(ids(timelineRows(model, query({ search: 'econnrefused' }))), ['log:1', 'trigger:T1']);
  assert.deepEqual(ids(timelineRows(model, query({ search: 'TCPConnectWrap' }))), ['trigger:T1'], 'detail');
  assert.deepEqual(ids(timelineRows(model, query({ search: 'config/app.json' }))), ['change:a', 'decision:D4'], 'file and title');
  assert.deepEqual(ids(timelineRows(model, query({ search: '  connect   log_error ' }))), ['trigger:T1']);
  assert.deepEqual(ids(timelineRows(model, query({ search: 'nothing-like-this' }))), []);
  assert.deepEqual(
    matchingEntries(model, query({ search: 'command' })),
    [model.byId.get('decision:D2'), model.byId.get('decision:D3')],
    'the kind label is searchable',
  );
});

test('grouping makes one section per kind, in time order inside, and folded sections keep their count', () => {
  assert.deepEqual(ids(timelineRows(model, query({ groupByKind: true, hiddenKinds: ['snapshot'] }))), [
    '[file_change 1]',
    'change:a',
    '[log_error 1]',
    'log:1',
    '[trigger 2]',
    'trigger:T1',
    'trigger:T2',
    '[decision 2]',
    'decision:D1',
    'decision:D4',
    '[command 2]',
    'decision:D2',
    'decision:D3',
  ]);
  assert.deepEqual(
    ids(
      timelineRows(
        model,
        query({ groupByKind: true, collapsedKinds: ['decision', 'command', 'trigger'], hiddenKinds: ['snapshot', 'file_change'] }),
      ),
    ),
    ['[log_error 1]', 'log:1', '[trigger folded 2]', '[decision folded 2]', '[command folded 2]'],
  );
});

test('facet counts, the first error and the row of an event follow the rows shown', () => {
  const counts = facetCounts(model);
  assert.equal(counts.kinds.command, 2);
  assert.equal(counts.kinds.commit, 0);
  assert.equal(counts.severities.error, 2);
  assert.equal(counts.severities.none, 6);
  const rows = timelineRows(model, query());
  assert.equal(firstErrorRow(model, rows), 4);
  const grouped = timelineRows(model, query({ groupByKind: true }));
  assert.equal(ids(grouped)[firstErrorRow(model, grouped)], 'log:1', 'the earliest error, wherever its section is');
  assert.equal(firstErrorRow(model, timelineRows(model, query({ hiddenSeverities: ['error'] }))), -1);
  assert.equal(rowOfEvent(model, rows, 'decision:D4'), 7);
  assert.equal(rowOfEvent(model, timelineRows(model, query({ search: 'replica' })), 'decision:D4'), -1);
  assert.equal(rowOfEvent(model, rows, 'no-such-event'), -1);
});
