import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeDocRef, encodeDocRef, type SnapshotDocRef } from '../../src/extension/diffs/snapshotUri';

const folder = 'file:///home/me/my%20workspace';

test('a snapshot file address carries folder, snapshot and path, and reads back the same', () => {
  const odd = ['config/app.json', 'data/[draft] orders (1).csv', 'notes/a&b=c?d#e.md', 'ünïcödé/π 100%.txt', 'plus+sign.txt'];
  for (const path of odd) {
    const ref: SnapshotDocRef = { kind: 'file', folder, snapshot: '1a2b3c4d', path };
    const parts = encodeDocRef(ref);
    assert.equal(parts.path, `/${path}`, 'the path is the file path, so tab titles and languages work');
    assert.deepEqual(decodeDocRef(parts), ref, path);
  }
});

test('the address never carries file content, only where to find it', () => {
  const parts = encodeDocRef({ kind: 'file', folder, snapshot: 'abcd1234', path: 'a.txt' });
  assert.deepEqual(Object.keys(Object.fromEntries(new URLSearchParams(parts.query))).sort(), ['folder', 'snapshot']);
});

test('the empty side of an added or removed file has its own address', () => {
  const empty: SnapshotDocRef = { kind: 'empty', folder, path: 'gone.csv' };
  assert.deepEqual(decodeDocRef(encodeDocRef(empty)), empty);
});

test('incomplete addresses are recognised as such instead of guessed', () => {
  assert.equal(decodeDocRef({ path: '/a.txt', query: '' }), null);
  assert.equal(decodeDocRef({ path: '/a.txt', query: 'snapshot=abc' }), null);
  assert.equal(decodeDocRef({ path: '/', query: `folder=${encodeURIComponent(folder)}&snapshot=abc` }), null);
});
