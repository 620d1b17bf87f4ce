import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  isArrayOf,
  isKeyedRecord,
  isNullable,
  isNumber,
  isOneOf,
  isRecordOf,
  isShape,
  isString,
  optional,
} from '../../src/protocol/guards';

const isPoint = isShape({ x: isNumber, y: isNumber, label: optional(isString), tag: isNullable(isOneOf(['a', 'b'] as const)) });

test('a shape accepts every declared field and tolerates extra keys from a newer peer', () => {
  assert.ok(isPoint({ x: 1, y: 2, tag: null }));
  assert.ok(isPoint({ x: 1, y: 2, tag: 'a', label: 'p', future: true }));
  assert.ok(isPoint({ x: 1, y: 2, tag: 'b', label: undefined }));
});

test('a shape rejects missing, mistyped and non-object values', () => {
  assert.ok(!isPoint({ x: 1, tag: null }), 'missing y');
  assert.ok(!isPoint({ x: '1', y: 2, tag: null }), 'x as text');
  assert.ok(!isPoint({ x: 1, y: 2, tag: 'c' }), 'tag outside the union');
  assert.ok(!isPoint({ x: 1, y: 2, tag: null, label: 3 }), 'optional field present but mistyped');
  assert.ok(!isPoint({ x: Number.NaN, y: 2, tag: null }), 'NaN is not a number here');
  assert.ok(!isPoint({ x: Infinity, y: 2, tag: null }));
  for (const v of [null, undefined, 1, 'x', [1, 2], true]) assert.ok(!isPoint(v), String(v));
});

test('arrays and records check every element and refuse oversized input', () => {
  assert.ok(isArrayOf(isString)(['a', 'b']));
  assert.ok(!isArrayOf(isString)(['a', 1]));
  assert.ok(!isArrayOf(isString, 2)(['a', 'b', 'c']));
  assert.ok(isRecordOf(isString)({ a: 'x' }));
  assert.ok(!isRecordOf(isString)({ a: 1 }));
  assert.ok(!isRecordOf(isString)(['x']));
  const isAB = isKeyedRecord(['a', 'b'] as const, isNumber);
  assert.ok(isAB({ a: 1, b: 2 }));
  assert.ok(!isAB({ a: 1 }), 'every key of the enum must be present');
});
