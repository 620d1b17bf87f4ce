import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatClock, formatDateTime, formatDelta, formatPercent, humanize, parseDateTime } from '../../webview/model/format';

test('timeline times show milliseconds', () => {
  const t = Date.UTC(2026, 10, 22, 4, 32, 14, 7);
  assert.equal(formatClock(t, 'utc'), '04:32:14.007');
  assert.equal(formatDateTime(t, 'utc'), '2026-11-22 04:32:14.007');
});

test('gaps keep the millisecond; percents and category words read naturally', () => {
  assert.equal(formatDelta(37), '+37 ms');
  assert.equal(formatDelta(123_200), '+2 min 03.200 s');
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
