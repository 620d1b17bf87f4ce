import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../engine/config/load';
import { SnapshotStore } from '../engine/snapshotStore';
import type { CliIo } from './io';

export interface GlobalOptions {
  workspace?: string;
  store?: string;
  config?: string;
}

/** Opens the store the global options point at; config warnings go to stderr. */
export async function openStore(cmd: Command, io: CliIo): Promise<SnapshotStore> {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  const cwd = process.cwd();
  const workspace = g.workspace ? path.resolve(cwd, g.workspace) : undefined;
  const loaded = await loadConfig({
    workspaceRoot: workspace ?? cwd,
    ...(g.config ? { configFile: path.resolve(cwd, g.config) } : {}),
  });
  // A Python-tool config may name its workspace (WORKSPACE_ROOT); --workspace still wins.
  const workspaceRoot = workspace ?? loaded.workspaceRoot ?? cwd;
  for (const w of loaded.warnings) io.err(`warning: ${w}`);
  return SnapshotStore.open({
    workspaceRoot,
    config: loaded.config,
    ...(g.store ? { storeDir: path.resolve(cwd, g.store) } : {}),
  });
}

/** Runs `fn` with an open store and always closes it. */
export async function withStore<T>(cmd: Command, io: CliIo, fn: (store: SnapshotStore) => Promise<T>): Promise<T> {
  const store = await openStore(cmd, io);
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}
