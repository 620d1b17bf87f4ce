import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { analyzeWindow } from '../../src/engine/analysis/analyze';
import { loadConfig, parseConfigText } from '../../src/engine/config/load';
import { SnapshotStore } from '../../src/engine/snapshotStore';
import type { IgnoreRule } from '../../src/engine/config/types';
import { ignoreRuleEdit, ignoreRuleFor, type IgnoreEditResult, type TextEditSpec } from '../../src/extension/problems/ignoreRule';
import { TempWorkspace } from '../support/workspace';

function apply(text: string, result: IgnoreEditResult): string {
  assert.equal(result.kind, 'edit', JSON.stringify(result));
  const e = (result as { edit: TextEditSpec }).edit;
  return text.slice(0, e.offset) + e.text + text.slice(e.offset + e.length);
}

const rule: IgnoreRule = { kind: 'deletion', file: 'data/orders.csv' };
const ignoreOf = (text: string): unknown => parseConfigText(text, 'incident-replay.json').config.triggers.ignore;

test('with no config file, a new one holds just the rule and is valid config', () => {
  const created = apply('', ignoreRuleEdit(null, rule));
  assert.deepEqual(ignoreOf(created), [rule]);
  assert.equal(created, '{\n  "triggers": {\n    "ignore": [\n      { "kind": "deletion", "file": "data/orders.csv" }\n    ]\n  }\n}\n');
});

test("the rule is added where it belongs, in the file's own indentation and line endings, touching nothing else", () => {
  const original = '{\r\n    "keepSnapshots": 10,\r\n    "exclude": ["tmp/**"]\r\n}\r\n';
  const edited = apply(original, ignoreRuleEdit(original, rule));
  assert.equal(
    edited,
    '{\r\n    "keepSnapshots": 10,\r\n    "exclude": ["tmp/**"],\r\n    "triggers": {\r\n        "ignore": [\r\n            { "kind": "deletion", "file": "data/orders.csv" }\r\n        ]\r\n    }\r\n}\r\n',
  );
  assert.deepEqual(ignoreOf(edited), [rule]);
  assert.equal(parseConfigText(edited, 'incident-replay.json').config.keepSnapshots, 10);
});

test('an existing triggers object gets an ignore list; an existing list gets one more entry', () => {
  const withTriggers = '{\n\t"triggers": {\n\t\t"outputGlobs": ["out/**"]\n\t}\n}\n';
  const a = apply(withTriggers, ignoreRuleEdit(withTriggers, rule));
  assert.equal(
    a,
    '{\n\t"triggers": {\n\t\t"outputGlobs": ["out/**"],\n\t\t"ignore": [\n\t\t\t{ "kind": "deletion", "file": "data/orders.csv" }\n\t\t]\n\t}\n}\n',
  );

  const other: IgnoreRule = { kind: 'log_error', file: 'logs/job.log', message: 'ECONNREFUSED' };
  const b = apply(a, ignoreRuleEdit(a, other));
  assert.deepEqual(ignoreOf(b), [rule, other]);
  assert.ok(
    b.startsWith(a.slice(0, a.indexOf('"data/orders.csv" }') + '"data/orders.csv" }'.length)),
    'what was there stays byte for byte',
  );

  const oneLine = '{"triggers": {"ignore": []}}';
  assert.deepEqual(ignoreOf(apply(oneLine, ignoreRuleEdit(oneLine, rule))), [rule]);
  const compact = '{"keepSnapshots": 3}';
  const c = apply(compact, ignoreRuleEdit(compact, rule));
  assert.equal(c.split('\n').length, 1, 'a one-line file stays on one line');
  assert.deepEqual(ignoreOf(c), [rule]);
  const empty = '{}\n';
  assert.deepEqual(ignoreOf(apply(empty, ignoreRuleEdit(empty, rule))), [rule]);
});

test('the same rule is not added twice, and a file that cannot take it says why', () => {
  const once = apply('', ignoreRuleEdit(null, rule));
  assert.deepEqual(ignoreRuleEdit(once, rule), { kind: 'present' });
  const broken = ignoreRuleEdit('{\n  "keepSnapshots": 10,\n}\n', rule);
  assert.equal(broken.kind, 'invalid');
  assert.match((broken as { message: string }).message, /line 3, column 1/);
  assert.match((ignoreRuleEdit('{"triggers": []}', rule) as { message: string }).message, /"triggers" is not an object/);
  assert.match((ignoreRuleEdit('{"triggers": {"ignore": {}}}', rule) as { message: string }).message, /not a list/);
  assert.equal(ignoreRuleEdit('[1]', rule).kind, 'invalid');
});

test('the rule written for a trigger silences that trigger in the next analysis and nothing else', async () => {
  const odd = 'data/[draft] orders (1).csv';
  const ws = new TempWorkspace({ [odd]: 'id,total\n1,10\n', 'data/keep.csv': 'id\n1\n', 'src/job.js': 'console.log(1)\n' });
  const storeDir = mkdtempSync(path.join(os.tmpdir(), 'ir-store-'));
  const open = async (): Promise<SnapshotStore> =>
    SnapshotStore.open({ workspaceRoot: ws.dir, storeDir, config: (await loadConfig({ workspaceRoot: ws.dir })).config });
  try {
    let store = await open();
    const baseline = (await store.snapshot({ baseline: true })).snapshot;
    ws.remove(odd, 'data/keep.csv');
    const after = (await store.snapshot()).snapshot;
    const before = await analyzeWindow(store, baseline, after, { decisions: false, commits: false });
    const deletions = before.triggers
      .filter((t) => t.kind === 'deletion')
      .map((t) => t.file)
      .sort();
    assert.deepEqual(deletions, ['data/[draft] orders (1).csv', 'data/keep.csv']);
    store.close();

    const trigger = before.triggers.find((t) => t.file === odd);
    assert.ok(trigger);
    const file = ws.path('incident-replay.json');
    writeFileSync(file, apply('', ignoreRuleEdit(null, ignoreRuleFor(trigger))));
    store = await open();
    const later = (await store.snapshot()).snapshot;
    const again = await analyzeWindow(store, baseline, later, { decisions: false, commits: false });
    store.close();
    assert.deepEqual(
      again.triggers.filter((t) => t.kind === 'deletion').map((t) => t.file),
      ['data/keep.csv'],
      `glob characters in the path are escaped: ${readFileSync(file, 'utf8')}`,
    );
  } finally {
    ws.dispose();
    rmSync(storeDir, { recursive: true, force: true });
  }
});

test('log errors are ignored by error type within their file, not the whole log', () => {
  assert.deepEqual(
    ignoreRuleFor({ kind: 'log_error', file: 'logs/job.log', errorType: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:5433' }),
    {
      kind: 'log_error',
      file: 'logs/job.log',
      message: 'ECONNREFUSED',
    },
  );
  const r = ignoreRuleFor({ kind: 'log_error', file: 'app.log', message: 'failed (code 3) at x.y' });
  assert.ok(r.message && new RegExp(r.message).test('failed (code 3) at x.y'), 'the message is matched literally');
});
