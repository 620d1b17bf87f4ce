import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTimeAxis } from '../../webview/model/timeAxis';
import { buildTimelineModel, timelineRows } from '../../webview/model/timeline';
import { event } from './builders';

const all = {
  hiddenKinds: new Set<never>(),
  hiddenSeverities: new Set<never>(),
  search: '',
  groupByKind: false,
  collapsedKinds: new Set<never>(),
};

test('events fall into equal buckets over the span; a burst and a gap show up', () => {
  const events = [
    // A burst of 12 events in the first 100 ms, one event a second for the next 4 s, then nothing for 5 s.
    ...Array.from({ length: 12 }, (_, i) => event(`b${i}`, i * 8, { severity: i === 3 ? 'error' : undefined })),
    ...Array.from({ length: 4 }, (_, i) => event(`s${i}`, 1000 * (i + 1))),
    event('late', 10_000),
  ];
  const model = buildTimelineModel(events, []);
  const rows = timelineRows(model, all);
  const axis = buildTimeAxis(model, rows, 20);
  assert.equal(axis.buckets.length, 20);
  assert.equal(axis.start, model.start);
  assert.equal(axis.end, model.end);
  assert.equal(
    axis.buckets.reduce((n, b) => n + b.count, 0),
    17,
    'every event is in one bucket',
  );
  const first = axis.buckets[0];
  assert.equal(first?.count, 12);
  assert.equal(first?.errors, 1);
  assert.equal(first?.burst, true);
  assert.equal(first?.firstRow, 0);
  assert.equal(axis.maxCount, 12);
  assert.equal(axis.buckets.filter((b) => b.burst).length, 1);
  assert.equal(axis.buckets[19]?.count, 1, 'the last event lands in the last bucket');
  assert.equal(axis.buckets[19]?.firstRow, 16);
  // Typical spacing is 8 ms, so pauses of a second or more are gaps; the 912 ms after the burst is not.
  assert.deepEqual(
    axis.gaps.map((g) => g.to - g.from),
    [1000, 1000, 1000, 6000],
  );
  assert.ok(
    axis.buckets.slice(9, 19).every((b) => b.gap && b.count === 0),
    'the quiet stretch is marked as a gap',
  );
  assert.equal(axis.buckets[1]?.count, 0);
  assert.ok(!axis.buckets[1]?.gap, 'an empty bucket inside a pause shorter than the threshold is no gap');
});

test('the axis follows the rows shown, and copes with no rows or a single instant', () => {
  const model = buildTimelineModel([event('a', 0, { severity: 'error' }), event('b', 0), event('c', 500)], []);
  const onlyErrors = timelineRows(model, { ...all, hiddenSeverities: new Set(['none'] as const) });
  const axis = buildTimeAxis(model, onlyErrors, 10);
  assert.equal(
    axis.buckets.reduce((n, b) => n + b.count, 0),
    1,
  );
  assert.deepEqual(buildTimeAxis(model, [], 10).buckets, []);
  const instant = buildTimeAxis(
    buildTimelineModel([event('x', 0), event('y', 0)], []),
    timelineRows(buildTimelineModel([event('x', 0), event('y', 0)], []), all),
    4,
  );
  assert.equal(instant.buckets[0]?.count, 2);
});
