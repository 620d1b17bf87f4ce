/**
 * End to end through the CLI: real programs fail for real reasons inside a workspace, then
 * `analyze --json` must say what went wrong, where, and why.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import net from 'node:net';
import { after, test } from 'node:test';
import type { Incident } from '../../src/engine/types';
import { cli, settle, TempWorkspace } from '../support/workspace';

const spaces: TempWorkspace[] = [];
after(() => spaces.forEach((w) => w.dispose()));
const ws = (files: Record<string, string>): TempWorkspace => {
  const w = new TempWorkspace(files);
  spaces.push(w);
  return w;
};

/** Runs a program in the workspace and appends what it printed to a log file there, as a job runner would. */
function runInto(w: TempWorkspace, log: string, cmd: string, args: string[]): number {
  const r = spawnSync(cmd, args, { cwd: w.dir, encoding: 'utf8', timeout: 60_000 });
  appendFileSync(w.path(log), (r.stdout ?? '') + (r.stderr ?? ''));
  if (r.status !== 0) appendFileSync(w.path(log), `job exited with code ${r.status ?? r.signal}\n`);
  return r.status ?? -1;
}

function analyze(w: TempWorkspace, ...extra: string[]): Incident {
  const r = cli(w, 'analyze', '--json', ...extra);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { incident: Incident | null };
  assert.ok(out.incident, `expected an incident, got ${r.stdout.slice(0, 500)}`);
  return out.incident;
}

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

test('a refused connection is an external failure, with the trace mapped to the source line', async () => {
  const port = await closedPort();
  const w = ws({
    'src/fetch.js': `const net = require('node:net');\nconst s = net.connect(${port}, '127.0.0.1');\ns.on('connect', () => s.end());\n`,
    'logs/job.log': '2024-05-20T14:00:00.000Z INFO job: started\n',
  });
  assert.equal(cli(w, 'snapshot', '--baseline').code, 0);
  await settle();
  runInto(w, 'logs/job.log', process.execPath, ['src/fetch.js']);
  const inc = analyze(w);
  const err = inc.triggers.find((t) => t.kind === 'log_error' && /ECONNREFUSED/.test(t.message + (t.errorType ?? '')));
  assert.ok(err, JSON.stringify(inc.triggers, null, 2));
  assert.equal(err.file, 'logs/job.log');
  assert.ok(err.line >= 2, 'old log lines do not re-fire');
  assert.equal(inc.rootCause.category, 'external_failure');
  assert.ok(inc.rootCause.confidence > 0.4);
  assert.ok(
    inc.remediation.some((r) => r.includes(String(port)) || /upstream|service|retry/i.test(r)),
    inc.remediation.join('\n'),
  );
});

test('a Python KeyError after a config key was removed is a config error naming the file and key', async () => {
  const w = ws({
    'config/settings.json': JSON.stringify({ api_url: 'http://127.0.0.1:9', retries: 3 }, null, 2) + '\n',
    'job.py': 'import json\ncfg = json.load(open("config/settings.json"))\nprint("retries", cfg["retries"])\n',
    'run.log': '',
  });
  assert.equal(cli(w, 'snapshot', '--baseline').code, 0);
  await settle();
  w.write({ 'config/settings.json': JSON.stringify({ api_url: 'http://127.0.0.1:9' }, null, 2) + '\n' });
  runInto(w, 'run.log', 'python3', ['job.py']);
  const inc = analyze(w);
  const tb = inc.triggers.find((t) => t.kind === 'log_error' && t.errorType === 'KeyError');
  assert.ok(tb, JSON.stringify(inc.triggers, null, 2));
  assert.ok(inc.triggers.some((t) => t.kind === 'config_change' && t.file === 'config/settings.json'));
  assert.equal(inc.rootCause.category, 'config_error');
  assert.equal(inc.rootCause.triggeringChange?.path, 'config/settings.json');
  assert.ok(
    inc.remediation.some((r) => r.includes('config/settings.json')),
    inc.remediation.join('\n'),
  );
});

test('a heap exhausted under --max-old-space-size is resource exhaustion', async () => {
  const w = ws({ 'grow.js': 'const keep = [];\nfor (;;) keep.push(new Array(100000).fill(Math.random()));\n', 'logs/worker.log': '' });
  assert.equal(cli(w, 'snapshot', '--baseline').code, 0);
  await settle();
  runInto(w, 'logs/worker.log', process.execPath, ['--max-old-space-size=16', 'grow.js']);
  const inc = analyze(w);
  assert.ok(
    inc.triggers.some((t) => t.kind === 'log_error'),
    JSON.stringify(inc.triggers, null, 2),
  );
  assert.equal(inc.rootCause.category, 'resource_exhaustion');
});

test('a truncated JSON data file is data corruption, and the data file is the triggering change', async () => {
  const rows = Array.from({ length: 50 }, (_, i) => ({ id: i, amount: i * 1.5 }));
  const w = ws({
    'data/orders.json': JSON.stringify(rows, null, 2),
    'report.js': "const rows = JSON.parse(require('fs').readFileSync('data/orders.json', 'utf8'));\nconsole.log(rows.length);\n",
    'logs/report.log': '',
  });
  assert.equal(cli(w, 'snapshot', '--baseline').code, 0);
  await settle();
  w.write({ 'data/orders.json': JSON.stringify(rows, null, 2).slice(0, 700) });
  runInto(w, 'logs/report.log', process.execPath, ['report.js']);
  const inc = analyze(w);
  assert.equal(inc.rootCause.category, 'data_corruption', JSON.stringify(inc.rootCause, null, 2));
  assert.equal(inc.rootCause.triggeringChange?.path, 'data/orders.json');
});

test('a CSV row with a field too many, rejected by unchanged code, is data corruption in the data file', async () => {
  const reader = [
    'import csv',
    "with open('data/orders.csv') as f:",
    '    rows = csv.reader(f)',
    '    header = next(rows)',
    '    for n, row in enumerate(rows, start=2):',
    '        if len(row) != len(header):',
    "            raise ValueError(f'data/orders.csv line {n}: expected {len(header)} fields, saw {len(row)}')",
    "print('ok')",
  ].join('\n');
  const w = ws({ 'data/orders.csv': 'id,name,amount\n1,alice,10.5\n2,bob,20\n', 'src/report.py': reader, 'logs/run.log': '' });
  assert.equal(cli(w, 'snapshot', '--baseline').code, 0);
  await settle();
  appendFileSync(w.path('data/orders.csv'), '3,"carol, jr",7,x\n');
  assert.equal(runInto(w, 'logs/run.log', 'python3', ['src/report.py']), 1);
  const inc = analyze(w);
  assert.equal(inc.rootCause.category, 'data_corruption', JSON.stringify(inc.rootCause, null, 2));
  assert.equal(inc.rootCause.triggeringChange?.path, 'data/orders.csv');
});

test('a TypeError from a changed source file is a logic error pointing at that file', async () => {
  const w = ws({
    'src/total.js': 'function total(items) { return items.reduce((s, i) => s + i.price, 0); }\nmodule.exports = { total };\n',
    'main.js': "const { total } = require('./src/total');\nconsole.log(total([{ price: 2 }, { price: 3 }]));\n",
    'logs/app.log': '',
  });
  assert.equal(cli(w, 'snapshot', '--baseline').code, 0);
  await settle();
  w.write({ 'src/total.js': 'function total(items) { return items.sum(); }\nmodule.exports = { total };\n' });
  runInto(w, 'logs/app.log', process.execPath, ['main.js']);
  const inc = analyze(w);
  const te = inc.triggers.find((t) => t.errorType === 'TypeError');
  assert.ok(te, JSON.stringify(inc.triggers, null, 2));
  assert.ok(
    te.frames?.some((f) => f.inWorkspace && f.file === 'src/total.js' && f.line === 1),
    JSON.stringify(te.frames),
  );
  assert.equal(inc.rootCause.category, 'logic_error');
  assert.equal(inc.rootCause.triggeringChange?.path, 'src/total.js');
});

test('slow degradation over several snapshots with no hard failure is drift', async () => {
  const w = ws({ 'output/summary.csv': 'row\n'.repeat(200), 'logs/run.log': '2024-05-20T10:00:00.000Z INFO run ok\n' });
  assert.equal(cli(w, 'snapshot', '--baseline').code, 0);
  for (let i = 1; i <= 5; i++) {
    await settle();
    w.write({ 'output/summary.csv': 'row\n'.repeat(200 - i * 35) });
    appendFileSync(w.path('logs/run.log'), `2024-05-20T1${i}:00:00.000Z WARN run: ${i * 35} rows dropped as invalid\n`);
    assert.equal(cli(w, 'snapshot', '--label', `run-${i}`).code, 0);
  }
  const inc = analyze(w);
  assert.equal(inc.rootCause.category, 'drift', JSON.stringify(inc.rootCause, null, 2));
  assert.equal(inc.snapshotIds.length, 7);
});

test('an eval score that slides as an agent keeps editing its prompt is drift, with the metric as evidence', async () => {
  // A real evaluation program: the longer the prompt, the lower the accuracy and the higher the latency.
  const evalJs = [
    "const fs = require('node:fs');",
    "const prompt = fs.readFileSync('prompts/system.txt', 'utf8');",
    'const rules = prompt.split(/\\n/).filter(Boolean).length;',
    'const accuracy = +(0.95 - 0.04 * rules).toFixed(2);',
    'const latency = 700 + 130 * rules;',
    "fs.writeFileSync('results/metrics.json', JSON.stringify({ accuracy, latency_ms: latency, cases: 200 }, null, 2));",
    "fs.appendFileSync('logs/eval.log', `${new Date().toISOString()} INFO eval: accuracy=${accuracy} latency_ms=${latency} cases=200\\n`);",
  ].join('\n');
  const w = ws({ 'src/eval.js': evalJs, 'prompts/system.txt': 'Answer concisely.\n', 'results/.keep': '', 'logs/eval.log': '' });
  assert.equal(spawnSync(process.execPath, ['src/eval.js'], { cwd: w.dir }).status, 0);
  assert.equal(cli(w, 'snapshot', '--baseline').code, 0);
  for (let i = 1; i <= 4; i++) {
    await settle();
    appendFileSync(w.path('prompts/system.txt'), `Rule ${i}: explain every step in detail.\n`);
    appendFileSync(w.path('logs/agent.log'), `Thought: answers look too short, adding rule ${i}\n`);
    assert.equal(spawnSync(process.execPath, ['src/eval.js'], { cwd: w.dir }).status, 0);
    assert.equal(cli(w, 'snapshot', '--label', `iteration-${i}`).code, 0);
  }
  const inc = analyze(w);
  assert.equal(inc.rootCause.category, 'drift', JSON.stringify(inc.rootCause, null, 2));
  const says = inc.rootCause.evidence.map((e) => e.description).join('\n');
  assert.match(says, /results\/metrics\.json: accuracy fell 0\.91 → 0\.75 over 4 snapshots/);
  assert.match(says, /latency_ms rose 830 → 1350/);
  // No failure to anchor on: the suspect is what changed where the metrics first slid.
  assert.equal(inc.rootCause.triggeringChange?.path, 'prompts/system.txt');
  assert.match(
    inc.rootCause.triggeringChange?.reason ?? '',
    /^changed in snapshot [0-9a-f]+, where results\/metrics\.json: \w+ first (fell|rose)/,
  );
  assert.ok(
    inc.remediation.some((r) => /accuracy.*first moved in snapshot [0-9a-f]+, where `prompts\/system\.txt` changed/.test(r)),
    inc.remediation.join('\n'),
  );
});

test('a leaked key is flagged and never printed unredacted', async () => {
  const key = 'AKIA' + 'Q3EGRMTDSL7UIWXY';
  const w = ws({ 'notes.txt': 'nothing yet\n' });
  assert.equal(cli(w, 'snapshot', '--baseline').code, 0);
  await settle();
  w.write({ 'output/env.txt': `AWS_ACCESS_KEY_ID=${key}\n` });
  const r = cli(w, 'analyze', '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.includes(key), false, 'the raw key must not appear in the output');
  const inc = (JSON.parse(r.stdout) as { incident: Incident }).incident;
  const s = inc.triggers.find((t) => t.kind === 'secret');
  assert.ok(s, JSON.stringify(inc.triggers, null, 2));
  assert.equal(s.file, 'output/env.txt');
  assert.equal(s.line, 1);
  assert.equal(inc.severity, 'critical');
  const show = cli(w, 'show', inc.id);
  assert.equal(show.stdout.includes(key), false);
});

test('deletions, emptied outputs and the decision chain that led there', async () => {
  const w = ws({
    'output/report.csv': 'a,b\n1,2\n',
    'data/customers.csv': 'id\n1\n',
    'agent/agent.log': '2024-05-20T14:00:00.000Z INFO Plan: refresh the report\n',
  });
  assert.equal(cli(w, 'snapshot', '--baseline').code, 0);
  await settle();
  appendFileSync(
    w.path('agent/agent.log'),
    [
      '2024-05-20T14:01:00.000Z INFO Decision: delete data/customers.csv because it looks stale',
      '2024-05-20T14:01:01.000Z INFO Action: rm data/customers.csv',
      '2024-05-20T14:01:02.000Z INFO Action: regenerate output/report.csv',
      '2024-05-20T14:01:03.000Z ERROR Observation: report generation failed, no input rows',
      '',
    ].join('\n'),
  );
  w.remove('data/customers.csv').write({ 'output/report.csv': '' });
  const inc = analyze(w);
  assert.ok(inc.triggers.some((t) => t.kind === 'deletion' && t.file === 'data/customers.csv'));
  assert.ok(inc.triggers.some((t) => t.kind === 'empty_output' && t.file === 'output/report.csv' && t.severity === 'error'));
  const decision = inc.decisions.find((d) => d.kind === 'decision');
  assert.ok(decision, JSON.stringify(inc.decisions, null, 2));
  assert.match(decision.rationale ?? '', /stale/);
  assert.equal(decision.file, 'agent/agent.log');
  assert.ok(!inc.decisions.some((d) => /refresh the report/.test(d.text)), 'steps logged before the baseline are not new');
  const times = inc.timeline.map((e) => e.timestamp);
  assert.deepEqual(
    times,
    [...times].sort((a, b) => a - b),
    'the timeline is in time order',
  );
  assert.ok(inc.timeline.every((e) => e.file !== undefined || e.diff !== undefined || e.kind === 'snapshot'));
});

test('the same failure twice is a pattern, and the second incident says it repeats the first', async () => {
  const w = ws({ 'boom.js': "throw new TypeError('cannot read the flux capacitor');\n", 'logs/a.log': '' });
  assert.equal(cli(w, 'snapshot', '--baseline').code, 0);
  await settle();
  runInto(w, 'logs/a.log', process.execPath, ['boom.js']);
  const first = analyze(w);
  assert.equal(cli(w, 'baseline', 'latest').code, 0);
  await settle();
  runInto(w, 'logs/a.log', process.execPath, ['boom.js']);
  const second = analyze(w);
  assert.equal(second.repeatOf, first.id);
  const patterns = JSON.parse(cli(w, 'patterns', '--json').stdout) as { patterns: { count: number; incidents: string[] }[] };
  assert.deepEqual(patterns.patterns[0]?.incidents.sort(), [first.id, second.id].sort());
  assert.equal(patterns.patterns[0]?.count, 2);
  const resolved = cli(w, 'resolve', first.id);
  assert.equal(resolved.code, 0);
  const list = JSON.parse(cli(w, 'incidents', '--json').stdout) as { incidents: { id: string; status: string }[] };
  assert.equal(list.incidents.find((i) => i.id === first.id)?.status, 'resolved');
  assert.equal(cli(w, 'show', 'INC-9999').code, 2);
});

test('a clean window records no incident', async () => {
  const w = ws({ 'README.md': '# hi\n' });
  assert.equal(cli(w, 'snapshot', '--baseline').code, 0);
  w.write({ 'README.md': '# hello\n' });
  const r = cli(w, 'analyze', '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.equal((JSON.parse(r.stdout) as { incident: unknown }).incident, null);
  assert.equal(cli(w, 'analyze', '--since', 'nope').code, 2);
});
