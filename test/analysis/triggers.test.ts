/** Every file-level trigger kind through the CLI's `triggers` command, with a user config. */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { Trigger } from '../../src/engine/types';
import { cli, settle, TempWorkspace } from '../support/workspace';

const spaces: TempWorkspace[] = [];
after(() => spaces.forEach((w) => w.dispose()));

/** A workspace with a baseline of `before`, then a snapshot after `change` has been applied to it. */
async function changed(before: Record<string, string>, change: (w: TempWorkspace) => void): Promise<TempWorkspace> {
  const w = new TempWorkspace(before);
  spaces.push(w);
  assert.equal(cli(w, 'snapshot', '--baseline').code, 0);
  await settle();
  change(w);
  assert.equal(cli(w, 'snapshot').code, 0);
  return w;
}

// The user wrote these configs: they trust them (an untrusted one may not allow deletions).
function triggers(w: TempWorkspace): Trigger[] {
  const r = cli(w, '--trust-config', 'triggers', 'baseline', 'latest', '--json');
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { triggers: Trigger[] }).triggers;
}

test('size growth, constraints, config changes, allowed deletions and empty outputs', async () => {
  const config = {
    triggers: {
      sizeGrowthFactor: 5,
      sizeGrowthMinBytes: 1000,
      deletionAllow: ['cache/**'],
      constraints: [{ pattern: 'DROP\\s+TABLE', message: 'destructive SQL written by the agent', files: ['**/*.sql'] }],
    },
  };
  const w = await changed(
    {
      'incident-replay.json': JSON.stringify(config),
      'data/events.jsonl': '{"id":1}\n',
      'migrations/001.sql': 'CREATE TABLE t (id int);\n',
      'settings.yaml': 'retries: 3\nendpoint: http://127.0.0.1:9000\n',
      'cache/tmp.bin': 'x',
      'src/keep.py': 'print(1)\n',
    },
    (w) =>
      w
        .write({
          'data/events.jsonl': '{"id":1}\n'.repeat(400),
          'migrations/001.sql': 'CREATE TABLE t (id int);\nDROP TABLE users;\n',
          'settings.yaml': 'retries: 0\nendpoint: http://127.0.0.1:9000\n',
          'results/summary.csv': '',
        })
        .remove('cache/tmp.bin', 'src/keep.py'),
  );
  const ts = triggers(w);
  const find = (kind: string, file: string) => ts.find((t) => t.kind === kind && t.file === file);

  const growth = find('size_growth', 'data/events.jsonl');
  assert.ok(growth, JSON.stringify(ts, null, 2));
  assert.match(growth.message, /grew 400\.0×/);

  const drop = find('constraint', 'migrations/001.sql');
  assert.ok(drop);
  assert.equal(drop.line, 2);
  assert.equal(drop.message, 'destructive SQL written by the agent');

  const cfg = find('config_change', 'settings.yaml');
  assert.ok(cfg);
  assert.match(cfg.message, /retries 3 → 0/);
  assert.equal(cfg.line, 1);

  assert.ok(find('deletion', 'src/keep.py'), 'an unexpected deletion fires');
  assert.equal(find('deletion', 'cache/tmp.bin'), undefined, 'an allowed deletion does not');
  const empty = find('empty_output', 'results/summary.csv');
  assert.ok(empty);
  assert.equal(empty.severity, 'warning', 'created empty is a warning; emptied is an error');

  for (const t of ts) {
    assert.match(t.id, /^T\d+$/);
    assert.ok(t.line >= 1 && t.column >= 1 && t.endLine >= t.line);
    assert.ok(Number.isFinite(t.timestamp));
  }
  const text = cli(w, 'triggers', 'baseline', 'latest');
  assert.match(text.stdout, /constraint\s+migrations\/001\.sql:2:1/);
});

test('a hostile user regex times out, is reported, and the rest of the analysis still runs', async () => {
  const w = new TempWorkspace({
    'incident-replay.json': JSON.stringify({ triggers: { logPatterns: [{ pattern: '(a+)+$', severity: 'error' }] } }),
    'logs/run.log': '',
  });
  spaces.push(w);
  assert.equal(cli(w, 'snapshot', '--baseline').code, 0);
  await settle();
  w.write({
    'logs/run.log': 'a'.repeat(5000) + '!\nTraceback (most recent call last):\n  File "x.py", line 1, in <module>\nValueError: bad\n',
  });
  assert.equal(cli(w, 'snapshot').code, 0);
  const r = cli(w, 'triggers', 'baseline', 'latest', '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /timed out/);
  const ts = (JSON.parse(r.stdout) as { triggers: Trigger[] }).triggers;
  assert.ok(ts.some((t) => t.errorType === 'ValueError'));
});

test('an output emptied of its records, not of its bytes, is an empty output: a CSV with only its header, [], blank lines', async () => {
  const w = await changed(
    {
      'out/report.csv': 'id,total\n1,5\n2,7\n',
      'out/items.json': '[{"id": 1}]\n',
      'out/notes.txt': 'first\nsecond\n',
      'out/summary.json': '{"total": 12}\n',
      'out/big.csv': 'id\n1\n2\n',
    },
    (w) =>
      w.write({
        'out/report.csv': 'id,total\n',
        'out/items.json': '[]\n',
        'out/notes.txt': '\n\n',
        'out/summary.json': '{"total": 0}\n',
        'out/big.csv': 'id\n1\n',
        'out/new.csv': 'id,name\n',
      }),
  );
  const empty = triggers(w)
    .filter((t) => t.kind === 'empty_output')
    .map((t) => [t.file, t.severity, t.message]);
  assert.deepEqual(empty.sort(), [
    ['out/items.json', 'error', 'out/items.json holds no items now (had 1 item)'],
    ['out/new.csv', 'warning', 'out/new.csv was created with only its header line'],
    ['out/notes.txt', 'error', 'out/notes.txt holds no lines now (had 2 lines)'],
    ['out/report.csv', 'error', 'out/report.csv holds only its header line now (had 2 rows)'],
  ]);
});
