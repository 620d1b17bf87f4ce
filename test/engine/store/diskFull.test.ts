import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { CLI, TempWorkspace } from '../../support/workspace';

// A real full disk: the store on a 3 MiB tmpfs. Mounting needs root (CI and these machines
// run as root); elsewhere the test says why it did not run.
let mount = '';
let mounted = false;
before(() => {
  mount = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-small-fs-'));
  mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', mount]).status === 0;
});
after(() => {
  if (mounted) spawnSync('umount', [mount]);
  fs.rmSync(mount, { recursive: true, force: true });
});

function listStore(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/** Writes until the file system refuses; returns the filler file. */
function fillUp(dir: string): string {
  const filler = path.join(dir, 'filler');
  const fd = fs.openSync(filler, 'w');
  try {
    for (;;) fs.writeSync(fd, Buffer.alloc(64 * 1024, 1));
  } catch (e) {
    assert.equal((e as NodeJS.ErrnoException).code, 'ENOSPC');
  } finally {
    fs.closeSync(fd);
  }
  return filler;
}

it('a full disk fails a snapshot or a database write with one clear line, loses nothing, and works once space is freed', (t) => {
  if (!mounted) {
    t.skip('cannot mount a small tmpfs here (needs root): the disk-full behaviour was not exercised');
    return;
  }
  const ws = new TempWorkspace();
  const store = path.join(mount, 'store');
  const cli = (...args: string[]): { status: number | null; stdout: string; stderr: string } =>
    spawnSync(process.execPath, [CLI, '--workspace', ws.dir, '--store', store, ...args], { encoding: 'utf8' });
  try {
    for (let i = 0; i < 20; i++) ws.write({ [`src/f${i}.txt`]: randomBytes(1500).toString('base64') });
    assert.equal(cli('snapshot', '--baseline', '--label', 'before').status, 0);
    const db = path.join(store, 'incident-replay.sqlite');
    const dbBefore = fs.readFileSync(db);
    const filesBefore = listStore(store).filter((f) => f !== 'stat-cache.bin');

    // Incompressible content larger than the file system.
    ws.write({ 'data/big.bin': randomBytes(5 << 20) });
    const full = cli('snapshot');
    assert.equal(full.status, 1);
    const lines = full.stderr.trim().split('\n');
    assert.equal(lines.length, 1, full.stderr);
    assert.match(lines[0] ?? '', /disk is full \(ENOSPC\); nothing was recorded .* free some space and try again/);
    assert.deepEqual(fs.readFileSync(db), dbBefore, 'the database is exactly as it was');
    assert.deepEqual(
      listStore(store).filter((f) => f !== 'stat-cache.bin'),
      filesBefore,
      'no temporary or partial files are left',
    );
    assert.equal(cli('fsck').status, 0);

    // A database write with no space left at all.
    fs.rmSync(ws.path('data/big.bin'));
    const filler = fillUp(mount);
    const dbFull = cli('snapshot', '--label', 'no room');
    assert.equal(dbFull.status, 1);
    assert.match(dbFull.stderr, /disk is full \(ENOSPC\)/);
    assert.equal(dbFull.stderr.trim().split('\n').length, 1, dbFull.stderr);
    assert.deepEqual(fs.readFileSync(db), dbBefore);
    assert.ok(!listStore(store).some((f) => /tmp/.test(path.basename(f)) || f.startsWith('objects/tmp/')), listStore(store).join(', '));

    fs.rmSync(filler);
    const again = cli('snapshot', '--label', 'after');
    assert.equal(again.status, 0, again.stderr);
    const list = JSON.parse(cli('snapshots', '--json').stdout) as { snapshots: { label: string | null }[] };
    assert.deepEqual(
      list.snapshots.map((s) => s.label),
      ['before', 'after'],
    );
    assert.equal(cli('fsck').status, 0);
  } finally {
    ws.dispose();
  }
});
