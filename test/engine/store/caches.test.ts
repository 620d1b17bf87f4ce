import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BlobCache } from '../../../src/engine/store/blobCache';
import { ManifestCache } from '../../../src/engine/store/manifestCache';
import type { ManifestEntry } from '../../../src/engine/types';

const entry = (p: string): ManifestEntry => ({
  path: p,
  type: 'file',
  size: 1,
  mode: 0o644,
  mtimeMs: 0,
  id: 'x',
  binary: false,
  stored: true,
});

describe('ManifestCache', () => {
  it('reads a manifest once, and forgets the least recently used beyond its slots', async () => {
    const cache = new ManifestCache(2);
    const reads: string[] = [];
    const load = (id: string) => () => {
      reads.push(id);
      return Promise.resolve([entry(id)]);
    };
    await cache.get('a', load('a'));
    await cache.get('b', load('b'));
    await cache.get('a', load('a'));
    await cache.get('c', load('c')); // b is the least recently used
    await cache.get('a', load('a'));
    await cache.get('b', load('b'));
    assert.deepEqual(reads, ['a', 'b', 'c', 'b']);
  });

  it('builds a primed manifest only when it is asked for', async () => {
    const cache = new ManifestCache();
    let built = 0;
    cache.prime('m', () => {
      built++;
      return [entry('p')];
    });
    assert.equal(built, 0);
    const got = await cache.get('m', () => Promise.reject(new Error('must not read')));
    assert.deepEqual(
      got.map((e) => e.path),
      ['p'],
    );
    await cache.get('m', () => Promise.reject(new Error('must not read')));
    assert.equal(built, 1);
  });

  it('does not keep a failed read', async () => {
    const cache = new ManifestCache();
    await assert.rejects(
      cache.get('m', () => Promise.reject(new Error('disk gone'))),
      /disk gone/,
    );
    await new Promise((r) => setImmediate(r));
    const got = await cache.get('m', () => Promise.resolve([entry('ok')]));
    assert.equal(got[0]?.path, 'ok');
  });
});

describe('BlobCache', () => {
  function source(): { reads: string[]; get(id: string): Promise<Buffer>; getMany(ids: Iterable<string>): Promise<Map<string, Buffer>> } {
    const reads: string[] = [];
    return {
      reads,
      get: (id) => {
        reads.push(id);
        return Promise.resolve(Buffer.from(id));
      },
      getMany: (ids) => {
        const out = new Map<string, Buffer>();
        for (const id of ids) {
          reads.push(id);
          out.set(id, Buffer.from(id));
        }
        return Promise.resolve(out);
      },
    };
  }

  it('reads each blob once, singly or in batches', async () => {
    const src = source();
    const cache = new BlobCache(src);
    await cache.getMany(['aa', 'bb']);
    assert.equal((await cache.get('aa')).toString(), 'aa');
    const many = await cache.getMany(['bb', 'cc', 'cc']);
    assert.deepEqual([...many.keys()].sort(), ['bb', 'cc']);
    assert.deepEqual(src.reads, ['aa', 'bb', 'cc']);
  });

  it('keeps no more than its byte limit and reads the rest through', async () => {
    const src = source();
    const cache = new BlobCache(src, 4);
    await cache.get('aaa');
    await cache.get('bbb'); // would exceed 4 bytes: not kept
    await cache.get('aaa');
    await cache.get('bbb');
    assert.deepEqual(src.reads, ['aaa', 'bbb', 'bbb']);
  });
});
