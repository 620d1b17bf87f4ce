import { InputError } from '../errors';
import { GitUnavailableError, runGit } from './gitCommand';

export const GIT_REF_PREFIX = 'git:';

/** A commit that a `git:<rev>` ref named, with where the workspace sits in its repository. */
export interface ResolvedCommit {
  /** What the user wrote after `git:`. */
  rev: string;
  commit: string;
  /** Committer time, ms. */
  time: number;
  subject: string;
  /** The workspace's folder inside the repository, '' at the top, else ending in '/'. */
  prefix: string;
}

/** The revision of a `git:<rev>` snapshot ref, or null when `ref` is not one. */
export function gitRevOf(ref: string): string | null {
  const r = ref.trim();
  if (!r.startsWith(GIT_REF_PREFIX)) return null;
  const rev = r.slice(GIT_REF_PREFIX.length);
  // A leading dash would be read as an option by git; control characters are never part of a rev.
  if (rev === '' || rev.startsWith('-') || /[\s\u0000-\u001f\u007f]/.test(rev)) {
    throw new InputError(`invalid git ref ${JSON.stringify(r)}: write git:<revision>, e.g. git:HEAD, git:main~3 or git:<commit hash>`);
  }
  return rev;
}

/** Resolves `rev` to a commit of the repository holding `workspaceRoot`. */
export async function resolveCommit(workspaceRoot: string, rev: string): Promise<ResolvedCommit> {
  const prefix = (await runGit(workspaceRoot, ['rev-parse', '--show-prefix'])).trim();
  let commit: string;
  try {
    commit = (await runGit(workspaceRoot, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`])).trim();
  } catch (e) {
    if (e instanceof GitUnavailableError) throw e;
    const noCommits = await runGit(workspaceRoot, ['rev-parse', '--verify', '--quiet', 'HEAD']).then(
      () => false,
      () => true,
    );
    throw new InputError(
      noCommits
        ? `the git repository of ${workspaceRoot} has no commits yet, so git:${rev} names nothing: commit once, or take a baseline with \`incident-replay snapshot --baseline\``
        : `unknown git revision ${JSON.stringify(rev)} in ${workspaceRoot}: give a branch, tag, commit hash or HEAD~N (see \`git log --oneline\`)`,
    );
  }
  const [time, subject] = (await runGit(workspaceRoot, ['show', '-s', '--format=%ct%x00%s', commit])).trimEnd().split('\u0000');
  return { rev, commit, time: Number(time) * 1000, subject: subject ?? '', prefix };
}
