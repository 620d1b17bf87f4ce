import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { DEFAULT_CONFIG } from '../../../src/engine/config/defaults';
import type { EngineConfig } from '../../../src/engine/config/types';
import { IncidentReplayError } from '../../../src/engine/errors';
import { SnapshotStore } from '../../../src/engine/snapshotStore';

const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-git-'));
  dirs.push(d);
  return d;
}

function git(dir: string, ...args: string[]): string {
  return execFileSync(
    'git',
    ['-C', dir, '-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'protocol.file.allow=always', ...args],
    { encoding: 'utf8' },
  );
}

function write(dir: string, files: Record<string, string | Buffer>): void {
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
}

/** A repository with one commit of `files`; its working tree left exactly as committed. */
function repo(files: Record<string, string | Buffer>): string {
  const dir = tempDir();
  git(dir, 'init', '-q', '-b', 'main');
  write(dir, files);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'first');
  return dir;
}

async function open(dir: string, config: Partial<EngineConfig> = {}): Promise<SnapshotStore> {
  return SnapshotStore.open({ workspaceRoot: dir, config: { ...DEFAULT_CONFIG, ...config } });
}

async function message(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof IncidentReplayError, `expected a user-facing error, got ${String(e)}`);
    return e.message;
  }
  assert.fail('expected an error');
}

test('git:HEAD of an unchanged checkout equals a capture of it: same filters, modes, links and size limit, so no spurious change', async () => {
  const big = 'x'.repeat(3000) + '\n';
  const dir = repo({
    'app.js': 'console.log(1)\n',
    'run.sh': '#!/bin/sh\necho hi\n',
    'data/big.csv': big,
    'image.bin': Buffer.from([0, 1, 2, 3, 0, 255]),
    '.gitignore': 'build/\n*.log\n',
    'sub/.gitignore': '!keep.log\n',
    'tmp/scratch.txt': 'excluded by the config\n',
  });
  // Committed although ignored: git has them, a capture does not, and neither may the git snapshot.
  write(dir, {
    'build/out.js': 'built\n',
    'debug.log': 'noise\n',
    'sub/keep.log': 'kept by the nested rule\n',
    'node_modules/x/index.js': 'dep\n',
  });
  git(dir, 'add', '-f', 'build/out.js', 'debug.log', 'sub/keep.log', 'node_modules/x/index.js');
  fs.chmodSync(path.join(dir, 'run.sh'), 0o755);
  fs.symlinkSync('app.js', path.join(dir, 'link.js'));
  git(dir, 'add', 'run.sh', 'link.js');
  git(dir, 'commit', '-q', '-m', 'more');
  // A umask of 002 leaves group-writable files: git ignores that, so must the comparison.
  fs.chmodSync(path.join(dir, 'app.js'), 0o664);

  const store = await open(dir, { exclude: ['tmp/**'], maxFileSizeBytes: 1000 });
  try {
    const head = await store.resolve('git:HEAD');
    assert.equal(head.label, 'git:HEAD');
    const { snapshot: now } = await store.snapshot();
    const diff = await store.diffSnapshots(head, now);
    assert.deepEqual(
      diff.changes.map((c) => `${c.status} ${c.path}`),
      [],
    );
    const entries = await store.manifest(head);
    assert.deepEqual(entries.map((e) => e.path).sort(), [
      '.gitignore',
      'app.js',
      'data/big.csv',
      'image.bin',
      'link.js',
      'run.sh',
      'sub/.gitignore',
      'sub/keep.log',
    ]);
    const byPath = new Map(entries.map((e) => [e.path, e]));
    assert.equal(byPath.get('run.sh')?.mode, 0o755);
    assert.equal(byPath.get('link.js')?.type, 'symlink');
    assert.equal(byPath.get('link.js')?.target, 'app.js');
    assert.equal(byPath.get('image.bin')?.binary, true);
    assert.equal(byPath.get('data/big.csv')?.stored, false, 'over the size limit: recorded by id, content not kept');
    assert.equal(byPath.get('data/big.csv')?.id, git(dir, 'rev-parse', 'HEAD:data/big.csv').trim());
    // No snapshot may name content the store does not have.
    for (const e of entries) if (e.stored) assert.ok(store.objects.has(e.id), `${e.path} imported`);
  } finally {
    store.close();
  }
});

test('a git ref finds the change since a commit; the same commit reuses its snapshot; restore brings an older commit back', async () => {
  const dir = repo({ 'config.json': '{"port": 5432}\n', 'notes.md': 'v1\n' });
  write(dir, { 'notes.md': 'v2\n' });
  git(dir, 'commit', '-q', '-am', 'second');
  write(dir, { 'config.json': '{"port": 5433}\n', 'new.txt': 'untracked\n' });
  const store = await open(dir);
  try {
    const head = await store.resolve('git:HEAD');
    const again = await store.resolve('git:main');
    assert.equal(again.id, head.id, 'HEAD and main name the same commit: one snapshot');
    assert.equal((await store.list()).filter((s) => s.label?.startsWith('git:')).length, 1);
    const diff = await store.diff('git:HEAD', 'latest');
    // `latest` is the git snapshot itself until a capture exists: take one.
    assert.deepEqual(diff.changes, []);
    await store.snapshot();
    const changed = await store.diff('git:HEAD', 'latest');
    assert.deepEqual(
      changed.changes.map((c) => `${c.status} ${c.path}`),
      ['modified config.json', 'added new.txt'],
    );
    const older = await store.resolve('git:HEAD~1');
    assert.notEqual(older.id, head.id);
    assert.ok(older.createdAt <= head.createdAt, 'dated at its commit');
    await store.restore('git:HEAD~1', 'notes.md');
    assert.equal(fs.readFileSync(path.join(dir, 'notes.md'), 'utf8'), 'v1\n');
  } finally {
    store.close();
  }
});

test('a workspace in a sub-folder of a repository gets that folder of the tree; submodules are left out', async () => {
  const lib = repo({ 'lib.js': 'module.exports = 1\n' });
  const dir = repo({ 'service/app.py': 'print(1)\n', 'other/x.txt': 'not ours\n' });
  git(dir, 'submodule', 'add', '-q', lib, 'service/vendor/lib');
  git(dir, 'commit', '-q', '-m', 'vendor');
  const ws = path.join(dir, 'service');
  const store = await open(ws);
  try {
    const { snapshot, notes } = await store.gitSnapshot('HEAD');
    assert.deepEqual(
      (await store.manifest(snapshot)).map((e) => e.path),
      ['app.py'],
    );
    assert.match(notes.join('\n'), /vendor\/lib: a git submodule/);
  } finally {
    store.close();
  }
});

test('bad git refs and folders without git history get one clear line each', async () => {
  const plain = tempDir();
  const store = await open(plain);
  try {
    assert.match(await message(store.resolve('git:HEAD')), /is not inside a git repository.*snapshot --baseline/);
  } finally {
    store.close();
  }
  const dir = repo({ 'a.txt': 'a\n' });
  const s2 = await open(dir);
  try {
    assert.match(await message(s2.resolve('git:no-such-branch')), /unknown git revision "no-such-branch"/);
    assert.match(await message(s2.resolve('git:--output=/tmp/x')), /invalid git ref/);
    assert.match(await message(s2.resolve('git:')), /invalid git ref/);
  } finally {
    s2.close();
  }
  const empty = tempDir();
  git(empty, 'init', '-q');
  const s3 = await open(empty);
  try {
    assert.match(await message(s3.resolve('git:HEAD')), /has no commits yet/);
  } finally {
    s3.close();
  }
});
