import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { DEFAULT_CONFIG } from '../../../src/engine/config/defaults';
import type { EngineConfig } from '../../../src/engine/config/types';
import { IncidentReplayError } from '../../../src/engine/errors';
import { SnapshotStore } from '../../../src/engine/snapshotStore';
import { ConfinedRoot, NotAFolderError } from '../../../src/engine/store/confinedDirs';
import type { RestoreStep } from '../../../src/engine/store/restore';
import { plantSnapshot, Sentinel } from '../../security/craftedStore';

const dirs: string[] = [];
const stores: SnapshotStore[] = [];
after(() => {
  stores.forEach((s) => s.close());
  dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
});

/** A workspace `ws` with `files`, and beside it a sentinel folder `outside` no restore may touch. */
function setup(files: Record<string, string>): { ws: string; outside: Sentinel; rel: (p: string) => string } {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-restore-'));
  dirs.push(tmp);
  const ws = path.join(tmp, 'ws');
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(ws, rel)), { recursive: true });
    fs.writeFileSync(path.join(ws, rel), content);
  }
  fs.mkdirSync(ws, { recursive: true });
  return { ws, outside: new Sentinel(path.join(tmp, 'outside')), rel: (p) => path.join(ws, p) };
}

async function open(ws: string, config: Partial<EngineConfig> = {}): Promise<SnapshotStore> {
  const s = await SnapshotStore.open({ workspaceRoot: ws, config: { ...DEFAULT_CONFIG, ...config } });
  stores.push(s);
  return s;
}

function describeSteps(steps: readonly RestoreStep[]): string[] {
  return steps.map((s) => `${s.op} ${s.path}`);
}

test('a folder swapped for a symlink to outside: the dry run says it is replaced, the restore makes a real folder and writes nothing outside', async () => {
  const { ws, outside, rel } = setup({ 'sub/a.txt': 'a\n', 'keep.txt': 'k\n' });
  const store = await open(ws);
  await store.snapshot({ label: 'good', baseline: true });
  fs.rmSync(rel('sub'), { recursive: true });
  fs.symlinkSync(outside.dir, rel('sub'));

  const plan = await store.planRestore('good', undefined, { against: 'workspace' });
  assert.deepEqual(describeSteps(plan.steps), ['replace sub', 'write sub/a.txt']);
  const r = await store.restore('good');
  assert.deepEqual(
    [r.replaced, r.written, r.removed, r.skipped],
    [['sub'], ['sub/a.txt'], [], []],
    'the real run does what the dry run listed',
  );
  outside.assertUntouched();
  assert.ok(fs.lstatSync(rel('sub')).isDirectory() && !fs.lstatSync(rel('sub')).isSymbolicLink());
  assert.equal(fs.readFileSync(rel('sub/a.txt'), 'utf8'), 'a\n');
  // The safety snapshot recorded the symlink, so the restore can be undone.
  const safety = (await store.manifest(r.safety)).find((e) => e.path === 'sub');
  assert.deepEqual([safety?.type, safety?.target], ['symlink', outside.dir]);
  const undo = await store.restore(r.safety.id);
  assert.equal(fs.readlinkSync(rel('sub')), outside.dir);
  assert.deepEqual(undo.removed, ['sub/a.txt']);
  outside.assertUntouched();
});

test('a file swapped for a symlink to a file outside: the link is replaced, the outside file keeps its content', async () => {
  const { ws, outside, rel } = setup({ 'config.json': '{"port": 1}\n' });
  const store = await open(ws);
  await store.snapshot({ label: 'good' });
  fs.rmSync(rel('config.json'));
  fs.symlinkSync(path.join(outside.dir, 'sentinel.txt'), rel('config.json'));
  const r = await store.restore('good');
  assert.deepEqual(r.written, ['config.json']);
  outside.assertUntouched();
  assert.ok(fs.lstatSync(rel('config.json')).isFile());
  assert.equal(fs.readFileSync(rel('config.json'), 'utf8'), '{"port": 1}\n');
});

test('symlinks inside the snapshot come back as symlinks with the same text, never followed, also where a folder stands now', async () => {
  const { ws, outside, rel } = setup({ 'a.txt': 'a\n' });
  fs.symlinkSync(outside.dir, rel('out'));
  fs.symlinkSync(path.join(outside.dir, 'sentinel.txt'), rel('secret'));
  fs.symlinkSync('a.txt', rel('local'));
  const store = await open(ws);
  await store.snapshot({ label: 'links' });
  // Now `out` is a real folder with a file in it, and the other links are gone.
  fs.rmSync(rel('out'));
  fs.mkdirSync(rel('out'));
  fs.writeFileSync(rel('out/x.txt'), 'x\n');
  fs.rmSync(rel('secret'));
  fs.rmSync(rel('local'));
  const plan = await store.planRestore('links', undefined, { against: 'workspace' });
  const r = await store.restore('links');
  assert.deepEqual(describeSteps(plan.steps), ['remove out/x.txt', 'write local', 'write out', 'write secret']);
  assert.deepEqual([r.removed, r.written], [['out/x.txt'], ['local', 'out', 'secret']]);
  assert.equal(fs.readlinkSync(rel('out')), outside.dir);
  assert.equal(fs.readlinkSync(rel('secret')), path.join(outside.dir, 'sentinel.txt'));
  assert.equal(fs.readlinkSync(rel('local')), 'a.txt');
  outside.assertUntouched();
});

test('`..` in a manifest path (a crafted store): refused as a whole with the reason, before any safety snapshot', async () => {
  const { ws, outside, rel } = setup({ 'a.txt': 'mine\n' });
  const store = await open(ws);
  await store.snapshot();
  const bad = await plantSnapshot(store, [
    { path: 'a.txt', content: 'theirs\n' },
    { path: '../dotdot.txt' },
    { path: 'sub/../../escape.txt' },
  ]);
  const before = (await store.list()).length;
  for (const run of [() => store.planRestore(bad, undefined, { against: 'workspace' }), () => store.restore(bad)]) {
    await assert.rejects(run(), (e: unknown) => {
      assert.ok(e instanceof IncidentReplayError);
      assert.match(
        e.message,
        /snapshot [0-9a-f]{8} cannot be restored, invalid snapshot manifest: entry \d \("\.\.\/dotdot\.txt"\): path has a "\." or "\.\." segment; nothing was written/,
      );
      return true;
    });
  }
  assert.equal((await store.list()).length, before, 'no safety snapshot for a refused restore');
  assert.equal(fs.readFileSync(rel('a.txt'), 'utf8'), 'mine\n', 'not one file of the snapshot is written');
  outside.assertUntouched();
});

test('a symlink swapped in during the restore (between the plan and the write) is not followed: the write is refused with the reason', async () => {
  const { ws, outside, rel } = setup({ 'sub/a.txt': 'a\n', 'sub/b.txt': 'b\n', 'z.txt': 'z\n' });
  const store = await open(ws);
  await store.snapshot({ label: 'good' });
  fs.writeFileSync(rel('sub/a.txt'), 'changed\n');
  fs.writeFileSync(rel('sub/b.txt'), 'changed\n');
  fs.writeFileSync(rel('z.txt'), 'changed\n');
  const seen: string[] = [];
  const r = await store.restore('good', undefined, {
    onStep: (step) => {
      seen.push(`${step.op} ${step.path}`);
      if (step.path === 'sub/a.txt') {
        // An agent running alongside moves the folder away and leaves a link to outside.
        fs.renameSync(rel('sub'), rel('sub.moved'));
        fs.symlinkSync(outside.dir, rel('sub'));
      }
    },
  });
  assert.deepEqual(seen, ['write sub/a.txt', 'write sub/b.txt', 'write z.txt']);
  assert.deepEqual(r.written, ['z.txt']);
  assert.deepEqual(
    r.skipped.map((s) => [s.path, s.reason]),
    [
      ['sub/a.txt', 'sub became a symlink during the restore: not followed; restore this path again'],
      ['sub/b.txt', 'sub became a symlink during the restore: not followed; restore this path again'],
    ],
  );
  outside.assertUntouched();
  assert.equal(fs.readFileSync(rel('z.txt'), 'utf8'), 'z\n');
});

test('a folder already open when a symlink replaces its path keeps receiving the writes: they land in the real folder, inside the workspace', async () => {
  const { ws, outside, rel } = setup({ 'sub/a.txt': 'a\n', 'sub/b.txt': 'b\n' });
  const store = await open(ws);
  await store.snapshot({ label: 'good' });
  fs.writeFileSync(rel('sub/a.txt'), 'changed\n');
  fs.writeFileSync(rel('sub/b.txt'), 'changed\n');
  const r = await store.restore('good', undefined, {
    onStep: (step) => {
      if (step.path !== 'sub/b.txt') return;
      fs.renameSync(rel('sub'), rel('sub.moved'));
      fs.symlinkSync(outside.dir, rel('sub'));
    },
  });
  outside.assertUntouched();
  assert.equal(fs.readFileSync(rel('sub.moved/b.txt'), 'utf8'), 'b\n');
  assert.equal(r.written.length + r.skipped.length, 2);
});

test('a symlink the safety snapshot does not record (excluded) is neither followed nor replaced: the plan and the run refuse it', async () => {
  const { ws, outside, rel } = setup({ 'sub/a.txt': 'a\n', 'b.txt': 'b\n' });
  const first = await open(ws);
  await first.snapshot({ label: 'good' });
  first.close();
  fs.rmSync(rel('sub'), { recursive: true });
  fs.symlinkSync(outside.dir, rel('sub'));
  fs.writeFileSync(rel('b.txt'), 'changed\n');
  const store = await open(ws, { exclude: ['sub'] });
  const plan = await store.planRestore('good', undefined, { against: 'workspace' });
  assert.deepEqual(describeSteps(plan.steps), ['write b.txt']);
  assert.match(
    plan.skipped[0]?.reason ?? '',
    /^sub is a symlink where the snapshot has a folder, and the safety snapshot does not record it .*not followed, not replaced/,
  );
  const r = await store.restore('good');
  assert.deepEqual([r.written, r.skipped.map((s) => s.path)], [['b.txt'], ['sub/a.txt']]);
  assert.equal(fs.readlinkSync(rel('sub')), outside.dir);
  outside.assertUntouched();
});

test('modes: the recorded permission bits come back through the umask, as a checkout gives them', async () => {
  const { ws, rel } = setup({ 'run.sh': 'echo hi\n', 'private.txt': 'p\n', 'plain.txt': 'x\n' });
  fs.chmodSync(rel('run.sh'), 0o755);
  fs.chmodSync(rel('private.txt'), 0o600);
  const store = await open(ws);
  await store.snapshot({ label: 'good' });
  for (const f of ['run.sh', 'private.txt', 'plain.txt']) fs.rmSync(rel(f));
  await store.restore('good');
  const modeOf = (f: string): string => (fs.statSync(rel(f)).mode & 0o7777).toString(8);
  const umask = process.umask();
  assert.deepEqual(
    ['run.sh', 'private.txt', 'plain.txt'].map(modeOf),
    [0o755, 0o600, 0o644].map((m) => (m & ~umask).toString(8)),
  );
});

test('without /proc, every component is checked with lstat before each use: a symlink in the chain is refused', async () => {
  const { ws, outside, rel } = setup({ 'sub/deeper/a.txt': 'a\n' });
  fs.symlinkSync(outside.dir, rel('sub/link'));
  for (const viaProc of [false, true]) {
    const dirs = await ConfinedRoot.open(ws, { viaProc });
    try {
      const ok = await dirs.folder([Buffer.from('sub'), Buffer.from('deeper')], false);
      assert.ok(fs.statSync(ok).isDirectory());
      await assert.rejects(
        dirs.folder([Buffer.from('sub'), Buffer.from('link'), Buffer.from('new')], true),
        (e: unknown) => e instanceof NotAFolderError && e.at === 'sub/link' && e.found === 'symlink',
      );
      await assert.rejects(
        dirs.folder([Buffer.from('sub'), Buffer.from('deeper'), Buffer.from('a.txt')], true),
        (e: unknown) => e instanceof NotAFolderError && e.found === 'file',
      );
    } finally {
      await dirs.close();
    }
  }
  outside.assertUntouched();
});

test(
  'our own captures of odd but legal POSIX names (a backslash, a drive-like name, a non-UTF-8 name) read back and restore in place',
  { skip: process.platform === 'win32' },
  async () => {
    const { ws, outside, rel } = setup({ 'C:\\temp\\out.txt': 'from a tool that mishandled a Windows path\n', 'a\\b.txt': 'b\n' });
    const rawName = Buffer.concat([Buffer.from(ws + '/caf'), Buffer.from([0xe9]), Buffer.from('.txt')]);
    fs.writeFileSync(rawName, 'latin-1 name\n');
    const store = await open(ws);
    const { snapshot } = await store.snapshot({ label: 'odd' });
    assert.deepEqual(
      (await store.manifest(snapshot)).map((e) => e.path),
      ['C:\\temp\\out.txt', 'a\\b.txt', 'caf\uFFFD.txt'],
    );
    fs.rmSync(rel('C:\\temp\\out.txt'));
    fs.rmSync(rel('a\\b.txt'));
    fs.rmSync(rawName);
    const r = await store.restore('odd');
    assert.deepEqual(r.written, ['C:\\temp\\out.txt', 'a\\b.txt', 'caf\uFFFD.txt']);
    assert.equal(fs.readFileSync(rel('C:\\temp\\out.txt'), 'utf8'), 'from a tool that mishandled a Windows path\n');
    assert.equal(fs.readFileSync(rawName, 'utf8'), 'latin-1 name\n');
    outside.assertUntouched();
  },
);
