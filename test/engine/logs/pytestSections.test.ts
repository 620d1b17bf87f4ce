/**
 * pytest's failure sections: each failing test is one finding placed where pytest says it failed
 * (its frames, innermost last), with its summary line not reported a second time; the program's
 * captured output under a section is scanned as usual.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { type LogFinding, scanLogText } from '../../../src/engine/logs/logScanner';
import { hasCommand, lineOf, removeWorkspace, tempWorkspace } from './helpers';

const ws = tempWorkspace();
after(() => removeWorkspace(ws));
const FILES = ['src/db.py', 'src/calc.py', 'tests/conftest.py', 'tests/test_calc.py'];
const opts = { workspaceRoot: ws, workspaceFiles: FILES };
const LOG = readFileSync(path.resolve(__dirname, '../../fixtures/logs/pytest-sections.log'), 'utf8');

function brief(f: LogFinding): { line: number; type: string | undefined; message: string; at: string[] } {
  return {
    line: f.line,
    type: f.errorType,
    message: f.message,
    at: f.frames.filter((fr) => fr.inWorkspace).map((fr) => `${fr.file}:${fr.line}`),
  };
}

describe('pytest failure sections', () => {
  it('reports each failing test once, at its section, with the frames pytest printed', () => {
    const found = scanLogText(LOG, opts);
    const tests = found.filter((f) => f.rule === 'tool_message').map(brief);
    assert.deepEqual(tests, [
      {
        line: lineOf(LOG, /ERROR at setup of test_with_db/),
        type: 'test error',
        message: 'ERROR at setup of test_with_db - ConnectionRefusedError: [Errno 111] Connection refused',
        at: ['tests/conftest.py:12', 'src/db.py:4'],
      },
      {
        line: lineOf(LOG, /^_+ test_average _+$/),
        type: 'test failed',
        message: 'tests/test_calc.py::test_average - ZeroDivisionError: division by zero',
        at: ['tests/test_calc.py:7', 'src/calc.py:2'],
      },
      {
        line: lineOf(LOG, /TestStats\.test_median\[odd\]/),
        type: 'test failed',
        message: 'tests/test_calc.py::TestStats::test_median[odd] - assert 2 == 3',
        at: ['tests/test_calc.py:14'],
      },
      // No section for this one (pytest -rN would print none at all): its summary line is the report.
      {
        line: lineOf(LOG, /^FAILED tests\/test_other\.py/),
        type: 'test failed',
        message: "tests/test_other.py::test_gone - KeyError: 'x'",
        at: [],
      },
    ]);
    // The section ends where the program's captured output starts: its own error line is found.
    const captured = found.find((f) => f.line === lineOf(LOG, /something printed by the program/));
    assert.ok(captured, JSON.stringify(found.map(brief)));
  });

  it('reads the same failures behind the timestamp GitHub Actions and kubectl put before every line', () => {
    const plain = scanLogText(LOG, opts).filter((f) => f.rule === 'tool_message');
    const stamped = LOG.split('\n')
      .map((l, i) => `2024-05-20T10:00:${String(i % 60).padStart(2, '0')}.000Z ${l}`)
      .join('\n');
    const found = scanLogText(stamped, opts).filter((f) => f.rule === 'tool_message');
    assert.deepEqual(
      found.map((f) => [f.line, f.message, f.frames.map((fr) => `${fr.file}:${fr.line}`)]),
      plain.map((f) => [f.line, f.message, f.frames.map((fr) => `${fr.file}:${fr.line}`)]),
    );
  });

  it('leaves sections without an error line alone (the PASSES report of -rP), and underscores in prose', () => {
    const text = [
      '==================================== PASSES ====================================',
      '_________________________________ test_total __________________________________',
      '----------------------------- Captured stdout call -----------------------------',
      'total: 3',
      '___ not a section: a rule of underscores in a README ___',
      'plain text after it',
    ].join('\n');
    assert.deepEqual(scanLogText(text, opts).map(brief), []);
  });

  it('places a real pytest failure at the test and the code it called', { skip: !hasCommand('python3') || !hasPytest() }, () => {
    mkdirSync(path.join(ws, 'real/tests'), { recursive: true });
    writeFileSync(path.join(ws, 'real/calc.py'), 'def average(xs):\n    return sum(xs) / (len(xs) - 3)\n');
    writeFileSync(
      path.join(ws, 'real/tests/test_calc.py'),
      'import sys, os\nsys.path.insert(0, os.path.dirname(os.path.dirname(__file__)))\nfrom calc import average\n\n\ndef test_average():\n    assert average([1, 2, 3]) == 2\n',
    );
    const pytest = (): string => {
      const r = spawnSync('python3', ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests'], {
        cwd: path.join(ws, 'real'),
        encoding: 'utf8',
      });
      return r.stdout + r.stderr;
    };
    const files = ['calc.py', 'tests/test_calc.py', 'tests/test_io.py'];
    const reports = (out: string): ReturnType<typeof brief>[] =>
      scanLogText(out, { workspaceRoot: path.join(ws, 'real'), workspaceFiles: files })
        .filter((f) => f.rule === 'tool_message')
        .map(brief);
    let out = pytest();
    const [failed, ...more] = reports(out);
    assert.deepEqual(more, [], out);
    assert.equal(failed?.message, 'tests/test_calc.py::test_average - ZeroDivisionError: division by zero', out);
    assert.deepEqual(failed?.at, ['tests/test_calc.py:7', 'calc.py:2'], out);
    // A test module that no longer parses: pytest reports it while collecting, and runs nothing.
    writeFileSync(path.join(ws, 'real/tests/test_io.py'), 'def f(:\n    pass\n');
    out = pytest();
    const [collecting, ...others] = reports(out);
    assert.deepEqual(others, [], out);
    assert.equal(collecting?.type, 'test error', out);
    assert.equal(collecting?.message, 'tests/test_io.py - SyntaxError: invalid syntax', out);
    assert.deepEqual(collecting?.at, ['tests/test_io.py:1'], out);
  });
});

function hasPytest(): boolean {
  return spawnSync('python3', ['-m', 'pytest', '--version'], { stdio: 'ignore' }).status === 0;
}
