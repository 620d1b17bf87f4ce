/** `postmortem` and `annotate` through the built CLI (`npm run build` first), as users run them. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Postmortem } from '../../src/engine/postmortem/types';
import type { Incident } from '../../src/engine/types';
import { cli, settle, TempWorkspace } from '../support/workspace';

let w: TempWorkspace;
let id: string;

function postmortemJson(): Postmortem {
  const r = cli(w, 'postmortem', id, '--json');
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { postmortem: Postmortem }).postmortem;
}

before(async () => {
  w = new TempWorkspace({ 'boom.js': "throw new TypeError('cannot read the flux capacitor');\n", 'logs/a.log': '' });
  assert.equal(cli(w, 'snapshot', '--baseline').code, 0);
  await settle();
  const r = spawnSync(process.execPath, ['boom.js'], { cwd: w.dir, encoding: 'utf8' });
  appendFileSync(w.path('logs/a.log'), r.stderr + 'job exited with code 1\n');
  const analyzed = cli(w, 'analyze', '--json');
  assert.equal(analyzed.code, 0, analyzed.stderr);
  id = (JSON.parse(analyzed.stdout) as { incident: Incident }).incident.id;
});
after(() => w.dispose());

test('postmortem <id> prints the draft as text with drafted and empty fields marked', () => {
  const r = cli(w, 'postmortem', id);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^Postmortem ${id} · `));
  assert.match(r.stdout, /not saved yet: this is a fresh draft/);
  assert.match(r.stdout, /\[drafted\]\s+severity\s+SEV-3/);
  assert.match(r.stdout, /\[empty\]\s+owner\s+—/);
  assert.match(r.stdout, /\[drafted\]\s+why\.1\s+Why did the run fail\?/);
  assert.match(r.stdout, /10\. Action items/);
  const pm = postmortemJson();
  assert.equal(pm.incidentId, id);
  assert.equal(pm.summary.owner.state, 'empty');
});

test('--set changes fields and confirms them; a bad key or value exits 2, says what to fix and changes nothing', () => {
  const ok = cli(w, 'postmortem', id, '--set', 'owner=platform-operations', '--set', 'severity=SEV-2', '--set', 'impact.sla_breached=no');
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /owner set \(confirmed\)/);
  let pm = postmortemJson();
  assert.deepEqual(pm.summary.owner, { value: 'platform-operations', state: 'confirmed' });
  assert.deepEqual(pm.summary.severity, { value: 'SEV-2', state: 'confirmed' });
  assert.deepEqual(pm.summary.impact.slaBreached, { value: false, state: 'confirmed' });

  const typo = cli(w, 'postmortem', id, '--set', 'owner=someone-else', '--set', 'severty=SEV-1');
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /unknown postmortem key "severty" \(did you mean severity\?\); valid keys: .*impact\.sla_breached/);
  const badValue = cli(w, 'postmortem', id, '--set', 'severity=SEV-9');
  assert.equal(badValue.code, 2);
  assert.match(badValue.stderr, /severity: "SEV-9" is not one of SEV-1, SEV-2, SEV-3/);
  const noEquals = cli(w, 'postmortem', id, '--set', 'owner');
  assert.equal(noEquals.code, 2);
  assert.match(noEquals.stderr, /write it as key=value/);
  pm = postmortemJson();
  assert.equal(pm.summary.owner.value, 'platform-operations', 'a failed --set leaves the record as it was');

  const text = cli(w, 'postmortem', id);
  assert.match(text.stdout, /\[confirmed\]\s+owner\s+platform-operations/);
  assert.match(text.stdout, /last edited/);
});

test('--action adds an action item; missing or invalid parts exit 2', () => {
  const badDate = cli(
    w,
    'postmortem',
    id,
    '--action',
    'Add a regression test for the flux capacitor',
    '--owner',
    'qa',
    '--due',
    '2030-13-01',
    '--priority',
    'P1',
  );
  assert.equal(badDate.code, 2);
  assert.match(badDate.stderr, /--due: "2030-13-01" is not a date: use YYYY-MM-DD/);
  const noOwner = cli(w, 'postmortem', id, '--action', 'x', '--due', '2030-01-15', '--priority', 'P1');
  assert.equal(noOwner.code, 2);
  assert.match(noOwner.stderr, /every action needs an owner/);
  const stray = cli(w, 'postmortem', id, '--owner', 'qa');
  assert.equal(stray.code, 2);
  assert.match(stray.stderr, /--owner belongs to --action "text"; to set the postmortem owner use --set owner=NAME/);

  const before = postmortemJson().actions.length;
  const ok = cli(
    w,
    'postmortem',
    id,
    '--action',
    'Add a regression test for the flux capacitor',
    '--owner',
    'qa',
    '--due',
    '2030-01-15',
    '--priority',
    'p1',
    '--artifact',
    'regression test',
  );
  assert.equal(ok.code, 0, ok.stderr);
  const actions = postmortemJson().actions;
  assert.equal(actions.length, before + 1);
  const added = actions.at(-1);
  assert.match(ok.stdout, new RegExp(`action ${added?.id ?? '?'} added \\(P1, due 2030-01-15, owner qa\\)`));
  assert.deepEqual(
    {
      owner: added?.owner,
      due: added?.due,
      priority: added?.priority,
      artifact: added?.artifact,
      status: added?.status,
      state: added?.state,
    },
    { owner: 'qa', due: '2030-01-15', priority: 'P1', artifact: 'regression test', status: 'open', state: 'confirmed' },
  );
});

test('a blaming sentence is kept with a warning, and the text output notes it was kept', () => {
  const r = cli(w, 'postmortem', id, '--set', 'what_went_well=Alice broke the build but rolled back fast.');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /warning: what_went_well: .* names Alice next to a mistake\. Rewrite without naming Alice, as a process gap/);
  assert.deepEqual(postmortemJson().keptBlameSentences, ['Alice broke the build but rolled back fast.']);
  assert.match(
    cli(w, 'postmortem', id).stdout,
    /Blameless check:\n {2}what_went_well: "Alice broke the build but rolled back fast\." \(kept by choice\)/,
  );
});

test('--keys lists every settable key with what it accepts', () => {
  const r = cli(w, 'postmortem', '--keys');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^KEY\s+ACCEPTS/);
  assert.match(r.stdout, /\nimpact\.sla_breached\s+yes, no, unknown\n/);
  assert.match(r.stdout, /\ndetection_delay\s+duration .*1h 30m/);
  assert.match(r.stdout, /\nfactors\.third_party_dependency\s+0-3/);
  assert.match(r.stdout, /\naction\.<id>\.status\s+open, in-progress, done, wont-do/);
});

test('annotate records the outcome (mitigated keeps the incident open, fixed resolves it); bad input exits 2', () => {
  const status = (): string => (JSON.parse(cli(w, 'show', id, '--json').stdout) as { incident: { status: string } }).incident.status;
  const mitigated = cli(w, 'annotate', id, '--outcome', 'mitigated', '--json');
  assert.equal(mitigated.code, 0, mitigated.stderr);
  assert.equal((JSON.parse(mitigated.stdout) as { status: string }).status, 'open');
  assert.equal(cli(w, 'annotate', id, '--outcome', 'false-alarm', '--keep-open').stdout.trim(), `${id} annotated: false-alarm; still open`);
  assert.equal(status(), 'open');
  const ok = cli(w, 'annotate', id, '--outcome', 'fixed', '--note', 'guarded the capacitor read');
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout.trim(), `${id} annotated: fixed (guarded the capacitor read); resolved`);
  assert.equal(status(), 'resolved');
  const pm = postmortemJson();
  assert.equal(pm.annotation?.outcome, 'fixed');
  assert.equal(pm.annotation?.note, 'guarded the capacitor read');
  assert.equal(pm.summary.owner.value, 'platform-operations', 'annotating keeps earlier edits');
  assert.match(cli(w, 'postmortem', id).stdout, /Outcome: fixed \(guarded the capacitor read\)/);

  const badOutcome = cli(w, 'annotate', id, '--outcome', 'solved');
  assert.equal(badOutcome.code, 2);
  assert.match(badOutcome.stderr, /--outcome "solved" is not one of fixed, mitigated, false-alarm, wont-fix/);
  assert.equal(cli(w, 'annotate', id).code, 2, 'the outcome is required');
  const unknown = cli(w, 'annotate', 'INC-0099', '--outcome', 'fixed');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no incident INC-0099/);
});

test('an unknown or missing incident id exits 2', () => {
  const unknown = cli(w, 'postmortem', 'INC-0099');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no incident INC-0099 in this store/);
  const missing = cli(w, 'postmortem');
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /give the incident id/);
});
