import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { CLI } from '../../support/workspace';

const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function git(dir: string, ...args: string[]): void {
  execFileSync('git', ['-C', dir, '-c', 'user.name=T', '-c', 'user.email=t@example.com', ...args]);
}

function cli(dir: string, ...args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, '--workspace', dir, ...args], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

test('git imports racing prunes in other processes never leave a snapshot that names a missing object', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-gitrace-'));
  dirs.push(dir);
  git(dir, 'init', '-q');
  const COMMITS = 4;
  for (let c = 0; c < COMMITS; c++) {
    for (let f = 0; f < 40; f++) fs.writeFileSync(path.join(dir, `f${f}.txt`), `commit ${c} file ${f}\n`.repeat(20));
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', `c${c}`);
  }
  assert.equal((await cli(dir, 'snapshot')).code, 0);
  // Each round imports a commit whose blobs a prune (keeping only the newest snapshot) keeps collecting.
  for (let round = 0; round < 2; round++) {
    const jobs = [];
    for (let back = 0; back < COMMITS; back++) jobs.push(cli(dir, 'diff', `git:HEAD~${back}`, 'latest', '--stat'));
    for (let p = 0; p < 2; p++) jobs.push(cli(dir, 'prune', '--keep', '1'));
    for (const r of await Promise.all(jobs)) assert.equal(r.code, 0, r.stderr);
    const check = await cli(dir, 'fsck');
    assert.equal(check.code, 0, check.stderr);
  }
  // What survived is whole: every commit still diffs against the workspace.
  for (let back = 0; back < COMMITS; back++) {
    const r = await cli(dir, 'diff', `git:HEAD~${back}`, 'latest', '--stat');
    assert.equal(r.code, 0, r.stderr);
  }
});
