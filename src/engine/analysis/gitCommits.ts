import { runGit } from '../git/gitCommand';
import type { TimelineEvent, TriggeringChange } from '../types';

export interface GitCommit {
  sha: string;
  timestamp: number;
  subject: string;
  /** Workspace-relative paths the commit touched. */
  files: string[];
}

/** A move of HEAD that is not a plain commit: checkout, reset, merge, rebase, pull, amend... */
export interface HeadMove {
  sha: string;
  timestamp: number;
  /** The reflog's own words (`checkout: moving from main to fix`, `reset: moving to HEAD~1`). */
  subject: string;
}

export interface GitHistory {
  commits: GitCommit[];
  headMoves: HeadMove[];
}

/** git times are whole seconds, snapshot times milliseconds: a commit dated second S happened in [S, S + 1 s). */
const SLACK_MS = 1000;

/** Whether something git dated `t` (whole seconds) may have happened between `fromMs` and `toMs`. */
function inWindow(t: number, fromMs: number, toMs: number): boolean {
  return t + SLACK_MS > fromMs && t <= toMs;
}

/**
 * Commits and HEAD moves in the window when the workspace is in a git repository. git being
 * absent or the folder not being a repository is normal and yields no history, never an error.
 */
export async function gitHistory(workspaceRoot: string, fromMs: number, toMs: number): Promise<GitHistory> {
  const [commits, headMoves] = await Promise.all([
    commitsInWindow(workspaceRoot, fromMs, toMs),
    headMovesInWindow(workspaceRoot, fromMs, toMs),
  ]);
  const committed = new Set(commits.map((c) => c.sha));
  // A reflog `commit:` entry is the commit already listed; other moves to a listed commit (a merge, a pull) still say how HEAD got there.
  return { commits, headMoves: headMoves.filter((m) => !(committed.has(m.sha) && /^commit( \(initial\))?:/.test(m.subject))) };
}

export async function commitsInWindow(workspaceRoot: string, fromMs: number, toMs: number): Promise<GitCommit[]> {
  const sep = '\u001e';
  const stdout = await runGit(
    workspaceRoot,
    [
      'log',
      '--all',
      `--since=@${Math.floor(fromMs / 1000)}`,
      `--until=@${Math.ceil(toMs / 1000)}`,
      `--format=${sep}%H%x00%ct%x00%s`,
      '--name-only',
      '--no-renames',
      // Paths relative to the workspace, and only its own, when it is a folder inside the repository.
      '--relative',
      '-n',
      '500',
    ],
    { timeoutMs: 10_000 },
  ).catch(() => '');
  const commits: GitCommit[] = [];
  for (const block of stdout.split(sep)) {
    const [head, ...rest] = block.split('\n');
    if (!head) continue;
    const [sha, ct, subject] = head.split('\u0000');
    if (!sha || !ct) continue;
    const timestamp = Number(ct) * 1000;
    if (!inWindow(timestamp, fromMs, toMs)) continue;
    commits.push({ sha, timestamp, subject: subject ?? '', files: rest.filter((l) => l.trim() !== '') });
  }
  return commits.sort((a, b) => a.timestamp - b.timestamp);
}

async function headMovesInWindow(workspaceRoot: string, fromMs: number, toMs: number): Promise<HeadMove[]> {
  const stdout = await runGit(workspaceRoot, ['reflog', 'show', '--date=unix', '--format=%H%x00%gd%x00%gs', '-n', '1000', 'HEAD', '--'], {
    timeoutMs: 10_000,
  }).catch(() => '');
  const moves: HeadMove[] = [];
  for (const line of stdout.split('\n')) {
    const [sha, selector, subject] = line.split('\u0000');
    const at = /@\{(\d+)\}$/.exec(selector ?? '');
    if (!sha || !at) continue;
    const timestamp = Number(at[1]) * 1000;
    if (!inWindow(timestamp, fromMs, toMs)) continue;
    moves.push({ sha, timestamp, subject: subject ?? '' });
  }
  return moves.sort((a, b) => a.timestamp - b.timestamp);
}

export function headMoveEvents(moves: readonly HeadMove[]): TimelineEvent[] {
  return moves.map((m, i) => ({
    id: `head:${m.timestamp}:${i}`,
    timestamp: m.timestamp,
    estimated: false,
    kind: 'commit',
    title: `HEAD → ${m.sha.slice(0, 7)}: ${m.subject}`,
    ref: m.sha,
  }));
}

/**
 * The commit that made the suspected triggering change, when one in the window touched its
 * file: the last such commit at or before the first failure, else the first after. The change
 * then reads as that commit's, which is what a person reverts.
 */
export function withTriggeringCommit(
  tc: TriggeringChange | null,
  commits: readonly GitCommit[],
  failureAt: number | null,
): TriggeringChange | null {
  if (!tc) return tc;
  const touching = commits.filter((c) => c.files.includes(tc.path));
  if (touching.length === 0) return tc;
  const before = failureAt === null ? touching : touching.filter((c) => c.timestamp <= failureAt + SLACK_MS);
  const commit = before.length ? (before[before.length - 1] as GitCommit) : (touching[0] as GitCommit);
  return {
    ...tc,
    commit: { sha: commit.sha, subject: commit.subject, timestamp: commit.timestamp },
    reason: `${tc.reason}; committed in ${commit.sha.slice(0, 7)} "${commit.subject}"`,
  };
}
