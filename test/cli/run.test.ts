import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import type { Incident } from '../../src/engine/types';
import { CLI, cli, TempWorkspace } from '../support/workspace';

const spaces: TempWorkspace[] = [];
const ws = (files: Record<string, string> = {}): TempWorkspace => {
  const w = new TempWorkspace(files);
  spaces.push(w);
  return w;
};
after(() => spaces.forEach((w) => w.dispose()));

interface LogRecord {
  type?: string;
  t: number;
  stream?: string;
  line?: string;
  exitCode?: number | null;
  signal?: string | null;
}

function hasTimeout(): boolean {
  try {
    execFileSync('timeout', ['5', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function runLog(w: TempWorkspace): LogRecord[] {
  const dir = w.path('.incident-replay/runs');
  const files = readdirSync(dir).sort();
  const last = files[files.length - 1];
  assert.ok(last, 'a run log was written');
  return readFileSync(path.join(dir, last), 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as LogRecord);
}

function incident(w: TempWorkspace, id: string): Incident {
  const r = cli(w, 'show', id, '--json');
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { incident: Incident }).incident;
}

const FAILING = `
const fs = require('fs');
console.log('loading settings');
setTimeout(() => {
  const settings = JSON.parse(fs.readFileSync('settings.json', 'utf8'));
  console.log('threshold is', settings.limits.threshold);
}, 120);
`;

test('run -- node failing.js: output passed through and logged with times, exit code kept, incident printed with the command, its exit and its error line', () => {
  const w = ws({ 'failing.js': FAILING, 'settings.json': '{"limit": 3}\n' });
  const r = cli(w, 'run', '--', 'node', 'failing.js');
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^loading settings$/m, 'stdout passed through');
  assert.match(r.stderr, /TypeError: Cannot read properties of undefined \(reading 'threshold'\)/, 'stderr passed through');
  const printed = /incident-replay: node failing\.js exited with code 1: (INC-\d+) (\w+) \(confidence [\d.]+\): .+/.exec(r.stderr);
  assert.ok(printed, r.stderr);

  const log = runLog(w);
  assert.equal(log[0]?.type, 'start');
  const errorLine = log.find((l) => l.stream === 'stderr' && l.line?.startsWith('TypeError'));
  assert.ok(errorLine);
  const started = log.find((l) => l.stream === 'stdout' && l.line === 'loading settings');
  assert.ok(started && errorLine.t - started.t >= 100, 'each line keeps the time it arrived');
  const end = log.find((l) => l.type === 'end');
  assert.equal(end?.exitCode, 1);

  const inc = incident(w, printed[1] as string);
  assert.equal(inc.rootCause.category, printed[2]);
  const trigger = inc.triggers.find((t) => t.errorType === 'TypeError');
  assert.ok(trigger, JSON.stringify(inc.triggers));
  assert.equal(trigger.timestamp, errorLine.t, 'the trigger is dated by the line itself');
  assert.equal(trigger.timestampEstimated, false);
  assert.ok(trigger.frames?.some((f) => f.file === 'failing.js' && f.inWorkspace));
  const titles = inc.timeline.map((e) => e.title);
  assert.ok(titles.includes('run started: node failing.js'), titles.join('\n'));
  assert.ok(
    titles.some((t) => /^run ended: node failing\.js exited with code 1 after /.test(t)),
    titles.join('\n'),
  );
  assert.ok(inc.timeline.some((e) => e.kind === 'trigger' && e.ref === trigger.id));
  const step = inc.decisions.find((d) => d.text === 'run node failing.js');
  assert.equal(step?.outcome?.status, 'error');
  assert.equal(step?.outcome?.text, 'exited with code 1');
  assert.ok(step?.triggerIds?.includes(trigger.id));
  assert.match(inc.title, /^node failing\.js exited with code 1: TypeError: Cannot read properties/);

  const runs = JSON.parse(cli(w, 'runs', '--json').stdout) as {
    runs: { command: string[]; exitCode: number; incident: string; cwd: string }[];
  };
  assert.deepEqual(
    runs.runs.map((x) => [x.command.join(' '), x.exitCode, x.incident]),
    [['node failing.js', 1, printed[1]]],
  );
});

test('a job that writes to stderr and exits 3: exit 3, the failure is a trigger quoting what it wrote', () => {
  const w = ws({ 'job.js': "console.error('upload rejected by storage quota'); process.exit(3);\n" });
  const r = cli(w, 'run', '--label', 'nightly', '--', 'node', 'job.js');
  assert.equal(r.code, 3, r.stderr);
  const id = /(INC-\d+)/.exec(r.stderr)?.[1];
  assert.ok(id, r.stderr);
  const inc = incident(w, id);
  const exit = inc.triggers.find((t) => t.rule === 'exit_code');
  assert.match(exit?.message ?? '', /node job\.js exited with code 3: upload rejected by storage quota/);
  assert.equal(inc.since, 'nightly:before');
  assert.deepEqual(
    (JSON.parse(cli(w, 'snapshots', '--json').stdout) as { snapshots: { label: string }[] }).snapshots.map((s) => s.label),
    ['nightly:before', 'nightly:after'],
  );
});

test('a job killed by a signal exits 128 + the signal, and a signal sent to the wrapper reaches the job', async () => {
  const w = ws({ 'die.js': "process.kill(process.pid, 'SIGKILL');\n", 'wait.js': "console.log('ready'); setInterval(() => {}, 1000);\n" });
  const killed = cli(w, 'run', '--', 'node', 'die.js');
  assert.equal(killed.code, 137, killed.stderr);
  assert.match(killed.stderr, /was killed by SIGKILL: INC-/);

  const child = spawn(process.execPath, [CLI, '--workspace', w.dir, 'run', '--no-analyze', '--', 'node', 'wait.js'], { cwd: w.dir });
  let out = '';
  const code = await new Promise<number | null>((resolve) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready')) child.kill('SIGTERM');
    });
    child.on('close', (c) => resolve(c));
  });
  assert.equal(code, 143);
  const end = runLog(w).find((l) => l.type === 'end');
  assert.equal(end?.signal, 'SIGTERM');
  assert.equal(
    runLog(w).some((l) => l.type === 'incident'),
    false,
    '--no-analyze records no incident',
  );
});

test('a command that cannot be found exits 127 like a shell; run without a command is a usage error', () => {
  const w = ws();
  const r = cli(w, 'run', '--', 'no-such-program-xyz', '--flag');
  assert.equal(r.code, 127);
  assert.match(r.stderr, /^incident-replay: command not found: no-such-program-xyz$/m);
  const none = cli(w, 'run');
  assert.equal(none.code, 2);
});

test('a successful job exits 0 and records no incident', () => {
  const w = ws({ 'ok.js': "console.log('done');\n" });
  const r = cli(w, 'run', '--', 'node', 'ok.js');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.match(cli(w, 'incidents').stdout, /no incidents/i);
});

const SUMS = `
const fs = require('fs');
const rows = fs.readFileSync('data/input.csv', 'utf8').trim().split('\\n').slice(1);
const total = rows.reduce((sum, row) => {
  const amount = Number(row.split(',')[1]);
  if (Number.isNaN(amount)) throw new Error('bad amount in row: ' + row);
  return sum + amount;
}, 0);
fs.writeFileSync('out/total.txt', String(total));
`;

test('a failed run is analysed from the last time it worked: the input edited between two runs is in its window', () => {
  const w = ws({ 'sums.js': SUMS, 'data/input.csv': 'id,amount\n1,10\n2,20\n', 'out/total.txt': '' });
  assert.equal(cli(w, 'run', '--label', 'night-1', '--', 'node', 'sums.js').code, 0);
  // Another job's run in between is not this job's last success.
  assert.equal(cli(w, 'run', '--', 'node', '-e', '0').code, 0);
  w.write({ 'data/input.csv': 'id,amount\n1,10\n2,twenty\n' });
  const r = cli(w, 'run', '--label', 'night-2', '--', 'node', 'sums.js');
  assert.equal(r.code, 1, r.stderr);
  const id = /(INC-\d+)/.exec(r.stderr)?.[1];
  assert.ok(id, r.stderr);
  const inc = incident(w, id);
  assert.equal(inc.since, 'night-1:after');
  assert.deepEqual(
    inc.changes.map((c) => [c.status, c.path]),
    [['modified', 'data/input.csv']],
  );
  assert.equal(inc.rootCause.triggeringChange?.path, 'data/input.csv', JSON.stringify(inc.rootCause));

  // Without an earlier success the window is the run's own, from the snapshot taken just before it.
  const fresh = ws({ 'sums.js': SUMS, 'data/input.csv': 'id,amount\n1,x\n', 'out/total.txt': '' });
  const first = cli(fresh, 'run', '--label', 'first', '--', 'node', 'sums.js');
  const firstId = /(INC-\d+)/.exec(first.stderr)?.[1];
  assert.ok(firstId, first.stderr);
  assert.equal(incident(fresh, firstId).since, 'first:before');
});

test('a failing line fed by a config key read a line above: the removed key is the cause, though the error names none', () => {
  const job = [
    "const fs = require('fs');",
    "const cfg = JSON.parse(fs.readFileSync('config/app.json', 'utf8'));",
    'const limit = cfg.quota;',
    "console.log('max', limit.toFixed(0));",
  ].join('\n');
  const w = ws({ 'job.js': job + '\n', 'config/app.json': '{"quota": 40, "name": "nightly"}\n' });
  assert.equal(cli(w, 'run', '--', 'node', 'job.js').code, 0);
  w.write({ 'config/app.json': '{"name": "nightly"}\n' });
  const r = cli(w, 'run', '--', 'node', 'job.js');
  assert.equal(r.code, 1, r.stderr);
  const id = /(INC-\d+)/.exec(r.stderr)?.[1];
  assert.ok(id, r.stderr);
  const inc = incident(w, id);
  assert.equal(inc.rootCause.category, 'config_error', JSON.stringify(inc.rootCause));
  assert.ok(
    inc.rootCause.evidence.some((e) =>
      e.description.includes('at job.js:4, where the code reads `quota`, a key removed from config/app.json'),
    ),
    JSON.stringify(inc.rootCause.evidence),
  );
  assert.equal(inc.rootCause.triggeringChange?.path, 'config/app.json');
});

test(
  'a job that slows down run after run until its time limit stops it: the incident shows how long its runs took',
  { skip: !hasTimeout() },
  () => {
    // Each run waits as long as data/work.txt says, as a job with more to do each night would.
    const job =
      "const ms = Number(require('fs').readFileSync('data/work.txt', 'utf8')); setTimeout(() => console.log('done in', ms), ms);\n";
    const w = ws({ 'job.js': job, 'data/work.txt': '100' });
    const limit = ['timeout', '1.5', process.execPath, 'job.js'];
    for (const ms of [100, 300, 600]) {
      w.write({ 'data/work.txt': String(ms) });
      assert.equal(cli(w, 'run', '--', ...limit).code, 0);
    }
    w.write({ 'data/work.txt': '3000' });
    const r = cli(w, 'run', '--', ...limit);
    assert.equal(r.code, 124, r.stderr);
    const id = /(INC-\d+)/.exec(r.stderr)?.[1];
    assert.ok(id, r.stderr);
    const inc = incident(w, id);
    assert.equal(inc.rootCause.category, 'resource_exhaustion', JSON.stringify(inc.rootCause));
    const slowdown = inc.rootCause.evidence.find((e) => e.category === 'resource_exhaustion' && e.description.includes('runs that worked'));
    assert.match(
      slowdown?.description ?? '',
      /took \d+ ms, \d+ ms and \d+ ms in its last 3 runs that worked \([\d.]+× slower\), then was stopped after 1\.\d s/,
      JSON.stringify(inc.rootCause.evidence),
    );
  },
);

test('analyze in a git repository that was never snapshotted finds the change against git:HEAD; outside git it says how to take a baseline', () => {
  const w = ws({ 'config.json': '{"port": 5432}\n', 'app.py': 'print(1)\n' });
  const git = (...args: string[]): string =>
    execFileSync('git', ['-C', w.dir, '-c', 'user.name=T', '-c', 'user.email=t@example.com', ...args], { encoding: 'utf8' });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'base');
  w.write({ 'config.json': '{"port": 5433}\n', 'notes.txt': 'untracked\n' });
  const r = cli(w, 'analyze', '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /no baseline in the store: analysing since git:HEAD \([0-9a-f]{7} base\)/);
  const inc = (JSON.parse(r.stdout) as { incident: Incident }).incident;
  assert.equal(inc.since, 'git:HEAD');
  assert.deepEqual(inc.changes.map((c) => `${c.status} ${c.path}`).sort(), ['added notes.txt', 'modified config.json']);
  assert.ok(inc.triggers.some((t) => t.kind === 'config_change' && t.file === 'config.json'));

  const plain = ws({ 'a.txt': 'a\n' });
  const no = cli(plain, 'analyze');
  assert.equal(no.code, 2);
  assert.match(no.stderr, /no baseline set and the workspace is not a git repository: take one with `incident-replay snapshot --baseline`/);
});

test('a closed output (run … | head -1) stops the copy, not the job: the run is recorded to its end', async () => {
  const w = ws({ 'chatty.js': "for (let i = 0; i < 20000; i++) console.log('line ' + i);\n" });
  const child = spawn(process.execPath, [CLI, '--workspace', w.dir, 'run', '--', 'node', 'chatty.js'], { cwd: w.dir });
  child.stdout.once('data', () => child.stdout.destroy());
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  assert.equal(code, 0, stderr);
  const log = runLog(w);
  assert.equal(log.filter((l) => l.stream === 'stdout').length, 20000);
  assert.equal(log.find((l) => l.type === 'end')?.exitCode, 0);
});

test('without git on PATH, git refs and the git:HEAD fallback say what is missing', () => {
  const w = ws({ 'a.txt': 'a\n' });
  execFileSync('git', ['-C', w.dir, 'init', '-q']);
  const noGit = (...args: string[]): { code: number | null; stderr: string } => {
    try {
      execFileSync(process.execPath, [CLI, '--workspace', w.dir, ...args], {
        cwd: w.dir,
        env: { ...process.env, PATH: w.path('no-bin') },
        encoding: 'utf8',
        stdio: 'pipe',
      });
      return { code: 0, stderr: '' };
    } catch (e) {
      const err = e as { status: number | null; stderr: string };
      return { code: err.status, stderr: err.stderr };
    }
  };
  assert.equal(noGit('snapshot').code, 0, 'snapshots need no git');
  const diff = noGit('diff', 'git:HEAD', 'latest');
  assert.equal(diff.code, 2);
  assert.match(diff.stderr, /git is not installed or not on PATH/);
  const analyze = noGit('analyze', '--title', 'x');
  assert.equal(analyze.code, 2);
  assert.match(
    analyze.stderr,
    /no baseline set and git is not available to compare with HEAD: take one with `incident-replay snapshot --baseline`/,
  );
});

test('a run whose snapshot before was pruned while it ran still exits with its code and says why there is no analysis', () => {
  const w = ws({ 'a.txt': 'a\n' });
  const job = `
const { execFileSync } = require('child_process');
const cli = (...a) => execFileSync(process.execPath, [${JSON.stringify(CLI)}, '--workspace', ${JSON.stringify(w.dir)}, ...a]);
cli('snapshot');
cli('prune', '--keep', '1');
process.exit(2);
`;
  const r = cli(w, 'run', '--', 'node', '-e', job);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /exited with code 2; its snapshot before \([0-9a-f]{8}\) was pruned while it ran, so it was not analysed/);
});

test("a run's output is read like any log: a repeated error is one trigger with its count and arrival times, warnings reach the timeline", () => {
  const job = `
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
console.log('WARN disk 91% full');
for (let i = 0; i < 30; i++) { console.error('ERROR upload failed: connection reset by peer'); sleep(5); }
process.exit(4);
`;
  const w = ws({ 'flaky.js': job });
  const r = cli(w, 'run', '--', 'node', 'flaky.js');
  assert.equal(r.code, 4, r.stderr);
  const id = /(INC-\d+)/.exec(r.stderr)?.[1];
  assert.ok(id, r.stderr);
  const inc = incident(w, id);
  const errors = inc.triggers.filter((t) => /upload failed/.test(t.message));
  assert.equal(errors.length, 1, JSON.stringify(inc.triggers.map((t) => t.message)));
  const t = errors[0];
  assert.equal(t?.count, 30);
  const log = runLog(w).filter((l) => l.stream === 'stderr');
  assert.deepEqual(
    t?.occurrences?.map((o) => o.timestamp),
    log.map((l) => l.t),
  );
  assert.ok(inc.timeline.some((e) => e.kind === 'log' && e.severity === 'warning' && /WARN disk 91% full/.test(e.title)));
});
