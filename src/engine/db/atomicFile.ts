import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Temp files of `file` are named `.<base>.tmp-<pid>-<random>` in the same folder. */
function tempPrefix(file: string): string {
  return `.${path.basename(file)}.tmp-`;
}

/**
 * Replaces `file` with `data` so that a reader (or a crash at any moment) sees either the
 * old or the new content, never a mix: the bytes go to a temp file in the same folder
 * (rename is only atomic within one file system), are fsynced, then renamed over the
 * target; the folder is fsynced so the rename itself survives a power cut.
 */
export function writeFileAtomic(file: string, data: Uint8Array): void {
  const dir = path.dirname(file);
  const temp = path.join(dir, `${tempPrefix(file)}${process.pid}-${randomBytes(6).toString('hex')}`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(temp, 'wx', 0o644);
    let written = 0;
    while (written < data.byteLength) {
      written += fs.writeSync(fd, data, written, data.byteLength - written);
    }
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(temp, file);
  } catch (err) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw err;
  }
  fsyncDirectory(dir);
}

function fsyncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Windows cannot open or fsync a directory (EISDIR/EPERM); NTFS journals the rename itself.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Whether a writer (maybe a live one) has a temp file of `file` on disk; needs no lock. */
export function hasTempFiles(file: string): boolean {
  const prefix = tempPrefix(file);
  try {
    return fs.readdirSync(path.dirname(file)).some((name) => name.startsWith(prefix));
  } catch {
    return false;
  }
}

/**
 * Deletes temp files left by a writer that died mid-save. Only safe while holding the
 * store's write lock: every save happens under it, so no live writer owns one of them.
 */
export function removeStaleTempFiles(file: string): void {
  const dir = path.dirname(file);
  const prefix = tempPrefix(file);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (name.startsWith(prefix)) fs.rmSync(path.join(dir, name), { force: true });
  }
}
