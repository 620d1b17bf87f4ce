import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import type { Postmortem } from '../../../src/engine/postmortem/types';
import { reportDocument, jsonOwnership, yamlOwnership } from '../../../src/engine/report/reportDocument';
import { reportFacts } from '../../../src/engine/report/reportFacts';
import { renderReport } from '../../../src/engine/report/renderReport';
import type { ReportFormat } from '../../../src/engine/report/reportFile';
import type { Incident } from '../../../src/engine/types';
import { action, incident, postmortem } from './builders';

const NOW = Date.UTC(2024, 4, 20, 15, 0, 0, 123);
const ROOT = '/ws';
const FILE = {
  md: '/ws/docs/incidents/INC-0001-x.md',
  json: '/ws/docs/incidents/INC-0001-x.json',
  yaml: '/ws/docs/incidents/INC-0001-x.yaml',
};

function render(inc: Incident, pm: Postmortem, format: ReportFormat): string {
  return renderReport(reportFacts(inc, pm), { format, file: FILE[format], workspaceRoot: ROOT, now: NOW });
}

function sample(): { inc: Incident; pm: Postmortem } {
  const inc = incident('INC-0001', {
    createdAt: Date.UTC(2024, 4, 20, 14, 0),
    artifacts: { trace_id: { value: 'trace-2024-05-20-001', source: 'agent/session.jsonl:3' } },
  });
  return { inc, pm: postmortem(inc) };
}

const SECTIONS = [
  '## 1. Incident summary',
  '## 2. What happened',
  '## 3. Active artifacts',
  '## 4. Timeline',
  '## 5. Changes',
  '## 6. Triggers',
  '## 7. Decision chain',
  '## 8. Containment',
  '## 9. Root cause',
  '### Five Whys',
  '## 10. Contributing factors',
  '## 11. What failed in the control layer',
  '## 12. Blast radius',
  '## 13. What went well',
  '## 14. Remediation',
  '## 15. Action items',
  '## 16. Lifecycle updates',
  '## 17. Evals and rollout',
  '## 18. Recurrence prevention',
  '## 19. Cost',
  '## 20. Postmortem YAML',
  '## 21. What to do right away',
];

test('the markdown report has every postmortem section, in the framework and template order', () => {
  const { inc, pm } = sample();
  const md = render(inc, pm, 'md');
  let last = -1;
  for (const heading of SECTIONS) {
    const at = md.indexOf(`\n${heading}\n`);
    assert.ok(at > last, `${heading} missing or out of order`);
    last = at;
  }
});

test('drafted fields, missing artifacts, links and estimated times are visible in the markdown', () => {
  const { inc, pm } = sample();
  const md = render(inc, pm, 'md');
  assert.match(md, /- \*\*Severity:\*\* SEV-\d _\(drafted\)_/);
  assert.match(
    md,
    /\| `trace_id` \| `trace-2024-05-20-001` _\(drafted\)_ \| \[agent\/session\.jsonl:3\]\(\.\.\/\.\.\/agent\/session\.jsonl#L3\) \|/,
  );
  assert.match(md, /\| `bundle_id` \| _not found_ \|/);
  assert.match(md, /\[logs\/run-0\.log:40\]\(\.\.\/\.\.\/logs\/run-0\.log#L40\)/, 'triggers link file:line');
  assert.match(md, /\[config\/pipeline\.yaml\]\(\.\.\/\.\.\/config\/pipeline\.yaml\)/, 'the triggering change links its file');
  assert.match(md, /\| 2024-05-20T13:58:00\.000Z ~ _\(estimated\)_ \|/, 'estimated timeline times are marked, with milliseconds');
  assert.match(md, /```mermaid\nflowchart TD\n/);
  assert.match(md, /_The diagram shows 25 of 60 events \(triggers and decisions first\); the table above lists them all\._/);
  assert.match(md, /\*\*Category:\*\* `config_error`, confidence 82% \(0\.82\)/);
});

test('the postmortem YAML block has exactly the agent template shape', () => {
  const { inc, pm } = sample();
  pm.summary.owner = { value: 'platform-operations', state: 'confirmed' };
  pm.actions = [
    action('A1', 'open', { action: 'tighten_approval_policy', owner: 'platform-safety', due: '2024-05-24' }),
    action('A2', 'wont_do'),
  ];
  pm.lifecycleUpdates = { value: { change_id: 'chg-2024-05-21-003' }, state: 'confirmed' };
  const md = render(inc, pm, 'md');
  const block = /## 20\. Postmortem YAML\n\n```yaml\n([\s\S]*?)\n```/.exec(md)?.[1];
  assert.ok(block);
  assert.deepEqual(parse(block), {
    postmortem: {
      incident_id: 'INC-0001',
      severity: pm.summary.severity.value.toLowerCase().replace('-', ''),
      owner: 'platform-operations',
      active_artifacts: { trace_id: 'trace-2024-05-20-001', session_id: null, bundle_id: null, change_id: null, rollout_wave: null },
      root_cause: { primary: 'config_error', contributing: ['no validation of batch_size', 'job retried without backoff'] },
      corrective_actions: [{ owner: 'platform-safety', action: 'tighten_approval_policy', due: '2024-05-24' }],
      lifecycle_updates: { change_id: 'chg-2024-05-21-003' },
    },
  });
});

test('the closing checklist writes every unanswered item as no, and yes only when the data shows it', () => {
  const { inc, pm } = sample();
  pm.actions = [action('A1', 'open'), action('A2', 'open', { owner: null })];
  const md = render(inc, pm, 'md');
  assert.match(
    md,
    /- \[ \] Are there concrete corrective actions with owners and due dates\? \*\*no\*\*: 1 of 2 action\(s\) lack an owner or a due date/,
  );
  assert.match(
    md,
    /- \[ \] Are trace\\_id, session\\_id, bundle\\_id and change\\_id reconstructed\? \*\*no\*\*: missing session\\_id, bundle\\_id, change\\_id/,
  );
  assert.match(md, /- \[ \] Is it clear which lifecycle artifacts must change\? \*\*no\*\*/);
  assert.match(md, /- \[x\] Does the postmortem include a precise incident\\_id\? \*\*yes\*\*: INC-0001/);

  pm.actions = [action('A1', 'open', { artifact: 'eval dataset' })];
  for (const k of ['session_id', 'bundle_id', 'change_id'] as const) pm.activeArtifacts[k] = { value: `${k}-1`, state: 'confirmed' };
  pm.lifecycleUpdates = { value: { bundle_id: 'bundle-2' }, state: 'confirmed' };
  const done = render(inc, pm, 'md');
  assert.equal((/## 21\.[\s\S]*/.exec(done)?.[0].match(/\*\*no\*\*/g) ?? []).length, 0, done.slice(done.indexOf('## 21.')));
});

test('a kept sentence that the blameless check flags is noted in the report', () => {
  const { inc, pm } = sample();
  const sentence = 'Alice broke the nightly job by pushing the config without review.';
  pm.summary.text = { value: sentence, state: 'confirmed' };
  pm.keptBlameSentences = [sentence];
  const md = render(inc, pm, 'md');
  assert.match(md, /> \*\*Blameless check:\*\* 1 sentence\(s\) put a person next to a mistake/);
  assert.match(md, /names Alice\).*_Kept as written by the author\._/);
  const { inc: i2, pm: clean } = sample();
  assert.doesNotMatch(render(i2, clean, 'md'), /Blameless check/);
});

test('JSON and YAML exports hold the same data, and each recognises its own untouched output', () => {
  const { inc, pm } = sample();
  const json = render(inc, pm, 'json');
  const yaml = render(inc, pm, 'yaml');
  const fromJson = JSON.parse(json) as Record<string, unknown>;
  assert.deepEqual(parse(yaml), fromJson);
  assert.deepEqual(Object.keys(fromJson), ['marker', 'schema', 'generatedAt', 'incident', 'postmortem', 'derived']);
  assert.equal(fromJson.schema, 'incident-replay.report/1');
  assert.equal(fromJson.generatedAt, '2024-05-20T15:00:00.123Z');
  assert.deepEqual(fromJson, JSON.parse(JSON.stringify(reportDocument(reportFacts(inc, pm), NOW))));

  assert.equal(jsonOwnership(json), 'untouched');
  assert.equal(yamlOwnership(yaml), 'untouched');
  assert.equal(jsonOwnership(json.replace('"severity": "high"', '"severity": "low"')), 'edited');
  assert.equal(jsonOwnership(json.replace(/\n {2}/g, '\n    ')), 'edited', 'reformatting counts as an edit');
  assert.equal(yamlOwnership(yaml + '# my note\n'), 'edited', 'a comment counts as an edit');
  assert.equal(yamlOwnership(yaml.replace('severity: high', 'severity: low')), 'edited');
  assert.equal(jsonOwnership('{"mine": true}\n'), 'foreign');
  assert.equal(yamlOwnership('not: [valid'), 'foreign');
});

test('secrets typed into a postmortem or missed by detectors reach no export', () => {
  const aws = 'AKIA' + 'Z7Q2M4XW9K3J5T8R';
  const gh = 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8';
  const pemBody = 'MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi4ZxqP8dUvXzTq1v0ckS7dP';
  const pem = `-----BEGIN RSA PRIVATE KEY-----\n${pemBody}\n-----END RSA PRIVATE KEY-----`;
  const { inc, pm } = sample();
  const first = inc.triggers[0];
  assert.ok(first);
  first.evidence = `aws_access_key_id = ${aws}\n${pem}`;
  inc.title = `Leak of ${gh}`;
  pm.whatHappened = { value: [`the agent printed ${gh} and ${aws}`], state: 'confirmed' };
  pm.actions = [action('A1', 'open', { action: `rotate ${aws}` })];
  for (const format of ['md', 'json', 'yaml'] as const) {
    const text = render(inc, pm, format);
    for (const secret of [aws, gh, pemBody]) assert.ok(!text.includes(secret), `${format} leaks ${secret.slice(0, 6)}`);
    assert.match(text, /AKIA…\[redacted 16 chars\]/, format);
  }
});
