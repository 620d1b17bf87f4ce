import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/*
 * Where the process that serves a store's CLI commands listens: a Unix socket in a folder only
 * this user can enter, named by the store's real path. Never in the store or the workspace: a
 * cloned repository could plant a symlink there that leads to some other program's socket.
 * Not on Windows (named pipes live in one machine-wide namespace that another user could take
 * first): there every command runs in its own process, as before.
 */

/** The user's private runtime folder (XDG_RUNTIME_DIR) or one of ours in the temp folder. */
function runtimeFolder(): string {
  const xdg = process.env.XDG_RUNTIME_DIR;
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'incident-replay');
  return path.join(os.tmpdir(), `incident-replay-${process.getuid?.() ?? 'user'}`);
}

/** Whether `dir` is a real folder of this user that nobody else can enter or list. */
function isPrivateFolder(dir: string): boolean {
  try {
    const st = fs.lstatSync(dir);
    return st.isDirectory() && st.uid === process.getuid?.() && (st.mode & 0o077) === 0;
  } catch {
    return false;
  }
}

/**
 * The socket for `storeDir`, or null where there is none: on Windows, for a store that does not
 * exist yet, or when the folder is not private (owned by someone else, open to others, a symlink).
 * `create`: make the folder first (the serving side).
 */
export function serviceAddress(storeDir: string, create = false): string | null {
  if (process.platform === 'win32' || process.getuid === undefined) return null;
  let key: string;
  try {
    key = fs.realpathSync.native(storeDir);
  } catch {
    return null;
  }
  const dir = runtimeFolder();
  if (create) {
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch {
      return null;
    }
  }
  if (!isPrivateFolder(dir)) return null;
  const socket = path.join(dir, `${createHash('sha256').update(key).digest('hex').slice(0, 24)}.sock`);
  // sun_path holds 104-108 bytes; a longer temp folder path cannot hold a socket.
  return Buffer.byteLength(socket) < 100 ? socket : null;
}
