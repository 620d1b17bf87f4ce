import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import * as fsc from './fsCalls';

/**
 * Folders of a workspace reached without following a symlink, for writes that must never land
 * outside it (restore). Node has no openat(), so on Linux each folder is opened with
 * O_DIRECTORY | O_NOFOLLOW through `/proc/self/fd/<parent fd>/<name>`: the kernel resolves that
 * prefix to the very folder the descriptor holds, whatever has been renamed or swapped in at
 * its path since, so a symlink planted mid-restore is refused (ELOOP), never followed.
 *
 * Elsewhere (macOS, Windows) there is no such path; each component is checked with lstat from
 * the root right before every operation, which narrows the race to the moment between the
 * check and the call but cannot close it.
 */

/** A path component that is not a real folder where one is needed. */
export class NotAFolderError extends Error {
  constructor(
    /** Workspace-relative, `/`-separated. */
    readonly at: string,
    readonly found: 'symlink' | 'file' | 'other',
  ) {
    super(`${at} is ${found === 'symlink' ? 'a symlink' : found === 'file' ? 'a file' : 'not a folder'}`);
  }
}

const DIR_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_DIRECTORY ?? 0) | (fs.constants.O_NOFOLLOW ?? 0);
const NEW_FILE_FLAGS = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | (fs.constants.O_NOFOLLOW ?? 0);
const SLASH = Buffer.from('/');

function kindOf(st: fs.Stats | undefined): 'symlink' | 'file' | 'other' | 'dir' | 'missing' {
  if (!st) return 'missing';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isDirectory()) return 'dir';
  return st.isFile() ? 'file' : 'other';
}

function lstatOrUndefined(p: Buffer): fs.Stats | undefined {
  return fs.lstatSync(p, { throwIfNoEntry: false });
}

interface Opened {
  /** Segment bytes as latin1, to compare chains cheaply. */
  key: string;
  /** Path that names this folder: `/proc/self/fd/N` or, without /proc, its checked absolute path. */
  ref: Buffer;
  fd: number | null;
}

/**
 * The open chain of folders from the root to the folder last asked for. Steps of a restore come
 * in path order, so consecutive calls share most of the chain and only the tail is reopened;
 * at most one descriptor per level is held.
 */
export class ConfinedRoot {
  private readonly chain: Opened[] = [];

  private constructor(
    private readonly rootRef: Opened,
    private readonly viaProc: boolean,
  ) {}

  static async open(root: string, opts: { viaProc?: boolean } = {}): Promise<ConfinedRoot> {
    const viaProc = opts.viaProc ?? (process.platform === 'linux' && fs.existsSync('/proc/self/fd'));
    if (!viaProc) return new ConfinedRoot({ key: '', ref: Buffer.from(root), fd: null }, false);
    // The root itself is the user's choice and may be reached through a symlink.
    const fd = await fsc.open(root, fs.constants.O_RDONLY | (fs.constants.O_DIRECTORY ?? 0));
    return new ConfinedRoot({ key: '', ref: Buffer.from(`/proc/self/fd/${fd}`), fd }, true);
  }

  async close(): Promise<void> {
    await this.truncate(0);
    if (this.rootRef.fd !== null) await fsc.close(this.rootRef.fd);
  }

  /**
   * The folder at `segments` (below the root), as a path prefix that resolves to exactly that
   * folder. With `create`, missing folders are made. Throws NotAFolderError where a component is
   * a symlink, a file or anything but a folder; ENOENT when one is missing and not created.
   */
  async folder(segments: readonly Buffer[], create: boolean): Promise<Buffer> {
    if (!this.viaProc) return this.checkedPath(segments, create);
    let level = 0;
    while (
      level < this.chain.length &&
      level < segments.length &&
      this.chain[level]?.key === (segments[level] as Buffer).toString('latin1')
    )
      level++;
    await this.truncate(level);
    for (; level < segments.length; level++) {
      const seg = segments[level] as Buffer;
      const parent = level === 0 ? this.rootRef : (this.chain[level - 1] as Opened);
      const child = Buffer.concat([parent.ref, SLASH, seg]);
      const fd = await this.openDir(child, create, segments.slice(0, level + 1));
      this.chain.push({ key: seg.toString('latin1'), ref: Buffer.from(`/proc/self/fd/${fd}`), fd });
    }
    return segments.length === 0 ? this.rootRef.ref : (this.chain[segments.length - 1] as Opened).ref;
  }

  private async openDir(child: Buffer, create: boolean, segs: readonly Buffer[]): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fsc.open(child, DIR_FLAGS);
      } catch (e) {
        const code = fsc.errnoCode(e);
        if (code === 'ENOENT' && create && attempt < 3) {
          await fs.promises.mkdir(child).catch((err: unknown) => {
            if (fsc.errnoCode(err) !== 'EEXIST') throw err;
          });
          continue;
        }
        if (code === 'ELOOP' || code === 'ENOTDIR') throw new NotAFolderError(display(segs), foundAt(child));
        throw e;
      }
    }
  }

  private checkedPath(segments: readonly Buffer[], create: boolean): Buffer {
    let p = Buffer.from(this.rootRef.ref);
    for (let i = 0; i < segments.length; i++) {
      p = Buffer.concat([p, SLASH, segments[i] as Buffer]);
      let k = kindOf(lstatOrUndefined(p));
      if (k === 'missing' && create) {
        try {
          fs.mkdirSync(p);
        } catch (e) {
          if (fsc.errnoCode(e) !== 'EEXIST') throw e;
        }
        k = kindOf(lstatOrUndefined(p));
      }
      if (k === 'missing') throw Object.assign(new Error(`${display(segments.slice(0, i + 1))} does not exist`), { code: 'ENOENT' });
      if (k !== 'dir') throw new NotAFolderError(display(segments.slice(0, i + 1)), k);
    }
    return p;
  }

  private async truncate(level: number): Promise<void> {
    while (this.chain.length > level) {
      const o = this.chain.pop() as Opened;
      if (o.fd !== null) await fsc.close(o.fd);
    }
  }
}

function foundAt(p: Buffer): 'symlink' | 'file' | 'other' {
  const k = kindOf(lstatOrUndefined(p));
  return k === 'symlink' || k === 'file' ? k : 'other';
}

function display(segs: readonly Buffer[]): string {
  return segs.map((s) => s.toString('utf8')).join('/');
}

export function inFolder(folder: Buffer, name: Buffer): Buffer {
  return Buffer.concat([folder, SLASH, name]);
}

function tempName(): Buffer {
  return Buffer.from(`.ir-restore-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/**
 * Puts `name` in place atomically: the content goes to a new temp file in the same folder
 * (O_EXCL | O_NOFOLLOW, so nothing planted at that name is followed), then a rename replaces
 * whatever `name` was, a symlink included, without following it. The mode goes through the
 * umask, as a checkout's does. An empty folder standing at `name` is removed first.
 */
export async function replaceWithFile(folder: Buffer, name: Buffer, content: Buffer, mode: number): Promise<void> {
  const tmp = inFolder(folder, tempName());
  const fd = await fsc.open(tmp, NEW_FILE_FLAGS, mode);
  try {
    await fsc.writeFully(fd, content, 0);
  } catch (e) {
    await fsc.close(fd).catch(() => undefined);
    await fs.promises.rm(tmp, { force: true });
    throw e;
  }
  await fsc.close(fd);
  await renameOver(tmp, inFolder(folder, name));
}

/** Recreates a symlink: its target is data, written as the link's text and never resolved. */
export async function replaceWithSymlink(folder: Buffer, name: Buffer, target: Buffer): Promise<void> {
  const tmp = inFolder(folder, tempName());
  await fs.promises.symlink(target, tmp);
  await renameOver(tmp, inFolder(folder, name));
}

async function renameOver(tmp: Buffer, dest: Buffer): Promise<void> {
  try {
    try {
      await fs.promises.rename(tmp, dest);
    } catch (e) {
      const code = fsc.errnoCode(e);
      if (code !== 'EISDIR' && code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
      // A folder stands where the file goes; only an empty one is taken away.
      await fs.promises.rmdir(dest);
      await fs.promises.rename(tmp, dest);
    }
  } catch (e) {
    await fs.promises.rm(tmp, { force: true });
    throw e;
  }
}
