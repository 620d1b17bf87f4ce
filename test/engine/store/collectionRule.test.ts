import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { afterEach, beforeEach, it } from 'node:test';
import { DEFAULT_CONFIG } from '../../../src/engine/config/defaults';
import { SnapshotStore } from '../../../src/engine/snapshotStore';
import { fsck } from '../../../src/engine/store/fsck';
import { CLI, TempWorkspace } from '../../support/workspace';

let ws: TempWorkspace;
beforeEach(() => {
  ws = new TempWorkspace({ 'a.txt': 'version 1\n', 'b.txt': 'steady\n' });
});
afterEach(() => ws.dispose());

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [CLI, '--workspace', ws.dir, ...args], { encoding: 'utf8' });
}

it('a long-lived process does not trust blobs another process collected since it last looked', async () => {
  const store = await SnapshotStore.open({ workspaceRoot: ws.dir, config: DEFAULT_CONFIG });
  try {
    await store.snapshot({ label: 'long-lived sees version 1' });
    ws.write({ 'a.txt': 'version 2\n' });
    assert.equal(cli('snapshot').status, 0);
    ws.write({ 'a.txt': 'version 3\n' });
    assert.equal(cli('snapshot').status, 0);
    const pruned = cli('prune', '--keep', '1');
    assert.equal(pruned.status, 0, pruned.stderr);
    assert.match(pruned.stdout, /removed 2 snapshots/);
    // The agent undoes its edit: the content is version 1 again, whose blob the prune deleted.
    ws.write({ 'a.txt': 'version 1\n' });
    const { snapshot } = await store.snapshot({ label: 'after the undo' });
    const report = await fsck(store);
    assert.deepEqual(report.problems, []);
    const d = cli('diff', snapshot.id, 'latest~1');
    assert.equal(d.status, 0, d.stderr);
    assert.match(d.stdout, /a\.txt/);
  } finally {
    store.close();
  }
});

it('prune keeps the snapshots an incident was analysed between; delete refuses them', async () => {
  ws.write({ 'logs/job.log': '' });
  assert.equal(cli('snapshot', '--baseline').status, 0);
  ws.write({ 'logs/job.log': 'Traceback (most recent call last):\n  File "job.py", line 3, in <module>\nKeyError: \'port\'\n' });
  const analyzed = cli('analyze', '--json');
  assert.equal(analyzed.status, 0, analyzed.stderr);
  const { incident } = JSON.parse(analyzed.stdout) as { incident: { id: string } };
  assert.equal(cli('baseline', 'latest').status, 0);
  for (let i = 0; i < 3; i++) {
    ws.write({ 'a.txt': `later ${i}\n` });
    assert.equal(cli('snapshot').status, 0);
  }
  assert.equal(cli('prune', '--keep', '1').status, 0);
  const list = JSON.parse(cli('snapshots', '--json').stdout) as { snapshots: { id: string; label: string | null }[] };
  // The incident's two snapshots (its baseline and its post-incident snapshot) and the newest.
  assert.equal(list.snapshots.length, 3, JSON.stringify(list.snapshots));
  const first = list.snapshots[0]?.id ?? '';
  const store = await SnapshotStore.open({ workspaceRoot: ws.dir, config: DEFAULT_CONFIG });
  try {
    await assert.rejects(store.deleteSnapshot(first), new RegExp(`kept for incident ${incident.id}`));
  } finally {
    store.close();
  }
  const check = cli('fsck');
  assert.equal(check.status, 0, check.stdout + check.stderr);
});

it('fsck names the damaged snapshot, exits 1, and --repair drops only it', async () => {
  assert.equal(cli('snapshot', '--label', 'one').status, 0);
  ws.write({ 'c.txt': 'only in two\n' });
  assert.equal(cli('snapshot', '--label', 'two').status, 0);
  const store = await SnapshotStore.open({ workspaceRoot: ws.dir, config: DEFAULT_CONFIG });
  const two = await store.resolve('two');
  const cId = (await store.manifest(two)).find((e) => e.path === 'c.txt')?.id ?? '';
  // Damage the store the way a collector without the rule would: c.txt's blob goes.
  const live = new Set<string>();
  for (const s of await store.list()) {
    live.add(s.manifestId);
    for (const e of await store.manifest(s)) if (e.id !== cId) live.add(e.id);
  }
  await store.objects.gc(live);
  store.close();
  const diff = cli('diff', 'one', 'two');
  assert.equal(diff.status, 1);
  assert.match(diff.stderr, new RegExp(`snapshot .*${two.id}.* is damaged.*incident-replay fsck`));
  const check = cli('fsck');
  assert.equal(check.status, 1);
  assert.match(check.stdout, new RegExp(`snapshot ${two.id} \\(two\\) cannot be restored or diffed`));
  const repair = cli('fsck', '--repair');
  assert.equal(repair.status, 0, repair.stdout + repair.stderr);
  assert.match(repair.stdout, new RegExp(`repaired: dropped snapshot ${two.id}`));
  assert.equal(cli('fsck').status, 0);
  assert.equal(cli('diff', 'one', 'latest').status, 0);
});

it('fsck reads the journal and run logs: a record cut off by a crash is a note, not damage', () => {
  assert.equal(cli('snapshot').status, 0);
  ws.write({ '.incident-replay/journal/2026-12-07.jsonl': '{"t":1,"kind":"change","path":"a.txt"}\n{"t":2,"ki' });
  const check = cli('fsck', '--json');
  assert.equal(check.status, 0, check.stderr);
  const report = JSON.parse(check.stdout) as { problems: unknown[]; notes: { message: string }[] };
  assert.deepEqual(report.problems, []);
  assert.match(report.notes.map((n) => n.message).join('\n'), /journal\/2026-12-07\.jsonl: 1 record cut off/);
});

it('a store fed by many small captures keeps few packs, and every snapshot stays whole', async () => {
  const store = await SnapshotStore.open({ workspaceRoot: ws.dir, config: DEFAULT_CONFIG });
  const packDir = `${store.dir}/objects/packs`;
  const packs = (): number => readdirSync(packDir).filter((n) => n.endsWith('.pack')).length;
  try {
    let most = 0;
    for (let i = 0; i < 45; i++) {
      ws.write({ 'a.txt': `version ${i}\n` });
      await store.snapshot({ label: `v${i}` });
      most = Math.max(most, packs());
    }
    // Merged past 32 (see ObjectStore.mergeSmallPacks): never more than 33 on disk after a capture.
    assert.ok(most <= 33, `${most} packs`);
    assert.ok(packs() < 45 - 20, `${packs()} packs after 45 captures`);
    assert.deepEqual((await fsck(store)).problems, []);
    const first = (await store.list()).find((s) => s.label === 'v0');
    assert.ok(first);
    assert.deepEqual(
      (await store.manifest(first)).map((e) => e.path),
      ['a.txt', 'b.txt'],
    );
  } finally {
    store.close();
  }
});
