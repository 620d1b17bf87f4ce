import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../../src/engine/errors';
import { resolveRef } from '../../../src/engine/refs';
import type { SnapshotRecord } from '../../../src/engine/types';

const snap = (id: string, createdAt: number, extra: Partial<SnapshotRecord> = {}): SnapshotRecord => ({
  id,
  label: null,
  baseline: false,
  createdAt,
  manifestId: 'm' + id,
  fileCount: 1,
  byteCount: 1,
  ...extra,
});

const all = [
  snap('aaaa1111', 1, { label: 'before' }),
  snap('bbbb2222', 2, { baseline: true }),
  snap('bbbc3333', 3, { label: 'before' }),
  snap('dddd4444', 4),
];

test('latest, latest~N, baseline and baseline~N', () => {
  assert.equal(resolveRef(all, 'latest').id, 'dddd4444');
  assert.equal(resolveRef(all, 'latest~1').id, 'bbbc3333');
  assert.equal(resolveRef(all, 'latest~3').id, 'aaaa1111');
  assert.equal(resolveRef(all, 'baseline').id, 'bbbb2222');
  assert.equal(resolveRef(all, 'baseline~1').id, 'aaaa1111');
});

test('ids, unique prefixes and labels (the newest carrying the label)', () => {
  assert.equal(resolveRef(all, 'dddd4444').id, 'dddd4444');
  assert.equal(resolveRef(all, 'aaaa').id, 'aaaa1111');
  assert.equal(resolveRef(all, 'before').id, 'bbbc3333');
});

test('bad refs say what to use instead', () => {
  assert.throws(
    () => resolveRef(all, 'latest~9'),
    (e: unknown) => e instanceof InputError && /goes back further/.test(e.message),
  );
  assert.throws(
    () => resolveRef(all, 'bbb'),
    (e: unknown) => e instanceof InputError && /unknown snapshot/.test(e.message),
  );
  assert.throws(
    () => resolveRef(all, 'bbb2'),
    (e: unknown) => e instanceof InputError && /latest~N/.test(e.message),
  );
  assert.throws(() => resolveRef([], 'latest'), /no snapshots yet/);
  assert.throws(() => resolveRef([snap('x', 1)], 'baseline'), /no baseline set/);
});

test('an ambiguous prefix lists the candidates', () => {
  assert.throws(() => resolveRef(all, 'bbb'), /unknown snapshot/);
  assert.equal(resolveRef(all, 'bbbb').id, 'bbbb2222');
  assert.throws(() => resolveRef([snap('abcd0001', 1), snap('abcd0002', 2)], 'abcd'), /ambiguous \(abcd0001, abcd0002\)/);
});
