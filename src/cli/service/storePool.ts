import { type OpenStoreOptions, SnapshotStore } from '../../engine/snapshotStore';

/** Idle stores kept at most: a service sees one workspace, sometimes under a few configs. */
const MAX_IDLE = 4;

/**
 * Open stores a serving process keeps between the commands it runs, as the extension keeps its
 * own: the next snapshot finds the stat cache decoded and the pack indexes read, and only
 * re-validates them under the store lock (docs/ARCHITECTURE.md, rule 3). A store is reused only
 * for the very same workspace, store folder and config; each command still loads the config
 * itself, so an edited config opens a new store.
 */
export class StorePool {
  private readonly idle = new Map<string, SnapshotStore>();
  private readonly keys = new WeakMap<SnapshotStore, string>();

  /** An idle store opened with the same options, else a new one. */
  async open(opts: OpenStoreOptions): Promise<SnapshotStore> {
    const key = JSON.stringify([opts.workspaceRoot, opts.storeDir, opts.config, opts.deferDatabase === true, opts.wasmPath]);
    const kept = this.idle.get(key);
    if (kept) {
      this.idle.delete(key);
      // Its snapshot starts its own stat preload (SnapshotStore.snapshot), as a reopened one would.
      return kept;
    }
    const store = await SnapshotStore.open(opts);
    this.keys.set(store, key);
    return store;
  }

  /** Takes back a store a command is done with; the oldest idle one is closed past the limit. */
  release(store: SnapshotStore): void {
    const key = this.keys.get(store);
    const previous = key === undefined ? undefined : this.idle.get(key);
    if (key === undefined || (previous !== undefined && previous !== store)) {
      store.close();
      return;
    }
    this.idle.set(key, store);
    for (const [k, s] of this.idle) {
      if (this.idle.size <= MAX_IDLE) break;
      this.idle.delete(k);
      s.close();
    }
  }

  closeAll(): void {
    for (const s of this.idle.values()) s.close();
    this.idle.clear();
  }
}
