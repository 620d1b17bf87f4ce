// Node 20's test runner does not expand globs, so this finds the test files and hands them over.
// Extra arguments select files by substring: `npm test -- store` runs only the store tests.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const filters = process.argv.slice(2);

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (name.endsWith('.test.ts')) out.push(path.relative(root, p));
  }
  return out;
}

const files = find(path.join(root, 'test'))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(2);
}
// Snapshots honour the user's global git excludes ($XDG_CONFIG_HOME/git/ignore); the tests must
// not depend on this machine's, so they get an empty config folder of their own.
const xdg = mkdtempSync(path.join(os.tmpdir(), 'ir-tests-xdg-'));
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
  cwd: root,
  env: { ...process.env, XDG_CONFIG_HOME: xdg },
});
rmSync(xdg, { recursive: true, force: true });
process.exit(r.status ?? 1);
