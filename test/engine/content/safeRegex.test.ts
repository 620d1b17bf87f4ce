import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../../src/engine/errors';
import { compileUserRegex, cutLongLines, RegexTimeoutError } from '../../../src/engine/content/safeRegex';
import { ScanBudget } from '../../../src/engine/content/scanBudget';

const HOSTILE = '(a+)+$';
const HOSTILE_LINE = 'a'.repeat(9_999) + '!'; // 10,000 chars

describe('compileUserRegex', () => {
  it('rejects invalid syntax with an InputError naming the pattern and where it came from', () => {
    assert.throws(
      () => compileUserRegex('foo(bar', '', 'constraint "no debug output"'),
      (err: unknown) =>
        err instanceof InputError &&
        err.exitCode === 2 &&
        err.message.includes('constraint "no debug output"') &&
        err.message.includes('/foo(bar/'),
    );
  });

  it('rejects unknown flags', () => {
    assert.throws(() => compileUserRegex('x', 'q'), InputError);
  });

  it('honours flags and ignores the stateful ones', () => {
    const re = compileUserRegex('error', 'gi');
    assert.equal(re.test('An ERROR happened'), true);
    assert.equal(re.test('An ERROR happened'), true, 'no lastIndex carried over between calls');
  });
});

describe('SafeRegex matching', () => {
  it('exec and matchAll report positions, groups and group spans', () => {
    const re = compileUserRegex('key=(\\w+)');
    const first = re.exec('a key=one and key=two');
    assert.deepEqual(first, { index: 2, text: 'key=one', groups: ['one'], groupSpans: [[6, 9]] });
    const all = re.matchAll('a key=one and key=two');
    assert.deepEqual(
      all.map((m) => [m.index, m.groups[0]]),
      [
        [2, 'one'],
        [14, 'two'],
      ],
    );
    assert.equal(re.exec('nothing here'), null);
  });

  it('does not loop on patterns that match the empty string', () => {
    assert.equal(compileUserRegex('x*').matchAll('abc').length, 4);
  });

  it('scanLines returns matches by line index', () => {
    const re = compileUserRegex('TODO');
    const result = re.scanLines(['a', 'TODO b', 'c', 'x TODO TODO'], { mode: 'all' });
    assert.deepEqual(
      result.matches.map((m) => [m.line, m.matches.map((x) => x.index)]),
      [
        [1, [0]],
        [3, [2, 7]],
      ],
    );
    assert.equal(result.stopped, undefined);
  });
});

describe('SafeRegex against catastrophic backtracking', () => {
  it('stops (a+)+$ on a 10,000-char line and blames that line', () => {
    const re = compileUserRegex(HOSTILE);
    const result = re.scanLines(['fine', 'TODO', HOSTILE_LINE, 'aaa'], { mode: 'test', timeoutMs: 100 });
    assert.deepEqual(result.stopped, { line: 2, reason: 'timeout' });
  });

  it('keeps the matches found before the line that timed out', () => {
    const re = compileUserRegex('^(a+)+$');
    const result = re.scanLines(['aaa', 'b', HOSTILE_LINE], { mode: 'first', timeoutMs: 100 });
    assert.deepEqual(
      result.matches.map((m) => m.line),
      [0],
    );
    assert.deepEqual(result.stopped, { line: 2, reason: 'timeout' });
  });

  it('single calls throw RegexTimeoutError, and the sandbox keeps working afterwards', () => {
    const re = compileUserRegex(HOSTILE);
    assert.throws(() => re.test(HOSTILE_LINE, 100), RegexTimeoutError);
    assert.throws(() => re.exec(HOSTILE_LINE, 100), RegexTimeoutError);
    assert.equal(compileUserRegex('ok$').test('all ok'), true);
    assert.equal(re.test('aaaa'), true);
  });

  it('reports the budget, not the pattern, when the overall time is already gone', () => {
    const budget = new ScanBudget(0);
    const result = compileUserRegex('x').scanLines(['x', 'x'], { mode: 'test', remainingMs: () => budget.remainingMs });
    assert.deepEqual(result.stopped, { line: 0, reason: 'budget' });
    assert.deepEqual(result.matches, []);
  });
});

describe('cutLongLines', () => {
  it('cuts a 50,000-char line to the limit and counts it', () => {
    const { lines, cut } = cutLongLines(['short', 'y'.repeat(50_000)], 10_000);
    assert.equal(cut, 1);
    assert.equal(lines[0], 'short');
    assert.equal(lines[1]?.length, 10_000);
  });
});

describe('ScanBudget', () => {
  it('records each skipped item once, in order', () => {
    const budget = new ScanBudget(60_000);
    assert.equal(budget.expired, false);
    budget.skip('a');
    budget.skip('b');
    budget.skip('a');
    assert.deepEqual(budget.skipped, ['a', 'b']);
  });

  it('is expired at once with a zero budget', () => {
    assert.equal(new ScanBudget(0).expired, true);
  });
});
