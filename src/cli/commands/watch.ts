import path from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../engine/errors';
import { openStoreAccess, Recorder } from '../../engine/recorder/recorder';
import { parseByteSize, recorderSettings, type RecorderSettings } from '../../engine/recorder/settings';
import type { SnapshotStore } from '../../engine/snapshotStore';
import { withStore } from '../context';
import { formatBytes, plural } from '../../model/format';
import type { CliIo } from '../io';
import { type RunCli, serveCli } from '../service/server';

interface WatchOptions {
  quiet: string;
  every?: string;
  minInterval: string;
  maxFiles: string;
  large?: boolean;
  keep: string;
  maxAge: string;
  maxSize: string;
}

/** The events @parcel/watcher reports; declared here so the native module loads only when `watch` runs. */
interface WatcherEvent {
  path: string;
  type: 'create' | 'update' | 'delete';
}
interface WatcherModule {
  subscribe(
    dir: string,
    fn: (err: Error | null, events: WatcherEvent[]) => unknown,
    opts?: { ignore?: string[] },
  ): Promise<{ unsubscribe(): Promise<void> }>;
}

export function registerWatchCommand(program: Command, io: CliIo, runCli: RunCli): void {
  const d = recorderSettings();
  program
    .command('watch')
    .description('record the workspace until Ctrl-C: a journal of file events and automatic snapshots, with retention')
    .option('--quiet <seconds>', 'snapshot after file changes have been quiet this long', String(d.quietMs / 1000))
    .option('--every <seconds>', 'also snapshot on a timer (default: off)')
    .option('--min-interval <seconds>', 'never two automatic snapshots closer than this', String(d.minIntervalMs / 1000))
    .option('--max-files <n>', 'no automatic snapshots in a workspace with more files, unless --large', String(d.maxFiles))
    .option('--large', 'snapshot automatically even over --max-files')
    .option('--keep <n>', 'automatic snapshots kept', String(d.retention.keepAutomatic))
    .option('--max-age <days>', 'automatic snapshots older than this are dropped', String(d.retention.maxAgeDays))
    .option('--max-size <size>', 'the store stays under this size on disk (500m, 1g)', '1g')
    .action(async (opts: WatchOptions, cmd: Command) => {
      const settings = parseWatchOptions(opts);
      await withStore(cmd, io, (store) => record(store, settings, io, runCli));
    });
}

function parseWatchOptions(o: WatchOptions): RecorderSettings {
  const amount = (v: string, flag: string, unit: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new InputError(`${flag} takes a number of ${unit} ≥ 0 (got ${v})`);
    return n;
  };
  const seconds = (v: string, flag: string): number => Math.round(amount(v, flag, 'seconds') * 1000);
  const count = (v: string, flag: string, min: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InputError(`${flag} takes a whole number ≥ ${min} (got ${v})`);
    return n;
  };
  const flags: Record<string, string> = {
    quietMs: '--quiet',
    intervalMs: '--every',
    minIntervalMs: '--min-interval',
    maxFiles: '--max-files',
    keepAutomatic: '--keep',
    maxAgeDays: '--max-age',
    maxStoreBytes: '--max-size',
  };
  return recorderSettings(
    {
      quietMs: seconds(o.quiet, '--quiet'),
      intervalMs: o.every === undefined ? 0 : seconds(o.every, '--every'),
      minIntervalMs: seconds(o.minInterval, '--min-interval'),
      maxFiles: count(o.maxFiles, '--max-files', 1),
      largeWorkspaceOptIn: o.large === true,
      retention: {
        keepAutomatic: count(o.keep, '--keep', 1),
        maxAgeDays: amount(o.maxAge, '--max-age', 'days'),
        maxStoreBytes: parseByteSize(o.maxSize, '--max-size'),
      },
    },
    (k) => flags[k] ?? k,
  );
}

/** Records until SIGINT or SIGTERM; the journal is flushed and a snapshot in flight finishes first. */
async function record(store: SnapshotStore, settings: RecorderSettings, io: CliIo, runCli: RunCli): Promise<void> {
  const recorder = new Recorder(openStoreAccess(store), settings, { log: (m) => io.err(m) });
  await recorder.start();
  let subscription: { unsubscribe(): Promise<void> } | null = null;
  try {
    const watcher = (await import('@parcel/watcher')) as WatcherModule;
    const rel = path.relative(store.workspaceRoot, store.dir);
    // As VS Code's own watcher excludes by default: installs there would flood the journal with files no snapshot keeps.
    const ignore = ['.git', '**/node_modules', ...(rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? [rel] : [])];
    subscription = await watcher.subscribe(
      store.workspaceRoot,
      (err, events) => {
        if (err) {
          recorder.watcherFailed(watcherProblem(err));
          return;
        }
        for (const e of events) recorder.fileEvent(e.type === 'update' ? 'change' : e.type, e.path);
      },
      { ignore },
    );
    // @parcel/watcher reports every change under the root or an error: automatic snapshots can read only what it names.
    recorder.watcherStarted();
  } catch (e) {
    recorder.watcherFailed(watcherProblem(e));
  }
  // `incident-replay snapshot` and `hooks run` in this workspace (a script's, an agent's) run here, warm.
  const service = await serveCli({ storeDir: store.dir, run: runCli, log: (m) => io.err(m) });
  if (service) io.err('`incident-replay snapshot` and agent hooks on this store run here while it records');
  io.err(`recording ${store.workspaceRoot} (Ctrl-C to stop)`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await service?.close();
  await subscription?.unsubscribe().catch(() => undefined);
  await recorder.stop();
  const s = recorder.status;
  io.err(
    `stopped: ${s.eventsRecorded} file events journaled` +
      (s.lastCapture ? `, last snapshot ${s.lastCapture.snapshotId} (${s.lastCapture.reason})` : '') +
      (s.storeBytes !== null ? `, store ${formatBytes(s.storeBytes)}` : '') +
      (service && service.served > 0 ? `; ran ${plural(service.served, 'CLI command')} for other processes` : ''),
  );
}

/** What the user can do about a watcher that would not start (Linux's inotify limit is the usual one). */
function watcherProblem(e: unknown): string {
  const msg = (e as Error).message ?? String(e);
  if (/ENOSPC|inotify|too many/i.test(msg)) {
    return `${msg}: the system's inotify watch limit is too low for this workspace; raise it with \`sysctl fs.inotify.max_user_watches=524288\``;
  }
  return msg;
}
