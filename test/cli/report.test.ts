/**
 * Reports, summaries, eval cases and learnings through the built CLI (`npm run build` first):
 * real programs fail in a workspace, `analyze` records the incident, then the exports are
 * checked as a user would see them. `UPDATE_GOLDEN=1` rewrites the golden files.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { parse } from 'yaml';
import type { Incident } from '../../src/engine/types';
import { cli, ROOT, settle, TempWorkspace } from '../support/workspace';

const GOLDEN = path.join(ROOT, 'test', 'fixtures', 'golden');
const spaces: TempWorkspace[] = [];
after(() => spaces.forEach((w) => w.dispose()));
const ws = (files: Record<string, string>): TempWorkspace => {
  const w = new TempWorkspace(files);
  spaces.push(w);
  return w;
};

/** Runs a program in the workspace and appends what it printed to a log there, as a job runner would. */
function runInto(w: TempWorkspace, log: string, cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { cwd: w.dir, encoding: 'utf8', timeout: 60_000 });
  appendFileSync(w.path(log), (r.stdout ?? '') + (r.stderr ?? ''));
  if (r.status !== 0) appendFileSync(w.path(log), `job exited with code ${r.status ?? r.signal}\n`);
}

function ok(w: TempWorkspace, ...args: string[]): string {
  const r = cli(w, ...args);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function analyze(w: TempWorkspace): Incident {
  const out = JSON.parse(ok(w, 'analyze', '--json')) as { incident: Incident | null };
  assert.ok(out.incident, 'expected an incident');
  return out.incident;
}

/**
 * Times, dates, hashes, snapshot ids, durations and the temp folder change from run to run;
 * runtime line numbers and Python's caret lines from one interpreter version to the next.
 * A cell cut at its length cap ends wherever the temp path's length put it, so only its start counts.
 */
function normalise(text: string, w: TempWorkspace, inc: Incident): string {
  let out = text;
  for (const dir of new Set([realpathSync(w.dir), w.dir])) out = out.split(dir).join('<ws>');
  for (const id of new Set([inc.baselineId, inc.postId, ...inc.snapshotIds])) out = out.split(id).join('<snap>');
  return out
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g, '<time>')
    .replace(/\b\d{2}:\d{2}:\d{2}\.\d{3}\b/g, '<time>')
    .replace(/\b\d{4}-\d{2}-\d{2}\b/g, '<date>')
    .replace(/\b[0-9a-f]{64}\b/g, '<sha256>')
    .replace(/\b\d+(?:\.\d)? (?:ms|s)\b|\b\d+ (?:min|h|d)(?: \d+ (?:s|min|h))?\b/g, '<duration>')
    .replace(/(node:internal\/[\w/]+):\d+:\d+/g, '$1:<n>')
    .replace(/^[ \t]*[~^]{3,}[ \t]*\n/gm, '')
    .replace(/(?:\\~|\^){3,} /g, '')
    .replace(/\| ([^|\n]{80})[^|\n]*… \|/g, '| $1… |');
}

function checkGolden(name: string, actual: string): void {
  const file = path.join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, actual);
    if (process.env.UPDATE_GOLDEN !== '1') assert.fail(`golden file ${name} did not exist and was written: review it and run again`);
    return;
  }
  assert.equal(actual, readFileSync(file, 'utf8'), `report differs from ${name} (UPDATE_GOLDEN=1 regenerates it after review)`);
}

function reportOf(w: TempWorkspace, id: string, ...extra: string[]): { file: string; text: string } {
  const file = ok(w, 'report', id, ...extra).trim();
  return { file, text: readFileSync(file, 'utf8') };
}

test('golden: a Python KeyError after a config key was removed', async () => {
  const w = ws({
    'config/settings.json': JSON.stringify({ api_url: 'http://127.0.0.1:9', retries: 3 }, null, 2) + '\n',
    'job.py': 'import json\ncfg = json.load(open("config/settings.json"))\nprint("retries", cfg["retries"])\n',
    'run.log': '',
  });
  ok(w, 'snapshot', '--baseline');
  await settle();
  w.write({ 'config/settings.json': JSON.stringify({ api_url: 'http://127.0.0.1:9' }, null, 2) + '\n' });
  runInto(w, 'run.log', 'python3', ['job.py']);
  const inc = analyze(w);
  const { file, text } = reportOf(w, inc.id);
  assert.equal(
    path.relative(realpathSync(w.dir), realpathSync(file)),
    `docs/incidents/${inc.id}-keyerror-in-run-log-after-config-settings-json-changed.md`,
  );
  assert.match(text, /\[config\/settings\.json:2\]\(\.\.\/\.\.\/config\/settings\.json#L2\)/);
  checkGolden('report-python-config-keyerror.md', normalise(text, w, inc));
});

test('golden: an agent rewrites a function and the Node job dies with a TypeError', async () => {
  const w = ws({
    'src/total.js': 'function total(items) { return items.reduce((s, i) => s + i.price, 0); }\nmodule.exports = { total };\n',
    'main.js': "const { total } = require('./src/total');\nconsole.log(total([{ price: 2 }, { price: 3 }]));\n",
    'logs/app.log': '',
    'logs/agent.log': '',
  });
  ok(w, 'snapshot', '--baseline');
  await settle();
  const at = (ms: number): string => new Date(Date.now() + ms).toISOString();
  appendFileSync(
    w.path('logs/agent.log'),
    [
      `${at(0)} INFO agent: session started session_id=sess-4711 trace_id=trace-0042`,
      `${at(1)} INFO agent: Plan: speed up total() with a sum helper`,
      `${at(2)} INFO agent: Decision: replace reduce with items.sum() because it reads better`,
      `${at(3)} INFO agent: Action: edit src/total.js`,
      '',
    ].join('\n'),
  );
  await settle();
  w.write({ 'src/total.js': 'function total(items) { return items.sum(); }\nmodule.exports = { total };\n' });
  runInto(w, 'logs/app.log', process.execPath, ['main.js']);
  const inc = analyze(w);
  assert.equal(inc.rootCause.category, 'logic_error');
  const { text } = reportOf(w, inc.id);
  assert.match(text, /\| D2 \| .* \| decision \| replace reduce with items\.sum\(\)/);
  assert.match(text, /\[src\/total\.js:1\]\(\.\.\/\.\.\/src\/total\.js#L1\)/);
  checkGolden('report-node-typeerror-agent.md', normalise(text, w, inc));
});

test('secrets in real key formats reach no report, summary, eval case or learnings file', async () => {
  const aws = 'AKIA' + 'Q3EGRMTDSL7UIWXY';
  const gh = 'ghp_' + 'Zx81Qw7Er6Ty5Ui4Op3As2Df1Gh0Jk9Lz8Xc7';
  const pem = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const pemLines = pem.split('\n').filter((l) => l.length > 0 && !l.startsWith('-----'));
  const w = ws({ 'notes.txt': 'nothing yet\n', 'logs/deploy.log': '' });
  ok(w, 'snapshot', '--baseline');
  await settle();
  w.write({
    'deploy/.env': `AWS_ACCESS_KEY_ID=${aws}\nGITHUB_TOKEN=${gh}\n`,
    'keys/id_rsa': pem,
  });
  appendFileSync(w.path('logs/deploy.log'), `${new Date().toISOString()} ERROR deploy: push rejected for token ${gh} (key ${aws})\n`);
  const inc = analyze(w);
  assert.ok(inc.triggers.some((t) => t.kind === 'secret'));
  const outputs = [
    reportOf(w, inc.id).text,
    reportOf(w, inc.id, '--format', 'json').text,
    reportOf(w, inc.id, '--format', 'yaml').text,
    ok(w, 'summary'),
    ok(w, 'summary', '--format', 'json'),
    ok(w, 'export-evals'),
    readFileSync(ok(w, 'learnings').trim(), 'utf8'),
  ];
  for (const [i, text] of outputs.entries()) {
    assert.ok(!text.includes(aws), `output ${i} leaks the AWS key`);
    assert.ok(!text.includes(gh), `output ${i} leaks the GitHub token`);
    for (const line of pemLines) assert.ok(!text.includes(line), `output ${i} leaks a line of the private key`);
  }
  assert.match(outputs[0] ?? '', /AKIA…\[redacted 16 chars\]/, 'the report still says what was found');
});

test('re-exporting replaces a report the tool wrote, never a hand-edited one without --force', async () => {
  const w = ws({ 'data.json': '{"rows": [1, 2, 3]}\n', 'logs/job.log': '' });
  ok(w, 'snapshot', '--baseline');
  await settle();
  w.write({ 'data.json': '{"rows": [1, 2' });
  appendFileSync(w.path('logs/job.log'), `${new Date().toISOString()} ERROR job: SyntaxError: Unexpected end of JSON input\n`);
  const inc = analyze(w);
  const first = reportOf(w, inc.id);
  const again = reportOf(w, inc.id);
  assert.equal(again.file, first.file, "the tool's own file is overwritten in place");
  assert.notEqual(again.text, first.text, 'with the new generation time');

  const edited = again.text.replace('## 2. What happened\n', '## 2. What happened\n\nNote from the on-call review.\n');
  writeFileSync(again.file, edited);
  const refused = cli(w, 'report', inc.id);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /edited by hand.*--force/);
  assert.equal(readFileSync(again.file, 'utf8'), edited, 'the edit survives');
  const forced = reportOf(w, inc.id, '--force');
  assert.doesNotMatch(forced.text, /on-call review/);

  // The structured exports carry the same guard: a reformatted JSON file is an edit too.
  const json = reportOf(w, inc.id, '--format', 'json');
  writeFileSync(json.file, JSON.stringify(JSON.parse(json.text)) + '\n');
  assert.equal(cli(w, 'report', inc.id, '--format', 'json').code, 2);
  // A file the tool never wrote is not replaced either.
  const mine = w.path('docs/mine.md');
  writeFileSync(mine, '# my own notes\n');
  const r = cli(w, 'report', inc.id, '--out', mine);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /not written by incident-replay.*--force/);
  assert.equal(readFileSync(mine, 'utf8'), '# my own notes\n');
  // Atomic writes leave no temp files behind.
  assert.deepEqual(
    readdirSync(w.path('docs/incidents')).filter((n) => n.includes('.tmp-')),
    [],
  );
  // Bad input says what to fix.
  const bad = cli(w, 'report', inc.id, '--format', 'pdf');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--format must be one of md, json, yaml/);
  assert.match(cli(w, 'summary', '--since', 'last week').stderr, /YYYY-MM-DD/);
});

test('JSON and YAML reports, eval cases and learnings as users read them', async () => {
  const w = ws({ 'config/app.json': '{"workers": 4}\n', 'logs/run.log': '' });
  ok(w, 'snapshot', '--baseline');
  await settle();
  w.write({ 'config/app.json': '{"workers": 0}\n' });
  appendFileSync(w.path('logs/run.log'), `${new Date().toISOString()} ERROR run: ZeroDivisionError: division by zero\n`);
  const inc = analyze(w);

  const json = JSON.parse(reportOf(w, inc.id, '--format', 'json').text) as Record<string, unknown>;
  const yaml = parse(reportOf(w, inc.id, '--format', 'yaml').text) as Record<string, unknown>;
  // Two runs differ only in when they ran.
  const stable = (d: Record<string, unknown>): unknown => {
    const { marker: _m, generatedAt: _g, postmortem, ...rest } = d;
    return { ...rest, postmortem: { ...(postmortem as Record<string, unknown>), updatedAt: 0 } };
  };
  assert.deepEqual(stable(yaml), stable(json));
  assert.equal((json.incident as Incident).id, inc.id);

  const lines = ok(w, 'export-evals').trim().split('\n');
  assert.equal(lines.length, 1);
  const record = JSON.parse(lines[0] ?? '') as { id: string; expected: { rootCauseCategory: string }; input: { triggers: unknown[] } };
  assert.equal(record.id, inc.id);
  assert.equal(record.expected.rootCauseCategory, inc.rootCause.category);
  assert.ok(record.input.triggers.length > 0);
  const outFile = w.path('evals/cases.jsonl');
  assert.equal(realpathSync(ok(w, 'export-evals', '--out', outFile).trim()), realpathSync(outFile));
  assert.equal(readFileSync(outFile, 'utf8').trim(), lines[0]);

  const learnings = ok(w, 'learnings').trim();
  assert.equal(realpathSync(learnings), realpathSync(w.path('LEARNINGS.md')));
  assert.match(readFileSync(learnings, 'utf8'), /^<!-- incident-replay:generated sha256=[0-9a-f]{64} -->\n# Learnings\n/);
  appendFileSync(learnings, '\nmy own lesson\n');
  assert.equal(cli(w, 'learnings').code, 2);
  ok(w, 'learnings', '--force');
});
