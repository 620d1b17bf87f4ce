import { createHash, type Hash } from 'node:crypto';

/**
 * Git's blob id: SHA-1 over `blob <byte length>\0<content>`. Using git's scheme means a
 * snapshot's ids can be checked against `git hash-object` and compared with a repository.
 */
export function gitBlobId(content: Buffer | string): string {
  const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return createHash('sha1').update(`blob ${data.length}\0`).update(data).digest('hex');
}

/** Streaming form of {@link gitBlobId}: the size must be known up front, as git's header needs it. */
export class GitBlobHasher {
  private readonly hash: Hash;
  private received = 0;

  constructor(private readonly size: number) {
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new RangeError(`blob size must be a non-negative integer, got ${size}`);
    }
    this.hash = createHash('sha1').update(`blob ${size}\0`);
  }

  update(chunk: Buffer): this {
    this.received += chunk.length;
    this.hash.update(chunk);
    return this;
  }

  /** Throws when the bytes fed differ from the declared size, since the id would then be wrong. */
  digest(): string {
    if (this.received !== this.size) {
      throw new Error(`blob hasher was told ${this.size} bytes but received ${this.received}`);
    }
    return this.hash.digest('hex');
  }
}

/** True for a 40-character lowercase hex id; guards paths built from ids. */
export function isBlobId(id: string): boolean {
  return /^[0-9a-f]{40}$/.test(id);
}
