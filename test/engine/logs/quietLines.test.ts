/**
 * Most lines of a log take a quick path past the detectors. These lines only barely matter
 * (a level in odd case, a control character inside a word, a location line ending in spaces)
 * and must still be read exactly as before, whether pushed as text or streamed as bytes.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { type LogFinding, scanLogStream, scanLogText } from '../../../src/engine/logs/logScanner';
import { hasControlBytes } from '../../../src/engine/logs/controlBytes';
import { LineSplitter } from '../../../src/engine/logs/lineSplitter';
import { removeWorkspace, tempWorkspace } from './helpers';

const ws = tempWorkspace();
after(() => removeWorkspace(ws));
const opts = { workspaceRoot: ws, defaultZone: 'utc' as const, year: 2024 };

function brief(findings: LogFinding[]): [number, string, string][] {
  return findings.map((f) => [f.line, f.rule, f.message]);
}

/** Streams `text` as bytes cut into pieces of `size`, so lines and control bytes straddle chunks. */
async function streamed(text: string, size: number): Promise<LogFinding[]> {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return (await scanLogStream(Readable.from(chunks), opts)).findings;
}

const QUIET = '2024-05-20T14:02:03.000Z INFO worker: batch 7 ok, 120 rows in 33 ms';

describe('lines next to quiet ones', () => {
  it('reads a level word split by a control character, an odd-case level and a coloured one', async () => {
    const text = [
      QUIET,
      '2024-05-20T14:02:04.000Z E\x07RROR worker: disk full',
      QUIET,
      '2024-05-20T14:02:05.000Z eRRor worker: odd case still counts after a time',
      QUIET,
      '\x1b[31m2024-05-20T14:02:06.000Z\x1b[0m \x1b[1mFATAL\x1b[0m worker: gone',
      QUIET,
    ].join('\n');
    const expected: [number, string, string][] = [
      [2, 'level_error', 'worker: disk full'],
      [4, 'level_error', 'worker: odd case still counts after a time'],
      [6, 'level_error', 'worker: gone'],
    ];
    assert.deepEqual(brief(scanLogText(text, opts)), expected);
    for (const size of [1, 7, 64, 4096]) assert.deepEqual(brief(await streamed(text + '\n', size)), expected, `chunks of ${size}`);
  });

  it('starts a Node caret block on a location line that ends in spaces', async () => {
    const text = [
      QUIET,
      `${ws}/app.js:2   `,
      '  null.x;',
      '       ^',
      '',
      "TypeError: Cannot read properties of null (reading 'x')",
      `    at Object.<anonymous> (${ws}/app.js:2:8)`,
      QUIET,
    ].join('\n');
    const found = scanLogText(text, opts);
    assert.equal(found.length, 1);
    assert.equal(found[0]?.line, 2);
    assert.equal(found[0]?.errorType, 'TypeError');
    assert.deepEqual(brief(await streamed(text, 5)), brief(found));
  });

  it('reads exit reports, signals, npm and panic starts among quiet lines', async () => {
    const text = [
      QUIET,
      'Killed',
      QUIET,
      'make: *** [Makefile:4: all] Error 2',
      QUIET,
      'npm error code ELIFECYCLE',
      QUIET,
      'panic: runtime error: index out of range [3] with length 3',
      '',
      'goroutine 1 [running]:',
      'main.main()',
      `\t${ws}/main.go:8 +0x1d`,
      'exit status 2',
      QUIET,
      'worker returned non-zero exit status 3',
    ].join('\n');
    const rules = scanLogText(text, opts).map((f) => [f.line, f.rule]);
    assert.deepEqual(rules, [
      [2, 'signal'],
      [4, 'exit_code'],
      [6, 'exit_code'],
      [8, 'go_panic'],
      [13, 'exit_code'],
      [15, 'exit_code'],
    ]);
    assert.deepEqual(brief(await streamed(text, 3)), brief(scanLogText(text, opts)));
  });

  it('stays quiet on a log of ordinary lines', () => {
    const lines: string[] = [];
    for (let i = 0; i < 2000; i++)
      lines.push(`2024-05-20T14:02:${String(i % 60).padStart(2, '0')}.000Z INFO worker-${i % 7}: batch ${i} ok in ${i % 90} ms`);
    assert.deepEqual(scanLogText(lines.join('\n'), opts), []);
  });
});

describe('hasControlBytes', () => {
  it('finds each control byte at every alignment and lets TAB, LF, CR and UTF-8 through', () => {
    const clean = Buffer.from('tab\there\r\nünïcödé ✓ line\n');
    for (let offset = 0; offset < 4; offset++) assert.equal(hasControlBytes(clean.subarray(offset)), false);
    const controls = [0x00, 0x01, 0x08, 0x0b, 0x0c, 0x0e, 0x1b, 0x1f, 0x7f];
    for (const c of controls) {
      for (let at = 0; at < 11; at++) {
        const b = Buffer.alloc(11, 0x61);
        b[at] = c;
        for (let offset = 0; offset <= at; offset++) {
          assert.equal(hasControlBytes(b.subarray(offset)), true, `0x${c.toString(16)} at ${at}, view from ${offset}`);
        }
      }
    }
  });
});

describe('LineSplitter', () => {
  it('calls a line plain only when none of the bytes it came from held a control character', () => {
    const got: [string, boolean][] = [];
    const splitter = new LineSplitter(100, (line, plain) => got.push([line, plain]));
    splitter.write(Buffer.from('one\ntw'));
    splitter.write(Buffer.from('o\x07\nthree\n'));
    splitter.write(Buffer.from('four\n'));
    splitter.write('five as text\n');
    splitter.end();
    assert.deepEqual(got, [
      ['one', true],
      ['two\x07', false],
      ['three', false],
      ['four', true],
      ['five as text', false],
    ]);
  });

  it('decodes characters cut between chunks, whether the chunks around them are ASCII or not', () => {
    const got: string[] = [];
    const splitter = new LineSplitter(100, (line) => got.push(line));
    const u = Buffer.from('ü'); // 0xc3 0xbc
    const euro = Buffer.from('€'); // 0xe2 0x82 0xac
    splitter.write(Buffer.from('plain\n'));
    splitter.write(Buffer.concat([Buffer.from('a'), u.subarray(0, 1)]));
    splitter.write(Buffer.concat([u.subarray(1), Buffer.from('b\n')]));
    splitter.write(euro.subarray(0, 2));
    splitter.write(Buffer.from('x\n')); // an ASCII chunk after a cut character: the stray bytes are invalid
    splitter.write(Buffer.from('ascii again\n'));
    splitter.write(Buffer.concat([Buffer.from('end'), euro.subarray(0, 1)]));
    splitter.end();
    assert.deepEqual(got, ['plain', 'aüb', '\ufffdx', 'ascii again', 'end\ufffd']);
  });
});

describe("the tool messages' quick check", () => {
  it('lets through every phrase, every line-start shape (after spaces, tabs or a no-break space) and a trailing FAILED', async () => {
    const { mayBeToolMessage } = await import('../../../src/engine/logs/tools/index');
    const through = [
      'bash: foo: command not found',
      'cat: x: No such file or directory',
      'sh: ./run.sh: Permission denied',
      'x.sh: line 3: y: unbound variable',
      'x.sh: line 4: syntax error near unexpected token',
      'x.sh: line 5: ${a/: bad substitution',
      'x.sh: line 6: $out: ambiguous redirect',
      'x.sh: line 7: [[: expression expected',
      'cat: out: Is a directory',
      'sh: ./a.out: cannot execute binary file',
      'curl: (7) Failed to connect',
      'Error: near line 3: no such table',
      'Parse error near line 3: x',
      'INSERT failed: UNIQUE constraint',
      'data.csv:2: expected 3 columns but found 2',
      'psql: error: connection refused',
      'not ok 3 - adds',
      '  not ok 4 - nested',
      '\tnot ok 5 - tabbed',
      '\u00a0not ok 6 - no-break space',
      'FAILED tests/test_a.py::test_b - assert 1 == 2',
      'ERROR tests/test_a.py - ImportError',
      '\u25cf Suite \u203a adds',
      'tests/test_a.py::test_b FAILED',
      'FAILED',
      'Tests run: 3, Failures: 1, Errors: 0',
      'src/a.c:3:5: error: expected ;',
      'make: *** [Makefile:3: all] Error 1',
      'Error response from daemon: No such container',
      'ERROR: relation "users" does not exist',
    ];
    for (const line of through) assert.equal(mayBeToolMessage(line), true, line);
    const quiet = [
      QUIET,
      '',
      'x FAILEDs',
      'xnot ok 3',
      ' FAILED indented shapes are not anchored ones',
      'error near the line',
      'expected three columns',
      'Errors: 0 of 3',
    ];
    assert.deepEqual(
      quiet.filter((l) => mayBeToolMessage(l)),
      [],
    );
  });
});
