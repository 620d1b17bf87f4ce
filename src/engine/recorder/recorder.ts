import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { SnapshotStore } from '../snapshotStore';
import type { SnapshotRecord } from '../types';
import { Journal, type CommandRecord, type FileEventRecord, type JournalRecord } from './journal';
import { applyRetention, type RetentionResult } from './retention';
import type { RecorderSettings } from './settings';

/** Why the recorder took a snapshot; also its label (`auto:quiet`). */
export type SnapshotReason = 'start' | 'quiet' | 'command' | 'timer';

export interface RecorderStatus {
  /** Recording file events and terminal commands (false while paused). */
  recording: boolean;
  /** Automatic snapshots are on (off for a large workspace until the user opts in). */
  autoSnapshots: boolean;
  /** The watcher could not start: snapshots come from the timer only. */
  fallback: string | null;
  eventsRecorded: number;
  commandsRecorded: number;
  lastCapture: { at: number; reason: SnapshotReason; snapshotId: string } | null;
  storeBytes: number | null;
}

/**
 * How the recorder reaches its store. The editor reopens a folder's store when settings change,
 * so the recorder borrows it for each step instead of holding one open.
 */
export interface StoreAccess {
  readonly workspaceRoot: string;
  readonly dir: string;
  use<T>(fn: (store: SnapshotStore) => Promise<T>): Promise<T>;
}

/** Access to a store this process keeps open (the CLI's `watch`, tests). */
export function openStoreAccess(store: SnapshotStore): StoreAccess {
  return { workspaceRoot: store.workspaceRoot, dir: store.dir, use: (fn) => fn(store) };
}

export interface RecorderHooks {
  /** A line for the output log. */
  log(message: string): void;
  /**
   * A failure the user should hear of. Called once per distinct problem: a capture failing at every
   * attempt is reported the first time and logged afterwards.
   */
  warn?(message: string): void;
  status?(status: RecorderStatus): void;
}

/** How long file events wait in memory before one append writes them all. */
const FLUSH_MS = 200;
/** Over this many paths changed since the last snapshot, reading only them would save little: a full walk. */
const MAX_JOURNAL_PATHS = 50_000;
/** When the watcher is down and no timer is set, snapshots are taken this often instead. */
const FALLBACK_INTERVAL_MS = 5 * 60_000;

/**
 * The flight recorder, free of any editor: file events and commands go to the journal; automatic
 * snapshots follow the settings (after a burst settles, before a command when the last one is
 * stale, on a timer), never closer than the minimum interval, one at a time; retention runs after
 * each. Every failure is caught here: recording must never break the host (the editor or `watch`).
 */
export class Recorder {
  readonly journal: Journal;
  private buffer: JournalRecord[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private quietTimer: NodeJS.Timeout | null = null;
  private intervalTimer: NodeJS.Timeout | null = null;
  private pendingTimer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  /** Changes seen since the last automatic snapshot. */
  private dirty = false;
  private burstSince: number | null = null;
  private lastEventAt = 0;
  private lastSnapshotAt = 0;
  private paused = false;
  private stopped = false;
  /**
   * Paths the watcher reported since `changedSince` (Date.now()), which is set only while the
   * watcher has been running without a gap since then: the start of the last snapshot taken
   * after it started. Null means the record is incomplete and the next snapshot walks everything.
   */
  private changed = new Set<string>();
  private changedSince: number | null = null;
  private watcherRunning = false;
  private readonly warned = new Set<string>();
  private readonly state: RecorderStatus = {
    recording: true,
    autoSnapshots: true,
    fallback: null,
    eventsRecorded: 0,
    commandsRecorded: 0,
    lastCapture: null,
    storeBytes: null,
  };

  constructor(
    private readonly store: StoreAccess,
    private readonly settings: RecorderSettings,
    private readonly hooks: RecorderHooks,
    private readonly now: () => number = Date.now,
  ) {
    this.journal = new Journal(store.dir);
  }

  get status(): RecorderStatus {
    return { ...this.state };
  }

  /**
   * Decides whether automatic snapshots may run (the workspace's size against `maxFiles`), takes
   * the first one (the start of every window the recorder gives an analysis) and starts the timer.
   */
  async start(): Promise<void> {
    const latest = (await this.store.use((s) => s.list())).at(-1);
    if (latest) this.lastSnapshotAt = latest.createdAt;
    const files = latest?.fileCount ?? (await countFilesUpTo(this.store.workspaceRoot, this.store.dir, this.settings.maxFiles + 1));
    if (files > this.settings.maxFiles && !this.settings.largeWorkspaceOptIn) {
      this.state.autoSnapshots = false;
      this.hooks.log(
        `recorder: the workspace has over ${this.settings.maxFiles} files: automatic snapshots are off until you opt in ` +
          `(the journal of file events and commands still records)`,
      );
    }
    this.hooks.log(`recorder: recording ${this.store.workspaceRoot} into ${this.journal.dir}`);
    if (this.state.autoSnapshots) {
      await this.capture('start');
      this.armInterval();
    }
    this.emit();
  }

  /**
   * The host's watcher is running and will report every change (or call {@link watcherFailed} /
   * {@link watcherGap}): from the next snapshot on, snapshots read only the paths it reported.
   * Hosts whose watcher cannot say when it drops events must not call it.
   */
  watcherStarted(): void {
    this.watcherRunning = true;
  }

  /**
   * The watcher may have missed events (an overflow, a restart, an error it recovered from): the
   * next snapshot walks the whole workspace, and the ones after trust the watcher again.
   */
  watcherGap(): void {
    this.forgetChanges();
  }

  /** A create, change or delete the watcher saw; `file` is absolute or workspace-relative. */
  fileEvent(kind: FileEventRecord['kind'], file: string): void {
    if (this.paused || this.stopped) return;
    const rel = this.relative(file);
    if (rel === null) {
      // Not the store's nor git's own: a path we cannot place (another spelling of the root?) is a change we cannot name.
      if (!this.ignoredPath(file)) this.forgetChanges();
      return;
    }
    if (this.changedSince !== null) {
      this.changed.add(rel);
      if (this.changed.size > MAX_JOURNAL_PATHS) this.forgetChanges();
    }
    this.buffer.push({ t: this.now(), kind, path: rel });
    this.state.eventsRecorded++;
    this.dirty = true;
    this.scheduleFlush();
    this.armQuiet();
  }

  /** A terminal command is starting: the state before it is worth a snapshot when the last one is stale. */
  commandStarted(): void {
    if (this.paused || this.stopped || this.settings.beforeCommandMs === 0) return;
    if (this.now() - this.lastSnapshotAt >= this.settings.beforeCommandMs) this.request('command');
  }

  /** A terminal command ended (or was seen without an end): written at once, it may explain a failure. */
  commandEnded(record: Omit<CommandRecord, 'kind' | 't'> & { t?: number }): void {
    if (this.paused || this.stopped) return;
    const { t, ...rest } = record;
    // Time and kind first: the journal is read by people too.
    this.buffer.push({ t: t ?? rest.end ?? this.now(), kind: 'command', ...rest });
    this.state.commandsRecorded++;
    this.dirty = true;
    this.flushSoon(0);
    this.armQuiet();
  }

  /** The watcher could not start: says so once and snapshots on a timer instead. */
  watcherFailed(reason: string): void {
    this.watcherRunning = false;
    this.forgetChanges();
    this.state.fallback = reason;
    this.warnOnce(
      `the file watcher could not start (${reason}); recording falls back to a snapshot every ${Math.round(this.fallbackInterval() / 1000)} s`,
    );
    // Without events nothing says the workspace is dirty.
    this.dirty = true;
    this.armInterval();
    this.emit();
  }

  pause(): void {
    // Events are dropped while paused.
    this.forgetChanges();
    this.paused = true;
    this.state.recording = false;
    this.clearTimers();
    this.emit();
  }

  resume(): void {
    if (this.stopped) return;
    this.paused = false;
    this.state.recording = true;
    this.armInterval();
    this.emit();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Writes what is buffered and waits for a snapshot in flight; nothing runs afterwards. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.state.recording = false;
    this.clearTimers();
    await this.flush();
    await this.inFlight;
  }

  /** Writes the buffered events now (the analysis about to read the journal needs them). */
  async flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = this.flushing.then(() =>
      this.journal
        .append(batch)
        .catch((e: unknown) => this.warnOnce(`cannot write the journal ${this.journal.dir}: ${(e as Error).message}`)),
    );
    await this.flushing;
  }

  /** A snapshot now (the timer, the command hook and tests), unless one is in flight or it is too soon. */
  request(reason: SnapshotReason): void {
    if (this.paused || this.stopped || !this.state.autoSnapshots) return;
    const wait = this.lastSnapshotAt + this.settings.minIntervalMs - this.now();
    if (this.inFlight || wait > 0) {
      // Deferred rather than dropped: the changes that asked for it still need capturing.
      if (!this.pendingTimer) {
        this.pendingTimer = setTimeout(
          () => {
            this.pendingTimer = null;
            this.request(reason);
          },
          Math.max(wait, 250),
        );
      }
      return;
    }
    const run = this.capture(reason).finally(() => {
      if (this.inFlight === run) this.inFlight = null;
    });
    this.inFlight = run;
  }

  /** Settles once the current snapshot (if any) and its retention are done. */
  async idle(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  private async capture(reason: SnapshotReason): Promise<void> {
    this.dirty = false;
    this.lastSnapshotAt = this.now();
    let snapshot: SnapshotRecord;
    // What the watcher saw since the previous snapshot; events from now on belong to the next one.
    const journal = this.changedSince === null ? undefined : { since: this.changedSince, paths: this.changed };
    this.changed = new Set();
    this.changedSince = this.watcherRunning && !this.paused ? Date.now() : null;
    try {
      await this.flush();
      snapshot = (
        await this.store.use((s) => s.snapshot({ origin: 'auto', reason, label: `auto:${reason}`, ...(journal ? { journal } : {}) }))
      ).snapshot;
    } catch (e) {
      this.dirty = true;
      // The failed snapshot wrote no stat cache to start the next interval from.
      this.forgetChanges();
      this.warnOnce(`automatic snapshot failed: ${(e as Error).message}`);
      return;
    }
    this.lastSnapshotAt = snapshot.createdAt;
    this.state.lastCapture = { at: snapshot.createdAt, reason, snapshotId: snapshot.id };
    this.hooks.log(`recorder: snapshot ${snapshot.id} (${reason}), ${snapshot.fileCount} files`);
    let kept: RetentionResult;
    try {
      kept = await this.store.use((s) => applyRetention(s, this.settings.retention, this.now()));
    } catch (e) {
      this.warnOnce(`retention failed: ${(e as Error).message}`);
      this.emit();
      return;
    }
    this.state.storeBytes = kept.storeBytes;
    if (kept.dropped.length) this.hooks.log(`recorder: retention dropped ${kept.dropped.length} automatic snapshot(s)`);
    if (kept.overCap) {
      this.warnOnce(
        `the store takes ${Math.round(kept.storeBytes / 1024 / 1024)} MB, over its cap of ${Math.round(this.settings.retention.maxStoreBytes / 1024 / 1024)} MB, ` +
          `with no automatic snapshot left to drop: raise the cap or prune snapshots you took`,
      );
    }
    this.emit();
  }

  private warnOnce(message: string): void {
    this.hooks.log(`recorder: ${message}`);
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.hooks.warn?.(message);
  }

  private forgetChanges(): void {
    this.changed = new Set();
    this.changedSince = null;
  }

  /** Paths the journal leaves out on purpose: the store's own files and git's. */
  private ignoredPath(file: string): boolean {
    const abs = path.resolve(this.store.workspaceRoot, file);
    const inside = (dir: string): boolean => {
      const rel = path.relative(dir, abs);
      return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
    };
    return inside(this.store.dir) || inside(path.join(this.store.workspaceRoot, '.git')) || abs === this.store.workspaceRoot;
  }

  private relative(file: string): string | null {
    // Watchers hand absolute paths; the common case needs no path arithmetic beyond a prefix check.
    const root = this.store.workspaceRoot + path.sep;
    const storeRoot = this.store.dir + path.sep;
    if (
      path.sep === '/' &&
      file.startsWith(root) &&
      !file.startsWith(storeRoot) &&
      file !== this.store.dir &&
      !file.includes('/..') &&
      !file.includes('//')
    ) {
      const rel = file.slice(root.length);
      return rel === '.git' || rel.startsWith('.git/') ? null : rel;
    }
    const abs = path.resolve(this.store.workspaceRoot, file);
    const rel = path.relative(this.store.workspaceRoot, abs);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return null;
    // The store's own writes are not the workspace's history.
    const inStore = path.relative(this.store.dir, abs);
    if (inStore === '' || (!inStore.startsWith('..') && !path.isAbsolute(inStore))) return null;
    const posix = rel.split(path.sep).join('/');
    return posix === '.git' || posix.startsWith('.git/') ? null : posix;
  }

  private scheduleFlush(): void {
    if (!this.flushTimer) this.flushSoon(FLUSH_MS);
  }

  private flushSoon(ms: number): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      void this.flush();
    }, ms);
  }

  private armQuiet(): void {
    if (!this.state.autoSnapshots) return;
    const now = this.now();
    this.burstSince ??= now;
    // An agent that never pauses would push the quiet snapshot back forever: a long burst is captured as it goes.
    if (now - this.burstSince > Math.max(this.settings.quietMs * 6, this.settings.minIntervalMs)) {
      this.burstSince = now;
      this.request('quiet');
    }
    this.lastEventAt = now;
    // One timer per burst, not one per event: when it fires early it waits out the rest of the quiet period.
    if (!this.quietTimer) this.waitQuiet(this.settings.quietMs);
  }

  private waitQuiet(ms: number): void {
    this.quietTimer = setTimeout(() => {
      this.quietTimer = null;
      const left = this.lastEventAt + this.settings.quietMs - this.now();
      if (left > 0) {
        this.waitQuiet(left);
        return;
      }
      this.burstSince = null;
      if (this.dirty) this.request('quiet');
    }, ms);
  }

  private fallbackInterval(): number {
    return this.settings.intervalMs > 0 ? this.settings.intervalMs : Math.max(FALLBACK_INTERVAL_MS, this.settings.minIntervalMs);
  }

  private armInterval(): void {
    if (this.intervalTimer) clearInterval(this.intervalTimer);
    this.intervalTimer = null;
    if (!this.state.autoSnapshots || this.paused || this.stopped) return;
    if (this.settings.intervalMs === 0 && this.state.fallback === null) return;
    this.intervalTimer = setInterval(() => {
      // Without a watcher nothing marks the workspace dirty, so the timer always captures then.
      if (this.dirty || this.state.fallback !== null) this.request('timer');
    }, this.fallbackInterval());
  }

  private clearTimers(): void {
    for (const t of [this.quietTimer, this.pendingTimer]) if (t) clearTimeout(t);
    if (this.intervalTimer) clearInterval(this.intervalTimer);
    this.quietTimer = this.pendingTimer = this.intervalTimer = null;
  }

  private emit(): void {
    this.hooks.status?.(this.status);
  }
}

/** Files under `root` up to `limit` (stops there), skipping the store, `.git` and `node_modules`: a size check, not a listing. */
export async function countFilesUpTo(root: string, storeDir: string, limit: number): Promise<number> {
  let count = 0;
  const stack = [root];
  while (stack.length && count < limit) {
    const dir = stack.pop() as string;
    let entries;
    try {
      entries = await fsp.readdir(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (e.isDirectory()) {
        const p = path.join(dir, e.name);
        if (e.name !== '.git' && e.name !== 'node_modules' && p !== storeDir) stack.push(p);
      } else if (++count >= limit) break;
    }
  }
  return count;
}
