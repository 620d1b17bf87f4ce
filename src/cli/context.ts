import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { CONFIG_FILE_NAME, loadConfig } from '../engine/config/load';
import { allowListPath, configTrust, type TrustContext } from '../engine/config/trust';
import { InputError } from '../engine/errors';
import { SnapshotStore } from '../engine/snapshotStore';
import { type CliIo, workingFolder } from './io';
import { storeFolder } from './storeFolder';

export interface GlobalOptions {
  workspace?: string;
  store?: string;
  config?: string;
  trustConfig?: boolean;
}

/** Where a command's workspace, config and trust come from, before any store is opened. */
export interface ConfigContext {
  /** The folder the user pointed at (--workspace, else the current directory). */
  base: string;
  /** --workspace, resolved, when given. */
  workspace: string | undefined;
  /** The config file to read: --config, else `<base>/incident-replay.json`. */
  configFile: string;
  explicitConfig: boolean;
  trust: TrustContext;
}

export function configContext(cmd: Command, io: CliIo): ConfigContext {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  const cwd = workingFolder(io);
  const workspace = g.workspace ? path.resolve(cwd, g.workspace) : undefined;
  const base = workspace ?? cwd;
  return {
    base,
    workspace,
    configFile: g.config ? path.resolve(cwd, g.config) : path.join(base, CONFIG_FILE_NAME),
    explicitConfig: g.config !== undefined,
    trust: { flag: g.trustConfig ?? false, allowListFile: allowListPath(process.env, os.homedir()) },
  };
}

/** How a command uses the store it opens. */
export interface StoreUse {
  /** It snapshots first thing: that snapshot's stat calls start on another thread while the store opens. */
  capturesFirst?: boolean;
  /** It only snapshots: the database stays closed unless something reads it (see OpenStoreOptions.deferDatabase). */
  onlySnapshots?: boolean;
}

/** Opens the store the global options point at; config warnings go to stderr, one line each. */
export async function openStore(cmd: Command, io: CliIo, use: StoreUse = {}): Promise<SnapshotStore> {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  const ctx = configContext(cmd, io);
  const trust = await configTrust({ workspaceRoot: ctx.base, file: ctx.configFile, context: ctx.trust });
  const loaded = await loadConfig({
    workspaceRoot: ctx.base,
    ...(ctx.explicitConfig ? { configFile: ctx.configFile } : {}),
    // Regexes from the workspace run under the safe-regex time limits; only weakening needs trust.
    trustWorkspacePatterns: true,
    trustWorkspaceConfig: trust.trusted,
  });
  // A Python-tool config may name its workspace (WORKSPACE_ROOT, kept inside this folder); --workspace still wins.
  const workspaceRoot = ctx.workspace ?? loaded.workspaceRoot ?? ctx.base;
  for (const w of loaded.warnings) io.err(`warning: ${w}`);
  if (loaded.untrustedSettings > 0) {
    io.err(
      `warning: ${loaded.untrustedSettings} of these settings were not applied because ${trust.why}: ` +
        'review the file, then run `incident-replay trust` to trust it as it is now, or pass --trust-config for this run',
    );
  }
  const options = {
    workspaceRoot,
    config: loaded.config,
    storeDir: storeDirOf(g, workspaceRoot, workingFolder(io)),
    ...(use.capturesFirst ? { preloadStats: true } : {}),
    ...(use.onlySnapshots ? { deferDatabase: true } : {}),
  };
  return io.stores ? io.stores.open(options) : SnapshotStore.open(options);
}

function storeDirOf(g: GlobalOptions, workspaceRoot: string, cwd: string): string {
  const where = storeFolder(cwd, workspaceRoot, g.store);
  if ('refused' in where) throw new InputError(`${where.refused}: remove the link, or pass --store DIR to keep the store elsewhere`);
  return where.dir;
}

/** Runs `fn` with an open store and always closes it. */
export async function withStore<T>(cmd: Command, io: CliIo, fn: (store: SnapshotStore) => Promise<T>, use: StoreUse = {}): Promise<T> {
  const store = await openStore(cmd, io, use);
  try {
    return await fn(store);
  } finally {
    if (io.stores) io.stores.release(store);
    else store.close();
  }
}
