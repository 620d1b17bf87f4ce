import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { errorSignature } from '../../../src/engine/logs/logScanner';
import { hasCommand, installProgram, lineOf, only, removeWorkspace, runToLog, scanFile, sourceLine, tempWorkspace } from './helpers';

const workspaces: string[] = [];
function workspace(): string {
  const ws = tempWorkspace();
  workspaces.push(ws);
  return ws;
}
after(() => workspaces.forEach(removeWorkspace));

const PY = hasCommand('python3') ? 'python3' : null;

describe('Python programs that fail', { skip: PY ? false : 'python3 is not installed' }, () => {
  it('reports one traceback at its header, typed by the final exception, frames in the workspace', async () => {
    const ws = workspace();
    const script = installProgram(ws, 'python/traceback.py', 'jobs/totals.py');
    fs.mkdirSync(path.join(ws, 'data'));
    fs.writeFileSync(path.join(ws, 'data/records.json'), '[{"amount": "12"}, {"amount": "12x"}]');
    const run = runToLog(ws, 'logs/totals.log', PY ?? '', ['jobs/totals.py', 'data/records.json']);
    assert.equal(run.status, 1);

    const log = fs.readFileSync(path.join(ws, 'logs/totals.log'), 'utf8');
    const findings = await scanFile(path.join(ws, 'logs/totals.log'), { workspaceRoot: ws });
    const f = only(findings, () => true, 'finding');
    assert.equal(f.rule, 'python_traceback');
    assert.equal(f.errorType, 'ValueError');
    assert.equal(f.message, "ValueError: invalid literal for int() with base 10: '12x'");
    assert.equal(f.line, lineOf(log, /^Traceback \(most recent call last\):$/));
    assert.equal(f.line, 2, 'the runner line comes first');
    assert.equal(f.endLine, lineOf(log, /^ValueError: /));
    assert.equal(f.column, 1);

    const innermost = f.frames[f.frames.length - 1];
    assert.deepEqual(innermost, {
      file: 'jobs/totals.py',
      line: sourceLine(script, 'return int(record["amount"])'),
      function: 'parse_amount',
      inWorkspace: true,
    });
    assert.equal(f.frames[0]?.function, '<module>');
    assert.ok(f.frames.every((fr) => fr.file === 'jobs/totals.py' && fr.inWorkspace));
    assert.match(f.evidence, /^Traceback/);
    assert.match(f.evidence, /ValueError: invalid literal/);
  });

  it('folds an exception raised "from" another into one finding that names the chain', async () => {
    const ws = workspace();
    const script = installProgram(ws, 'python/chained.py', 'worker.py');
    runToLog(ws, 'worker.log', PY ?? '', ['worker.py']);
    const log = fs.readFileSync(path.join(ws, 'worker.log'), 'utf8');
    const findings = await scanFile(path.join(ws, 'worker.log'), { workspaceRoot: ws });

    const f = only(findings, () => true, 'finding');
    assert.equal(f.rule, 'python_traceback');
    assert.equal(f.errorType, 'RuntimeError');
    assert.equal(f.line, lineOf(log, /^Traceback/));
    assert.equal(f.endLine, lineOf(log, /^RuntimeError: /));
    assert.match(
      f.message,
      /^RuntimeError: worker \d+ cannot start without .*settings-\d+\.ini \(caused by FileNotFoundError: \[Errno 2\] No such file or directory: /,
    );
    assert.deepEqual(
      f.chain?.map((c) => [c.errorType, c.relation]),
      [
        ['FileNotFoundError', 'first'],
        ['RuntimeError', 'cause'],
      ],
    );
    // Frames of both tracebacks, each innermost last: the open() call and the raise.
    const ws_frames = f.frames.filter((fr) => fr.inWorkspace).map((fr) => `${fr.function}:${fr.line}`);
    assert.ok(ws_frames.includes(`read_settings:${sourceLine(script, 'with open(path)')}`));
    assert.equal(ws_frames[ws_frames.length - 1], `start:${sourceLine(script, 'raise RuntimeError')}`);
  });

  it('folds "During handling of the above exception" into the same finding', async () => {
    const ws = workspace();
    installProgram(ws, 'python/chained.py', 'worker.py');
    runToLog(ws, 'worker.log', PY ?? '', ['worker.py', 'context']);
    const findings = await scanFile(path.join(ws, 'worker.log'), { workspaceRoot: ws });
    const f = only(findings, () => true, 'finding');
    assert.equal(f.errorType, 'KeyError');
    assert.equal(f.message, "KeyError: 'log_path' (while handling ZeroDivisionError: division by zero)");
    assert.deepEqual(
      f.chain?.map((c) => c.relation),
      ['first', 'context'],
    );
  });

  it('gives the same signature to two runs that differ in pid and workspace path', async () => {
    const sigs: string[] = [];
    for (let i = 0; i < 2; i++) {
      const ws = workspace();
      installProgram(ws, 'python/chained.py', 'worker.py');
      runToLog(ws, 'worker.log', PY ?? '', ['worker.py']);
      const [f] = await scanFile(path.join(ws, 'worker.log'), { workspaceRoot: ws });
      assert.ok(f);
      sigs.push(errorSignature(f.errorType, f.message));
    }
    assert.equal(sigs[0], sigs[1]);
    assert.doesNotMatch(sigs[0] ?? '', /\d{2,}|tmp/);
  });

  it('reads ERROR / CRITICAL lines of a logging config with their asctime, quiet on INFO and WARNING', async () => {
    const ws = workspace();
    installProgram(ws, 'python/logging_job.py', 'sync.py');
    const logPath = path.join(ws, 'logs/sync.log');
    fs.mkdirSync(path.dirname(logPath));
    const before = Date.now();
    runToLog(ws, 'logs/runner.log', PY ?? '', ['sync.py', logPath, '0']);
    const afterRun = Date.now();
    const log = fs.readFileSync(logPath, 'utf8');
    const findings = await scanFile(logPath, { workspaceRoot: ws, defaultZone: 'utc' });

    assert.deepEqual(
      findings.map((f) => [f.rule, f.line]),
      [
        ['level_error', lineOf(log, / ERROR sync: upstream returned HTTP 503/)],
        ['python_traceback', lineOf(log, /^Traceback/)],
        ['level_error', lineOf(log, / CRITICAL sync: giving up/)],
      ],
    );
    const [http, trace, critical] = findings;
    assert.equal(http?.message, 'sync: upstream returned HTTP 503 for batch 7');
    assert.equal(http?.column, 25, 'after `YYYY-MM-DD HH:MM:SS,mmm `');
    // The `log.exception` message line is part of the traceback finding, not a second one.
    assert.equal(trace?.errorType, 'ZeroDivisionError');
    assert.match(trace?.evidence ?? '', /ERROR sync: ratio computation failed\nTraceback/);
    assert.equal(trace?.timestampInherited, true);
    for (const f of findings) {
      assert.equal(typeof f.timestamp, 'number');
      assert.equal(f.timestampZoned, false);
      // asctime has millisecond precision and was written during the run.
      assert.ok((f.timestamp ?? 0) >= before - 1000 && (f.timestamp ?? 0) <= afterRun + 1000, `${f.timestamp} in run window`);
    }
    assert.equal(critical?.timestamp !== undefined, true);
  });

  it('numbers lines absolutely when only the appended part of a log is scanned', async () => {
    const ws = workspace();
    installProgram(ws, 'python/logging_job.py', 'sync.py');
    const logPath = path.join(ws, 'sync.log');
    runToLog(ws, 'runner.log', PY ?? '', ['sync.py', logPath, '1']);
    const oldText = fs.readFileSync(logPath, 'utf8');
    const oldLines = oldText.split('\n').length - 1;
    runToLog(ws, 'runner.log', PY ?? '', ['sync.py', logPath, '0']);
    const full = fs.readFileSync(logPath, 'utf8');

    const findings = await scanFile(
      logPath,
      { workspaceRoot: ws, firstLine: oldLines + 1, defaultZone: 'utc' },
      Buffer.byteLength(oldText),
    );
    assert.deepEqual(
      findings.map((f) => f.line),
      [lineOf(full, / ERROR sync: upstream/, oldLines), lineOf(full, /^Traceback/, oldLines), lineOf(full, / CRITICAL sync:/, oldLines)],
    );
    assert.ok(findings.every((f) => f.line > oldLines));
  });
});
