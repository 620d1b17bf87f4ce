import { isUtf8 } from 'node:buffer';
import { InputError } from '../errors';
import type { ManifestEntry } from '../types';
import { isBlobId } from './gitBlobId';

/**
 * A manifest that cannot be trusted as a description of files inside a workspace. Stores are
 * data: one committed into a cloned repository, copied from another machine or damaged on
 * disk reaches us through the same reader as our own captures, so every manifest is checked
 * when decoded and a snapshot with one bad entry is refused as a whole.
 */
export class InvalidManifestError extends InputError {
  constructor(readonly reason: string) {
    super(`invalid snapshot manifest: ${reason}`);
  }
}

/*
 * What a path may look like. Captures never produce anything else: the walk joins the names
 * readdir gives with `/`, so a path has no empty, `.` or `..` segment and no leading `/`, and
 * a file name cannot hold NUL or `/`.
 *
 * A backslash is an ordinary name byte on POSIX but a separator on Windows, and `C:` a drive.
 * A `.` or `..` segment between backslashes (`..\x`) is refused everywhere: no real file is
 * called that, and a store may be read on Windows too. The rest is refused where it means
 * something, on Windows: a leading backslash, an empty segment between backslashes, a drive.
 * On POSIX those are plain names a capture can record (a tool that mishandles Windows paths
 * leaves files called `C:\temp\out.txt`), and refusing them would make the user's own
 * snapshots unreadable; restore writes them inside the workspace as the single names they are.
 */
interface PathRule {
  test: RegExp;
  why: string;
}

const EVERYWHERE: readonly PathRule[] = [
  { test: /\0/, why: 'contains a NUL byte' },
  { test: /^\//, why: 'is absolute' },
  { test: /(^|[/\\])\.\.?([/\\]|$)/, why: 'has a "." or ".." segment' },
  { test: /\/\/|\/$/, why: 'has an empty segment' },
];
const ON_WINDOWS: readonly PathRule[] = [
  ...EVERYWHERE,
  { test: /^\\/, why: 'is absolute' },
  { test: /^[A-Za-z]:/, why: 'starts with a drive letter' },
  { test: /[/\\]{2}|\\$/, why: 'has an empty segment' },
];
/** One pass each for the common case; the lists above only run to name what is wrong. */
const ANY_BAD_EVERYWHERE = /\0|^\/|(^|[/\\])\.\.?([/\\]|$)|\/\/|\/$/;
const ANY_BAD_ON_WINDOWS = /\0|^[/\\]|^[A-Za-z]:|(^|[/\\])\.\.?([/\\]|$)|[/\\]{2}|[/\\]$/;

/** Why `p` is not a safe workspace-relative path on this system (or on Windows), or null when it is. */
export function unsafePathReason(p: string, windows = process.platform === 'win32'): string | null {
  if (p === '') return 'is empty';
  if (!(windows ? ANY_BAD_ON_WINDOWS : ANY_BAD_EVERYWHERE).test(p)) return null;
  return (windows ? ON_WINDOWS : EVERYWHERE).find((b) => b.test.test(p))?.why ?? 'is not a normalised relative path';
}

/*
 * Permission bits only: what `st.mode & 0o777` gives a capture. Setuid, setgid, sticky and
 * file-type bits are never recorded, so a manifest carrying them was not written by us.
 * Within 0o777 the recorded bits are kept, and restore creates files with them through the
 * umask, as a git checkout does (see restore.ts).
 */
const MAX_MODE = 0o777;

function entryName(e: Pick<ManifestEntry, 'path'>, i: number): string {
  return `entry ${i} (${JSON.stringify(e.path)})`;
}

/**
 * The key that tells entries apart: the raw bytes when the name is not UTF-8 (two such names
 * can decode to the same `path`), else the path. Latin-1 keeps one char per byte, so the keys
 * of raw and UTF-8 names compare byte for byte and a `/` in either is a separator.
 */
function keyOf(e: ManifestEntry, raw: Buffer | null): string {
  if (raw !== null) return raw.toString('latin1');

  return /^[\x00-\x7f]*$/.test(e.path) ? e.path : Buffer.from(e.path, 'utf8').toString('latin1');
}

function checkRaw(e: ManifestEntry & { rawPath: string }, i: number): Buffer {
  const raw = Buffer.from(e.rawPath, 'base64');
  if (raw.toString('base64') !== e.rawPath) throw new InvalidManifestError(`${entryName(e, i)}: rawPath is not canonical base64`);
  if (isUtf8(raw)) throw new InvalidManifestError(`${entryName(e, i)}: rawPath is valid UTF-8, so it should not be there`);
  // The path shown to the user must be the name restore writes, or a dry run could list one file and write another.
  if (raw.toString('utf8') !== e.path) throw new InvalidManifestError(`${entryName(e, i)}: rawPath does not decode to the path`);
  const why = unsafePathReason(raw.toString('latin1'));
  if (why !== null) throw new InvalidManifestError(`${entryName(e, i)}: rawPath ${why}`);
  return raw;
}

/**
 * Throws {@link InvalidManifestError} naming the first entry that a workspace could not safely
 * hold: an unsafe path, a duplicate, a path that is a file and a folder at once, an id that is
 * not a blob id, a mode beyond permission bits, a symlink target with NUL.
 */
export function validateEntries(entries: readonly ManifestEntry[]): void {
  const keys = new Set<string>();
  const fileKeys: string[] = [];
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as ManifestEntry;
    const why = unsafePathReason(e.path);
    if (why !== null) throw new InvalidManifestError(`${entryName(e, i)}: path ${why}`);
    const raw = e.rawPath !== undefined ? checkRaw(e as ManifestEntry & { rawPath: string }, i) : null;
    if (!isBlobId(e.id)) throw new InvalidManifestError(`${entryName(e, i)}: id is not a 40-character blob id`);
    if (!Number.isInteger(e.mode) || e.mode < 0 || e.mode > MAX_MODE) {
      throw new InvalidManifestError(
        `${entryName(e, i)}: mode ${e.mode.toString(8)} has bits beyond rwxrwxrwx (setuid, setgid, sticky or type bits are never recorded)`,
      );
    }
    if (!Number.isInteger(e.size) || e.size < 0) throw new InvalidManifestError(`${entryName(e, i)}: size is not a whole number ≥ 0`);
    if (e.target?.includes('\0')) throw new InvalidManifestError(`${entryName(e, i)}: symlink target contains a NUL byte`);
    const key = keyOf(e, raw);
    if (keys.has(key)) throw new InvalidManifestError(`${entryName(e, i)}: the path appears twice`);
    keys.add(key);
    fileKeys.push(key);
  }
  for (let i = 0; i < fileKeys.length; i++) {
    const key = fileKeys[i] as string;
    for (let at = key.indexOf('/'), depth = 1; at !== -1; at = key.indexOf('/', at + 1), depth++) {
      if (keys.has(key.slice(0, at))) {
        const e = entries[i] as ManifestEntry;
        // Segments of `path` and of the raw bytes correspond one to one: decoding keeps every `/`.
        const folder = e.path.split('/').slice(0, depth).join('/');
        throw new InvalidManifestError(
          `${entryName(e, i)}: ${JSON.stringify(folder)} is also a file or symlink in this snapshot, so it cannot be a folder`,
        );
      }
    }
  }
}
