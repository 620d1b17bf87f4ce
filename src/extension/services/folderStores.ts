import { existsSync } from 'node:fs';
import path from 'node:path';
import * as vscode from '../vscodeApi';
import type { SnapshotStore } from '../../engine/snapshotStore';
import { storeDirFor } from './storeLocation';
import type { Engine, EngineLoader } from './engineLoader';
import { UserError } from './errors';
import type { Log } from './log';
import { readSettings } from './settings';

/** The metadata database's file name inside a store (the CLI's store layout). */
const DB_FILE = 'incident-replay.sqlite';

interface Entry {
  dir: string;
  opening: Promise<SnapshotStore>;
  users: number;
  /** Settings, config or trust changed: the next use opens a fresh store; this one closes when idle. */
  retired: boolean;
  closed: boolean;
}

/**
 * One snapshot store per workspace folder, opened on first use with the folder's config
 * (settings under `incident-replay.json`) and kept open; a change of settings, config file or
 * workspace trust retires it, and it is closed once no operation uses it any more.
 */
export class FolderStores implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly storage: { storageUri: vscode.Uri | undefined; globalStorageUri: vscode.Uri },
    private readonly engine: EngineLoader,
    private readonly log: Log,
  ) {}

  /** Where the folder's store lives (it may not exist yet). */
  storeDir(folder: vscode.WorkspaceFolder): string {
    const settings = readSettings(folder);
    try {
      return storeDirFor({
        location: settings.storage.location,
        folderSetting: settings.storage.folder,
        workspaceFolderPath: folder.uri.fsPath,
        folderUri: folder.uri.toString(),
        folderName: folder.name,
        storagePath: this.storage.storageUri?.fsPath,
        globalStoragePath: this.storage.globalStorageUri.fsPath,
      });
    } catch (err) {
      throw new UserError((err as Error).message);
    }
  }

  /** Whether the folder has a store already (looking never creates one). */
  exists(folder: vscode.WorkspaceFolder): boolean {
    return existsSync(path.join(this.storeDir(folder), DB_FILE));
  }

  /** Runs `fn` with the folder's store, opening (and creating) it if needed. */
  async use<T>(folder: vscode.WorkspaceFolder, fn: (store: SnapshotStore, engine: Engine) => Promise<T>): Promise<T> {
    if (folder.uri.scheme !== 'file')
      throw new UserError(`${folder.name} is not a folder on disk; snapshots need a local (or remote-host) folder`);
    const key = folder.uri.toString();
    const dir = this.storeDir(folder);
    let entry = this.entries.get(key);
    if (!entry || entry.retired || entry.dir !== dir) {
      if (entry) this.retire(entry);
      entry = { dir, opening: this.open(folder, dir), users: 0, retired: false, closed: false };
      this.entries.set(key, entry);
      const opened = entry;
      // A failed open is not kept: the next use tries again (after the user fixed the config).
      opened.opening.catch(() => {
        if (this.entries.get(key) === opened) this.entries.delete(key);
      });
    }
    entry.users++;
    try {
      return await fn(await entry.opening, this.engine.get());
    } finally {
      entry.users--;
      if (entry.retired) this.closeIfIdle(entry);
    }
  }

  /** Like {@link use}, but only when the folder has a store; undefined otherwise. */
  async peek<T>(folder: vscode.WorkspaceFolder, fn: (store: SnapshotStore, engine: Engine) => Promise<T>): Promise<T | undefined> {
    if (folder.uri.scheme !== 'file' || !this.exists(folder)) return undefined;
    return this.use(folder, fn);
  }

  /** Settings, config or trust changed for a folder (or all folders). */
  invalidate(folder?: vscode.WorkspaceFolder): void {
    for (const [key, entry] of this.entries) {
      if (folder && key !== folder.uri.toString()) continue;
      this.retire(entry);
      this.entries.delete(key);
    }
  }

  dispose(): void {
    for (const entry of this.entries.values()) {
      entry.users = 0;
      this.retire(entry);
    }
    this.entries.clear();
  }

  private async open(folder: vscode.WorkspaceFolder, dir: string): Promise<SnapshotStore> {
    const engine = this.engine.get();
    const settings = readSettings(folder);
    return this.log.timed(`open store of ${folder.name} (${dir})`, async () => {
      const loaded = await engine.loadConfig({
        workspaceRoot: folder.uri.fsPath,
        trustWorkspacePatterns: vscode.workspace.isTrusted,
        ...(settings.overrides ? { overrides: settings.overrides } : {}),
        ...(settings.workspaceOverrides ? { workspaceOverrides: settings.workspaceOverrides } : {}),
      });
      for (const w of loaded.warnings) this.log.warn(`${folder.name}: ${w}`);
      // A store kept in the folder must not follow a symlink the workspace committed out of it.
      const outside =
        settings.storage.location === 'workspaceFolder'
          ? engine.outsideReason(folder.uri.fsPath, dir, 'incidentReplay.storage.folder')
          : undefined;
      if (outside) throw new Error(`${outside}: remove the link or choose another folder`);
      return engine.SnapshotStore.open({
        workspaceRoot: folder.uri.fsPath,
        storeDir: dir,
        config: loaded.config,
        wasmPath: this.engine.wasmPath,
      });
    });
  }

  private retire(entry: Entry): void {
    entry.retired = true;
    this.closeIfIdle(entry);
  }

  private closeIfIdle(entry: Entry): void {
    if (entry.users > 0 || entry.closed) return;
    entry.closed = true;
    void entry.opening
      .then(
        (store) => store.close(),
        () => undefined,
      )
      .catch((err: unknown) => this.log.error('closing a store failed', err));
  }
}
