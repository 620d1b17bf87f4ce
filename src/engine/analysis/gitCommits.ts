import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export interface GitCommit {
  sha: string;
  timestamp: number;
  subject: string;
  files: string[];
}

/**
 * Commits made in the window when the workspace is a git repository. Git being absent or the
 * folder not being a repository is normal and yields no commits, never an error.
 */
export function commitsInWindow(workspaceRoot: string, fromMs: number, toMs: number): Promise<GitCommit[]> {
  if (!existsSync(path.join(workspaceRoot, '.git'))) return Promise.resolve([]);
  const sep = '\u001e';
  return new Promise((resolve) => {
    execFile(
      'git',
      [
        '-C',
        workspaceRoot,
        'log',
        '--all',
        `--since=@${Math.floor(fromMs / 1000)}`,
        `--until=@${Math.ceil(toMs / 1000)}`,
        `--format=${sep}%H%x00%ct%x00%s`,
        '--name-only',
        '--no-renames',
        '-n',
        '500',
      ],
      { maxBuffer: 16 * 1024 * 1024, timeout: 10_000 },
      (err, stdout) => {
        if (err) {
          resolve([]);
          return;
        }
        const commits: GitCommit[] = [];
        for (const block of stdout.split(sep)) {
          const [head, ...rest] = block.split('\n');
          if (!head) continue;
          const [sha, ct, subject] = head.split('\u0000');
          if (!sha || !ct) continue;
          const timestamp = Number(ct) * 1000;
          if (timestamp < fromMs - 1000 || timestamp > toMs + 1000) continue;
          commits.push({ sha, timestamp, subject: subject ?? '', files: rest.filter((l) => l.trim() !== '') });
        }
        resolve(commits.sort((a, b) => a.timestamp - b.timestamp));
      },
    );
  });
}
