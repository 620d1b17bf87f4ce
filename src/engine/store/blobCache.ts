import type { BlobReader } from '../diff/snapshotDiff';

/** What a cache reads through to: the object store, or another reader that batches. */
export interface BatchBlobReader extends BlobReader {
  getMany(ids: Iterable<string>): Promise<Map<string, Buffer>>;
}

/**
 * Blobs read once per analysis: the diff, the config key comparison and the content scan all
 * want the same changed files, and decoding them from the packs three times was a fifth of an
 * analysis. Holds at most `maxBytes`; past that it reads through without keeping.
 */
export class BlobCache implements BatchBlobReader {
  private readonly held = new Map<string, Buffer>();
  private bytes = 0;

  constructor(
    private readonly source: BatchBlobReader,
    private readonly maxBytes = 64 * 1024 * 1024,
  ) {}

  async get(id: string): Promise<Buffer> {
    const hit = this.held.get(id);
    if (hit) return hit;
    const blob = await this.source.get(id);
    this.keep(id, blob);
    return blob;
  }

  async getMany(ids: Iterable<string>): Promise<Map<string, Buffer>> {
    const out = new Map<string, Buffer>();
    const missing = new Set<string>();
    for (const id of ids) {
      const hit = this.held.get(id);
      if (hit) out.set(id, hit);
      else missing.add(id);
    }
    if (missing.size) {
      for (const [id, blob] of await this.source.getMany(missing)) {
        this.keep(id, blob);
        out.set(id, blob);
      }
    }
    return out;
  }

  private keep(id: string, blob: Buffer): void {
    if (this.held.has(id) || this.bytes + blob.length > this.maxBytes) return;
    this.held.set(id, blob);
    this.bytes += blob.length;
  }
}
