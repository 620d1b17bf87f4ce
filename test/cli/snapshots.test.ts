import assert from 'node:assert/strict';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { cli, cliAsync, TempWorkspace } from '../support/workspace';

const spaces: TempWorkspace[] = [];
const ws = (files: Record<string, string | Buffer> = {}): TempWorkspace => {
  const w = new TempWorkspace(files);
  spaces.push(w);
  return w;
};
after(() => spaces.forEach((w) => w.dispose()));

test('snapshot prints the new id; snapshots lists it with the baseline starred', () => {
  const w = ws({ 'app.py': 'print("hi")\n', 'config/app.json': '{"port": 1}\n' });
  const first = cli(w, 'snapshot', '--baseline', '--label', 'before');
  assert.equal(first.code, 0, first.stderr);
  const id = first.stdout.trim();
  assert.match(id, /^[0-9a-f]{8}$/);
  assert.match(first.stderr, /2 files/);
  const list = cli(w, 'snapshots');
  assert.equal(list.code, 0);
  assert.match(list.stdout, new RegExp(`\\*\\s+${id}\\s+latest~0`));
  const json = JSON.parse(cli(w, 'snapshots', '--json').stdout) as {
    snapshots: { id: string; baseline: boolean; label: string; fileCount: number }[];
  };
  assert.deepEqual(
    json.snapshots.map((s) => [s.id, s.baseline, s.label, s.fileCount]),
    [[id, true, 'before', 2]],
  );
  // The store never reaches git and is never snapshotted.
  assert.equal(readFileSync(w.path('.incident-replay/.gitignore'), 'utf8').includes('*'), true);
});

test('diff shows added, removed, modified, renamed and mode changes, as text and JSON', () => {
  const w = ws({ 'a.txt': 'one\ntwo\nthree\n', 'gone.txt': 'bye\n', 'moved.txt': 'same content\n', 'run.sh': 'echo hi\n' });
  assert.equal(cli(w, 'snapshot', '--baseline').code, 0);
  w.write({ 'a.txt': 'one\nTWO\nthree\nfour\n', 'new.txt': 'hello\n', 'sub/renamed.txt': 'same content\n' }).remove(
    'gone.txt',
    'moved.txt',
  );
  chmodSync(w.path('run.sh'), 0o755);
  assert.equal(cli(w, 'snapshot').code, 0);
  const text = cli(w, 'diff', 'baseline', 'latest');
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^M a\.txt \(\+2 -1\)$/m);
  assert.match(text.stdout, /^A new\.txt \(\+1 -0\)$/m);
  assert.match(text.stdout, /^D gone\.txt/m);
  assert.match(text.stdout, /^R moved\.txt → sub\/renamed\.txt$/m);
  assert.match(text.stdout, /^T run\.sh \[mode 644 → 755\]$/m);
  assert.match(text.stdout, /^-two\n\+TWO$/m);
  const json = JSON.parse(cli(w, 'diff', 'baseline', 'latest', '--json').stdout) as {
    changes: { status: string; path: string; oldPath?: string; additions: number; deletions: number; patch?: string }[];
    summary: Record<string, number>;
  };
  assert.deepEqual(
    json.changes.map((c) => [c.status, c.path]),
    [
      ['modified', 'a.txt'],
      ['removed', 'gone.txt'],
      ['added', 'new.txt'],
      ['mode_changed', 'run.sh'],
      ['renamed', 'sub/renamed.txt'],
    ],
  );
  assert.equal(json.summary.renamed, 1);
  assert.match(json.changes[0]?.patch ?? '', /@@ -1,3 \+1,4 @@/);
});

test('binary files are flagged and never line-diffed', () => {
  const w = ws({ 'img.bin': Buffer.from([0, 1, 2, 3, 0, 255]) });
  cli(w, 'snapshot', '--baseline');
  w.write({ 'img.bin': Buffer.from([0, 9, 9, 9, 0, 255, 7]) });
  cli(w, 'snapshot');
  const d = cli(w, 'diff', 'baseline', 'latest');
  assert.match(d.stdout, /^M img\.bin \(binary file: not line-diffed\)$/m);
});

test('prune keeps the newest N and the baseline, and frees unreferenced content', () => {
  const w = ws({ 'f.txt': 'v0\n' });
  const base = cli(w, 'snapshot', '--baseline').stdout.trim();
  for (let i = 1; i <= 4; i++) {
    w.write({ 'f.txt': `version ${i} `.repeat(2000) + '\n' });
    assert.equal(cli(w, 'snapshot').code, 0);
  }
  const r = cli(w, 'prune', '--keep', '2');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /removed 2 snapshots, kept 3/);
  const ids = (JSON.parse(cli(w, 'snapshots', '--json').stdout) as { snapshots: { id: string }[] }).snapshots.map((s) => s.id);
  assert.equal(ids.length, 3);
  assert.ok(ids.includes(base), 'the baseline survives pruning');
  assert.equal(cli(w, 'prune', '--keep', 'x').code, 2);
});

test('restore refuses without --force, then restores with a safety snapshot first', () => {
  const w = ws({ 'config/app.json': '{"port": 5432}\n', 'keep.txt': 'k\n' });
  cli(w, 'snapshot', '--baseline');
  w.write({ 'config/app.json': '{"port": 1}\n', 'junk.txt': 'new\n' });
  cli(w, 'snapshot');
  const refused = cli(w, 'restore', 'baseline');
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /write\s+config\/app\.json/);
  assert.match(refused.stderr, /--force/);
  assert.equal(readFileSync(w.path('config/app.json'), 'utf8'), '{"port": 1}\n');

  const one = cli(w, 'restore', 'baseline', '--path', 'config/app.json', '--force');
  assert.equal(one.code, 0, one.stderr);
  assert.equal(readFileSync(w.path('config/app.json'), 'utf8'), '{"port": 5432}\n');
  assert.ok(existsSync(w.path('junk.txt')), 'a single-file restore leaves other files alone');
  const safetyId = /safety snapshot ([0-9a-f]{8})/.exec(one.stdout)?.[1];
  assert.ok(safetyId);

  const all = cli(w, 'restore', 'baseline', '--force');
  assert.equal(all.code, 0, all.stderr);
  assert.equal(existsSync(w.path('junk.txt')), false, 'a whole restore removes files the snapshot did not have');
  // ...and the safety snapshot still has it, so the restore can be undone.
  const undo = cli(w, 'restore', 'latest', '--path', 'junk.txt', '--force');
  assert.equal(undo.code, 0, undo.stderr);
  assert.equal(readFileSync(w.path('junk.txt'), 'utf8'), 'new\n');
});

test('bad input exits 2 with a message that says what to fix', () => {
  const w = ws({ 'a.txt': 'a' });
  const missing = cli(w.path('does-not-exist'), 'snapshot');
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /does not exist: pass an existing folder with --workspace/);
  const noSnap = cli(w, 'diff', 'baseline', 'latest');
  assert.equal(noSnap.code, 2);
  assert.match(noSnap.stderr, /no snapshots yet/);
  cli(w, 'snapshot');
  const badRef = cli(w, 'diff', 'nope', 'latest');
  assert.equal(badRef.code, 2);
  assert.match(badRef.stderr, /unknown snapshot "nope"/);
  const usage = cli(w, 'frobnicate');
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /unknown command/);
  const missingArg = cli(w, 'baseline');
  assert.equal(missingArg.code, 2);
});

test('--help works on every command', () => {
  const w = ws();
  for (const c of [
    'snapshot',
    'snapshots',
    'baseline',
    'diff',
    'prune',
    'restore',
    'triggers',
    'analyze',
    'incidents',
    'show',
    'patterns',
    'resolve',
  ]) {
    const r = cli(w, c, '--help');
    assert.equal(r.code, 0, `${c} --help: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`Usage: incident-replay ${c}`));
  }
  assert.equal(cli(w, '--help').code, 0);
});

test('an invalid or oversized config is refused with the key path', () => {
  const w = ws({ 'incident-replay.json': JSON.stringify({ keepSnapshots: 'many' }) });
  const r = cli(w, 'snapshot');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /keepSnapshots/);
  writeFileSync(w.path('other.yaml'), 'a: 1');
  const nonJson = cli(w, '--config', w.path('other.yaml'), 'snapshots');
  assert.equal(nonJson.code, 2);
  assert.match(nonJson.stderr, /\.json/);
});

test('a corrupt database is moved aside with a clear message and nothing else is lost', () => {
  const w = ws({ 'a.txt': 'a\n' });
  cli(w, 'snapshot');
  writeFileSync(w.path('.incident-replay/incident-replay.sqlite'), 'this is not a database at all, just text that got written here');
  const r = cli(w, 'snapshots');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /corrupt/);
  const aside = readdirSync(w.path('.incident-replay')).filter((f) => f.includes('.corrupt-'));
  assert.equal(aside.length, 1);
  assert.match(readFileSync(w.path(`.incident-replay/${aside[0]}`), 'utf8'), /not a database/);
  const again = cli(w, 'snapshot');
  assert.equal(again.code, 0, again.stderr);
});

test('two writers at once: both snapshots are recorded', async () => {
  const w = ws({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
  const results = await Promise.all([
    cliAsync(w, 'snapshot', '--label', 'one'),
    cliAsync(w, 'snapshot', '--label', 'two'),
    cliAsync(w, 'snapshot', '--label', 'three'),
  ]);
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  const labels = (JSON.parse(cli(w, 'snapshots', '--json').stdout) as { snapshots: { label: string }[] }).snapshots
    .map((s) => s.label)
    .sort();
  assert.deepEqual(labels, ['one', 'three', 'two']);
});
