import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Database, SqlJsStatic } from 'sql.js';
import { CorruptDatabaseError, JobError } from '../errors';
import { hasTempFiles, removeStaleTempFiles, writeFileAtomic } from './atomicFile';
import { contentDamage, corruptMessage, HEADER_SIZE, hasSqliteMagic, headerDamage, moveAside } from './corruption';
import { migrate } from './migrations';
import { storeWriteMessage } from '../store/storeErrors';
import { errorMessage, loadSqlEngine } from './sqlEngine';
import { DEFAULT_LOCK_TIMEOUT_MS, withFileLock } from './storeLock';

export interface OpenOptions {
  /** The sql.js wasm; default: `sql-wasm.wasm` beside the running bundle, else the one in `sql.js`. */
  wasmPath?: string;
  /** How long a write waits for another process's lock before failing with a JobError. */
  lockTimeoutMs?: number;
  /** Clock used to name a moved-aside corrupt file. */
  now?: () => number;
  /**
   * Where to keep the SHA-1 of the last bytes that passed SQLite's integrity check or that a save
   * wrote; a process opening those very bytes skips the check (the costly part of a first open,
   * as its code is compiled on first use). Without it every load is checked.
   */
  checkedDigestFile?: string;
  /** Rows written beside the database by processes that did not open it, merged before any read or write. */
  pending?: PendingRows;
}

/** Rows other processes recorded beside the database without opening it (see SnapshotSpool). */
export interface PendingRows {
  /** Names of the rows waiting; called before every read, so it must be cheap. */
  waiting(): string[];
  /** Inserts the rows `names` into `db`, inside the caller's transaction. */
  apply(db: Database, names: readonly string[]): void;
  /** Forgets rows once the database holding them is saved. */
  remove(names: readonly string[]): void;
}

/** What identifies one version of the file on disk; every save renames a new inode in. */
interface FileIdentity {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

/** `missing`: loaded when no file existed; `unknown`: memory may differ from disk, reload. */
type DiskVersion = FileIdentity | 'missing' | 'unknown';

type DiskState = { kind: 'loaded'; db: Database; version: DiskVersion; migrated: boolean } | { kind: 'corrupt'; reason: string };

/**
 * The store's metadata database: a small SQLite file (via sql.js) holding snapshot and
 * incident rows, never file lists or contents, so rewriting it whole on each save is cheap.
 *
 * sql.js works on an in-memory copy, so sharing the file between the CLI and VS Code is
 * done here: each write takes the file's cross-process lock, reloads the file if another
 * process changed it, runs in a transaction and saves atomically before releasing. Reads
 * reload when the file changed. Callbacks are synchronous and must not keep `db`.
 */
export class MetadataDb {
  private db: Database | null = null;
  private version: DiskVersion = 'unknown';
  private closed = false;
  private sql: SqlJsStatic | null = null;
  private loading: Promise<void> | null = null;

  private constructor(
    readonly file: string,
    private readonly opts: OpenOptions,
    private readonly lockTimeoutMs: number,
    private readonly now: () => number,
    private readonly checkedFile: string | undefined,
    private readonly pending: PendingRows | undefined,
  ) {}

  /** Opens `file`, creating it (and its folder) if missing and migrating it to the current schema. */
  static async open(file: string, opts: OpenOptions = {}): Promise<MetadataDb> {
    const instance = MetadataDb.deferred(file, opts);
    await instance.loaded();
    return instance;
  }

  /**
   * The database of `file`, opened (as {@link open} does) only when first read or written: a
   * process that may never need it (a CLI `snapshot`, which records its row in a spool) does
   * not pay for loading SQLite.
   */
  static deferred(file: string, opts: OpenOptions = {}): MetadataDb {
    return new MetadataDb(
      path.resolve(file),
      opts,
      opts.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
      opts.now ?? Date.now,
      opts.checkedDigestFile === undefined ? undefined : path.resolve(opts.checkedDigestFile),
      opts.pending,
    );
  }

  /** Whether the database was opened: read or written at least once, or opened with {@link open}. */
  get isLoaded(): boolean {
    return this.db !== null;
  }

  /**
   * The schema version of the file on disk, read from its header without opening it; null when
   * there is no file or no SQLite header. Cheap enough to ask before deciding not to open it.
   */
  schemaOnDisk(): number | null {
    let fd: number;
    try {
      fd = fs.openSync(this.file, 'r');
    } catch {
      return null;
    }
    try {
      const header = Buffer.alloc(HEADER_SIZE);
      if (fs.readSync(fd, header, 0, HEADER_SIZE, 0) < HEADER_SIZE || !hasSqliteMagic(header)) return null;
      // SQLite's header keeps PRAGMA user_version at byte 60, big-endian.
      return header.readUInt32BE(60);
    } catch {
      return null;
    } finally {
      fs.closeSync(fd);
    }
  }

  private loaded(): Promise<void> {
    this.loading ??= this.load().catch((e: unknown) => {
      // A failed open (busy lock, newer schema) is tried again by the next call.
      this.loading = null;
      throw e;
    });
    return this.loading;
  }

  private async load(): Promise<void> {
    this.sql = await loadSqlEngine(this.opts.wasmPath);
    const absolute = this.file;
    try {
      fs.mkdirSync(path.dirname(absolute), { recursive: true });
    } catch (err) {
      throw new JobError(`could not create the folder of ${absolute}: ${errorMessage(err)}`);
    }
    // Most opens find a sound file at the current schema and no crashed writer's leftovers:
    // that needs neither the lock nor a write (every writer renames whole files into place, so
    // an unlocked read sees one complete version), which a CLI process per snapshot pays for.
    if (!hasTempFiles(absolute)) {
      const state = this.loadFromDisk();
      if (state.kind === 'loaded' && !state.migrated && state.version !== 'missing') {
        this.adopt(state);
        return;
      }
      if (state.kind === 'loaded') state.db.close();
    }
    // Under the lock: creating or migrating the file is a write, and a corrupt file may
    // only be moved aside while no other writer can be renaming a good one into place.
    await withFileLock(absolute, this.lockTimeoutMs, () => {
      removeStaleTempFiles(absolute);
      if (this.refreshUnderLock()) this.save();
    });
  }

  /** Runs `fn` on the current content, reloaded first if another process saved since. */
  async read<T>(fn: (db: Database) => T): Promise<T> {
    this.assertOpen();
    await this.loaded();
    this.assertOpen();
    if (!this.refreshWithoutLock() || this.hasPending()) {
      await withFileLock(this.file, this.lockTimeoutMs, () => {
        this.assertOpen();
        this.refreshUnderLock();
        this.mergePendingUnderLock();
      });
    }
    const db = this.current();
    // Reads never save, so a change made here would silently diverge from the file.
    db.exec('PRAGMA query_only = ON');
    try {
      return ensureSync(fn(db));
    } finally {
      db.exec('PRAGMA query_only = OFF');
    }
  }

  /**
   * Runs `fn` in a transaction under the cross-process lock on the latest content and saves
   * the result atomically. If `fn` throws, nothing changes on disk or in memory.
   */
  async write<T>(fn: (db: Database) => T): Promise<T> {
    this.assertOpen();
    await this.loaded();
    return withFileLock(this.file, this.lockTimeoutMs, () => {
      this.assertOpen();
      this.refreshUnderLock();
      this.mergePendingUnderLock();
      const db = this.current();
      db.exec('BEGIN');
      let result: T;
      try {
        result = ensureSync(fn(db));
        db.exec('COMMIT');
      } catch (err) {
        rollbackQuietly(db);
        throw err;
      }
      this.save();
      return result;
    });
  }

  close(): void {
    this.closed = true;
    this.db?.close();
    this.db = null;
  }

  private hasPending(): boolean {
    return this.pending !== undefined && this.pending.waiting().length > 0;
  }

  /**
   * Moves the waiting rows into the database and saves it, then forgets them: in that order, so
   * a crash in between leaves rows that the next merge finds already in. A save of its own,
   * before the caller's change: a change that deletes such a row must never be saved while the
   * row still waits, or a later merge would bring it back.
   */
  private mergePendingUnderLock(): void {
    const names = this.pending?.waiting() ?? [];
    if (this.pending === undefined || names.length === 0) return;
    const db = this.current();
    db.exec('BEGIN');
    try {
      this.pending.apply(db, names);
      db.exec('COMMIT');
    } catch (err) {
      rollbackQuietly(db);
      throw err;
    }
    this.save();
    this.pending.remove(names);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`the metadata database ${this.file} was already closed`);
  }

  private current(): Database {
    if (this.db === null) throw new Error(`the metadata database ${this.file} is not loaded`);
    return this.db;
  }

  /**
   * Reloads if the file changed. Returns false when the file is corrupt: moving it aside
   * needs the lock, which the caller then takes and retries with refreshUnderLock.
   */
  private refreshWithoutLock(): boolean {
    if (this.isCurrent()) return true;
    const state = this.loadFromDisk();
    if (state.kind === 'corrupt') return false;
    this.adopt(state);
    return true;
  }

  /** Reloads if the file changed; a corrupt file is moved aside. Returns whether memory needs saving. */
  private refreshUnderLock(): boolean {
    if (this.isCurrent()) return false;
    const state = this.loadFromDisk();
    if (state.kind === 'corrupt') {
      let movedTo: string;
      try {
        movedTo = moveAside(this.file, this.now());
      } catch (err) {
        throw new JobError(
          `the metadata database ${this.file} could not be read (${state.reason}) and could not be moved aside: ${errorMessage(err)}`,
        );
      }
      throw new CorruptDatabaseError(corruptMessage(this.file, state.reason, movedTo), movedTo);
    }
    this.adopt(state);
    return state.migrated;
  }

  private isCurrent(): boolean {
    if (this.db === null || this.version === 'unknown') return false;
    const onDisk = statIdentity(this.file);
    if (onDisk === null || this.version === 'missing') return onDisk === null && this.version === 'missing';
    return sameIdentity(onDisk, this.version);
  }

  private adopt(state: Extract<DiskState, { kind: 'loaded' }>): void {
    this.db?.close();
    this.db = state.db;
    this.version = state.version;
  }

  private loadFromDisk(): DiskState {
    const sql = this.sql;
    if (sql === null) throw new Error(`internal: the metadata database ${this.file} was used before it was loaded`);
    const read = readWithIdentity(this.file);
    if (read === null) {
      const db = new sql.Database();
      return { kind: 'loaded', db, version: 'missing', migrated: this.migrateOrClose(db) };
    }
    const headerProblem = headerDamage(read.bytes);
    if (headerProblem !== null) return { kind: 'corrupt', reason: headerProblem };
    const db = new sql.Database(read.bytes);
    // Bytes identical to ones already checked, or saved by us, need not be checked again.
    const digest = this.checkedFile === undefined ? null : digestOf(read.bytes);
    if (digest === null || digest !== readChecked(this.checkedFile)) {
      const contentProblem = contentDamage(db);
      if (contentProblem !== null) {
        db.close();
        return { kind: 'corrupt', reason: contentProblem };
      }
      if (digest !== null) writeChecked(this.checkedFile, digest);
    }
    return { kind: 'loaded', db, version: read.identity, migrated: this.migrateOrClose(db) };
  }

  private migrateOrClose(db: Database): boolean {
    try {
      return migrate(db, this.file);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  private save(): void {
    const db = this.current();
    try {
      const bytes = db.export();
      writeFileAtomic(this.file, bytes);
      // Exported by SQLite from a database that was checked when loaded.
      writeChecked(this.checkedFile, digestOf(bytes));
    } catch (err) {
      // Memory now holds changes the file does not: the next operation must reload.
      this.version = 'unknown';
      throw new JobError(storeWriteMessage(`could not save the metadata database ${this.file}`, err));
    }
    // Safe to stat after the rename: we hold the lock, so the file is still ours.
    this.version = statIdentity(this.file) ?? 'unknown';
  }
}

/*
 * The checked digest (OpenOptions.checkedDigestFile) is only a hint: a missing, stale or torn one
 * means one more integrity check, never a skipped one, as it must equal the SHA-1 of the very
 * bytes being opened. Two processes may write it in turn; the loser's digest merely mismatches.
 */
function digestOf(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}

function readChecked(file: string | undefined): string | null {
  if (file === undefined) return null;
  try {
    return fs.readFileSync(file, 'latin1').slice(0, 40);
  } catch {
    return null;
  }
}

/** Best effort: failing to write it makes the next open check again, nothing worse. */
function writeChecked(file: string | undefined, digest: string): void {
  if (file === undefined) return;
  try {
    // In place, same length each time: a truncating rewrite makes ext4 flush the file on close.
    const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT, 0o644);
    try {
      fs.writeSync(fd, `${digest}\n`, 0);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // A read-only store or a full disk: the next open checks the file again.
  }
}

/** Reads the file and the identity of exactly the version read (fstat on the same descriptor). */
function readWithIdentity(file: string): { bytes: Uint8Array; identity: FileIdentity } | null {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    if (isNotFound(err)) return null;
    throw new JobError(`could not open the metadata database ${file}: ${errorMessage(err)}`);
  }
  try {
    const identity = identityOf(fs.fstatSync(fd));
    const bytes = fs.readFileSync(fd);
    return { bytes, identity };
  } catch (err) {
    throw new JobError(`could not read the metadata database ${file}: ${errorMessage(err)}`);
  } finally {
    fs.closeSync(fd);
  }
}

function statIdentity(file: string): FileIdentity | null {
  try {
    return identityOf(fs.statSync(file));
  } catch (err) {
    if (isNotFound(err)) return null;
    throw new JobError(`could not inspect the metadata database ${file}: ${errorMessage(err)}`);
  }
}

function identityOf(stat: fs.Stats): FileIdentity {
  return { size: stat.size, mtimeMs: stat.mtimeMs, ctimeMs: stat.ctimeMs, ino: stat.ino };
}

function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino;
}

function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ENOENT';
}

function ensureSync<T>(value: T): T {
  if (isThenable(value)) {
    // Its outcome is moot now; without a handler a later rejection would crash the process.
    value.then(undefined, () => undefined);
    // The transaction (and the lock) end when the callback returns; async work would escape both.
    throw new Error('MetadataDb read/write callbacks must be synchronous');
  }
  return value;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function rollbackQuietly(db: Database): void {
  try {
    db.exec('ROLLBACK');
  } catch {
    // No transaction left to roll back (the callback ended it itself).
  }
}
