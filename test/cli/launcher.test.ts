import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { CLI, TempWorkspace } from '../support/workspace';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function run(cacheHome: string, ws: TempWorkspace, env: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, '--workspace', ws.dir, 'snapshots'], {
    encoding: 'utf8',
    env: { ...process.env, XDG_CACHE_HOME: cacheHome, ...env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

test('the CLI keeps its compiled code in a private cache file and runs the same from it, or from a damaged one', () => {
  const cacheHome = mkdtempSync(path.join(os.tmpdir(), 'ir-cache-'));
  dirs.push(cacheHome);
  const ws = new TempWorkspace({ 'a.txt': 'a\n' });
  dirs.push(ws.dir);
  const folder = path.join(cacheHome, 'incident-replay');
  // A previous version's cache, untouched for 40 days: removed when this version writes its own.
  mkdirSync(folder, { mode: 0o700 });
  const old = path.join(folder, 'cli-v18.0.0-x64-1-1.v8cache');
  writeFileSync(old, 'old');
  const longAgo = new Date(Date.now() - 40 * 24 * 3600_000);
  utimesSync(old, longAgo, longAgo);
  const first = run(cacheHome, ws);
  assert.equal(first.code, 0, first.stderr);
  const files = readdirSync(folder);
  assert.equal(files.length, 1);
  assert.equal(statSync(folder).mode & 0o077, 0);
  assert.equal(statSync(path.join(folder, files[0] as string)).mode & 0o077, 0);

  const second = run(cacheHome, ws);
  assert.deepEqual(second, first);

  // V8 rejects a cache that is not its own; the CLI then compiles as usual and rewrites it.
  writeFileSync(path.join(folder, files[0] as string), 'not a code cache');
  const damaged = run(cacheHome, ws);
  assert.deepEqual(damaged, first);
  assert.notEqual(statSync(path.join(folder, files[0] as string)).size, 'not a code cache'.length);
});

test('INCIDENT_REPLAY_NO_CODE_CACHE=1 runs without writing a cache', () => {
  const cacheHome = mkdtempSync(path.join(os.tmpdir(), 'ir-cache-'));
  dirs.push(cacheHome);
  const ws = new TempWorkspace();
  dirs.push(ws.dir);
  const r = run(cacheHome, ws, { INCIDENT_REPLAY_NO_CODE_CACHE: '1' });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readdirSync(cacheHome), []);
});
