import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatBytes, formatDuration, formatPreciseDuration, listSome, plural } from '../../src/model/format';

test('sizes read in binary units, one decimal below ten', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1023), '1023 B');
  assert.equal(formatBytes(1024), '1.0 KiB');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(20 * 1024 * 1024), '20 MiB');
  assert.equal(formatBytes(70.4 * 1024 * 1024), '70 MiB');
  assert.equal(formatBytes(3 * 1024 ** 3), '3.0 GiB');
  assert.equal(formatBytes(5000 * 1024 ** 4), '5000 TiB');
});

test('durations read as a person says them, dropping zero parts', () => {
  assert.equal(formatDuration(0), '0 ms');
  assert.equal(formatDuration(849.6), '850 ms');
  assert.equal(formatDuration(1234), '1.2 s');
  assert.equal(formatDuration(12_400), '12 s');
  assert.equal(formatDuration(180_000), '3 min');
  assert.equal(formatDuration(185_000), '3 min 5 s');
  assert.equal(formatDuration(2 * 3_600_000 + 10 * 60_000), '2 h 10 min');
  assert.equal(formatDuration(3 * 86_400_000 + 4 * 3_600_000), '3 d 4 h');
  assert.equal(formatDuration(-1500), '-1.5 s');
});

test('timeline gaps keep the millisecond', () => {
  assert.equal(formatPreciseDuration(850), '850 ms');
  assert.equal(formatPreciseDuration(12_345), '12.345 s');
  assert.equal(formatPreciseDuration(184_500), '3 min 04.500 s');
  assert.equal(formatPreciseDuration(2 * 3_600_000 + 5 * 60_000), '2 h 05 min');
  assert.equal(formatPreciseDuration(3 * 86_400_000 + 4 * 3_600_000), '3 d 04 h');
  assert.equal(formatPreciseDuration(-850), '-850 ms');
});

test('counts and short lists', () => {
  assert.equal(plural(1, 'file'), '1 file');
  assert.equal(plural(3, 'file'), '3 files');
  assert.equal(plural(2, 'entry', 'entries'), '2 entries');
  assert.equal(listSome(['a', 'b']), 'a, b');
  assert.equal(listSome(['a', 'b', 'c', 'd', 'e']), 'a, b, c and 2 more');
});
