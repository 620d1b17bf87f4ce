import type { SnapshotStore } from '../../engine/snapshotStore';
import type { ManifestEntry, SnapshotRecord } from '../../engine/types';
import { explanationFor } from './fileExplanation';
import { snapshotName } from '../views/format';

const MANIFESTS_KEPT = 8;

/**
 * Reads files out of snapshots for the diff editors. Manifests are immutable (named by their
 * blob id), so the few most recent are kept decoded: opening all changes of an incident reads
 * the same two manifests dozens of times.
 */
export class SnapshotFiles {
  private readonly manifests = new Map<string, Promise<Map<string, ManifestEntry>>>();

  async entry(store: SnapshotStore, snapshot: SnapshotRecord, path: string): Promise<ManifestEntry | undefined> {
    return (await this.manifest(store, snapshot)).get(path);
  }

  /** The text shown for a path of a snapshot: the content, or an explanation when it has none to show. */
  async text(store: SnapshotStore, snapshotRef: string, path: string): Promise<string> {
    let snapshot: SnapshotRecord;
    try {
      snapshot = await store.resolve(snapshotRef);
    } catch {
      return `Snapshot ${snapshotRef} is no longer in the store (it may have been pruned or deleted), so ${path} cannot be shown.\n`;
    }
    const e = await this.entry(store, snapshot, path);
    if (!e) return `${path} is not in snapshot ${snapshotName(snapshot)}.\n`;
    const explanation = explanationFor(e, snapshotName(snapshot));
    if (explanation !== null) return explanation;
    return new TextDecoder('utf-8').decode(await store.objects.get(e.id));
  }

  private manifest(store: SnapshotStore, snapshot: SnapshotRecord): Promise<Map<string, ManifestEntry>> {
    const key = `${store.dir}\0${snapshot.manifestId}`;
    let m = this.manifests.get(key);
    if (m) {
      this.manifests.delete(key);
    } else {
      m = store.manifest(snapshot).then((entries) => new Map(entries.map((e) => [e.path, e])));
      void m.catch(() => this.manifests.delete(key));
    }
    this.manifests.set(key, m);
    while (this.manifests.size > MANIFESTS_KEPT) this.manifests.delete(this.manifests.keys().next().value as string);
    return m;
  }
}
