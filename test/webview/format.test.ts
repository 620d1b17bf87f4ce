import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDelta, formatPercent, humanize } from '../../webview/model/format';

test('gaps keep the millisecond; percents and category words read naturally', () => {
  assert.equal(formatDelta(37), '+37 ms');
  assert.equal(formatDelta(123_200), '+2 min 03.200 s');
  assert.equal(formatPercent(0.684), '68%');
  assert.equal(humanize('config_error'), 'config error');
});
