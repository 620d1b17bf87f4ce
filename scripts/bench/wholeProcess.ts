/**
 * Issue 12's rows of `npm run bench`: snapshots taken the way users and scripts run the CLI, a
 * whole `node dist/cli.js snapshot` process each time, side by side with a shadow git checkpoint
 * (`git add -A && git commit`, also fresh processes) and `git stash create` (Cline's current
 * method), on the synthetic tree and on a real-shaped one: this project's own node_modules copied
 * into a plain folder (tens of thousands of real files, nested .gitignore files, no network).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { CLI, ROOT } from './paths';
import { ServingWatch } from './servingWatch';
import { touchFraction } from './synthetic';
import type { AddRow } from './recorder';

export interface Timer {
  time(fn: () => void): number;
  median(xs: readonly number[]): number;
  /** Waits for git's background gc of one shadow repository and flushes dirty pages (not timed). */
  settle(gitDir: string): void;
}

function git(gitDir: string, work: string, ...a: string[]): string {
  return execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', '-c', 'core.autocrlf=false', ...a], {
    env: { ...process.env, GIT_DIR: gitDir, GIT_WORK_TREE: work },
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 30,
    encoding: 'utf8',
  });
}

function cli(ws: string, store: string): void {
  execFileSync(process.execPath, [CLI, '--workspace', ws, '--store', store, 'snapshot'], { stdio: ['ignore', 'ignore', 'ignore'] });
}

/** Copies the project's node_modules into a plain folder: a real tree, never a git repository. */
export function realShapedTree(into: string): string[] {
  // Resolved: in a git worktree node_modules may be a symlink, which cp -r would copy as a link.
  const src = realpathSync(path.join(ROOT, 'node_modules'));
  const dest = path.join(into, 'real');
  mkdirSync(dest, { recursive: true });
  // cp -r keeps it fast; node's cpSync would do the same, slower. Snapshots always leave out
  // folders named node_modules (git would not), so the copy and the packages' own nested ones
  // are renamed: both tools then take the same tens of thousands of files.
  execFileSync('cp', ['-r', src, path.join(dest, 'deps')]);
  execFileSync('find', [path.join(dest, 'deps'), '-depth', '-type', 'd', '-name', 'node_modules', '-execdir', 'mv', '{}', 'nm', ';']);
  const list = execFileSync('find', [dest, '-type', 'f', '-not', '-name', '*.node'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return list
    .split('\n')
    .filter((f) => f !== '')
    .map((f) => path.relative(dest, f));
}

export async function benchWholeProcess(
  name: string,
  ws: string,
  files: readonly string[],
  scratch: string,
  t: Timer,
  add: AddRow,
  repeat: number,
): Promise<void> {
  const gitDir = path.join(scratch, `${name}.git`);
  const stashDir = path.join(scratch, `${name}-stash.git`);
  const store = path.join(scratch, `${name}-store`);
  git(gitDir, ws, 'init', '-q');
  git(stashDir, ws, 'init', '-q');
  git(stashDir, ws, 'commit', '-q', '--allow-empty', '-m', 'root');
  const commit = (): void => {
    git(gitDir, ws, 'add', '-A');
    git(gitDir, ws, 'commit', '-q', '--allow-empty', '-m', 'checkpoint');
  };
  // `git stash create` needs tracked files to see changes: the checkpoint tool adds them first.
  const stash = (): void => {
    git(stashDir, ws, 'add', '-A');
    git(stashDir, ws, 'stash', 'create');
  };
  const settle = (): void => {
    t.settle(gitDir);
    t.settle(stashDir);
  };
  settle();
  const gitCold = t.time(commit);
  settle();
  const stashCold = t.time(stash);
  settle();
  const ourCold = t.time(() => cli(ws, store));
  add(`${name}: whole-process cold snapshot (stash create ${stashCold.toFixed(0)} ms)`, ourCold, gitCold, 'ms', 0.35, '≤ 0.35× git');

  /** Rounds of nothing changed: a git checkpoint, `git stash create` (when asked) and our snapshot, medians. */
  const warmRounds = (withStash: boolean): { ours: number; git: number; stash: number } => {
    const ours: number[] = [];
    const gits: number[] = [];
    const stashes: number[] = [];
    for (let i = 0; i < repeat; i++) {
      settle();
      gits.push(t.time(commit));
      if (withStash) {
        settle();
        stashes.push(t.time(stash));
      }
      settle();
      ours.push(t.time(() => cli(ws, store)));
    }
    return { ours: t.median(ours), git: t.median(gits), stash: withStash ? t.median(stashes) : NaN };
  };
  const warm = warmRounds(true);
  add(`${name}: whole-process warm, nothing changed (stash ${warm.stash.toFixed(0)} ms)`, warm.ours, warm.git, 'ms', 2.0, '≤ 2.0× git');
  // The floor under every whole-process row: starting node itself (in this environment, with its
  // NODE_OPTIONS and NODE_EXTRA_CA_CERTS, which some sandboxes set and which cost every start).
  const starts: number[] = [];
  for (let i = 0; i < repeat; i++) starts.push(t.time(() => execFileSync(process.execPath, ['-e', ''], { stdio: 'ignore' })));
  add(`${name}: node start alone (node -e '')`, t.median(starts), warm.git, 'ms', null, 'reported');

  /** Rounds of 1% of the files changed, then a git checkpoint and our snapshot: both medians. */
  const changedRounds = (seed: number): { ours: number; git: number } => {
    const ours: number[] = [];
    const gits: number[] = [];
    for (let i = 0; i < Math.min(3, repeat); i++) {
      touchFraction(ws, files, 0.01, seed + i);
      settle();
      gits.push(t.time(commit));
      settle();
      ours.push(t.time(() => cli(ws, store)));
    }
    return { ours: t.median(ours), git: t.median(gits) };
  };
  const changed = changedRounds(100);
  add(`${name}: whole-process warm, 1% changed`, changed.ours, changed.git, 'ms', 1.0, '≤ 1.0× git');
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: npm run bench builds it first');

  // The same two, while `watch` records the workspace (or `mcp` serves an agent): the CLI's
  // snapshot is then taken by that process, warm (src/cli/service/).
  await whileWatching(ws, store, () => {
    const served = warmRounds(false);
    add(`${name}: whole-process warm, nothing changed, served by watch`, served.ours, served.git, 'ms', 2.0, '≤ 2.0× git');
    const servedChanged = changedRounds(200);
    add(`${name}: whole-process warm, 1% changed, served by watch`, servedChanged.ours, servedChanged.git, 'ms', 1.0, '≤ 1.0× git');
    return repeat + Math.min(3, repeat);
  });
}

/**
 * Runs `fn` while `incident-replay watch` records `ws`, automatic snapshots held off; fails unless
 * watch reports having taken the snapshots `fn` says it asked for, so a row never times the
 * unserved path under a served name.
 */
async function whileWatching(ws: string, store: string, fn: () => number): Promise<void> {
  const watch = await ServingWatch.start(['--workspace', ws, '--store', store]);
  let asked: number;
  try {
    asked = fn();
  } catch (e) {
    await watch.kill();
    throw e;
  }
  const taken = await watch.stop();
  if (taken !== asked) throw new Error(`watch took ${taken} of ${asked} CLI snapshots: ${watch.output}`);
}
