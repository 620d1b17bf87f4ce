/**
 * Messages of command-line tools, which carry no log level: each real tool is run in a temporary
 * folder and what it printed is scanned as a log.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { scanLogText, type LogFinding } from '../../../src/engine/logs/logScanner';
import { errorSignals } from '../../../src/engine/rootCause/errorSignals';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ir-tools-'));
  dirs.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

/** Runs `bash -c` in `dir` and returns stdout and stderr interleaved, as `>> log 2>&1` writes them. */
function run(dir: string, script: string): { out: string; code: number } {
  // Without NODE_TEST_CONTEXT a nested `node --test` prints TAP instead of talking to this runner.
  const { NODE_TEST_CONTEXT: _inherited, ...env } = process.env;
  const r = spawnSync('bash', ['-c', `(${script}) 2>&1`], { cwd: dir, encoding: 'utf8', timeout: 60_000, env });
  return { out: r.stdout, code: r.status ?? -1 };
}

function scan(dir: string, text: string): LogFinding[] {
  return scanLogText(text, { workspaceRoot: dir, workspaceFiles: [] });
}

function has(tool: string): boolean {
  return spawnSync('which', [tool]).status === 0;
}

test('bash: a command not found in a script and in a sourced env file are located at the file and line bash names', () => {
  const dir = folder({
    'config/job.env': 'REGION=us EU\n',
    'scripts/sync.sh': 'set -e\nsource config/job.env\nrotate_logs\n',
  });
  const { out, code } = run(dir, 'bash scripts/sync.sh');
  assert.equal(code, 127);
  const findings = scan(dir, out);
  const env = findings.find((f) => f.message.includes('EU: command not found'));
  assert.ok(env, JSON.stringify(findings, null, 2));
  assert.equal(env.rule, 'tool_message');
  assert.deepEqual(
    env.frames.map((f) => `${f.file}:${f.line}`),
    ['config/job.env:1'],
  );
  assert.equal(env.exitCode, 127);
  // `set -e` stopped the script at the first failure: the function call on line 3 never ran.
  assert.equal(findings.filter((f) => f.rule === 'tool_message').length, 1);
  const again = scan(
    dir,
    run(dir, 'bash -c "source config/job.env; true"; bash scripts/sync.sh || true; sed -i 1d scripts/sync.sh; bash scripts/sync.sh').out,
  );
  const fn = again.find((f) => f.message.includes('rotate_logs: command not found'));
  assert.ok(fn, JSON.stringify(again, null, 2));
  assert.deepEqual(
    fn.frames.map((f) => `${f.file}:${f.line}`),
    ['scripts/sync.sh:2'],
  );
});

test('sh (dash) as make runs recipes: the missing program is found, the shell binary is no frame', () => {
  const dir = folder({ Makefile: '.PHONY: gen\ngen:\n\tpython3.99 tools/gen.py > out.txt\n' });
  const { out } = run(dir, 'make gen');
  const findings = scan(dir, out);
  const missing = findings.find((f) => f.rule === 'tool_message' && f.message.includes('python3.99'));
  assert.ok(missing, out);
  assert.deepEqual(missing.frames, []);
  assert.ok(
    findings.some((f) => f.rule === 'exit_code' && f.exitCode === 127),
    'make reports Error 127 too',
  );
});

test('curl: exit codes 6, 7 and 28 are recognised with what they mean, and typed as external', async () => {
  if (!has('curl')) return;
  const port = await new Promise<number>((resolve) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
  const dir = folder({});
  const { out, code } = run(dir, `curl -sS http://127.0.0.1:${port}/health`);
  assert.equal(code, 7);
  const [refused] = scan(dir, `2025-03-14T09:00:00Z INFO fetch: polling\n${out}`);
  assert.ok(refused, out);
  assert.equal(refused.errorType, 'curl (7)');
  assert.match(refused.message, /nothing accepted the connection/);
  assert.equal(refused.timestamp, Date.UTC(2025, 2, 14, 9, 0, 0), 'the time of the line before it');
  assert.ok(errorSignals(refused.message, refused.errorType).some((s) => s.category === 'external_failure' && s.weight >= 0.8));
  const timeout = scan(dir, 'curl: (28) Operation timed out after 1001 milliseconds with 0 bytes received\n')[0];
  assert.equal(timeout?.errorType, 'curl (28)');
  assert.ok(errorSignals(timeout.message, timeout.errorType).some((s) => s.category === 'external_failure'));
});

test('sqlite3: constraint failures, a malformed database and a parse error, each typed by what it means', () => {
  if (!has('sqlite3')) return;
  const dir = folder({
    'data/users.csv': 'email\na@x\na@x\n',
    'scripts/report.sql': 'SELECT 1;\nSELEC 2;\n',
  });
  const imp = run(dir, 'sqlite3 t.db "CREATE TABLE u(email TEXT UNIQUE)"; sqlite3 -bail t.db ".import --csv --skip 1 data/users.csv u"');
  const unique = scan(dir, imp.out).find((f) => f.rule === 'tool_message');
  assert.ok(unique, imp.out);
  assert.match(unique.message, /UNIQUE constraint failed: u\.email/);
  assert.deepEqual(
    unique.frames.map((f) => `${f.file}:${f.line}`),
    ['data/users.csv:3'],
  );
  assert.ok(errorSignals(unique.message).some((s) => s.category === 'data_corruption' && s.signal === 'constraint_failed'));

  const parse = run(dir, 'sqlite3 t.db < scripts/report.sql');
  const p = scan(dir, parse.out).find((f) => f.rule === 'tool_message');
  assert.ok(p, parse.out);
  assert.equal(p.errorType, 'sqlite3: parse error');
  assert.ok(errorSignals(p.message, p.errorType).some((s) => s.category === 'logic_error'));

  writeFileSync(path.join(dir, 'broken.db'), Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(8192, 0x5a)]));
  const bad = run(dir, 'sqlite3 broken.db "SELECT count(*) FROM sqlite_master"');
  const malformed = scan(dir, bad.out).find((f) => f.rule === 'tool_message');
  assert.ok(malformed, bad.out);
  assert.ok(
    errorSignals(malformed.message).some((s) => s.category === 'data_corruption'),
    malformed.message,
  );
});

test('node --test TAP: a failing test with its YAML block is one finding with the assertion and the test frame', () => {
  const dir = folder({
    'src/price.js': 'module.exports = { toCents: (x) => Math.floor(x) };\n',
    'test/price.test.js':
      "const test = require('node:test');\nconst assert = require('node:assert');\nconst { toCents } = require('../src/price.js');\ntest('whole amounts', () => assert.strictEqual(toCents(2), 200));\ntest('passes', () => {});\n",
  });
  const { out, code } = run(dir, `${JSON.stringify(process.execPath)} --test --test-reporter=tap test/`);
  assert.equal(code, 1);
  const findings = scan(dir, out).filter((f) => f.rule === 'tool_message');
  assert.equal(findings.length, 1, JSON.stringify(findings, null, 2));
  const [f] = findings;
  assert.ok(f);
  assert.match(f.message, /^test failed: whole amounts \(Expected values to be strictly equal/);
  assert.equal(f.errorType, 'AssertionError');
  assert.ok(f.endLine > f.line, 'the YAML block belongs to the finding');
  assert.ok(
    f.frames.some((fr) => fr.inWorkspace && fr.file === 'test/price.test.js' && fr.line === 4),
    JSON.stringify(f.frames),
  );
});

test('pytest and javac: the failing test and the compile error, with the file they name', () => {
  const dir = folder({
    'calc.py': 'def add(a, b):\n    return a - b\n',
    'tests/test_calc.py': 'from calc import add\n\ndef test_add():\n    assert add(1, 2) == 3\n',
    'src/Main.java': 'public class Main {\n  public static void main(String[] a) {\n    System.out.println(missing());\n  }\n}\n',
  });
  const py = run(dir, 'python3 -m pytest -q -p no:cacheprovider tests');
  const failed = scan(dir, py.out).find((f) => f.rule === 'tool_message' && f.errorType === 'test failed');
  assert.ok(failed, py.out);
  assert.match(failed.message, /tests\/test_calc\.py::test_add/);
  if (!has('javac')) return;
  const java = run(dir, 'javac -d out src/Main.java');
  const compile = scan(dir, java.out).find((f) => f.rule === 'tool_message');
  assert.ok(compile, java.out);
  assert.equal(compile.errorType, 'compile error');
  assert.equal(compile.frames[0]?.line, 3);
});

test('quiet lines stay quiet: prose that merely contains a tool word is no finding', () => {
  const dir = folder({});
  const text = [
    'INFO deploy: curl is installed',
    'INFO tests: ok 1 - not ok is what TAP prints on failure',
    'INFO make: nothing to be done for all',
    'INFO sync: the line 3 of the report was not found to differ',
  ].join('\n');
  assert.deepEqual(scan(dir, text), []);
});

test('a job killed by its time budget is resource exhaustion, not an upstream timeout', () => {
  const signals = errorSignals('ERROR dedupe: timed out after 2s (exit 124)');
  assert.ok(signals.some((s) => s.signal === 'time_budget' && s.category === 'resource_exhaustion'));
  assert.ok(!signals.some((s) => s.category === 'external_failure'), JSON.stringify(signals));
});

test("V8's JSON.parse message is a JSON parse error even when the log cuts it at the snippet's line break", () => {
  const r = spawnSync(process.execPath, ['-e', 'JSON.parse(\'{\\n "a": [\\n  1,\\n ],\\n "b": 2\\n}\')'], { encoding: 'utf8' });
  const header = r.stderr.split('\n').find((l) => l.startsWith('SyntaxError:'));
  assert.ok(header, r.stderr);
  assert.ok(
    errorSignals(header).some((s) => s.signal === 'json_parse'),
    header,
  );
});
