import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeWindow, isNavKey, moveActive, revealRow } from '../../webview/model/virtualWindow';

const base = { rowCount: 10_000, rowHeight: 26, viewportHeight: 520, overscan: 5 };

test('only the rows in view plus overscan are drawn, wherever the list is scrolled', () => {
  assert.deepEqual(computeWindow({ ...base, scrollTop: 0 }), { first: 0, end: 25, offsetTop: 0, totalHeight: 260_000 });
  const mid = computeWindow({ ...base, scrollTop: 26 * 5000 + 13 });
  assert.equal(mid.first, 4995);
  assert.equal(mid.end, 5000 + 21 + 5);
  assert.equal(mid.offsetTop, 4995 * 26);
  const end = computeWindow({ ...base, scrollTop: 10_000_000 });
  assert.equal(end.end, 10_000, 'scrolling past the end is clamped to the last rows');
  assert.equal(end.first, 10_000 - 20 - 5);
});

test('small, empty and not-yet-measured lists', () => {
  assert.deepEqual(computeWindow({ ...base, rowCount: 3, scrollTop: 0 }), { first: 0, end: 3, offsetTop: 0, totalHeight: 78 });
  assert.deepEqual(computeWindow({ ...base, rowCount: 0, scrollTop: 40 }), { first: 0, end: 0, offsetTop: 0, totalHeight: 0 });
  const unmeasured = computeWindow({ ...base, viewportHeight: 0, scrollTop: -50 });
  assert.equal(unmeasured.first, 0);
  assert.ok(unmeasured.end >= 1 && unmeasured.end <= 1 + base.overscan, 'at least the first row, never the whole list');
});

test('revealing a row scrolls as little as possible', () => {
  assert.equal(revealRow(10, 26, 0, 520), 0, 'already in view');
  assert.equal(revealRow(30, 26, 0, 520), 31 * 26 - 520, 'below: align to the bottom');
  assert.equal(revealRow(2, 26, 26 * 10, 520), 52, 'above: align to the top');
});

test('navigation keys move the active row and stop at the ends', () => {
  assert.equal(moveActive('ArrowDown', -1, 50, 20), 0);
  assert.equal(moveActive('ArrowUp', -1, 50, 20), 0);
  assert.equal(moveActive('ArrowDown', 49, 50, 20), 49);
  assert.equal(moveActive('ArrowUp', 0, 50, 20), 0);
  assert.equal(moveActive('PageDown', 0, 50, 20), 19);
  assert.equal(moveActive('PageUp', 10, 50, 20), 0);
  assert.equal(moveActive('End', 3, 50, 20), 49);
  assert.equal(moveActive('Home', 30, 50, 20), 0);
  assert.equal(moveActive('ArrowDown', 5, 0, 20), -1, 'nothing to move to');
  assert.ok(isNavKey('PageDown') && !isNavKey('Enter') && !isNavKey('a'));
});
