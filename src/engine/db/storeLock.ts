import * as lockfile from 'proper-lockfile';
import { JobError } from '../errors';
import { errorMessage } from './sqlEngine';

/**
 * A lock whose directory has not been touched for this long belongs to a process that
 * died (a live holder refreshes it every STALE_LOCK_MS / 2) and is taken over.
 */
export const STALE_LOCK_MS = 10_000;

/** Longer than STALE_LOCK_MS so one wait outlasts the lock of a writer that just crashed. */
export const DEFAULT_LOCK_TIMEOUT_MS = 15_000;

export function lockPathOf(file: string): string {
  return `${file}.lock`;
}

/**
 * Runs `critical` while holding the cross-process lock of `file` (a `<file>.lock`
 * directory, see proper-lockfile). `critical` is synchronous on purpose: nothing else in
 * this process can run while it holds the lock, so the lock cannot go stale under it.
 */
export async function withFileLock<T>(file: string, timeoutMs: number, critical: () => T): Promise<T> {
  const release = await acquire(file, timeoutMs);
  try {
    return critical();
  } finally {
    await release().catch(() => {
      // The lock was already gone (taken over after a long stall, or removed by hand).
      // Our work is saved either way, and failing here would misreport it.
    });
  }
}

/**
 * proper-lockfile's lock, taken with synchronous file calls: a CLI process that captures keeps
 * both cores busy, and each thread-pool round trip of the asynchronous calls then waits for a
 * core (milliseconds each). Throws what `lock` throws (ELOCKED while another process holds it);
 * retries are the caller's.
 */
export function lockNow(file: string, options: Omit<lockfile.LockOptions, 'retries'>): () => Promise<void> {
  const release = lockfile.lockSync(file, options);
  return () => {
    try {
      release();
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  };
}

async function acquire(file: string, timeoutMs: number): Promise<() => Promise<void>> {
  const lockPath = lockPathOf(file);
  const deadline = Date.now() + timeoutMs;
  // Our own loop instead of proper-lockfile's `retries`, which counts attempts, not time.
  let delayMs = 5;
  for (;;) {
    try {
      return lockNow(file, {
        lockfilePath: lockPath,
        // The database file may not exist yet; the lock must not require it.
        realpath: false,
        stale: STALE_LOCK_MS,
        // The default throws from a timer, which would kill the CLI or the extension host;
        // a compromised lock only matters while held, and holders never yield (see above).
        onCompromised: () => undefined,
      });
    } catch (err) {
      if (!isLockedError(err)) {
        throw new JobError(`could not take the lock ${lockPath}: ${errorMessage(err)}`);
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new JobError(
          `timed out after ${formatSeconds(timeoutMs)} waiting for the lock ${lockPath}: another Incident Replay ` +
            `process (the CLI or VS Code) is writing to this store. Try again; if no other process is running, ` +
            `the lock is left over from a crash and is taken over once it is ${formatSeconds(STALE_LOCK_MS)} old, ` +
            `or you can delete ${lockPath}.`,
        );
      }
      // Jitter keeps two waiting writers from retrying in lockstep.
      await sleep(Math.min(remaining, delayMs * (0.5 + Math.random())));
      delayMs = Math.min(delayMs * 2, 100);
    }
  }
}

export function isLockedError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ELOCKED';
}

function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
