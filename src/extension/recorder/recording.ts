import * as vscode from '../vscodeApi';
import type { Recorder, RecorderStatus, StoreAccess } from '../../engine/recorder/recorder';
import type { EngineLoader } from '../services/engineLoader';
import type { FolderStores } from '../services/folderStores';
import type { Log } from '../services/log';
import { unlessProposed } from '../services/proposedApi';
import { recorderConfig, RECORDER_PREFIX, type RecorderSettingKey } from './recorderSettingsModel';
import { plainTerminalText, SHELL_EXECUTION_SINCE, shellExecutionApi, type ShellExecution } from './shellExecution';

/** Output kept per running command while it runs; the journal keeps the last 16 KB of it. */
const MAX_OUTPUT_CHARS = 64 * 1024;
/** How long the end of a command waits for the rest of its output stream. */
const OUTPUT_DRAIN_MS = 500;

interface FolderRecording {
  folder: vscode.WorkspaceFolder;
  recorder: Recorder;
  watcher: vscode.FileSystemWatcher;
  /** The recorder's first snapshot of this session: the start of an analysis when there is no baseline. */
  sessionStart: string | null;
  status: RecorderStatus;
}

interface Running {
  start: number;
  output: string;
  drained: Promise<void>;
}

export interface RecordingSummary {
  folder: string;
  status: RecorderStatus;
}

/**
 * The flight recorder of this window: one engine Recorder per folder whose settings enable it, fed
 * by VS Code's file watcher and the terminals' shell integration. Everything here runs off the
 * UI path: events are buffered and written by the engine in batches, snapshots run in the
 * background, and failures are logged (and shown once) rather than thrown.
 */
export class Recording implements vscode.Disposable {
  private readonly folders = new Map<string, FolderRecording>();
  private readonly running = new Map<ShellExecution, Running>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private paused = false;
  private terminalsHooked = false;
  private generation = 0;

  constructor(
    private readonly stores: FolderStores,
    private readonly engine: EngineLoader,
    private readonly log: Log,
  ) {}

  get isPaused(): boolean {
    return this.paused;
  }

  /** Whether any folder is recording or paused (false when every folder has recording off). */
  get active(): boolean {
    return this.folders.size > 0;
  }

  summaries(): RecordingSummary[] {
    return [...this.folders.values()].map((f) => ({ folder: f.folder.name, status: f.status }));
  }

  /** The id of the recorder's first snapshot of this session in `folder`, if it took one. */
  sessionStart(folder: vscode.WorkspaceFolder): string | null {
    return this.folders.get(folder.uri.toString())?.sessionStart ?? null;
  }

  /** Starts or stops each folder's recorder to match its settings; restarts those whose settings changed. */
  async sync(folders: readonly vscode.WorkspaceFolder[]): Promise<void> {
    const mine = ++this.generation;
    await this.stopAll();
    if (mine !== this.generation) return;
    for (const folder of folders) {
      const cfg = vscode.workspace.getConfiguration(`incidentReplay`, folder.uri);
      const { enabled, settings } = recorderConfig((key: RecorderSettingKey) => cfg.get(key));
      if (!enabled) continue;
      try {
        await this.startFolder(folder, settings);
      } catch (err) {
        this.warn(`${folder.name}: recording could not start: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (mine !== this.generation) return;
    }
    if (this.folders.size > 0) this.hookTerminals();
    this.changed.fire();
  }

  pause(): void {
    this.paused = true;
    for (const f of this.folders.values()) f.recorder.pause();
    this.changed.fire();
  }

  resume(): void {
    this.paused = false;
    for (const f of this.folders.values()) f.recorder.resume();
    this.changed.fire();
  }

  /** Writes buffered events now: an analysis about to read the journal needs them. */
  async flush(folder: vscode.WorkspaceFolder): Promise<void> {
    await this.folders.get(folder.uri.toString())?.recorder.flush();
  }

  dispose(): void {
    this.generation++;
    void this.stopAll();
    for (const d of this.disposables) d.dispose();
    this.changed.dispose();
  }

  private async startFolder(folder: vscode.WorkspaceFolder, partial: ReturnType<typeof recorderConfig>['settings']): Promise<void> {
    const engine = this.engine.get();
    const settings = engine.recorderSettings(partial, (k) => `incidentReplay.${RECORDER_PREFIX}.${k}`);
    const access: StoreAccess = {
      workspaceRoot: folder.uri.fsPath,
      dir: this.stores.storeDir(folder),
      use: (fn) => this.stores.use(folder, (store) => fn(store)),
    };
    const key = folder.uri.toString();
    const r = new engine.Recorder(access, settings, {
      log: (m) => this.log.info(`${folder.name}: ${m}`),
      warn: (m) => this.warn(`${folder.name}: ${m}`),
      status: (s) => {
        const e = this.folders.get(key);
        if (!e) return;
        e.status = s;
        e.sessionStart ??= s.lastCapture?.snapshotId ?? null;
        this.changed.fire();
      },
    });
    const entry: FolderRecording = {
      folder,
      recorder: r,
      watcher: vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '**/*')),
      sessionStart: null,
      status: r.status,
    };
    entry.watcher.onDidCreate((u) => r.fileEvent('create', u.fsPath));
    entry.watcher.onDidChange((u) => r.fileEvent('change', u.fsPath));
    entry.watcher.onDidDelete((u) => r.fileEvent('delete', u.fsPath));
    this.folders.set(key, entry);
    if (this.paused) r.pause();
    await r.start();
    entry.status = r.status;
    entry.sessionStart ??= r.status.lastCapture?.snapshotId ?? null;
  }

  private async stopAll(): Promise<void> {
    const all = [...this.folders.values()];
    this.folders.clear();
    for (const f of all) f.watcher.dispose();
    await Promise.all(
      all.map((f) => f.recorder.stop().catch((err: unknown) => this.log.warn(`${f.folder.name}: stopping the recorder: ${String(err)}`))),
    );
  }

  private hookTerminals(): void {
    if (this.terminalsHooked) return;
    this.terminalsHooked = true;
    const api = shellExecutionApi(vscode.window);
    if (!api) {
      this.log.info(
        `recorder: terminal commands are not recorded: VS Code ${vscode.version} has no shell-execution API (it needs VS Code ${SHELL_EXECUTION_SINCE} or later)`,
      );
      return;
    }
    const hooked = unlessProposed(() => [
      api.onDidStartTerminalShellExecution((e) => {
        const target = this.folderOf(e.execution.cwd);
        if (!target || this.paused) return;
        target.recorder.commandStarted();
        const run: Running = { start: Date.now(), output: '', drained: Promise.resolve() };
        run.drained = this.readOutput(e.execution, run);
        this.running.set(e.execution, run);
      }),
      api.onDidEndTerminalShellExecution((e) => {
        const run = this.running.get(e.execution);
        this.running.delete(e.execution);
        const end = Date.now();
        const target = this.folderOf(e.execution.cwd);
        if (!target || this.paused) return;
        void Promise.race([run?.drained, new Promise<void>((r) => setTimeout(r, OUTPUT_DRAIN_MS))]).then(() => {
          const output = run ? plainTerminalText(run.output).trim() : '';
          target.recorder.commandEnded({
            command: e.execution.commandLine.value,
            ...(e.execution.cwd ? { cwd: e.execution.cwd.fsPath } : {}),
            start: run?.start ?? end,
            end,
            t: end,
            ...(e.exitCode !== undefined ? { exitCode: e.exitCode } : {}),
            ...(output ? { output } : {}),
          });
        });
      }),
    ]);
    if ('proposal' in hooked) {
      this.log.info(
        `recorder: terminal commands are not recorded: VS Code ${vscode.version} has the shell-execution API only as the proposal ${hooked.proposal} (it needs VS Code ${SHELL_EXECUTION_SINCE} or later)`,
      );
      return;
    }
    this.disposables.push(...hooked.value);
    this.log.info('recorder: recording terminal commands through shell integration');
  }

  private async readOutput(execution: ShellExecution, run: Running): Promise<void> {
    try {
      for await (const chunk of execution.read()) {
        run.output += chunk;
        if (run.output.length > MAX_OUTPUT_CHARS * 2) run.output = run.output.slice(-MAX_OUTPUT_CHARS);
      }
    } catch (err) {
      this.log.info(`recorder: the output of "${execution.commandLine.value}" could not be read: ${String(err)}`);
    }
  }

  /** The folder a command ran in (by its cwd), else the only recorded folder. */
  private folderOf(cwd: vscode.Uri | undefined): FolderRecording | undefined {
    const f = cwd ? vscode.workspace.getWorkspaceFolder(cwd) : undefined;
    if (f) return this.folders.get(f.uri.toString());
    return this.folders.size === 1 ? [...this.folders.values()][0] : undefined;
  }

  private readonly warned = new Set<string>();

  /** Logged every time; shown to the user once per message. */
  private warn(message: string): void {
    this.log.warn(message);
    if (this.warned.has(message)) return;
    this.warned.add(message);
    void vscode.window.showWarningMessage(`Incident Replay: ${message}`);
  }
}
