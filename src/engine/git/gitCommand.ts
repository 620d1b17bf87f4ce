import { execFile } from 'node:child_process';
import { InputError, JobError } from '../errors';

export interface GitOptions {
  /** Bytes of stdout accepted before giving up (ls-tree of a big repository is several MB). */
  maxBuffer?: number;
  timeoutMs?: number;
}

/** Why git could not answer: no git binary, or the folder is not in a repository. */
export type GitUnavailable = 'no-git' | 'not-a-repository';

export class GitUnavailableError extends InputError {
  constructor(
    readonly reason: GitUnavailable,
    readonly folder: string,
  ) {
    super(
      reason === 'no-git'
        ? `git is not installed or not on PATH, so git refs cannot be read in ${folder}: install git, or use a snapshot of the store instead`
        : `${folder} is not inside a git repository, so there is no git history to compare with: take a baseline with \`incident-replay snapshot --baseline\``,
    );
  }
}

/**
 * Runs git with an argument list (never through a shell) in `cwd` and returns its stdout.
 * Locale and pager are pinned so messages and output are machine-readable.
 */
export async function runGit(cwd: string, args: readonly string[], opts: GitOptions = {}): Promise<string> {
  return (await runGitRaw(cwd, args, opts)).toString('utf8');
}

/** {@link runGit} with stdout as bytes: `-z` listings carry file names that need not be UTF-8. */
export function runGitRaw(cwd: string, args: readonly string[], opts: GitOptions = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['-C', cwd, ...args],
      { maxBuffer: opts.maxBuffer ?? 256 * 1024 * 1024, timeout: opts.timeoutMs ?? 60_000, encoding: 'buffer', env: GIT_ENV },
      (err, stdout, stderr) => {
        if (!err) {
          resolve(stdout);
          return;
        }
        reject(gitFailure(cwd, args, err, stderr.toString('utf8')));
      },
    );
  });
}

export const GIT_ENV: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C', GIT_PAGER: 'cat', GIT_TERMINAL_PROMPT: '0' };

export function gitFailure(
  cwd: string,
  args: readonly string[],
  err: { code?: string | number | null; message: string },
  stderr: string,
): Error {
  if (err.code === 'ENOENT') return new GitUnavailableError('no-git', cwd);
  if (/not a git repository/i.test(stderr)) return new GitUnavailableError('not-a-repository', cwd);
  const detail = stderr.trim().split('\n')[0] || err.message;
  return new JobError(`git ${args[0] ?? ''} failed in ${cwd}: ${detail}`);
}
