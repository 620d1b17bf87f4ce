import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatClock, formatDateTime, formatDelta, formatDuration, formatPercent, humanize, parseDateTime } from '../../webview/model/format';

test('timeline times show milliseconds', () => {
  const t = Date.UTC(2026, 10, 22, 4, 32, 14, 7);
  assert.equal(formatClock(t, 'utc'), '04:32:14.007');
  assert.equal(formatDateTime(t, 'utc'), '2026-11-22 04:32:14.007');
});

test('durations read naturally at every scale', () => {
  assert.equal(formatDuration(0), '0 ms');
  assert.equal(formatDuration(850), '850 ms');
  assert.equal(formatDuration(1143), '1.143 s');
  assert.equal(formatDuration(2000), '2 s');
  assert.equal(formatDuration(123_200), '2 min 03.2 s');
  assert.equal(formatDuration(3_720_000), '1 h 02 min');
  assert.equal(formatDuration(2 * 86_400_000 + 5 * 3_600_000), '2 d 5 h');
  assert.equal(formatDuration(-1500), '-1.5 s');
  assert.equal(formatDelta(37), '+37 ms');
  assert.equal(formatPercent(0.684), '68%');
  assert.equal(humanize('config_error'), 'config error');
});

test('typed times parse in the given zone; impossible dates are refused', () => {
  assert.equal(parseDateTime('2026-11-22 04:32:14.129', 'utc'), Date.UTC(2026, 10, 22, 4, 32, 14, 129));
  assert.equal(parseDateTime('2026-11-22T04:32', 'utc'), Date.UTC(2026, 10, 22, 4, 32));
  assert.equal(parseDateTime('2026-11-22 04:32:14.5Z', 'local'), Date.UTC(2026, 10, 22, 4, 32, 14, 500));
  assert.equal(parseDateTime('  ', 'utc'), null);
  assert.equal(parseDateTime('2026-02-30 10:00', 'utc'), undefined);
  assert.equal(parseDateTime('2026-11-22 24:00', 'utc'), undefined);
  assert.equal(parseDateTime('yesterday', 'utc'), undefined);
  const t = Date.UTC(2026, 0, 5, 23, 59, 59, 999);
  assert.equal(parseDateTime(formatDateTime(t, 'local'), 'local'), t, 'what the form shows parses back to the same instant');
});
