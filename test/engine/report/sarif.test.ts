/**
 * SARIF 2.1.0 out of the CLI (`triggers --format sarif`, `analyze --sarif FILE`), validated
 * against the SARIF schema: what code scanning and SARIF viewers get to see.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { Log, Result } from 'sarif';
import { cli, ROOT, settle, TempWorkspace } from '../../support/workspace';

const spaces: TempWorkspace[] = [];
after(() => spaces.forEach((w) => w.dispose()));

/**
 * The schema declares draft-04, which Ajv 8 no longer reads; its only draft-04 keyword in use
 * is the root `id`, so it is read as draft-07 with that renamed to `$id`. One of its patterns
 * (`language`) is not valid with the `u` flag Ajv 8 adds by default, hence `unicodeRegExp: false`.
 */
function sarifValidator(): (log: unknown) => string[] {
  const file = path.join(ROOT, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
  const { id, $schema, ...schema } = JSON.parse(readFileSync(file, 'utf8')) as { id: string; $schema: string } & Record<string, unknown>;
  assert.equal($schema, 'http://json-schema.org/draft-04/schema#');
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile({ ...schema, $id: id });
  return (log) => (validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`));
}
const validate = sarifValidator();

const AWS_KEY = 'AKIAZ7Q2M4XW9K3J5T8R';
const TOKEN = 'ghp_4hJ9kQ2mX7pL3nR8sT1vW6yZ0aB5cD2eF9gH';

async function brokenWorkspace(): Promise<TempWorkspace> {
  const w = new TempWorkspace({
    'src/job.py': 'def run(rows):\n    return 100 / len(rows)\n',
    'config/app.yaml': 'db:\n  port: 5432\n',
    'data/keep.csv': 'a,b\n1,2\n',
    'logs/run 1.log': '2024-05-20 14:00:00,000 INFO start\n',
  });
  spaces.push(w);
  assert.equal(cli(w, 'snapshot', '--baseline').code, 0);
  await settle();
  const repeats = Array.from(
    { length: 25 },
    (_, i) => `2024-05-20 14:02:${String(10 + i).padStart(2, '0')},000 ERROR db: connect ECONNREFUSED 127.0.0.1:${6000 + i}`,
  );
  w.write({
    'config/app.yaml': 'db:\n  port: 6543\n',
    'logs/run 1.log': [
      '2024-05-20 14:00:00,000 INFO start',
      ...repeats,
      `2024-05-20 14:02:40,000 ERROR auth: upstream rejected token ${TOKEN}`,
      'Traceback (most recent call last):',
      `  File "${w.path('src/job.py')}", line 2, in run`,
      '    return 100 / len(rows)',
      'ZeroDivisionError: division by zero',
      '',
    ].join('\n'),
    'notes/creds.txt': `aws_access_key_id = ${AWS_KEY}\n`,
  }).remove('data/keep.csv');
  return w;
}

function resultsOf(log: Log): Result[] {
  return log.runs[0]?.results ?? [];
}

test('triggers --format sarif prints a valid SARIF log: rules, relative locations, counts, fingerprints, nothing secret', async () => {
  const w = await brokenWorkspace();
  assert.equal(cli(w, 'snapshot').code, 0);
  const json = cli(w, 'triggers', 'baseline', 'latest', '--json');
  const triggers = (
    JSON.parse(json.stdout) as { triggers: { id: string; kind: string; rule?: string; file: string; line: number; count?: number }[] }
  ).triggers;
  const r = cli(w, 'triggers', 'baseline', 'latest', '--format', 'sarif');
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!r.stdout.includes(AWS_KEY) && !r.stdout.includes(TOKEN), 'secrets are redacted');
  const log = JSON.parse(r.stdout) as Log;
  assert.deepEqual(validate(log), []);
  assert.equal(log.version, '2.1.0');
  const run = log.runs[0];
  assert.equal(run?.tool.driver.name, 'Incident Replay');
  assert.equal(run?.originalUriBaseIds?.['WORKSPACE']?.uri, `file://${w.dir}/`);

  // One result per trigger, one rule per kind and detector, each result pointing at its rule.
  const results = resultsOf(log);
  assert.equal(results.length, triggers.length);
  const rules = run?.tool.driver.rules ?? [];
  assert.equal(new Set(rules.map((x) => x.id)).size, rules.length);
  for (const res of results) assert.equal(rules[res.ruleIndex ?? -1]?.id, res.ruleId);
  assert.equal(rules.find((x) => x.id === 'log_error/python_traceback')?.name, 'LogErrorPythonTraceback');
  assert.equal(rules.length, new Set(triggers.map((t) => `${t.kind} ${t.rule ?? ''}`)).size);

  const byId = new Map(results.map((x) => [(x.properties as { triggerId: string }).triggerId, x]));
  for (const t of triggers) {
    assert.ok(byId.get(t.id)?.ruleId?.startsWith(t.kind), `${t.id} reports under a rule of its kind`);
    const loc = byId.get(t.id)?.locations?.[0]?.physicalLocation;
    assert.equal(loc?.artifactLocation?.uriBaseId, 'WORKSPACE');
    assert.equal(decodeURIComponent(loc?.artifactLocation?.uri ?? ''), t.file);
    assert.equal(loc?.region?.startLine, Math.max(1, t.line));
  }
  // The space in the log's name is percent-encoded, as a URI must be.
  assert.ok(results.some((x) => x.locations?.[0]?.physicalLocation?.artifactLocation?.uri === 'logs/run%201.log'));

  const repeated = results.find((x) => x.message.text?.startsWith('db: connect ECONNREFUSED'));
  assert.equal(repeated?.level, 'error');
  assert.match(repeated?.message.text ?? '', / \(×25\)$/);
  assert.equal((repeated?.properties as { count: number }).count, 25);
  assert.equal((repeated?.properties as { burst?: boolean }).burst, true);
  assert.match(
    repeated?.partialFingerprints?.['incidentReplay/signature/v1'] ?? '',
    /^log_error\/level_error: db: connect ECONNREFUSED <addr>$/,
  );

  const trace = results.find((x) => x.ruleId === 'log_error/python_traceback');
  assert.deepEqual(
    trace?.relatedLocations?.map((l) => [l.physicalLocation?.artifactLocation?.uri, l.physicalLocation?.region?.startLine]),
    [['src/job.py', 2]],
  );
  const deletion = results.find((x) => x.ruleId?.startsWith('deletion'));
  assert.equal(deletion?.locations?.[0]?.physicalLocation?.artifactLocation?.uri, 'data/keep.csv');
  assert.ok(
    results.some((x) => x.ruleId?.startsWith('secret')),
    'the leaked key is a result, redacted',
  );
});

test('analyze --sarif FILE writes the same log next to the incident; a bad --format is a usage error', async () => {
  const w = await brokenWorkspace();
  const out = path.join(w.dir, 'out', 'incident.sarif');
  const r = cli(w, 'analyze', '--sarif', out, '--json');
  assert.equal(r.code, 0, r.stderr);
  const incident = (JSON.parse(r.stdout) as { incident: { triggers: { id: string }[] } }).incident;
  const log = JSON.parse(readFileSync(out, 'utf8')) as Log;
  assert.deepEqual(validate(log), []);
  assert.deepEqual(
    resultsOf(log).map((x) => (x.properties as { triggerId: string }).triggerId),
    incident.triggers.map((t) => t.id),
  );
  assert.match(r.stderr, /SARIF written to .*incident\.sarif/);

  const bad = cli(w, 'triggers', 'baseline', 'latest', '--format', 'xml');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--format must be one of text, json, sarif/);
});
