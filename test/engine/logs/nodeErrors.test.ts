import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { errorSignature } from '../../../src/engine/logs/logScanner';
import { installProgram, lineOf, only, removeWorkspace, runToLog, scanFile, sourceLine, tempWorkspace } from './helpers';

const workspaces: string[] = [];
function workspace(): string {
  const ws = tempWorkspace();
  workspaces.push(ws);
  return ws;
}
after(() => workspaces.forEach(removeWorkspace));

describe('Node.js programs that fail', () => {
  it('reports an uncaught TypeError as one finding with its caret block and workspace frames', async () => {
    const ws = workspace();
    const script = installProgram(ws, 'node/uncaught-typeerror.js', 'src/orders.js');
    const run = runToLog(ws, 'logs/run.log', process.execPath, ['src/orders.js']);
    assert.equal(run.status, 1);

    const log = fs.readFileSync(path.join(ws, 'logs/run.log'), 'utf8');
    const findings = await scanFile(path.join(ws, 'logs/run.log'), { workspaceRoot: ws });
    const f = only(findings, () => true, 'finding');

    assert.equal(f.rule, 'node_error');
    assert.equal(f.severity, 'error');
    assert.equal(f.errorType, 'TypeError');
    assert.equal(f.message, 'o.items.sum is not a function');
    // The finding starts at Node's `/abs/src/orders.js:5` line, before the error line itself.
    assert.equal(f.line, lineOf(log, new RegExp(`^${escape(script)}:\\d+$`)));
    assert.equal(f.column, 1);
    assert.ok(f.endLine >= lineOf(log, /^\s+at Object\.<anonymous>/));
    assert.ok(f.endLine < lineOf(log, /^Node\.js v/) + 1);

    const sumLine = sourceLine(script, 'o.items.sum()');
    const inner = f.frames[f.frames.length - 1];
    assert.deepEqual(
      { file: inner?.file, line: inner?.line, fn: inner?.function, inWs: inner?.inWorkspace },
      { file: 'src/orders.js', line: sumLine, fn: 'totalOf', inWs: true },
    );
    assert.ok(f.frames.some((fr) => fr.file.startsWith('node:internal') && !fr.inWorkspace));
    assert.ok(f.frames.filter((fr) => fr.inWorkspace).every((fr) => fr.file === 'src/orders.js'));
    assert.match(f.evidence, /TypeError: o\.items\.sum is not a function/);
    assert.match(f.evidence, /\^/);
    assert.ok(f.evidence.split('\n').length <= 15);
  });

  it('names a refused connection by its errno code, and its signature survives another pid and port', async () => {
    const runOnce = async (): Promise<{ sig: string; message: string; port: string }> => {
      const ws = workspace();
      installProgram(ws, 'node/refused-connection.js', 'tools/db-check.js');
      const run = runToLog(ws, 'job.log', process.execPath, ['tools/db-check.js']);
      assert.equal(run.status, 1);
      const log = fs.readFileSync(path.join(ws, 'job.log'), 'utf8');
      const findings = await scanFile(path.join(ws, 'job.log'), { workspaceRoot: ws });
      const f = only(findings, (x) => x.rule === 'node_error', 'node_error');
      assert.equal(f.errorType, 'ECONNREFUSED');
      assert.match(f.message, /^connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
      // Node prints `node:events:NNN`, the throw site and a caret before the error: one finding from there.
      assert.equal(f.line, lineOf(log, /^node:events:\d+$/));
      assert.ok(f.endLine > lineOf(log, /^Error: connect ECONNREFUSED/));
      assert.match(f.evidence, /code: 'ECONNREFUSED'/);
      assert.ok(
        f.frames.every((fr) => !fr.inWorkspace),
        'all frames are node internals',
      );
      assert.equal(findings.length, 1, 'the stack and error properties do not fire again');
      return { sig: errorSignature(f.errorType, f.message), message: f.message, port: /:(\d+)$/.exec(f.message)?.[1] ?? '' };
    };
    const a = await runOnce();
    const b = await runOnce();
    assert.equal(a.sig, b.sig);
    assert.equal(a.sig, 'ECONNREFUSED: connect ECONNREFUSED <addr>');
  });

  it('reports V8 running out of heap under --max-old-space-size=16', async () => {
    const ws = workspace();
    installProgram(ws, 'node/heap-exhaustion.js', 'batch.js');
    const run = runToLog(ws, 'batch.log', process.execPath, ['--max-old-space-size=16', 'batch.js']);
    assert.ok(run.signal === 'SIGABRT' || run.status !== 0, 'the process died');

    const log = fs.readFileSync(path.join(ws, 'batch.log'), 'utf8');
    const findings = await scanFile(path.join(ws, 'batch.log'), { workspaceRoot: ws });
    const f = only(findings, (x) => x.rule === 'node_error', 'node_error');
    assert.equal(f.errorType, 'HeapOutOfMemory');
    assert.match(f.message, /JavaScript heap out of memory/);
    assert.equal(f.line, lineOf(log, /^FATAL ERROR: /));
    assert.ok(f.endLine >= f.line);
    // The native stack trace lines belong to the finding and fire nothing on their own.
    assert.deepEqual(
      findings.map((x) => x.rule),
      ['node_error'],
    );
  });

  it('reports an unhandled promise rejection with the rejection code', async () => {
    const ws = workspace();
    fs.writeFileSync(path.join(ws, 'reject.js'), "Promise.reject('quota exceeded');\n");
    runToLog(ws, 'r.log', process.execPath, ['reject.js']);
    const findings = await scanFile(path.join(ws, 'r.log'), { workspaceRoot: ws });
    const f = only(findings, (x) => x.rule === 'node_error', 'node_error');
    assert.equal(f.errorType, 'ERR_UNHANDLED_REJECTION');
    assert.match(f.message, /rejected with the reason "quota exceeded"/);
    assert.equal(f.chain, undefined);
  });

  it('keeps the [cause] of a thrown error', async () => {
    const ws = workspace();
    fs.writeFileSync(
      path.join(ws, 'cause.js'),
      "const inner = new Error('disk quota exceeded');\nthrow new Error('export failed', { cause: inner });\n",
    );
    runToLog(ws, 'c.log', process.execPath, ['cause.js']);
    const findings = await scanFile(path.join(ws, 'c.log'), { workspaceRoot: ws });
    const f = only(findings, () => true, 'finding');
    assert.equal(f.rule, 'node_error');
    assert.equal(f.errorType, 'Error');
    assert.equal(f.message, 'export failed (cause: Error: disk quota exceeded)');
    assert.deepEqual(
      f.chain?.map((c) => [c.errorType, c.message, c.relation]),
      [
        ['Error', 'export failed', 'first'],
        ['Error', 'disk quota exceeded', 'cause'],
      ],
    );
    assert.ok(f.frames.some((fr) => fr.file === 'cause.js' && fr.line === 2 && fr.inWorkspace));
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
