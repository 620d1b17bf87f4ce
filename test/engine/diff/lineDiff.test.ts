import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lineDiff } from '../../../src/engine/diff/lineDiff';

test('equal texts have no diff', () => {
  assert.deepEqual(lineDiff('a\nb\n', 'a\nb\n', 'a/x', 'b/x'), { additions: 0, deletions: 0, patch: '', approximate: false, added: [] });
});

test('a modified line counts one addition and one deletion with git-style hunks', () => {
  const before = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight'].join('\n') + '\n';
  const after = before.replace('five', 'FIVE');
  const d = lineDiff(before, after, 'a/f.txt', 'b/f.txt');
  assert.equal(d.additions, 1);
  assert.equal(d.deletions, 1);
  assert.equal(
    d.patch,
    ['--- a/f.txt', '+++ b/f.txt', '@@ -2,7 +2,7 @@', ' two', ' three', ' four', '-five', '+FIVE', ' six', ' seven', ' eight', ''].join(
      '\n',
    ),
  );
});

test('an appended log only reports the appended lines, with the right line numbers', () => {
  const old =
    Array.from({ length: 100_000 }, (_, i) => `2024-05-20 14:02:03,${String(i % 1000).padStart(3, '0')} INFO line ${i}`).join('\n') + '\n';
  const appended = old + 'Traceback (most recent call last):\nValueError: boom\n';
  const d = lineDiff(old, appended, 'a/app.log', 'b/app.log');
  assert.equal(d.additions, 2);
  assert.equal(d.deletions, 0);
  assert.deepEqual(d.added, [100_001, 100_002]);
});

test('a missing final newline is shown the way diff does', () => {
  const d = lineDiff('a\nb', 'a\nc', 'a/x', 'b/x');
  assert.equal(d.additions, 1);
  assert.equal(d.deletions, 1);
  assert.match(d.patch, /\\ No newline at end of file/);
});

test('created and deleted files diff against nothing', () => {
  const created = lineDiff('', 'x\ny\n', '/dev/null', 'b/n.txt');
  assert.equal(created.additions, 2);
  assert.equal(created.deletions, 0);
  assert.match(created.patch, /^--- \/dev\/null\n\+\+\+ b\/n.txt\n@@ -0,0 \+1,2 @@/);
  const deleted = lineDiff('x\ny\n', '', 'a/n.txt', '/dev/null');
  assert.equal(deleted.deletions, 2);
});

test('added lists the new lines of every hunk', () => {
  const before = Array.from({ length: 30 }, (_, i) => `l${i + 1}`).join('\n') + '\n';
  const after = before.replace('l3\n', 'l3\nnew-a\n').replace('l25\n', 'l25\nnew-b\n');
  const d = lineDiff(before, after, 'a', 'b');
  assert.deepEqual(d.added, [4, 27]);
});

test('added stays complete when a huge rewrite cuts the patch text', () => {
  const after = Array.from({ length: 200_000 }, (_, i) => `new line number ${i + 1} with some words`).join('\n') + '\n';
  const d = lineDiff('old\n', after, 'a/x.log', 'b/x.log');
  assert.match(d.patch, /patch cut here/);
  assert.equal(d.added.length, 200_000);
  assert.equal(d.added[199_999], 200_000);
  assert.equal(d.additions, 200_000);
});
