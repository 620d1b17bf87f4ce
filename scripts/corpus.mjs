// Runs the root-cause corpus (test/corpus/) against the built CLI and prints its three figures:
// category %, error located %, triggering file %. Arguments select cases by id substring.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
// Snapshots honour the user's global git excludes; the corpus must not depend on this machine's.
const xdg = mkdtempSync(path.join(os.tmpdir(), 'ir-corpus-xdg-'));
const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/corpus/main.ts', ...process.argv.slice(2)], {
  stdio: 'inherit',
  cwd: root,
  env: { ...process.env, XDG_CONFIG_HOME: xdg },
});
rmSync(xdg, { recursive: true, force: true });
process.exit(r.status ?? 1);
