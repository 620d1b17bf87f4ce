import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { scanLogText } from '../../../src/engine/logs/logScanner';
import { hasCommand, installProgram, lineOf, removeWorkspace, runToLog, scanFile, tempWorkspace } from './helpers';

const workspaces: string[] = [];
function workspace(): string {
  const ws = tempWorkspace();
  workspaces.push(ws);
  return ws;
}
after(() => workspaces.forEach(removeWorkspace));

describe('processes killed by a signal or exiting non-zero', () => {
  it('reads the shell reporting a child killed by SIGKILL', { skip: hasCommand('bash') ? false : 'bash missing' }, async () => {
    const ws = workspace();
    const run = runToLog(ws, 'job.log', 'bash', ['-c', 'sh -c "kill -9 \\$\\$"; echo "after: $?"']);
    assert.equal(run.status, 0);
    const log = fs.readFileSync(path.join(ws, 'job.log'), 'utf8');
    const findings = await scanFile(path.join(ws, 'job.log'), { workspaceRoot: ws });
    assert.equal(findings.length, 1);
    const [f] = findings;
    assert.equal(f?.rule, 'signal');
    assert.equal(f?.signal, 'SIGKILL');
    assert.equal(f?.errorType, 'SIGKILL');
    assert.equal(f?.line, lineOf(log, / Killed /));
    assert.match(f?.message ?? '', /out-of-memory killer/);
  });

  it(
    'reads make reporting a recipe killed by SIGKILL and one exiting 3',
    { skip: hasCommand('make') ? false : 'make missing' },
    async () => {
      const ws = workspace();
      installProgram(ws, 'shell/Makefile', 'Makefile');
      assert.notEqual(runToLog(ws, 'build.log', 'make', ['killed']).status, 0);
      assert.equal(runToLog(ws, 'build.log', 'make', ['three']).status, 2);
      const log = fs.readFileSync(path.join(ws, 'build.log'), 'utf8');
      const findings = await scanFile(path.join(ws, 'build.log'), { workspaceRoot: ws });
      assert.deepEqual(
        findings.map((f) => ({ rule: f.rule, line: f.line, exitCode: f.exitCode, signal: f.signal })),
        [
          { rule: 'signal', line: lineOf(log, /^make: \*\*\* \[.*killed\] Killed/), exitCode: undefined, signal: 'SIGKILL' },
          { rule: 'exit_code', line: lineOf(log, /^make: \*\*\* \[.*three\] Error 3/), exitCode: 3, signal: undefined },
        ],
      );
    },
  );

  it(
    'reads a Python subprocess failure and a shell segfault as their own kinds',
    { skip: hasCommand('python3') ? false : 'python3 missing' },
    async () => {
      const ws = workspace();
      runToLog(ws, 'py.log', 'python3', ['-c', "import subprocess; subprocess.run(['sh', '-c', 'exit 3'], check=True)"]);
      runToLog(ws, 'py.log', 'bash', ['-c', 'sh -c "kill -SEGV \\$\\$"; true']);
      const findings = await scanFile(path.join(ws, 'py.log'), { workspaceRoot: ws });
      assert.deepEqual(
        findings.map((f) => [f.rule, f.errorType]),
        [
          ['python_traceback', 'subprocess.CalledProcessError'],
          ['signal', 'SIGSEGV'],
        ],
      );
      assert.match(findings[0]?.message ?? '', /returned non-zero exit status 3/);
    },
  );

  it('recognises exit-code reports of common runners and explains 137 / 139', () => {
    const ws = workspace();
    const lines = [
      'worker exited with code 2',
      'exit status 1',
      'Process finished with exit code 137',
      'Command failed with exit code 1: npm run build',
      'make: *** [build] Error 2',
      'Main process exited, code=exited, status=4/NOPERMISSION',
      "error: process didn't exit successfully: `target/debug/app` (exit status: 101)",
      'container exited with code 139',
      'terminated by signal SIGTERM',
      'Segmentation fault (core dumped)',
      'Killed',
      'worker exited with code 0',
      'Killed 3 stale workers',
      'exit code documentation moved',
    ];
    const findings = scanLogText(lines.join('\n'), { workspaceRoot: ws });
    assert.deepEqual(
      findings.map((f) => [f.line, f.rule, f.exitCode ?? null, f.signal ?? null]),
      [
        [1, 'exit_code', 2, null],
        [2, 'exit_code', 1, null],
        [3, 'signal', 137, 'SIGKILL'],
        [4, 'exit_code', 1, null],
        [5, 'exit_code', 2, null],
        [6, 'exit_code', 4, null],
        [7, 'exit_code', 101, null],
        [8, 'signal', 139, 'SIGSEGV'],
        [9, 'signal', null, 'SIGTERM'],
        [10, 'signal', null, 'SIGSEGV'],
        [11, 'signal', null, 'SIGKILL'],
      ],
    );
    assert.match(findings[2]?.message ?? '', /137 = 128 \+ 9/);
    assert.ok(findings.every((f) => f.severity === 'error'));
  });

  it('reports an npm script failure once, typed by its code', () => {
    const ws = workspace();
    const text = [
      '> app@1.0.0 build',
      '> node build.js',
      'npm ERR! code ELIFECYCLE',
      'npm ERR! errno 1',
      'npm ERR! app@1.0.0 build: `node build.js`',
      'npm ERR! Exit status 1',
      'npm ERR! Failed at the app@1.0.0 build script.',
      'done',
    ].join('\n');
    const findings = scanLogText(text, { workspaceRoot: ws });
    assert.equal(findings.length, 1);
    const [f] = findings;
    assert.deepEqual([f?.rule, f?.errorType, f?.exitCode, f?.line, f?.endLine], ['exit_code', 'ELIFECYCLE', 1, 3, 7]);
    assert.equal(f?.message, 'npm script failed: node build.js (exit code 1)');
  });
});
