import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { scanLogText } from '../../../src/engine/logs/logScanner';
import {
  PROGRAMS,
  hasCommand,
  installProgram,
  lineOf,
  listFiles,
  only,
  removeWorkspace,
  runToLog,
  scanFile,
  sourceLine,
  tempWorkspace,
} from './helpers';

const workspaces: string[] = [];
function workspace(): string {
  const ws = tempWorkspace();
  workspaces.push(ws);
  return ws;
}
after(() => workspaces.forEach(removeWorkspace));

function mustRun(ws: string, cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { cwd: ws, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed: ${r.stderr}`);
}

describe(
  'Java exception with a Caused by chain',
  { skip: hasCommand('javac') && hasCommand('java') ? false : 'javac is not installed' },
  () => {
    it('types the finding by the root cause, keeps the outer exception, maps frames by package path', async () => {
      const ws = workspace();
      const src = installProgram(ws, 'java/com/acme/billing/App.java', 'src/main/java/com/acme/billing/App.java');
      mustRun(ws, 'javac', ['-d', 'build/classes', 'src/main/java/com/acme/billing/App.java']);
      const run = runToLog(ws, 'logs/billing.log', 'java', ['-cp', 'build/classes', 'com.acme.billing.App']);
      assert.equal(run.status, 1);

      const logPath = path.join(ws, 'logs/billing.log');
      const log = fs.readFileSync(logPath, 'utf8');
      const findings = await scanFile(logPath, { workspaceRoot: ws, workspaceFiles: listFiles(ws) });
      const f = only(findings, () => true, 'finding');

      assert.equal(f.rule, 'java_exception');
      assert.equal(f.errorType, 'java.lang.NumberFormatException');
      assert.deepEqual(
        f.chain?.map((c) => [c.errorType, c.relation]),
        [
          ['java.lang.IllegalStateException', 'first'],
          ['java.lang.NumberFormatException', 'cause'],
        ],
      );
      assert.equal(
        f.message,
        'java.lang.IllegalStateException: invoice total failed at amount 7.x5; root cause java.lang.NumberFormatException: For input string: "7x5"',
      );
      assert.equal(f.line, lineOf(log, /^Exception in thread "main"/));
      assert.equal(f.endLine, lineOf(log, /^\s+\.\.\. \d+ more$/));

      const rel = 'src/main/java/com/acme/billing/App.java';
      const wsFrames = f.frames.filter((fr) => fr.inWorkspace);
      assert.ok(wsFrames.every((fr) => fr.file === rel));
      assert.ok(wsFrames.some((fr) => fr.function === 'App.total' && fr.line === sourceLine(src, 'throw new IllegalStateException')));
      assert.ok(wsFrames.some((fr) => fr.function === 'App.parseCents' && fr.line === sourceLine(src, 'Integer.parseInt(raw')));
      // JDK frames stay as printed and are not workspace frames.
      assert.ok(f.frames.some((fr) => fr.file === 'Integer.java' && !fr.inWorkspace));
      assert.match(f.evidence, /Caused by: java\.lang\.NumberFormatException/);
    });

    it('takes the timestamp and message line a logger writes right before the stack', () => {
      const ws = workspace();
      const text = [
        '2024-05-20 14:02:03,123 ERROR [main] c.a.b.App - invoice run failed',
        'java.lang.IllegalStateException: boom',
        '\tat com.acme.billing.App.total(App.java:16)',
        '\tat com.acme.billing.App.main(App.java:23)',
        '2024-05-20 14:02:04,000 INFO [main] c.a.b.App - shutting down',
      ].join('\n');
      const findings = scanLogText(text, {
        workspaceRoot: ws,
        defaultZone: 'utc',
        workspaceFiles: ['src/main/java/com/acme/billing/App.java', 'README.md'],
      });
      const f = only(findings, () => true, 'finding');
      assert.equal(f.rule, 'java_exception');
      assert.equal(f.line, 2);
      assert.equal(f.endLine, 4);
      assert.equal(f.timestamp, Date.UTC(2024, 4, 20, 14, 2, 3, 123));
      assert.equal(f.timestampInherited, true);
      assert.deepEqual(f.frames[f.frames.length - 1], {
        file: 'src/main/java/com/acme/billing/App.java',
        line: 16,
        function: 'App.total',
        inWorkspace: true,
      });
    });
  },
);

describe('Rust panic', { skip: hasCommand('rustc') ? false : 'rustc is not installed' }, () => {
  it('reports the panic location and message, with and without RUST_BACKTRACE', async () => {
    const ws = workspace();
    const src = installProgram(ws, 'rust/main.rs', 'src/main.rs');
    fs.mkdirSync(path.join(ws, 'target'));
    mustRun(ws, 'rustc', ['-g', '-o', 'target/shop', 'src/main.rs']);
    const exe = path.join(ws, 'target/shop');
    const expectLine = sourceLine(src, '.expect("unknown item")');

    const plain = runToLog(ws, 'shop.log', exe, [], { env: { ...process.env, RUST_BACKTRACE: '0' } });
    assert.equal(plain.status, 101);
    const traced = runToLog(ws, 'shop.log', exe, [], { env: { ...process.env, RUST_BACKTRACE: '1' } });
    assert.equal(traced.status, 101);

    const log = fs.readFileSync(path.join(ws, 'shop.log'), 'utf8');
    const findings = await scanFile(path.join(ws, 'shop.log'), { workspaceRoot: ws });
    assert.equal(findings.length, 2);
    const [a, b] = findings;
    for (const f of [a, b]) {
      assert.equal(f?.rule, 'rust_panic');
      assert.equal(f?.errorType, 'panic');
      assert.equal(f?.message, 'unknown item');
      assert.ok(f?.frames.some((fr) => fr.file === 'src/main.rs' && fr.line === expectLine && fr.inWorkspace));
    }
    const firstPanic = lineOf(log, /^thread 'main'.* panicked at /);
    assert.equal(a?.line, firstPanic);
    assert.equal(a?.endLine, lineOf(log, /^note: run with `RUST_BACKTRACE=1`/));
    assert.equal(b?.line, lineOf(log, /^thread 'main'.* panicked at /, firstPanic));
    // With a backtrace, the closure and main in src/main.rs are frames too.
    assert.ok((b?.frames.filter((fr) => fr.inWorkspace).length ?? 0) >= 2);
    assert.ok(b?.frames.some((fr) => fr.function?.includes('price_of')));
  });

  it('reads the pre-1.73 layout with the message in quotes', () => {
    const ws = workspace();
    const findings = scanLogText(
      "thread 'main' panicked at 'attempt to divide by zero', src/main.rs:7:13\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n",
      {
        workspaceRoot: ws,
      },
    );
    const f = only(findings, () => true, 'finding');
    assert.equal(f.message, 'attempt to divide by zero');
    assert.equal(f.endLine, 2);
    assert.deepEqual(f.frames, [{ file: 'src/main.rs', line: 7, column: 13, inWorkspace: true }]);
  });
});

describe('Go panic', () => {
  it('reports the panic with its goroutine frames mapped into the workspace', async () => {
    const ws = workspace();
    const src = installProgram(ws, 'go/main.go', 'main.go');
    const logPath = path.join(ws, 'go.log');
    if (hasCommand('go')) {
      runToLog(ws, 'go.log', 'go', ['run', 'main.go']);
    } else {
      // No Go toolchain here: the output `go run main.go` printed, with the workspace path put back.
      const captured = fs.readFileSync(path.join(PROGRAMS, 'go/panic.captured.txt'), 'utf8');
      fs.writeFileSync(logPath, captured.split('${WORKSPACE}').join(ws));
    }
    const log = fs.readFileSync(logPath, 'utf8');
    const findings = await scanFile(logPath, { workspaceRoot: ws });
    const panic = only(findings, (f) => f.rule === 'go_panic', 'go_panic');
    assert.equal(panic.errorType, 'runtime error');
    assert.equal(panic.message, 'runtime error: index out of range [5] with length 3');
    assert.equal(panic.line, lineOf(log, /^panic: /));
    assert.equal(panic.endLine, lineOf(log, /^\s+\S*main\.go:\d+ \+0x/));
    const last = panic.frames[panic.frames.length - 1];
    assert.deepEqual(
      { file: last?.file, line: last?.line, ws: last?.inWorkspace },
      { file: 'main.go', line: sourceLine(src, 'return items[i]'), ws: true },
    );
    assert.equal(panic.frames[0]?.function, 'main.main');
    // `exit status 2` after the dump is the process end, reported on its own.
    const exit = only(findings, (f) => f.rule === 'exit_code', 'exit_code');
    assert.equal(exit.exitCode, 2);
  });
});
