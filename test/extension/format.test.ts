import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffTitle, formatAge, formatShortAge, snapshotName } from '../../src/extension/views/format';

test('diff tabs are titled with the file name and both sides', () => {
  assert.equal(diffTitle('config/app.json', 'baseline', 'post-incident'), 'app.json (baseline ↔ post-incident)');
  assert.equal(diffTitle('img/logo.png', 'baseline', 'working tree', '(binary)'), 'logo.png (baseline ↔ working tree) (binary)');
});

test('snapshots are named by label, else as the baseline, else by id', () => {
  assert.equal(snapshotName({ id: 'abcd1234', label: 'before-run', baseline: true }), 'before-run');
  assert.equal(snapshotName({ id: 'abcd1234', label: null, baseline: true }), 'baseline');
  assert.equal(snapshotName({ id: 'abcd1234', label: null, baseline: false }), 'abcd1234');
});

test('ages and sizes read as people say them', () => {
  const now = 10 * 86_400_000;
  assert.equal(formatAge(now - 10_000, now), 'just now');
  assert.equal(formatAge(now - 5 * 60_000, now), '5 min ago');
  assert.equal(formatAge(now - 3 * 3_600_000, now), '3 h ago');
  assert.equal(formatAge(now - 2 * 86_400_000, now), '2 days ago');
  assert.equal(formatShortAge(now - 90 * 60_000, now), '1h');
});
