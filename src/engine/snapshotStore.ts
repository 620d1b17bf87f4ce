import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import type { EngineConfig } from './config/types';
import { MetadataDb } from './db/database';
import { isLockedError, lockNow } from './db/storeLock';
import {
  deleteSnapshots,
  getBaseline,
  getSnapshot,
  incidentsUsing,
  insertSnapshot,
  listSnapshots,
  pinnedIds,
  setBaseline,
} from './db/snapshotRows';
import { diffManifests, summarize } from './diff/snapshotDiff';
import { SCHEMA_VERSION } from './db/migrations';
import { SnapshotSpool } from './db/snapshotSpool';
import { InputError, JobError } from './errors';
import { gitSnapshotLocked, type GitSnapshot } from './git/gitSnapshot';
import { gitRevOf } from './git/revision';
import { resolveRef } from './refs';
import { captureWorkspace, type JournalChanges, type OversizedFile } from './store/capture';
import { readManifest } from './store/manifest';
import { ManifestCache } from './store/manifestCache';
import {
  planRestore,
  restoreSnapshot,
  type PlanRestoreOptions,
  type RestoreOptions,
  type RestorePlan,
  type RestoreResult,
} from './store/restore';
export type { RestorePlan, RestoreResult } from './store/restore';
import { ObjectStore } from './store/objectStore';
import { damaged } from './store/damage';
import { DEFAULT_STORE_DIRNAME } from './store/storeDir';
import { StatCacheMemo } from './store/statCache';
import { StatPreload, takeOfferedPreload } from './store/statPreload';
import type { CaptureStats, ManifestEntry, ScanIssue, SnapshotDiff, SnapshotRecord } from './types';

export { DEFAULT_STORE_DIRNAME } from './store/storeDir';
/**
 * A store lock not refreshed for this long belongs to a dead process and is taken over. The
 * kill -9 stress tests shorten it (INCIDENT_REPLAY_LOCK_STALE_MS, at least 2 s, proper-lockfile's
 * floor) so that each killed holder does not cost them half a minute.
 */
const STORE_LOCK_STALE_MS = Math.max(2_000, Number(process.env.INCIDENT_REPLAY_LOCK_STALE_MS) || 30_000);
const DB_FILE = 'incident-replay.sqlite';
/** Snapshot rows waiting to be merged into the database (see SnapshotSpool). */
const SPOOL_DIR = 'pending-snapshots';

export interface OpenStoreOptions {
  workspaceRoot: string;
  /** Defaults to `<workspace>/.incident-replay`. */
  storeDir?: string;
  config: EngineConfig;
  wasmPath?: string;
  /** How long to wait for another process holding the store (default 5 minutes: a big capture takes a while). */
  lockTimeoutMs?: number;
  /**
   * The caller snapshots right after opening (the CLI's `snapshot`): the stat preload of that
   * snapshot starts now, on another thread while the database opens (see StatPreload).
   */
  preloadStats?: boolean;
  /**
   * The caller only snapshots (the CLI's `snapshot`): the database is opened only if something
   * reads it, and the snapshot's row waits in the spool for the next process that does.
   */
  deferDatabase?: boolean;
  /** The stat preload's worker bundle (default: dist/statWorker.js beside the engine; null: none). */
  statWorker?: string | null;
}

export interface SnapshotOptions {
  label?: string | null;
  baseline?: boolean;
  signal?: AbortSignal;
  onProgress?: (filesDone: number) => void;
  /** Told of each file over the size limit as the capture hashes it (big logs are scanned meanwhile). */
  onOversizedFile?: (file: OversizedFile) => void;
  /** `auto` for the flight recorder's own snapshots, which retention may drop; a person's by default. */
  origin?: 'auto';
  /** What a complete file-event journal saw change since a time: only those paths are read (see JournalChanges). */
  journal?: JournalChanges;
  reason?: string;
}

export interface SnapshotResult {
  snapshot: SnapshotRecord;
  issues: ScanIssue[];
  stats: CaptureStats;
}

export interface PruneResult {
  removed: SnapshotRecord[];
  kept: number;
  removedObjects: number;
  freedBytes: number;
}

/**
 * A workspace's snapshot store: content-addressed objects plus the metadata database.
 * Captures and garbage collection hold the store lock so a collection never removes the
 * blobs of a capture that has not recorded its row yet.
 */
export class SnapshotStore {
  private readonly manifests = new ManifestCache();
  /** Set in the async flow that holds the store lock; `lost` turns true if the lock was taken over. */
  private readonly lockContext = new AsyncLocalStorage<{ lost: boolean }>();
  /** Started by open() for the first snapshot (see OpenStoreOptions.preloadStats). */
  private pendingPreload: StatPreload | null = null;

  private constructor(
    readonly workspaceRoot: string,
    readonly dir: string,
    readonly config: EngineConfig,
    readonly objects: ObjectStore,
    readonly db: MetadataDb,
    private readonly spool: SnapshotSpool,
    private readonly lockTimeoutMs: number,
    private readonly statCacheMemo: StatCacheMemo,
    private readonly statWorker: string | null | undefined,
  ) {}

  static async open(opts: OpenStoreOptions): Promise<SnapshotStore> {
    const workspaceRoot = path.resolve(opts.workspaceRoot);
    // Synchronous calls here and below: a few, each cheaper than a thread-pool round trip (see lockNow).
    const st = fs.statSync(workspaceRoot, { throwIfNoEntry: false });
    if (!st) throw new InputError(`workspace ${workspaceRoot} does not exist: pass an existing folder with --workspace`);
    if (!st.isDirectory()) throw new InputError(`workspace ${workspaceRoot} is not a folder: pass a folder with --workspace`);
    const dir = path.resolve(opts.storeDir ?? path.join(workspaceRoot, DEFAULT_STORE_DIRNAME));
    try {
      fs.mkdirSync(dir, { recursive: true });
      // The store never belongs in git, wherever it lives.
      try {
        fs.writeFileSync(path.join(dir, '.gitignore'), '# Incident Replay store: snapshots and incidents, never committed\n*\n', {
          flag: 'wx',
        });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    } catch (e) {
      throw new InputError(`cannot create the store folder ${dir}: ${(e as Error).message}; pass a writable folder with --store`);
    }
    const offered = opts.preloadStats ? takeOfferedPreload(dir, workspaceRoot) : null;
    const memo = offered?.memo ?? new StatCacheMemo();
    const preload = opts.preloadStats
      ? (offered?.preload ??
        StatPreload.begin({
          storeDir: dir,
          workspaceRoot,
          memo,
          ...(opts.statWorker !== undefined ? { workerScript: opts.statWorker } : {}),
        }))
      : null;
    const spool = new SnapshotSpool(path.join(dir, SPOOL_DIR));
    let objects: ObjectStore;
    let db: MetadataDb;
    try {
      objects = await ObjectStore.open(path.join(dir, 'objects'));
      const dbOptions = {
        checkedDigestFile: path.join(dir, `${DB_FILE}.checked`),
        pending: spool,
        ...(opts.wasmPath ? { wasmPath: opts.wasmPath } : {}),
      };
      const dbFile = path.join(dir, DB_FILE);
      db = opts.deferDatabase ? MetadataDb.deferred(dbFile, dbOptions) : await MetadataDb.open(dbFile, dbOptions);
    } catch (e) {
      preload?.cancel();
      throw e;
    }
    const store = new SnapshotStore(
      workspaceRoot,
      dir,
      opts.config,
      objects,
      db,
      spool,
      opts.lockTimeoutMs ?? 5 * 60_000,
      memo,
      opts.statWorker,
    );
    store.pendingPreload = preload;
    return store;
  }

  close(): void {
    this.pendingPreload?.cancel();
    this.pendingPreload = null;
    this.db.close();
  }

  /**
   * Runs `fn` holding the store lock, waiting for another holder up to the timeout. Every
   * writer of objects or snapshot rows (captures, git imports, restores, collections, retention)
   * runs in here; see docs/ARCHITECTURE.md, "Collection rule".
   *
   * On entry the object index is re-read from disk: a collection by another process may have
   * deleted blobs this process still believes are stored, and a capture that trusted that stale
   * belief would record a snapshot naming objects that no longer exist.
   */
  async withStoreLock<T>(fn: () => Promise<T>): Promise<T> {
    // Re-entrant within one async flow (an analysis holds the lock across its own snapshot),
    // never across two flows of one process: the extension runs several commands at once.
    if (this.lockContext.getStore()) return fn();
    const target = path.join(this.dir, 'store');
    fs.closeSync(fs.openSync(target, 'a'));
    let release: () => Promise<void>;
    const held = { lost: false };
    const options = {
      stale: STORE_LOCK_STALE_MS,
      update: STORE_LOCK_STALE_MS / 6,
      realpath: false,
      // The default throws from a timer and would kill the process; instead the holder
      // finds out before it records anything (see assertLockHeld).
      onCompromised: () => {
        held.lost = true;
      },
    };
    try {
      try {
        // Usually free: taken at once, without the thread pool.
        release = lockNow(target, options);
      } catch (e) {
        if (!isLockedError(e)) throw e;
        release = await lockfile.lock(target, {
          ...options,
          retries: { retries: Math.ceil(this.lockTimeoutMs / 500), minTimeout: 100, maxTimeout: 500, factor: 1.2 },
        });
      }
    } catch (e) {
      throw new JobError(
        `the store ${this.dir} is busy (another snapshot or prune is running): ${(e as Error).message}; try again when it finishes`,
      );
    }
    try {
      return await this.lockContext.run(held, async () => {
        await this.objects.revalidate();
        return fn();
      });
    } finally {
      await release().catch(() => undefined);
    }
  }

  /**
   * Throws unless this async flow holds the store lock. A holder stalled past the stale time
   * (a suspended laptop, a debugger) may have been taken over by another process, which may
   * have collected objects since: recording a snapshot then could name missing blobs.
   */
  assertLockHeld(): void {
    const held = this.lockContext.getStore();
    if (!held) throw new Error('internal: store write outside withStoreLock');
    if (held.lost) {
      throw new JobError(
        `lost the lock of the store ${this.dir} (this process stalled and another one took it over): nothing was recorded; try again`,
      );
    }
  }

  async snapshot(opts: SnapshotOptions = {}): Promise<SnapshotResult> {
    // Started before the lock: the stat calls run on another thread while it is taken.
    const preload = this.preloadFor(opts);
    try {
      return await this.withStoreLock(() => this.capture(opts, preload));
    } finally {
      preload?.cancel();
    }
  }

  /** {@link snapshot} for a caller that already holds the store lock (a restore's safety snapshot). */
  async snapshotLocked(opts: SnapshotOptions = {}): Promise<SnapshotResult> {
    const preload = this.preloadFor(opts);
    try {
      return await this.capture(opts, preload);
    } finally {
      preload?.cancel();
    }
  }

  /** The preload open() started, else a new one; none for a journal-driven capture, which stats only what the journal names. */
  private preloadFor(opts: SnapshotOptions): StatPreload | null {
    const pending = this.pendingPreload;
    this.pendingPreload = null;
    if (opts.journal) {
      pending?.cancel();
      return null;
    }
    return (
      pending ??
      StatPreload.begin({
        storeDir: this.dir,
        workspaceRoot: this.workspaceRoot,
        memo: this.statCacheMemo,
        ...(this.statWorker !== undefined ? { workerScript: this.statWorker } : {}),
      })
    );
  }

  private async capture(opts: SnapshotOptions, preload: StatPreload | null): Promise<SnapshotResult> {
    this.assertLockHeld();
    {
      const capture = await captureWorkspace(this.objects, {
        workspaceRoot: this.workspaceRoot,
        storeDir: this.dir,
        include: this.config.include,
        exclude: this.config.exclude,
        respectGitignore: this.config.respectGitignore,
        maxFileSizeBytes: this.config.maxFileSizeBytes,
        statCacheMemo: this.statCacheMemo,
        ...(preload ? { preload } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
        ...(opts.onOversizedFile ? { onOversizedFile: opts.onOversizedFile } : {}),
        ...(opts.journal ? { journal: opts.journal } : {}),
      });
      const rec: SnapshotRecord = {
        id: '',
        label: opts.label ?? null,
        baseline: opts.baseline === true,
        createdAt: Date.now(),
        manifestId: capture.manifestId,
        fileCount: capture.fileCount,
        byteCount: capture.byteCount,
        ...(opts.origin ? { origin: opts.origin } : {}),
        ...(opts.reason ? { reason: opts.reason } : {}),
      };
      const snapshot = await this.record(rec);
      // The capture's entries are that manifest decoded: the analysis that usually follows needs them.
      this.manifests.prime(capture.manifestId, () => capture.entries);
      // Still under the lock. Best effort: a merge that fails leaves the packs it would have merged.
      await this.objects.mergeSmallPacks().catch(() => false);
      return { snapshot, issues: capture.issues, stats: capture.stats };
    }
  }

  /**
   * Adds the row of a capture made under the lock: straight into the database when this process
   * has it open, else into the spool when the database on disk knows of it (see SnapshotSpool).
   */
  private async record(rec: SnapshotRecord): Promise<SnapshotRecord> {
    const newId = (taken: (id: string) => boolean): string => {
      let id = randomBytes(4).toString('hex');
      while (taken(id) || this.spool.has(id)) id = randomBytes(4).toString('hex');
      return id;
    };
    if (!this.db.isLoaded && this.db.schemaOnDisk() === SCHEMA_VERSION) {
      this.assertLockHeld();
      const spooled = { ...rec, id: newId(() => false) };
      this.spool.add(spooled);
      return spooled;
    }
    return this.db.write((db) => {
      this.assertLockHeld();
      const inserted = { ...rec, id: newId((id) => getSnapshot(db, id) !== undefined) };
      insertSnapshot(db, inserted);
      return inserted;
    });
  }

  list(): Promise<SnapshotRecord[]> {
    return this.db.read((db) => listSnapshots(db));
  }

  /** The baseline (the known-good snapshot analyses start from), or null when none is marked. */
  baseline(): Promise<SnapshotRecord | null> {
    return this.db.read((db) => getBaseline(db) ?? null);
  }

  async resolve(ref: string): Promise<SnapshotRecord> {
    const rev = gitRevOf(ref);
    if (rev !== null) return (await this.gitSnapshot(rev)).snapshot;
    return resolveRef(await this.list(), ref);
  }

  /** The snapshot of a git revision's tree, imported once per commit (see git/gitSnapshot.ts). */
  gitSnapshot(rev: string): Promise<GitSnapshot> {
    return this.withStoreLock(() => gitSnapshotLocked(this, rev));
  }

  async setBaseline(ref: string): Promise<SnapshotRecord> {
    const snap = await this.resolve(ref);
    await this.db.write((db) => {
      if (!getSnapshot(db, snap.id)) throw new InputError(`snapshot ${snap.id} was deleted meanwhile`);
      setBaseline(db, snap.id);
    });
    return { ...snap, baseline: true };
  }

  /**
   * The entries of a snapshot. The last few decoded are kept (manifests are content-addressed,
   * so a kept one never goes stale): an analysis reads the baseline's and the new snapshot's
   * several times, and decoding 10,000 entries costs tens of milliseconds each time.
   */
  manifest(snapshot: SnapshotRecord): Promise<readonly ManifestEntry[]> {
    return this.manifests.get(snapshot.manifestId, () =>
      readManifest(this.objects, snapshot.manifestId).catch((e: unknown) => Promise.reject(damaged(e, [snapshot]))),
    );
  }

  async diff(refA: string, refB: string, opts: { patches?: boolean } = {}): Promise<SnapshotDiff> {
    const [from, to] = await Promise.all([this.resolve(refA), this.resolve(refB)]);
    return this.diffSnapshots(from, to, opts);
  }

  async diffSnapshots(from: SnapshotRecord, to: SnapshotRecord, opts: { patches?: boolean } = {}): Promise<SnapshotDiff> {
    const [a, b] = await Promise.all([this.manifest(from), this.manifest(to)]);
    const changes = await diffManifests(a, b, this.objects, { keepPatch: opts.patches ?? true }).catch((e: unknown) =>
      Promise.reject(damaged(e, [from, to])),
    );
    return { from, to, changes, summary: summarize(changes) };
  }

  /**
   * Keeps the newest `keep` snapshots and every pinned one (the baseline, the snapshots an
   * incident was analysed between); then drops blobs nothing references.
   */
  async prune(keep: number = this.config.keepSnapshots): Promise<PruneResult> {
    if (!Number.isInteger(keep) || keep < 1) throw new InputError(`--keep must be a whole number ≥ 1 (got ${keep})`);
    return this.withStoreLock(async () => {
      const all = await this.list();
      const newest = new Set(all.slice(-keep).map((s) => s.id));
      return this.dropLocked(all.filter((s) => !newest.has(s.id)).map((s) => s.id));
    });
  }

  /**
   * Deletes the given snapshots, except pinned ones, and collects what nothing references any
   * more: the one way automatic retention removes snapshots. Unknown ids are ignored (two
   * retention passes may race for the same snapshot).
   */
  dropSnapshots(ids: readonly string[]): Promise<PruneResult> {
    return this.withStoreLock(() => this.dropLocked(ids));
  }

  /** Snapshot ids that no prune or retention removes: the baseline and those incidents name. */
  pinnedSnapshotIds(): Promise<Set<string>> {
    return this.db.read((db) => pinnedIds(db));
  }

  private async dropLocked(ids: readonly string[]): Promise<PruneResult> {
    this.assertLockHeld();
    const removed = await this.db.write((db) => {
      this.assertLockHeld();
      const pinned = pinnedIds(db);
      const wanted = new Set(ids);
      const drop = listSnapshots(db).filter((s) => wanted.has(s.id) && !pinned.has(s.id));
      deleteSnapshots(
        db,
        drop.map((s) => s.id),
      );
      return drop;
    });
    const remaining = await this.list();
    const gc = await this.collectLocked(remaining);
    return { removed, kept: remaining.length, ...gc };
  }

  /**
   * Deletes every object no snapshot row names. Runs under the store lock, after the rows
   * it judged by were read under that same lock, so no capture can add a row naming an object
   * between the judgement and the deletion; captures re-read the object index when they take
   * the lock (see withStoreLock), so none trusts a deleted object afterwards.
   */
  private async collectLocked(remaining: readonly SnapshotRecord[]): Promise<{ removedObjects: number; freedBytes: number }> {
    this.assertLockHeld();
    const live = new Set<string>();
    for (const s of remaining) {
      live.add(s.manifestId);
      for (const e of await this.manifest(s)) live.add(e.id);
    }
    return this.objects.gc(live);
  }

  /** Collects every object no snapshot names; the caller holds the store lock (fsck's repair). */
  async collectGarbageLocked(): Promise<{ removedObjects: number; freedBytes: number }> {
    return this.collectLocked(await this.list());
  }

  async deleteSnapshot(ref: string): Promise<SnapshotRecord> {
    const snap = await this.resolve(ref);
    await this.db.write((db) => {
      const users = incidentsUsing(db, snap.id);
      if (users.length > 0) {
        throw new InputError(
          `snapshot ${snap.id} is kept for incident${users.length > 1 ? 's' : ''} ${users.join(', ')} (the window it was analysed over): it cannot be deleted while they exist`,
        );
      }
      deleteSnapshots(db, [snap.id]);
    });
    return snap;
  }

  /** What a restore would do, without touching anything: see store/restore.ts. */
  planRestore(ref: string, subpath?: string, opts: PlanRestoreOptions = {}): Promise<RestorePlan> {
    return planRestore(this, ref, subpath, opts);
  }

  /** Restores a whole snapshot or one file/folder of it, after a safety snapshot: see store/restore.ts. */
  restore(ref: string, subpath?: string, opts: RestoreOptions = {}): Promise<RestoreResult> {
    return restoreSnapshot(this, ref, subpath, opts);
  }
}
