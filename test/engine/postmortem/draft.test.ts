/**
 * Postmortems drafted from incidents that real failing programs produced: the CLI is built
 * (`npm run build`), a program fails inside a workspace, `analyze --json` records the incident,
 * and the draft must be pre-filled from that evidence and only from it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { after, describe, test } from 'node:test';
import { extractArtifacts } from '../../../src/engine/postmortem/artifacts';
import { dueDateFor } from '../../../src/engine/postmortem/dates';
import { draftPostmortem } from '../../../src/engine/postmortem/draft';
import { CONTRIBUTING_FACTOR_KEYS, type Postmortem, type WhyStep } from '../../../src/engine/postmortem/types';
import type { Incident } from '../../../src/engine/types';
import { cli, settle, TempWorkspace } from '../../support/workspace';

const NOW = Date.UTC(2024, 4, 22, 9, 0, 0); // a Wednesday

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

function analyze(w: TempWorkspace): Incident {
  const r = cli(w, 'analyze', '--json');
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

/** Every evidence ref of every why names something the incident really holds. */
function assertEvidenceExists(inc: Incident, whys: readonly WhyStep[]): void {
  const known = {
    trigger: new Set(inc.triggers.map((t) => t.id)),
    decision: new Set(inc.decisions.map((d) => d.id)),
    change: new Set(inc.changes.map((c) => c.path)),
    snapshot: new Set(inc.snapshotIds),
  };
  for (const why of whys) {
    for (const e of why.evidence) {
      assert.notEqual(e.kind, 'none', `drafted evidence is never "none": ${JSON.stringify(why)}`);
      if (e.kind === 'none') continue;
      assert.ok(known[e.kind].has(e.ref), `${why.question}: ${e.kind} ${e.ref} is not in the incident`);
    }
  }
}

/** The framework's rule: a drafted why always rests on evidence; an open one is a question with no answer. */
function assertWhysHonest(whys: readonly WhyStep[]): void {
  assert.ok(whys.length >= 1 && whys.length <= 5, `${whys.length} whys`);
  for (const why of whys) {
    if (why.state === 'drafted') {
      assert.ok(why.evidence.length > 0, `drafted why without evidence: ${why.question}`);
      assert.ok(why.answer.length > 0);
    } else {
      assert.equal(why.state, 'empty');
      assert.equal(why.answer, '');
      assert.match(why.question, /\?.*question for the team/);
    }
  }
  // Open questions only come after the evidence ran out.
  const firstOpen = whys.findIndex((w) => w.state !== 'drafted');
  if (firstOpen >= 0) assert.ok(whys.slice(firstOpen).every((w) => w.state !== 'drafted'));
}

describe('a refused connection to a service nobody changed', () => {
  let inc: Incident;
  let pm: Postmortem;
  let port: number;

  test('drafts the upstream as a third-party factor and an external system in the blast radius', async () => {
    port = await closedPort();
    const w = ws({
      'src/fetch.js': `const net = require('node:net');\nconst s = net.connect(${port}, '127.0.0.1');\ns.on('connect', () => s.end());\n`,
      'logs/job.log': '2024-05-20T14:00:00.000Z INFO job: started\n',
    });
    assert.equal(cli(w, 'snapshot', '--baseline').code, 0);
    await settle();
    runInto(w, 'logs/job.log', process.execPath, ['src/fetch.js']);
    inc = analyze(w);
    assert.equal(inc.rootCause.category, 'external_failure');
    pm = draftPostmortem(inc, NOW);

    const tpd = pm.factors.third_party_dependency;
    assert.ok(tpd.score >= 2, JSON.stringify(tpd));
    assert.equal(tpd.state, 'drafted');
    assert.match(tpd.notes, new RegExp(`127\\.0\\.0\\.1:${port}`));
    assert.ok(pm.blastRadius.systems.value.includes(`127.0.0.1:${port}`), JSON.stringify(pm.blastRadius.systems));
    assert.equal(pm.blastRadius.systems.state, 'drafted');
    assert.deepEqual(pm.summary.impact.systems.value, pm.blastRadius.systems.value);
    assert.equal(pm.blastRadius.scope.value, 'single_run');

    // The repeat of the same failure is a wider pattern.
    assert.equal(cli(w, 'baseline', 'latest').code, 0);
    await settle();
    runInto(w, 'logs/job.log', process.execPath, ['src/fetch.js']);
    const second = analyze(w);
    assert.equal(second.repeatOf, inc.id);
    assert.equal(draftPostmortem(second, NOW).blastRadius.scope.value, 'wider_pattern');
  });

  test('leaves what only people know empty and marks every drafted field drafted', () => {
    assert.deepEqual(pm.summary.severity, { value: 'SEV-3', state: 'drafted' });
    assert.deepEqual(pm.summary.detectionMethod, { value: 'internal_discovery', state: 'drafted' });
    assert.deepEqual(pm.summary.owner, { value: null, state: 'empty' });
    assert.deepEqual(pm.summary.impact.users, { value: null, state: 'empty' });
    assert.deepEqual(pm.summary.impact.slaBreached, { value: null, state: 'empty' });
    assert.equal(pm.summary.start.value, Math.min(...inc.triggers.map((t) => t.timestamp)));
    assert.equal(pm.summary.end.value, Math.max(...inc.timeline.map((e) => e.timestamp)));
    for (const f of Object.values(pm.cost)) assert.deepEqual(f, { value: null, state: 'empty' });
    for (const f of Object.values(pm.prevention)) assert.deepEqual(f, { value: false, state: 'drafted' });
    for (const a of Object.values(pm.activeArtifacts)) assert.deepEqual(a, { value: null, state: 'empty' });
    for (const key of CONTRIBUTING_FACTOR_KEYS) {
      const f = pm.factors[key];
      assert.ok(
        f.state === 'drafted' ? f.score > 0 && f.notes !== '' : f.score === 0 && f.state === 'empty',
        `${key}: ${JSON.stringify(f)}`,
      );
    }
    assert.equal(pm.annotation, null);
    assert.deepEqual(pm.keptBlameSentences, []);
  });

  test('stops the five whys where the evidence stops and cites only what the incident holds', () => {
    const whys = pm.rootCause.fiveWhys;
    assertWhysHonest(whys);
    assertEvidenceExists(inc, whys);
    assert.match(whys[0]?.answer ?? '', /ECONNREFUSED/);
    assert.match(whys[1]?.answer ?? '', new RegExp(`127\\.0\\.0\\.1:${port}.*refused the connection`));
    assert.ok(whys.length < 5, 'no change or decision to go further on');
  });

  test('suggests a detection rule for the upstream, with no owner and a due date from its priority', () => {
    const rule = pm.actions.find((a) => a.artifact === 'detection rule');
    assert.ok(rule, JSON.stringify(pm.actions, null, 2));
    assert.match(rule.action, new RegExp(`127\\.0\\.0\\.1:${port}`));
    assert.equal(rule.owner, null);
    assert.equal(rule.state, 'drafted');
    assert.equal(rule.due, dueDateFor(rule.priority, NOW));
    assert.ok(pm.actions.some((a) => a.artifact === 'eval dataset' && a.action.includes(inc.id)));
    assert.ok(
      pm.controlGaps.value.some((g) => g.includes(`127.0.0.1:${port}`)),
      JSON.stringify(pm.controlGaps),
    );
  });
});

describe('an agent removes a config key and the job fails on it', () => {
  let inc: Incident;
  let pm: Postmortem;
  let w: TempWorkspace;

  test('drafts a five-whys chain from the failure to the agent step, every ref in the incident', async () => {
    w = ws({
      'config/settings.json': JSON.stringify({ api_url: 'http://127.0.0.1:9', retries: 3 }, null, 2) + '\n',
      'job.py': 'import json\ncfg = json.load(open("config/settings.json"))\nprint("retries", cfg["retries"])\n',
      'run.log': '',
      'agent/agent.log': '2024-05-20T14:00:00.000Z INFO Plan: keep the nightly job healthy\n',
      'memory/notes.md': '# Notes\n- the job reads config/settings.json\n',
    });
    assert.equal(cli(w, 'snapshot', '--baseline').code, 0);
    await settle();
    const at = (ms: number): string => new Date(Date.now() + ms).toISOString();
    appendFileSync(
      w.path('agent/agent.log'),
      [
        `${at(0)} INFO session started trace_id=tr-5f2a session_id: sess-0042 approval_mode=auto`,
        `${at(1)} INFO Decision: drop the retries setting because the HTTP client retries on its own`,
        `${at(2)} INFO Action: edit config/settings.json (remove retries)`,
        '',
      ].join('\n'),
    );
    w.write({
      'config/settings.json': JSON.stringify({ api_url: 'http://127.0.0.1:9' }, null, 2) + '\n',
      'memory/notes.md': '# Notes\n- retries are handled by the client now\n',
    });
    await settle();
    appendFileSync(w.path('agent/agent.log'), `${at(30)} INFO Action: run python3 job.py\n`);
    runInto(w, 'run.log', 'python3', ['job.py']);
    inc = analyze(w);
    assert.equal(inc.rootCause.category, 'config_error', JSON.stringify(inc.rootCause, null, 2));
    pm = draftPostmortem(inc, NOW);

    const whys = pm.rootCause.fiveWhys;
    assertWhysHonest(whys);
    assertEvidenceExists(inc, whys);
    assert.match(whys[0]?.answer ?? '', /KeyError/);
    assert.ok(
      whys[1]?.evidence.some((e) => e.kind === 'change' && e.ref === 'config/settings.json'),
      JSON.stringify(whys[1]),
    );
    const edit = inc.decisions.find((d) => d.kind === 'action' && d.text.includes('config/settings.json'));
    assert.ok(edit, JSON.stringify(inc.decisions, null, 2));
    assert.ok(
      whys[2]?.evidence.some((e) => e.kind === 'decision' && e.ref === edit.id),
      JSON.stringify(whys[2]),
    );
    assert.match(whys[2]?.answer ?? '', /retries/);
    assert.equal(whys.length, 5);
    assert.equal(whys[4]?.state, 'empty');
  });

  test('scores change management, names the control gap and suggests a schema check', () => {
    const edit = inc.decisions.find((d) => d.kind === 'action' && d.text.includes('config/settings.json'));
    assert.equal(pm.factors.change_management_failure.score, 3);
    assert.equal(pm.factors.change_management_failure.state, 'drafted');
    assert.ok(
      pm.controlGaps.value.includes(`No approval was required before the agent edited config/settings.json (${edit?.id ?? '?'})`),
      JSON.stringify(pm.controlGaps.value, null, 2),
    );
    const schema = pm.actions.find((a) => a.action === 'Add a config schema check for config/settings.json');
    assert.ok(schema, JSON.stringify(pm.actions, null, 2));
    assert.equal(schema.artifact, 'policy bundle / rollout gate');
    assert.equal(schema.due, '2024-05-29');
  });

  test('puts the agent memory and the changed files in the blast radius', () => {
    assert.ok(pm.blastRadius.memoryRecords.value.includes('memory/notes.md'), JSON.stringify(pm.blastRadius));
    assert.ok(pm.blastRadius.files.value.includes('config/settings.json (modified)'));
    assert.ok(!pm.blastRadius.files.value.some((f) => f.startsWith('run.log')), 'a log growing is not blast radius');
    assert.ok(pm.whatHappened.value.length > 0);
    assert.ok(pm.whatHappened.value.some((l) => l.includes('edit config/settings.json')));
    assert.ok(pm.wentWell.value.length >= 3 && pm.wentWell.value.length <= 5, JSON.stringify(pm.wentWell.value));
    assert.ok(pm.containment.value.some((c) => c.kind === 'permanent'));
  });

  test('fills active artifacts found in the agent log, with where they were found, and leaves the rest empty', () => {
    const artifacts = extractArtifacts([{ path: 'agent/agent.log', text: readFileSync(w.path('agent/agent.log'), 'utf8') }]);
    const withArtifacts = draftPostmortem({ ...inc, artifacts }, NOW);
    assert.deepEqual(withArtifacts.activeArtifacts.trace_id, { value: 'tr-5f2a', source: 'agent/agent.log:2', state: 'drafted' });
    assert.equal(withArtifacts.activeArtifacts.session_id.value, 'sess-0042');
    assert.equal(withArtifacts.activeArtifacts.approval_mode.value, 'auto');
    assert.deepEqual(withArtifacts.activeArtifacts.bundle_id, { value: null, state: 'empty' });
  });
});

test('a TypeError from a changed source file drafts insufficient testing and a regression test for that file', async () => {
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
  assert.equal(inc.rootCause.category, 'logic_error');
  const pm = draftPostmortem(inc, NOW);
  assert.equal(pm.factors.insufficient_testing.score, 3);
  const regression = pm.actions.find((a) => a.artifact === 'regression test');
  assert.equal(regression?.action, 'Add a regression test reproducing TypeError in src/total.js');
  assert.ok(
    pm.wentWell.value.includes(
      `The stack trace named the line: src/total.js:1 (${inc.triggers.find((t) => t.errorType === 'TypeError')?.id ?? '?'})`,
    ),
    JSON.stringify(pm.wentWell.value, null, 2),
  );
  assertWhysHonest(pm.rootCause.fiveWhys);
  assertEvidenceExists(inc, pm.rootCause.fiveWhys);
  // No agent steps were recorded, so the chain stops at the change with a question.
  assert.equal(pm.rootCause.fiveWhys.length, 3);
  assert.match(pm.rootCause.fiveWhys[2]?.question ?? '', /src\/total\.js/);
});

test('a config change that sat through several snapshots before anything failed drafts missing monitoring', async () => {
  const w = ws({
    'config/job.json': JSON.stringify({ batch: 100 }, null, 2) + '\n',
    'job.js':
      "const cfg = require('./config/job.json');\nif (cfg.batch > 1000) throw new RangeError('batch ' + cfg.batch + ' exceeds the 1000 row limit');\n",
    'logs/job.log': '',
  });
  assert.equal(cli(w, 'snapshot', '--baseline').code, 0);
  await settle();
  w.write({ 'config/job.json': JSON.stringify({ batch: 5000 }, null, 2) + '\n' });
  await settle();
  for (const label of ['hourly-1', 'hourly-2']) {
    assert.equal(cli(w, 'snapshot', '--label', label).code, 0);
    await settle();
  }
  runInto(w, 'logs/job.log', process.execPath, ['job.js']);
  const inc = analyze(w);
  const pm = draftPostmortem(inc, NOW);
  const monitoring = pm.factors.missing_monitoring;
  assert.equal(monitoring.score, 2, JSON.stringify({ monitoring, timeline: inc.timeline.map((e) => [e.kind, e.timestamp, e.ref]) }));
  assert.equal(monitoring.state, 'drafted');
  assert.match(monitoring.notes, /no error surfaced for 2 snapshots/);
  assert.ok(pm.summary.detectionDelayMs.value !== null && pm.summary.detectionDelayMs.value > 0);
});
