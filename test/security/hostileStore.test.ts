import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { DEFAULT_CONFIG } from '../../src/engine/config/defaults';
import { SnapshotStore } from '../../src/engine/snapshotStore';
import { gitBlobId } from '../../src/engine/store/gitBlobId';
import { cli } from '../support/workspace';
import { type CraftedEntry, plantSnapshot, Sentinel } from './craftedStore';

/*
 * A repository can carry a store: `<workspace>/.incident-replay` is where the CLI looks by
 * default. Each test plants a snapshot there with the store's own encoders (content objects
 * present, ids right) whose manifest says something a workspace cannot safely hold, then runs
 * the real CLI's dry run and forced restore.
 */

const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

interface Planted {
  ws: string;
  outside: Sentinel;
  id: string;
}

async function plant(entries: readonly CraftedEntry[]): Promise<Planted> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-hostile-'));
  dirs.push(tmp);
  const ws = path.join(tmp, 'ws');
  fs.mkdirSync(ws);
  fs.writeFileSync(path.join(ws, 'a.txt'), 'mine\n');
  const outside = new Sentinel(path.join(tmp, 'outside'));
  const store = await SnapshotStore.open({ workspaceRoot: ws, config: DEFAULT_CONFIG });
  try {
    await store.snapshot({ label: 'real' });
    return {
      ws,
      outside,
      id: await plantSnapshot(
        store,
        entries.map((e) => ({ ...e, path: e.path.replace('<outside>', outside.dir) })),
      ),
    };
  } finally {
    store.close();
  }
}

function snapshotCount(ws: string): number {
  return (JSON.parse(cli(ws, 'snapshots', '--json').stdout) as { snapshots: unknown[] }).snapshots.length;
}

/** Both the dry run and the forced restore refuse with `reason`; nothing in or outside the workspace changes. */
function assertRefused(p: Planted, reason: RegExp): void {
  const before = snapshotCount(p.ws);
  for (const args of [
    ['restore', p.id],
    ['restore', p.id, '--force'],
  ]) {
    const r = cli(p.ws, ...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(
      r.stderr,
      new RegExp(`snapshot ${p.id} cannot be restored, invalid snapshot manifest: .*${reason.source}.*; nothing was written`),
    );
    assert.doesNotMatch(r.stderr, /would write/);
    assert.equal(r.stderr.trim().split('\n').length, 1, 'one line that says what is wrong');
  }
  assert.equal(snapshotCount(p.ws), before, 'no safety snapshot is taken for a refused restore');
  assert.deepEqual(fs.readdirSync(p.ws).sort(), ['.incident-replay', 'a.txt']);
  assert.equal(fs.readFileSync(path.join(p.ws, 'a.txt'), 'utf8'), 'mine\n');
  p.outside.assertUntouched();
}

const vectors: { name: string; entries: CraftedEntry[]; reason: RegExp }[] = [
  {
    name: 'a ../ path',
    entries: [{ path: 'a.txt' }, { path: '../dotdot.txt' }],
    reason: /entry 0 \("\.\.\/dotdot\.txt"\): path has a "\." or "\.\." segment/,
  },
  { name: 'a .. in the middle', entries: [{ path: 'sub/../../escape.txt' }], reason: /path has a "\." or "\.\." segment/ },
  { name: 'an absolute path', entries: [{ path: '<outside>/abs.txt' }], reason: /path is absolute/ },
  { name: 'a NUL byte', entries: [{ path: 'a.txt\0../../evil' }], reason: /path contains a NUL byte/ },
  { name: 'a backslash climb', entries: [{ path: '..\\evil.txt' }], reason: /path has a "\." or "\.\." segment/ },
  { name: 'an empty segment', entries: [{ path: 'sub//a.txt' }], reason: /path has an empty segment/ },
  {
    name: 'a duplicate path',
    entries: [
      { path: 'a.txt', content: 'one\n' },
      { path: 'a.txt', content: 'two\n' },
    ],
    reason: /entry 1 \("a\.txt"\): the path appears twice/,
  },
  { name: 'a setuid mode', entries: [{ path: 'run.sh', mode: 0o4777 }], reason: /mode 4777 has bits beyond rwxrwxrwx/ },
  {
    name: 'a world-writable setgid folder mode',
    entries: [{ path: 'x.txt', mode: 0o2775 }],
    reason: /mode 2775 has bits beyond rwxrwxrwx/,
  },
  {
    name: 'a raw name that is not the path shown',
    entries: [{ path: 'innocent\uFFFD.txt', rawPath: Buffer.concat([Buffer.from('../escape'), Buffer.from([0xff])]) }],
    reason: /rawPath does not decode to the path/,
  },
  {
    name: 'a raw name with ..',
    entries: [{ path: '../escape\uFFFD', rawPath: Buffer.concat([Buffer.from('../escape'), Buffer.from([0xff])]) }],
    reason: /path has a "\." or "\.\." segment/,
  },
  {
    name: 'a symlink to outside with a file below it',
    entries: [{ path: 'sub', type: 'symlink', target: '<outside>' }, { path: 'sub/evil.txt' }],
    reason: /"sub" is also a file or symlink in this snapshot, so it cannot be a folder/,
  },
];

for (const v of vectors) {
  test(`a planted store with ${v.name} is refused as a whole, dry run and forced restore alike`, async () => {
    assertRefused(await plant(v.entries), v.reason);
  });
}

test('a drive path is refused on Windows; on POSIX `C:` is an ordinary folder name and stays inside the workspace', async () => {
  const p = await plant([{ path: 'C:/evil.txt', content: 'inside\n' }]);
  if (process.platform === 'win32') {
    assertRefused(p, /path starts with a drive letter/);
    return;
  }
  const dry = cli(p.ws, 'restore', p.id);
  assert.equal(dry.code, 2);
  assert.match(dry.stderr, /^ {2}write {3}C:\/evil\.txt$/m);
  const r = cli(p.ws, 'restore', p.id, '--force');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(fs.readFileSync(path.join(p.ws, 'C:', 'evil.txt'), 'utf8'), 'inside\n');
  p.outside.assertUntouched();
});

test('every bad entry at once: the first reason is named, nothing is written', async () => {
  const p = await plant([{ path: 'a.txt', content: 'theirs\n' }, ...vectors.flatMap((v) => v.entries).filter((e) => e.path !== 'a.txt')]);
  assertRefused(p, /entry \d+ \(.*\): /);
});

test('an object whose content does not match its id is never written: the restore stops at it and names the snapshot', async () => {
  const p = await plant([
    { path: 'a.txt', content: 'restored\n' },
    { path: 'b.txt', content: 'b\n' },
  ]);
  // Swap the stored bytes of a.txt's blob for another blob's: the file still decodes, but to the wrong content.
  const loose = path.join(p.ws, '.incident-replay', 'objects', 'loose');
  const store = await SnapshotStore.open({ workspaceRoot: p.ws, config: DEFAULT_CONFIG });
  try {
    await store.objects.put(Buffer.from('tampered\n'));
  } finally {
    store.close();
  }
  fs.copyFileSync(path.join(loose, gitBlobId('tampered\n')), path.join(loose, gitBlobId('restored\n')));
  const r = cli(p.ws, 'restore', p.id, '--force');
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`snapshot ${p.id} \\(planted\\) is damaged: object ${gitBlobId('restored\n')} in .* is corrupt`));
  assert.equal(fs.readFileSync(path.join(p.ws, 'a.txt'), 'utf8'), 'mine\n');
  for (const f of fs.readdirSync(p.ws)) assert.doesNotMatch(f, /ir-restore/, 'no temp file left behind');
  p.outside.assertUntouched();
});
