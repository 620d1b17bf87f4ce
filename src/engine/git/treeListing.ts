import { isUtf8 } from 'node:buffer';
import { runGitRaw } from './gitCommand';

/** One entry of `git ls-tree -r --long`, with its path made relative to the workspace. */
export interface TreeEntry {
  /** Workspace-relative POSIX path; bytes that are not valid UTF-8 show as U+FFFD (see `rawPath`). */
  path: string;
  rawPath?: string;
  /** git's mode: 100644, 100755, 120000 (symlink) or 160000 (submodule). */
  mode: number;
  id: string;
  /** Bytes; 0 for a submodule. */
  size: number;
}

/**
 * Every blob and submodule of `commit`'s tree under the workspace folder `prefix` (as
 * `git rev-parse --show-prefix` gives it), paths relative to that folder.
 */
export async function listTree(repoDir: string, commit: string, prefix: string): Promise<TreeEntry[]> {
  const raw = await runGitRaw(repoDir, ['ls-tree', '-r', '-z', '--long', '--full-tree', commit]);
  const prefixBytes = Buffer.from(prefix, 'utf8');
  const out: TreeEntry[] = [];
  let start = 0;
  while (start < raw.length) {
    let end = raw.indexOf(0, start);
    if (end < 0) end = raw.length;
    const record = raw.subarray(start, end);
    start = end + 1;
    const tab = record.indexOf(0x09);
    if (tab < 0) continue;
    const m = /^(\d+) (\w+) ([0-9a-f]+) +(-|\d+)$/.exec(record.subarray(0, tab).toString('latin1'));
    if (!m) continue;
    let pathBytes = record.subarray(tab + 1);
    if (prefixBytes.length) {
      if (!pathBytes.subarray(0, prefixBytes.length).equals(prefixBytes)) continue;
      pathBytes = pathBytes.subarray(prefixBytes.length);
    }
    const e: TreeEntry = {
      path: pathBytes.toString('utf8'),
      mode: parseInt(m[1] as string, 8),
      id: m[3] as string,
      size: m[4] === '-' ? 0 : Number(m[4]),
    };
    if (!isUtf8(pathBytes)) e.rawPath = pathBytes.toString('base64');
    out.push(e);
  }
  return out;
}

export const GIT_MODE = { file: 0o100644, executable: 0o100755, symlink: 0o120000, submodule: 0o160000 } as const;
