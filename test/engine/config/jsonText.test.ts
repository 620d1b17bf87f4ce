import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JsonSyntaxError, parseJsonText } from '../../../src/engine/config/jsonText';

/** Small deterministic PRNG (mulberry32), so every run checks the same inputs. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = ['a', 'Z', ' ', '"', '\\', '/', '\n', '\t', 'é', '😀', '\u0001', '\u2028', '{', ']'];

function randomValue(rand: () => number, depth: number): unknown {
  const pick = Math.floor(rand() * (depth > 3 ? 4 : 6));
  switch (pick) {
    case 0:
      return Array.from({ length: Math.floor(rand() * 6) }, () => ALPHABET[Math.floor(rand() * ALPHABET.length)]).join('');
    case 1:
      return [0, -1, 1.5, 1e21, -2.5e-7, 123456789][Math.floor(rand() * 6)];
    case 2:
      return [true, false, null][Math.floor(rand() * 3)];
    case 3:
      return '';
    case 4:
      return Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(rand, depth + 1));
    default: {
      const obj: Record<string, unknown> = {};
      for (let i = Math.floor(rand() * 4); i > 0; i--) obj[`k${Math.floor(rand() * 5)}`] = randomValue(rand, depth + 1);
      return obj;
    }
  }
}

test('reads exactly what JSON.parse reads', () => {
  const rand = prng(20240520);
  for (let i = 0; i < 500; i++) {
    const value = randomValue(rand, 0);
    const text = JSON.stringify(value, null, i % 2 === 0 ? 2 : undefined);
    assert.deepEqual(parseJsonText(text).value, JSON.parse(text), text);
  }
});

test('rejects exactly what JSON.parse rejects', () => {
  const rand = prng(7);
  const noise = ['', ',', '}', ']', '"', '\\', ':', 'x', '0', '-', '.', 'e', ' ', '/', '\n', 'tru', '{', '['];
  for (let i = 0; i < 2000; i++) {
    const base = JSON.stringify(randomValue(rand, 0));
    const at = Math.floor(rand() * (base.length + 1));
    const cut = Math.floor(rand() * 3);
    const text = base.slice(0, at) + noise[Math.floor(rand() * noise.length)] + base.slice(at + cut);
    let expected: unknown;
    let jsonFails = false;
    try {
      expected = JSON.parse(text);
    } catch {
      jsonFails = true;
    }
    if (jsonFails) {
      assert.throws(() => parseJsonText(text), JsonSyntaxError, text);
    } else {
      assert.deepEqual(parseJsonText(text).value, expected, text);
    }
  }
});

test('duplicate keys are listed by key path', () => {
  const parsed = parseJsonText('{"a": {"b": 1, "b": 2}, "c": [{"d": 0, "d": 1}]}');
  assert.deepEqual(parsed.duplicateKeys, ['a.b', 'c[0].d']);
  assert.deepEqual(parsed.value, { a: { b: 2 }, c: [{ d: 1 }] });
});

test('a byte-order mark is skipped and positions count lines from 1', () => {
  assert.deepEqual(parseJsonText('\ufeff{"a": 1}').value, { a: 1 });
  assert.throws(
    () => parseJsonText('{\r\n  "a": 1,\r\n  "b": nul\r\n}'),
    (err: unknown) => err instanceof JsonSyntaxError && err.line === 3 && err.column === 8,
  );
});

test('absurd nesting is refused instead of overflowing the stack', () => {
  assert.throws(() => parseJsonText('['.repeat(100_000)), /nested more than 256 levels/);
});
