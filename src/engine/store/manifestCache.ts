import type { ManifestEntry } from '../types';

type Entries = readonly ManifestEntry[];

interface Slot {
  load: () => Promise<Entries>;
  loaded?: Promise<Entries>;
}

/**
 * The last few manifests read, by manifest id. Manifests are content-addressed, so a kept one
 * never goes stale; entries are shared, never to be modified by the callers.
 */
export class ManifestCache {
  private readonly kept = new Map<string, Slot>();

  constructor(private readonly slots = 4) {}

  get(id: string, load: () => Promise<Entries>): Promise<Entries> {
    const slot = this.touch(id, load);
    if (!slot.loaded) {
      const loaded = slot.load();
      slot.loaded = loaded;
      // A failed read is not kept: the next call tries again and reports its own error.
      loaded.catch(() => {
        if (this.kept.get(id) === slot) this.kept.delete(id);
      });
    }
    return slot.loaded;
  }

  /** A manifest known without reading it (a capture just built it); `entries` is only called if it is asked for. */
  prime(id: string, entries: () => Entries): void {
    this.touch(id, async () => entries());
  }

  /** The slot of `id`, made the most recently used; a new one loads with `load`. */
  private touch(id: string, load: () => Promise<Entries>): Slot {
    const slot = this.kept.get(id) ?? { load };
    this.kept.delete(id);
    this.kept.set(id, slot);
    while (this.kept.size > this.slots) this.kept.delete(this.kept.keys().next().value as string);
    return slot;
  }
}
