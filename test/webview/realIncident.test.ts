/**
 * The sample workspace breaks for real (as in `npm run demo`); the incident and postmortem the CLI
 * records must pass the webview's guards, every click the view offers must be one the host
 * allows, and the decision chain must tell the story the sample's agent log tells.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Incident } from '../../src/engine/types';
import { TargetPolicy, toIncidentView } from '../../src/extension/incidentPanel/viewModel';
import { isHostMessage } from '../../src/protocol/messages';
import { buildDecisionChain } from '../../webview/model/decisionChain';
import { IncidentIndex, type NavTarget } from '../../webview/model/navigation';
import { buildTimelineModel } from '../../webview/model/timeline';
import { ROOT, cli } from '../support/workspace';

let ws = '';
let incident: Incident;
let postmortemJson: unknown;

before(() => {
  ws = mkdtempSync(path.join(os.tmpdir(), 'ir-'));
  cpSync(path.join(ROOT, 'samples', 'agent-workspace'), ws, { recursive: true });
  assert.equal(cli(ws, 'snapshot', '--baseline', '--label', 'baseline').code, 0);
  spawnSync(process.execPath, [path.join(ws, 'agent', 'run-agent.js')], { cwd: ws });
  const analyzed = cli(ws, 'analyze');
  assert.ok(analyzed.code === 0 || analyzed.code === 1, analyzed.stderr);
  const shown = cli(ws, 'show', 'INC-0001', '--json');
  assert.equal(shown.code, 0, shown.stderr);
  incident = (JSON.parse(shown.stdout) as { incident: Incident }).incident;
  const pm = cli(ws, 'postmortem', 'INC-0001', '--json');
  assert.equal(pm.code, 0, pm.stderr);
  postmortemJson = (JSON.parse(pm.stdout) as { postmortem: unknown }).postmortem;
});

after(() => rmSync(ws, { recursive: true, force: true }));

test('the recorded incident and its drafted postmortem pass the webview guards', () => {
  const view = toIncidentView(incident);
  assert.ok(isHostMessage(structuredClone({ type: 'incident', folder: 'file:///ws', incident: view })));
  assert.ok(isHostMessage(structuredClone({ type: 'postmortem', postmortem: postmortemJson, blameCheckAvailable: false })));
});

test('every file and diff the view can open is one the host allows', () => {
  const view = toIncidentView(incident);
  const index = new IncidentIndex(view);
  const policy = new TargetPolicy(incident);
  const targets: NavTarget[] = [];
  const add = (t: NavTarget | null): void => {
    if (t) targets.push(t);
  };
  for (const e of view.timeline) {
    const { primary, secondary } = index.eventTargets(e);
    add(primary);
    add(secondary);
  }
  for (const t of view.triggers) add(index.triggerTarget(t));
  for (const d of view.decisions) add(index.decisionTarget(d));
  for (const item of view.rootCause.evidence) add(index.evidenceTarget(item));
  for (const c of view.changes) add(index.changeDiff(c.path));
  assert.ok(targets.length >= view.timeline.length, 'most things are clickable');
  for (const t of targets) {
    if (t.type === 'location') assert.ok(policy.allowsLocation(t.file), `location ${t.file}`);
    if (t.type === 'diff') assert.ok(policy.allowsDiff(t.from, t.to, t.path), `diff ${t.from}..${t.to} ${t.path}`);
    if (t.type === 'event')
      assert.ok(
        view.timeline.some((e) => e.id === t.eventId),
        t.eventId,
      );
  }
});

test('the chain blames the run that failed and traces it to the decision about the port', () => {
  const view = toIncidentView(incident);
  const tc = view.rootCause.triggeringChange;
  const chain = buildDecisionChain(view.decisions, view.triggers, tc ? [tc.path, ...(tc.keys ?? [])] : []);
  const failing = chain.steps[chain.failing];
  assert.ok(failing, 'a failing step');
  assert.ok(
    failing.triggers.some((t) => t.kind === 'log_error'),
    'linked to the log error it produced',
  );
  assert.deepEqual(
    chain.story.map((p) => p.verb),
    ['decided', 'ran', 'error'],
  );
  // The sample picks a free port each run; the decision names it and so does the error.
  const port = /port (\d+)/.exec(chain.story[0]?.text ?? '')?.[1];
  assert.ok(port, `the decision names the port: ${chain.story[0]?.text}`);
  assert.ok(chain.story[2]?.text.includes(port), `the error names it too: ${chain.story[2]?.text}`);
  const model = buildTimelineModel(view.timeline, view.decisions);
  assert.equal(model.entries.length, view.timeline.length);
  assert.ok(
    model.entries.some((e) => e.kind === 'command'),
    'the job run shows as a command',
  );
});
