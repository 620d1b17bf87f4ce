import { InputError, JobError } from '../errors';

/** A blob the caller asked for is not in the store (deleted by gc, or never captured). */
export class MissingObjectError extends InputError {
  constructor(readonly objectId: string) {
    super(
      `object ${objectId} is not in the snapshot store; the snapshot that needed it may have been ` +
        'deleted or pruned: take a new snapshot or pick another one',
    );
  }
}

/** Bytes on disk do not decode to the blob they claim to be (truncated or damaged file). */
export class CorruptObjectError extends JobError {
  constructor(
    readonly objectId: string,
    readonly file: string,
    detail: string,
  ) {
    super(
      `object ${objectId} in ${file} is corrupt (${detail}); snapshots that use it cannot be read: ` +
        'run garbage collection after deleting them, or take a new snapshot',
    );
  }
}

/** Error thrown when an AbortSignal stops a capture or an analysis; named like the DOM's so callers can test `name`. */
export function abortError(what = 'snapshot capture'): Error {
  const err = new Error(`${what} was cancelled`);
  err.name = 'AbortError';
  return err;
}

/**
 * The message of a failed write to the store. A full disk gets its own words: what a user
 * must do is free space, and knowing that nothing was half-written saves a panicked cleanup.
 */
export function storeWriteMessage(what: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return `${what}: the disk is full (${code}); nothing was recorded and every earlier snapshot is as it was: free some space and try again`;
  }
  return `${what}: ${e instanceof Error ? e.message : String(e)}`;
}
