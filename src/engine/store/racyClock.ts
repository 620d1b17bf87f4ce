import fs from 'node:fs';
import path from 'node:path';

/**
 * How far back the racy rule looks when the file system's own clock cannot be used: 2 s
 * covers the coarsest common file system clock (FAT) and small clock skews.
 */
export const RACY_WINDOW_MS = 2000;

const CLOCK_FILE = 'clock';

/**
 * The time from which the stat data a capture sees is not trusted by the next capture ("racy
 * git"): a write in the same timestamp tick as our read leaves no trace in the stat data.
 *
 * Git compares with its index file's own mtime, so both sides come from the same clock. So do
 * we: a marker in the store is written as the capture starts, and its mtime is the reference.
 * Every later write gets an mtime at or after it, also on a clock coarser than a millisecond
 * (same tick, same value, `>=` holds). That needs the workspace and the store on one file
 * system with fine timestamps; otherwise (a different device, a network share whose clock may
 * be skewed, FAT's 2 s ticks) the fixed window before the capture's start is kept.
 */
export function racyReference(storeDir: string, workspaceRoot: string, now: number): number {
  try {
    const marker = path.join(storeDir, CLOCK_FILE);
    touch(marker);
    const st = fs.statSync(marker, { bigint: true });
    const root = fs.statSync(workspaceRoot, { bigint: true });
    // A whole second can also be a fine clock's tick (one in some hundreds on a 4 ms clock): then
    // the store folder's own times, written at other moments, tell which kind of clock it is.
    const fine = st.mtimeNs % 1_000_000_000n !== 0n || hasSubsecondTimes(fs.statSync(storeDir, { bigint: true }));
    if (st.dev === root.dev && fine) return Number(st.mtimeNs / 1000n) / 1000;
  } catch {
    // A store we cannot write a marker into fails later with a clear message; the window is safe.
  }
  return now - RACY_WINDOW_MS;
}

function hasSubsecondTimes(st: fs.BigIntStats): boolean {
  return st.mtimeNs % 1_000_000_000n !== 0n || st.ctimeNs % 1_000_000_000n !== 0n;
}

/**
 * Gives the marker a new mtime from the file system's clock: a write of the same number of bytes
 * in place. Not a truncating rewrite: ext4 (auto_da_alloc) flushes a file truncated to zero and
 * rewritten when it is closed, which cost tens of milliseconds per capture on a busy disk.
 */
function touch(marker: string): void {
  // Never through a symlink put in its place: the marker is written, not where it points.
  const fd = fs.openSync(marker, fs.constants.O_WRONLY | fs.constants.O_CREAT | (fs.constants.O_NOFOLLOW ?? 0), 0o644);
  try {
    fs.writeSync(fd, `${String(process.pid).padStart(10)}\n`, 0);
  } finally {
    fs.closeSync(fd);
  }
}
