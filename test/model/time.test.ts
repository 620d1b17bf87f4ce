import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatClock, formatDateTime, isCalendarDate, parseDateTime } from '../../src/model/time';

test('times show milliseconds, in the zone asked for', () => {
  const t = Date.UTC(2026, 10, 22, 4, 32, 14, 7);
  assert.equal(formatClock(t, 'utc'), '04:32:14.007');
  assert.equal(formatDateTime(t, 'utc'), '2026-11-22 04:32:14.007');
});

test('typed times parse in the given zone unless they carry an offset; impossible dates are refused', () => {
  assert.equal(parseDateTime('2026-11-22 04:32:14.129', 'utc'), Date.UTC(2026, 10, 22, 4, 32, 14, 129));
  assert.equal(parseDateTime('2026-11-22T04:32', 'utc'), Date.UTC(2026, 10, 22, 4, 32));
  assert.equal(parseDateTime('2026-11-22 04:32:14.5Z', 'local'), Date.UTC(2026, 10, 22, 4, 32, 14, 500));
  assert.equal(parseDateTime('2026-11-22T06:32:00+02:00', 'utc'), Date.UTC(2026, 10, 22, 4, 32));
  assert.equal(parseDateTime('2026-11-22', 'utc'), Date.UTC(2026, 10, 22));
  assert.equal(parseDateTime('  ', 'utc'), undefined);
  assert.equal(parseDateTime('2026-02-30 10:00', 'utc'), undefined);
  assert.equal(parseDateTime('2026-11-22 24:00', 'utc'), undefined);
  assert.equal(parseDateTime('yesterday', 'utc'), undefined);
  const t = Date.UTC(2026, 0, 5, 23, 59, 59, 999);
  assert.equal(parseDateTime(formatDateTime(t, 'local'), 'local'), t, 'what the view shows parses back to the same instant');
  assert.ok(isCalendarDate('2024-02-29'));
  assert.ok(!isCalendarDate('2023-02-29'));
});
