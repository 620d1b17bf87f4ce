/**
 * Big logs scanned while the post snapshot is being taken. Analyze Since Baseline snapshots and
 * then analyses; the snapshot already reads every big changed log once (to hash it), and the
 * scan of a 50 MB log is the longest step of the analysis, so it starts in a worker thread as
 * soon as the capture reaches the file. The analysis uses the result only when the scan read
 * exactly what the snapshot recorded (same bytes, same window start, same workspace file list);
 * otherwise it scans again.
 */
import { fileRole } from '../rootCause/fileRoles';
import type { SnapshotStore } from '../snapshotStore';
import type { OversizedFile } from '../store/capture';
import type { ManifestEntry, SnapshotRecord } from '../types';
import type { BigLog } from '../logs/bigLog';
import { isScannedAsLog } from '../logs/logFiles';
import { logScanSettings } from '../logs/logScan';
import { DEFAULT_WORKER_SCRIPT, type LogThreadResult, scanStreamedLogs } from '../logs/logThread';

interface Started {
  log: BigLog;
  paths: readonly string[];
  result: Promise<LogThreadResult>;
}

export class LogPrescan {
  private readonly started = new Map<string, Started>();
  private readonly pathSets = new WeakMap<readonly string[], ReadonlySet<string>>();

  private readonly before: Promise<ReadonlyMap<string, ManifestEntry>>;

  /**
   * Ready to scan big logs against `from`, the snapshot the analysis will start from. Its
   * manifest is read meanwhile (the store keeps it for the analysis).
   */
  constructor(
    private readonly store: SnapshotStore,
    from: SnapshotRecord,
    opts: { logWorker?: string | null } = {},
  ) {
    this.workerScript = opts.logWorker === undefined ? DEFAULT_WORKER_SCRIPT : opts.logWorker;
    this.before = store.manifest(from).then((entries) => {
      const files = new Map<string, ManifestEntry>();
      for (const e of entries) if (e.type === 'file') files.set(e.path, e);
      return files;
    });
    // A manifest that cannot be read fails the analysis itself, with its own message.
    this.before.catch(() => undefined);
  }

  private readonly workerScript: string | null;

  /** The snapshot's `onOversizedFile`: starts scanning the file if it is read as a log. */
  readonly offer = (file: OversizedFile): void => {
    const config = this.store.config;
    const roles = { configGlobs: config.triggers.configGlobs, outputGlobs: config.triggers.outputGlobs, logFiles: config.logFiles };
    if (!isScannedAsLog(file.path, (p) => fileRole(p, roles), config)) return;
    const log: BigLog = { path: file.path, file: file.abs, size: file.size, mtimeMs: file.mtimeMs };
    const paths = file.listedPaths();
    // The worker starts now and is handed the job once the baseline's entry for the log is known.
    const job = this.before.then((before) => {
      const old = before.get(file.path);
      if (old) log.before = { size: old.size, id: old.id };
      return {
        settings: logScanSettings(config, this.store.workspaceRoot),
        workspaceFiles: paths,
        budgetMs: config.triggers.scanTimeBudgetMs,
        logs: [log],
      };
    });
    const result = scanStreamedLogs(job, this.workerScript);
    // Until it is taken (if ever), a failure must not surface as an unhandled rejection.
    result.catch(() => undefined);
    this.started.set(file.path, { log, paths, result });
  };

  /**
   * The scan of `log` started during the snapshot, when it was given the same file, window start
   * and workspace file list as the analysis would give it now; null otherwise. The caller still
   * checks that it read the bytes the snapshot recorded.
   */
  async take(log: BigLog, workspaceFiles: readonly string[]): Promise<{ result: Promise<LogThreadResult> } | null> {
    const s = this.started.get(log.path);
    if (!s) return null;
    await this.before;
    const sameFile = s.log.size === log.size && s.log.mtimeMs === log.mtimeMs;
    const sameStart = s.log.before?.id === log.before?.id && s.log.before?.size === log.before?.size;
    if (!sameFile || !sameStart || !this.samePaths(s.paths, workspaceFiles)) return null;
    return { result: s.result };
  }

  private samePaths(listed: readonly string[], now: readonly string[]): boolean {
    if (listed.length !== now.length) return false;
    let set = this.pathSets.get(listed);
    if (!set) {
      set = new Set(listed);
      this.pathSets.set(listed, set);
    }
    for (const p of now) if (!set.has(p)) return false;
    return true;
  }
}
