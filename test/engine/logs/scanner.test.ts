import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { LogScanner, errorSignature, scanLogStream, scanLogText } from '../../../src/engine/logs/logScanner';
import { removeWorkspace, tempWorkspace } from './helpers';

const ws = tempWorkspace();
after(() => removeWorkspace(ws));
const opts = { workspaceRoot: ws, defaultZone: 'utc' as const, year: 2024 };

function rules(text: string): [number, string][] {
  return scanLogText(text, opts).map((f) => [f.line, f.rule]);
}

describe('log level lines', () => {
  it('fires on ERROR / FATAL / CRITICAL where loggers put the level', () => {
    const lines = [
      '2024-05-20 14:02:03,123 ERROR app: db down',
      '14:02:03.123 [main] ERROR c.a.Service - failed',
      '[2024-05-20T14:02:03Z ERROR myapp::db] pool exhausted',
      '2024/05/20 14:02:03 [error] 7#0: *1 connect() failed',
      'May 20 14:02:03 host app[12]: CRITICAL disk full',
      'ERROR:root:boom',
      'level=error ts=2024-05-20T14:02:03Z msg="write failed"',
      '{"level":"fatal","msg":"cannot bind","time":"2024-05-20T14:02:03Z"}',
      '{"level":50,"msg":"pino error","time":1716213723123}',
      '2024-05-20T14:02:03.123Z\terror\tworker/run.go:42\tjob failed',
      'SEVERE: connection pool exhausted',
      'error: could not compile `app` due to 2 previous errors',
      'fatal: not a git repository (or any of the parent directories): .git',
      '[FATAL] out of file descriptors',
    ];
    assert.deepEqual(
      scanLogText(lines.join('\n'), opts).map((f) => [f.line, f.rule]),
      lines.map((_, i) => [i + 1, 'level_error']),
    );
  });

  it('stays quiet on the word error in prose and on lower levels', () => {
    const lines = [
      '2024-05-20 14:02:03,123 INFO sync: 0 errors so far',
      '2024-05-20 14:02:03,123 WARNING retrying after error budget check',
      'Processing ERROR records from the import queue',
      'Improved error handling in the parser',
      'Found 0 errors. Watching for file changes.',
      '1 error generated.',
      'level=info msg="error_rate=0.0"',
      '{"level":"info","msg":"no error"}',
      'errors: 0, warnings: 2',
      'ERROR_COUNT=0',
      'the alert was acknowledged',
    ];
    assert.deepEqual(rules(lines.join('\n')), []);
  });

  it('reads compiler errors with their source location and runner exit reports', () => {
    const text = [
      `${ws}/src/app.c:3:5: error: expected ';' before '}' token`,
      "src/api.ts(12,7): error TS2322: Type 'string' is not assignable to type 'number'.",
      'Error: Process completed with exit code 1.',
    ].join('\n');
    const findings = scanLogText(text, opts);
    assert.deepEqual(
      findings.map((f) => [f.rule, f.frames[0] ?? null, f.exitCode ?? null]),
      [
        ['level_error', { file: 'src/app.c', line: 3, column: 5, inWorkspace: true }, null],
        ['level_error', { file: 'src/api.ts', line: 12, column: 7, inWorkspace: true }, null],
        ['exit_code', null, 1],
      ],
    );
    assert.equal(findings[1]?.message, "Type 'string' is not assignable to type 'number'.");
  });

  it('gives the message after the level and the column of the level word', () => {
    const [f] = scanLogText('2024-05-20 14:02:03,123 ERROR sync: upstream 503', opts);
    assert.equal(f?.message, 'sync: upstream 503');
    assert.equal(f?.column, 25);
    assert.equal(f?.timestamp, Date.UTC(2024, 4, 20, 14, 2, 3, 123));
    const [j] = scanLogText('{"level":"error","msg":"write \\"a\\" failed"}', opts);
    assert.equal(j?.message, 'write "a" failed');
  });

  it('reads coloured output and docker compose prefixes', () => {
    const text = [
      '\x1b[31mERROR\x1b[0m failed to start',
      'web-1  | restarting',
      'web-1  | Traceback (most recent call last):',
      'web-1  |   File "/app/server.py", line 3, in <module>',
      'web-1  |     main()',
      "web-1  | KeyError: 'PORT'",
      'web-1  | listening',
    ].join('\n');
    const findings = scanLogText(text, opts);
    assert.deepEqual(
      findings.map((f) => [f.line, f.rule, f.endLine, f.column]),
      [
        [1, 'level_error', 1, 1],
        [3, 'python_traceback', 6, 10],
      ],
    );
    assert.equal(findings[1]?.errorType, 'KeyError');
  });
});

describe('blocks own their lines', () => {
  it('does not fire level_error for ERROR words inside a stack block', () => {
    const text = [
      'Traceback (most recent call last):',
      '  File "/srv/app.py", line 3, in <module>',
      '    log.error("ERROR: fatal")',
      'RuntimeError: ERROR fatal state',
      'java.lang.IllegalStateException: FATAL ERROR in worker',
      '\tat com.acme.Worker.run(Worker.java:10)',
      'Caused by: java.io.IOException: exit status 1',
      '\tat com.acme.Io.read(Io.java:3)',
      '\t... 1 more',
    ].join('\n');
    assert.deepEqual(rules(text), [
      [1, 'python_traceback'],
      [5, 'java_exception'],
    ]);
  });

  it('bounds the evidence of a huge stack and still ends the block at its last frame', () => {
    const frames = Array.from({ length: 3000 }, (_, i) => `\tat com.acme.Deep.f${i}(Deep.java:${i + 1})`);
    const text = ['java.lang.StackOverflowError', ...frames, 'next line'].join('\n');
    const [f] = scanLogText(text, opts);
    assert.equal(f?.rule, 'java_exception');
    assert.equal(f?.endLine, 3001);
    assert.ok((f?.evidence.split('\n').length ?? 99) <= 15);
    assert.ok((f?.evidence.length ?? 9999) <= 2000);
    assert.ok(f?.evidence.startsWith('java.lang.StackOverflowError'));
    assert.ok((f?.frames.length ?? 0) <= 200);
  });

  it('scans the lines of a false-start caret block again', () => {
    const text = ['/srv/app/config.ini:3', 'ERROR: key missing', 'next'].join('\n');
    assert.deepEqual(rules(text), [[2, 'level_error']]);
  });

  it('reports a stand-alone Node error line with its errno code', () => {
    const [f] = scanLogText('Error: connect ECONNREFUSED 127.0.0.1:5432', opts);
    assert.deepEqual([f?.rule, f?.errorType, f?.message], ['node_error', 'ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432']);
    const [g] = scanLogText("Error: ENOENT: no such file or directory, open '/srv/data.csv'", opts);
    assert.equal(g?.errorType, 'ENOENT');
  });

  it('reads REPL "Uncaught" errors and old-style unhandled rejection warnings', () => {
    const text = [
      'Uncaught TypeError: cart.total is not a function',
      `    at checkout (${ws}/src/cart.js:14:10)`,
      '(node:4242) UnhandledPromiseRejectionWarning: Error: payment gateway timeout',
      `    at charge (${ws}/src/pay.js:8:11)`,
      '(node:4242) UnhandledPromiseRejectionWarning: Unhandled promise rejection.',
    ].join('\n');
    const findings = scanLogText(text, opts);
    assert.deepEqual(
      findings.map((f) => [f.line, f.endLine, f.rule, f.errorType, f.message]),
      [
        [1, 2, 'node_error', 'TypeError', 'cart.total is not a function'],
        [3, 4, 'node_error', 'Error', 'payment gateway timeout'],
      ],
    );
    assert.deepEqual(findings[0]?.frames, [{ file: 'src/cart.js', line: 14, column: 10, function: 'checkout', inWorkspace: true }]);
  });

  it('finishes a block cut off by the end of the new text', () => {
    const [f] = scanLogText('Traceback (most recent call last):\n  File "/srv/a.py", line 1, in <module>', opts);
    assert.equal(f?.rule, 'python_traceback');
    assert.equal(f?.errorType, undefined);
    assert.equal(f?.endLine, 2);
  });
});

describe('numbering, user patterns and hostile input', () => {
  it('numbers lines from firstLine', () => {
    const findings = scanLogText('ok\nERROR: one\nok\nKilled\n', { ...opts, firstLine: 1001 });
    assert.deepEqual(
      findings.map((f) => [f.line, f.endLine]),
      [
        [1002, 1002],
        [1004, 1004],
      ],
    );
    const s = new LogScanner({ ...opts, firstLine: 7 });
    s.push('a');
    s.push('b');
    assert.equal(s.linesSeen, 2);
  });

  it('runs user patterns with their severity and message', () => {
    const findings = scanLogText('payment declined for order 12\nall good\n', {
      ...opts,
      userPatterns: [{ regex: /declined/g, severity: 'warning', message: 'Payment declined' }],
    });
    assert.deepEqual(
      findings.map((f) => [f.rule, f.severity, f.line, f.column, f.message]),
      [['user_pattern', 'warning', 1, 9, 'Payment declined']],
    );
  });

  it("cuts lines over maxLineLength before matching, so (a+)+$ over a long run of a's cannot backtrack forever", () => {
    // Uncut, the trailing "!" makes (a+)+$ backtrack exponentially; cut to 10,000 a's it matches at once.
    const long = 'a'.repeat(200_000) + '!';
    const findings = scanLogText(`${long}\nERROR ${'x'.repeat(20_000)}`, {
      ...opts,
      userPatterns: [{ regex: /(a+)+$/, severity: 'warning' }],
    });
    assert.deepEqual(
      findings.map((f) => [f.rule, f.line]),
      [
        ['user_pattern', 1],
        ['level_error', 2],
      ],
    );
    assert.ok((findings[0]?.evidence.length ?? 0) <= 2000);
    assert.ok((findings[1]?.message.length ?? 0) <= 10_000);
  });

  it('survives binary garbage and invalid UTF-8', async () => {
    let seed = 12345;
    const bytes = Buffer.alloc(256 * 1024);
    for (let i = 0; i < bytes.length; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      bytes[i] = seed >> 16;
    }
    const invalid = Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0x0a]);
    const tail = Buffer.from('2024-05-20T14:02:03Z ERROR after the garbage\n');
    const file = path.join(ws, 'garbage.log');
    fs.writeFileSync(file, Buffer.concat([bytes, invalid, tail]));
    const { findings, linesSeen } = await scanLogStream(fs.createReadStream(file, { highWaterMark: 1000 }), opts);
    assert.ok(linesSeen > 1);
    const last = findings[findings.length - 1];
    assert.equal(last?.rule, 'level_error');
    assert.equal(last?.line, linesSeen);
    assert.equal(last?.timestamp, Date.UTC(2024, 4, 20, 14, 2, 3));
    // Same bytes as text: no crash either.
    assert.doesNotThrow(() => scanLogText(Buffer.concat([bytes, invalid]).toString('utf8'), opts));
  });

  it('cuts a stream line that never ends without holding it whole', async () => {
    const file = path.join(ws, 'one-line.log');
    const fd = fs.openSync(file, 'w');
    const chunk = Buffer.alloc(1024 * 1024, 'b');
    for (let i = 0; i < 20; i++) fs.writeSync(fd, chunk);
    fs.writeSync(fd, '\nKilled\n');
    fs.closeSync(fd);
    const { findings, linesSeen } = await scanLogStream(fs.createReadStream(file), {
      ...opts,
      userPatterns: [{ regex: /^b+$/, severity: 'info' }],
    });
    assert.equal(linesSeen, 2);
    assert.deepEqual(
      findings.map((f) => [f.rule, f.line]),
      [
        ['user_pattern', 1],
        ['signal', 2],
      ],
    );
  });

  it('stops keeping findings past maxFindings and counts the rest', () => {
    const s = new LogScanner({ ...opts, maxFindings: 3 });
    for (let i = 0; i < 10; i++) s.push(`ERROR failure ${i}`);
    assert.equal(s.finish().length, 3);
    assert.equal(s.omittedFindings, 7);
  });
});

describe('errorSignature', () => {
  it('replaces what varies between runs and keeps what names the failure', () => {
    const a = errorSignature('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432 at 2024-05-20T14:02:03Z');
    const b = errorSignature('ECONNREFUSED', 'connect ECONNREFUSED 10.1.2.3:6543 at 2024-06-01T00:00:00Z');
    assert.equal(a, b);
    assert.equal(
      errorSignature(
        'RuntimeError',
        "worker 4242 cannot open '/tmp/ir-abc/settings-4242.ini' (id 0x7ffd3a, run 3f2a9c1e-1b2c-4d5e-8f90-1a2b3c4d5e6f, commit 9fceb02d0ae598e95dc970b74767f19372d61af8)",
      ),
      'RuntimeError: worker <n> cannot open <str> (id <hex>, run <uuid>, commit <hex>)',
    );
    assert.equal(errorSignature(undefined, 'GET http://localhost:8080/api failed after 30s'), 'GET <url> failed after <n>s');
    assert.equal(errorSignature(undefined, 'cannot read /var/lib/app/data.db'), 'cannot read <path>');
    assert.notEqual(errorSignature('KeyError', "'a'"), errorSignature('ValueError', "'a'"));
    assert.notEqual(errorSignature(undefined, 'disk full'), errorSignature(undefined, 'disk quota exceeded'));
  });
});
