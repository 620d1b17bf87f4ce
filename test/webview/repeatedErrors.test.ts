/**
 * A repeated error in a real incident (recorded by the CLI) reaches the incident view as one
 * timeline row with its count; expanded, it lists its occurrences, each opening its own line.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Incident } from '../../src/engine/types';
import { TargetPolicy, toIncidentView } from '../../src/extension/incidentPanel/viewModel';
import { isIncidentView } from '../../src/protocol/incidentView';
import { type TimelineQuery, buildTimelineModel, rowOfEvent, timelineRows } from '../../webview/model/timeline';
import { readViewState } from '../../webview/model/viewState';
import { cli, settle, TempWorkspace } from '../support/workspace';

let w: TempWorkspace;
let incident: Incident;
const REPEATS = 130;

before(async () => {
  w = new TempWorkspace({ 'logs/worker.log': '2024-05-20T14:00:00.000Z INFO worker: up\n' });
  assert.equal(cli(w, 'snapshot', '--baseline').code, 0);
  await settle();
  const lines = ['2024-05-20T14:00:00.000Z INFO worker: up'];
  for (let i = 0; i < REPEATS; i++) {
    lines.push(
      `2024-05-20T14:01:${String(i % 60).padStart(2, '0')}.${String(i).padStart(3, '0')}Z ERROR worker: job ${1000 + i} failed: disk quota exceeded on /data/shard-${i % 9}`,
    );
    lines.push(`2024-05-20T14:01:${String(i % 60).padStart(2, '0')}.${String(i).padStart(3, '0')}Z INFO worker: retrying job ${1000 + i}`);
  }
  lines.push('2024-05-20T14:02:30.000Z FATAL worker: giving up');
  w.write({ 'logs/worker.log': lines.join('\n') + '\n' });
  const r = cli(w, 'analyze', '--json');
  assert.equal(r.code, 0, r.stderr);
  incident = (JSON.parse(r.stdout) as { incident: Incident }).incident;
});
after(() => w.dispose());

const query = (expanded: string[]): TimelineQuery => ({
  search: '',
  groupByKind: false,
  hiddenKinds: new Set(),
  hiddenSeverities: new Set(),
  collapsedKinds: new Set(),
  expandedEvents: new Set(expanded),
});

test('one row with its count that expands to its occurrences, each opening its line', () => {
  const view = toIncidentView(incident);
  assert.ok(isIncidentView(view), 'count and occurrences pass the view guard');
  const repeated = view.triggers.find((t) => t.message.includes('disk quota exceeded'));
  assert.equal(repeated?.count, REPEATS);
  assert.equal(view.triggers.filter((t) => t.message.includes('disk quota exceeded')).length, 1);

  const model = buildTimelineModel(view.timeline, view.decisions, view.triggers);
  const eventId = model.entries.find((e) => e.event.ref === repeated?.id)?.event.id ?? '';
  const folded = timelineRows(model, query([]));
  assert.equal(folded.filter((r) => r.type === 'occurrence').length, 0);
  const at = rowOfEvent(model, folded, eventId);
  assert.ok(at >= 0);
  assert.equal(model.entries[(folded[at] as { entry: number }).entry]?.repeats?.count, REPEATS);

  const open = timelineRows(model, query([eventId]));
  assert.equal(open.length, folded.length + 101, 'the first 100 occurrences and the last');
  const under = open.slice(at + 1, at + 102);
  assert.ok(under.every((r) => r.type === 'occurrence'));
  const ordinals = under.map((r) => (r.type === 'occurrence' ? r.ordinal : -1));
  assert.deepEqual(ordinals.slice(0, 3), [1, 2, 3]);
  assert.deepEqual(ordinals.slice(-2), [100, REPEATS]);
  // Occurrence k is on line 2k of the log (after its first line, every other line).
  const lines = under.map((r) => (r.type === 'occurrence' ? repeated?.occurrences?.[r.index]?.line : -1));
  assert.deepEqual([lines[0], lines[1], lines[100]], [2, 4, 2 * REPEATS]);
  const policy = new TargetPolicy(incident);
  assert.ok(policy.allowsLocation(repeated?.file ?? ''), 'the host opens the occurrence lines');
  assert.equal(
    repeated?.occurrences?.[100]?.timestamp,
    Date.parse(`2024-05-20T14:01:${String((REPEATS - 1) % 60).padStart(2, '0')}.${REPEATS - 1}Z`),
  );
});

test('expanded rows survive a reload; unreadable saved state does not', () => {
  assert.deepEqual(readViewState({ expandedEvents: ['trigger:T2', 'trigger:T2', 'trigger:T5'] }).expandedEvents, [
    'trigger:T2',
    'trigger:T5',
  ]);
  assert.deepEqual(readViewState({ expandedEvents: [1, 2] }).expandedEvents, []);
  assert.deepEqual(readViewState({ expandedEvents: 'trigger:T2' }).expandedEvents, []);
});
