import fs from 'node:fs';

/*
 * Promise wrappers over the callback fs API, used for the store's own writes and reads.
 * fs/promises goes through FileHandle objects and cost about 3x more per call here (10k
 * lstats: ~140 ms vs ~50 ms on the 2-core machine). Workspace scanning does not use these:
 * see TimeSlicer for why it calls the synchronous API.
 */

export type FsPath = string | Buffer;

export function lstat(p: FsPath): Promise<fs.Stats> {
  return new Promise((resolve, reject) => fs.lstat(p, (e, s) => (e ? reject(e) : resolve(s))));
}

export function fstat(fd: number): Promise<fs.Stats> {
  return new Promise((resolve, reject) => fs.fstat(fd, (e, s) => (e ? reject(e) : resolve(s))));
}

export function open(p: FsPath, flags: number, mode = 0o644): Promise<number> {
  return new Promise((resolve, reject) => fs.open(p, flags, mode, (e, fd) => (e ? reject(e) : resolve(fd))));
}

export function read(fd: number, buf: Buffer, offset: number, length: number, position: number): Promise<number> {
  return new Promise((resolve, reject) => fs.read(fd, buf, offset, length, position, (e, n) => (e ? reject(e) : resolve(n))));
}

/** Reads until `length` bytes or end of file; a short result means the file ended. */
export async function readFully(fd: number, buf: Buffer, offset: number, length: number, position: number): Promise<number> {
  let done = 0;
  while (done < length) {
    const n = await read(fd, buf, offset + done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

export async function writeFully(fd: number, buf: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < buf.length) {
    done += await new Promise<number>((resolve, reject) =>
      fs.write(fd, buf, done, buf.length - done, position + done, (e, n) => (e ? reject(e) : resolve(n))),
    );
  }
}

export function close(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.close(fd, (e) => (e ? reject(e) : resolve())));
}

export function fsync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fsync(fd, (e) => (e ? reject(e) : resolve())));
}

export function errnoCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}

/** Syncs a directory so a rename inside it survives a crash; ignored where directories cannot be opened. */
export async function fsyncDir(dir: string): Promise<void> {
  let fd: number;
  try {
    fd = await open(dir, fs.constants.O_RDONLY);
  } catch {
    return;
  }
  try {
    await fsync(fd);
  } catch {
    // Some file systems refuse fsync on directories; the rename itself already happened.
  } finally {
    await close(fd);
  }
}

/** Writes a small file atomically: temp name in the same folder, fsync (unless told not to), rename over the target. */
export async function writeFileAtomic(target: string, tmp: string, data: Buffer, opts: { sync: boolean } = { sync: true }): Promise<void> {
  const fd = await open(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o644);
  try {
    await writeFully(fd, data, 0);
    if (opts.sync) await fsync(fd);
  } catch (e) {
    await close(fd).catch(() => undefined);
    await fs.promises.rm(tmp, { force: true });
    throw e;
  }
  await close(fd);
  try {
    await fs.promises.rename(tmp, target);
  } catch (e) {
    await fs.promises.rm(tmp, { force: true });
    throw e;
  }
}
