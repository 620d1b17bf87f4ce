/**
 * Reading a changed log that is too big to keep in the store: straight from disk, only the
 * bytes the snapshot saw, from where its new part starts. It is read after (or while) the
 * snapshot is taken, so the reader tells whether what it read is what the snapshot recorded.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { type LineHandler, LineSplitter } from './lineSplitter';
import { GitBlobHasher } from '../store/gitBlobId';
import { TimeSlicer } from '../store/timeSlice';

/** A big changed log as the snapshots recorded it: plain data, so it can cross to a worker thread. */
export interface BigLog {
  /** Workspace-relative path. */
  path: string;
  /** Absolute path on disk. */
  file: string;
  /** Size the post snapshot recorded: only these bytes are read, whatever was appended since. */
  size: number;
  /** Whole-millisecond mtime the post snapshot recorded (the time of lines without their own). */
  mtimeMs: number;
  /** The version the window starts from, when the file existed then: its new lines follow it if it was appended to. */
  before?: { size: number; id: string };
}

/** Where the new lines of a big log start. */
export interface NewPart {
  /** 1-based number of the first new line (a partial last old line counts as new). */
  firstLine: number;
  /** Byte offset where that line starts. */
  byteOffset: number;
}

/** Read size for hashing the old part: large enough that per-chunk costs vanish. */
const HASH_CHUNK = 1024 * 1024;
/**
 * Read size for lines. Kept small: a line is a slice of its chunk's text, so a finding that
 * keeps a piece of a line (its message) keeps the whole chunk alive.
 */
const LINE_CHUNK = 64 * 1024;
/** A read yields to the event loop this often, so the extension host stays responsive. */
const SLICE_MS = 20;

/** Thrown when the file on disk is shorter than the snapshot recorded: it was rewritten since. */
export class ChangedOnDisk extends Error {
  constructor(path: string) {
    super(`${path} changed again after the snapshot`);
    this.name = 'ChangedOnDisk';
  }
}

/**
 * Finds where the new lines of `log` start, tells `begin` (which returns the handler for them)
 * and feeds them to it: split at LF, a trailing CR dropped, each cut to `maxLineLength` + 1
 * characters so one huge line never sits in memory whole.
 *
 * Returns the git blob id of the bytes read, for the caller to compare with the snapshot's, or
 * null when the file kept the size and mtime the snapshot recorded throughout (then they are
 * the snapshot's bytes, as far as the snapshots' own stat cache can tell). A log still being
 * appended to is hashed instead, so it is scanned as the snapshot saw it, and one rewritten
 * since is told apart.
 */
export async function readNewLines(log: BigLog, maxLineLength: number, begin: (start: NewPart) => LineHandler): Promise<string | null> {
  const fd = openSync(log.file, 'r');
  try {
    const recorded = (): boolean => {
      const st = fstatSync(fd);
      return st.size === log.size && Math.floor(st.mtimeMs) === log.mtimeMs;
    };
    if (fstatSync(fd).size < log.size) throw new ChangedOnDisk(log.path);
    const unchanged = recorded();
    let start: NewPart = { firstLine: 1, byteOffset: 0 };
    if (log.before && log.before.size <= log.size) start = (await appendedAfter(fd, log.before.size, log.before.id)) ?? start;
    const onLine = begin(start);
    const splitter = new LineSplitter(maxLineLength, (line, plain) => onLine(line.endsWith('\r') ? line.slice(0, -1) : line, plain));
    const read = await readSliced(fd, start.byteOffset, log.size - start.byteOffset, LINE_CHUNK, (b) => splitter.write(b));
    splitter.end();
    if (start.byteOffset + read < log.size) throw new ChangedOnDisk(log.path);
    if (unchanged && recorded()) return null;
    const whole = new GitBlobHasher(log.size);
    if ((await readSliced(fd, 0, log.size, HASH_CHUNK, (b) => whole.update(b))) < log.size) throw new ChangedOnDisk(log.path);
    return whole.digest();
  } finally {
    closeSync(fd);
  }
}

/**
 * Where the new part of an appended file starts, when its first `size` bytes are the old
 * version (they have its git blob id); null when they are not. One read of the old part
 * serves both the check and the line count.
 */
async function appendedAfter(fd: number, size: number, id: string): Promise<NewPart | null> {
  if (size === 0) return { firstLine: 1, byteOffset: 0 };
  const h = new GitBlobHasher(size);
  let lines = 1;
  let lineStart = 0;
  const done = await readSliced(fd, 0, size, HASH_CHUNK, (b, pos) => {
    h.update(b);
    for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) {
      lines++;
      lineStart = pos + i + 1;
    }
  });
  return done === size && h.digest() === id ? { firstLine: lines, byteOffset: lineStart } : null;
}

/**
 * Reads `limit` bytes of `fd` from `from` (fewer at its end) in chunks of `chunkSize` into one
 * reused buffer, handing each chunk to `onChunk` (which must not keep it) with its offset from
 * `from`, and returns the bytes read. Synchronous reads in time slices: through the thread
 * pool each chunk of a 50 MB log cost a hand-off, which left the CPU idle for a third of a scan.
 */
async function readSliced(
  fd: number,
  from: number,
  limit: number,
  chunkSize: number,
  onChunk: (chunk: Buffer, offset: number) => void,
): Promise<number> {
  const slicer = new TimeSlicer(undefined, SLICE_MS);
  const buf = Buffer.allocUnsafe(Math.max(1, Math.min(chunkSize, limit)));
  let done = 0;
  while (done < limit) {
    const n = readSync(fd, buf, 0, Math.min(buf.length, limit - done), from + done);
    if (n === 0) break;
    onChunk(buf.subarray(0, n), done);
    done += n;
    await slicer.maybeYield();
  }
  return done;
}
