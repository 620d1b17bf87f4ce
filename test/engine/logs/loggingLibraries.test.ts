/**
 * Logs written by real logging libraries, run here: java.util.logging's SimpleFormatter (date
 * line, then `SEVERE:`), Python's logging with its default and a timestamped format. The
 * error-level records fire with the time the library wrote; the info and warning ones do not.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { scanLogText } from '../../../src/engine/logs/logScanner';
import { hasCommand, removeWorkspace, runToLog, tempWorkspace } from './helpers';

const ws = tempWorkspace();
after(() => removeWorkspace(ws));

function must(r: { status: number | null }, what: string): void {
  assert.equal(r.status, 0, `${what} failed`);
}

describe('java.util.logging', { skip: hasCommand('javac') && hasCommand('java') ? false : 'javac is not installed' }, () => {
  it('fires on SEVERE records at the time on the date line before them', () => {
    const src = path.join(ws, 'jul', 'Job.java');
    fs.mkdirSync(path.dirname(src), { recursive: true });
    fs.writeFileSync(
      src,
      [
        'import java.util.logging.*;',
        'public class Job {',
        '  public static void main(String[] args) throws Exception {',
        '    Logger log = Logger.getLogger("com.acme.Job");',
        '    log.info("starting, error budget 3");',
        '    log.warning("retrying after error");',
        '    for (int i = 0; i < 3; i++) log.severe("cannot reach db-" + i + ": Connection refused");',
        '    log.log(Level.SEVERE, "load failed", new IllegalStateException("no rows"));',
        '  }',
        '}',
      ].join('\n'),
    );
    must(runToLog(ws, 'jul/build.log', 'javac', ['-d', 'jul', src]), 'javac');
    const before = Date.now();
    must(runToLog(ws, 'jul/job.log', 'java', ['-cp', 'jul', 'Job'], { env: { ...process.env, TZ: 'UTC' } }), 'java');
    const text = fs.readFileSync(path.join(ws, 'jul/job.log'), 'utf8');
    const found = scanLogText(text, { workspaceRoot: ws, defaultZone: 'utc', group: true });
    const lines = text.split('\n');
    // The record with a throwable is one finding: the trace, which takes in the SEVERE line before it.
    assert.deepEqual(
      found.map((f) => [f.rule, f.errorType ?? null, f.message.replace(/\d/, 'N'), f.count ?? 1]),
      [
        ['level_error', null, 'cannot reach db-N: Connection refused', 3],
        ['java_exception', 'java.lang.IllegalStateException', 'java.lang.IllegalStateException: no rows', 1],
      ],
    );
    assert.match(found[1]?.evidence ?? '', /^SEVERE: load failed$/m);
    for (const f of found) {
      assert.equal(f.timestampInherited, true);
      // SimpleFormatter writes whole seconds, in the zone the JVM was given.
      assert.ok(Math.abs((f.timestamp ?? 0) - before) < 120_000, `time ${f.timestamp} near ${before}`);
    }
    assert.deepEqual(
      found[0]?.occurrences?.map((o) => lines[o.line - 1]),
      [
        'SEVERE: cannot reach db-0: Connection refused',
        'SEVERE: cannot reach db-1: Connection refused',
        'SEVERE: cannot reach db-2: Connection refused',
      ],
    );
  });
});

describe('Python logging', { skip: hasCommand('python3') ? false : 'python3 is not installed' }, () => {
  it('fires on ERROR and CRITICAL records, default and timestamped formats', () => {
    const script = path.join(ws, 'py', 'job.py');
    fs.mkdirSync(path.dirname(script), { recursive: true });
    fs.writeFileSync(
      script,
      [
        'import logging, sys',
        'logging.basicConfig(stream=sys.stdout, level=logging.DEBUG, format="%(asctime)s - %(name)s - %(levelname)s - %(message)s")',
        'log = logging.getLogger("etl")',
        'log.debug("error handler installed")',
        'log.info("loaded 120 rows, 0 errors")',
        'for n in (7, 8): log.error("batch %d failed: timeout after %d ms", n, n * 1000)',
        'log.critical("giving up")',
        'logging.getLogger().handlers[0].setFormatter(logging.Formatter(logging.BASIC_FORMAT))',
        'log.error("plain format failure")',
        'log.warning("error rate high")',
      ].join('\n'),
    );
    const before = Date.now();
    must(runToLog(ws, 'py/job.log', 'python3', [script], { env: { ...process.env, TZ: 'UTC' } }), 'python3');
    const text = fs.readFileSync(path.join(ws, 'py/job.log'), 'utf8');
    const found = scanLogText(text, { workspaceRoot: ws, defaultZone: 'utc', group: true });
    assert.deepEqual(
      found.map((f) => [f.message, f.count ?? 1]),
      [
        ['batch 7 failed: timeout after 7000 ms', 2],
        ['giving up', 1],
        ['etl:plain format failure', 1],
      ],
    );
    const [batch, giving] = found;
    assert.ok(Math.abs((batch?.timestamp ?? 0) - before) < 60_000);
    assert.equal(batch?.timestampInherited, undefined, 'the record carries its own time');
    assert.deepEqual(
      batch?.occurrences?.map((o) => o.line),
      [found[0]?.line, (found[0]?.line ?? 0) + 1],
    );
    assert.ok((giving?.timestamp ?? 0) >= (batch?.timestamp ?? 0));
  });
});
