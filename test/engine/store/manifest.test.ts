import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeManifest, encodeManifest, streamManifest } from '../../../src/engine/store/manifest';
import type { ManifestEntry } from '../../../src/engine/types';

const file = (p: string, extra: Partial<ManifestEntry> = {}): ManifestEntry => ({
  path: p,
  type: 'file',
  size: 3,
  mode: 0o644,
  mtimeMs: 1_700_000_000_123,
  id: 'a'.repeat(40),
  binary: false,
  stored: true,
  ...extra,
});

describe('manifest encoding', () => {
  it('round-trips entries, including raw paths and symlink targets', () => {
    const entries = [
      file('a.txt'),
      file('b\uFFFD.txt', { rawPath: Buffer.from([0x62, 0xff, 0x2e, 0x74, 0x78, 0x74]).toString('base64') }),
      file('link', { type: 'symlink', target: 'a.txt', mode: 0o777 }),
    ];
    assert.deepEqual(decodeManifest(encodeManifest(entries)), entries);
  });

  it('is canonical: the same entries in any order and key order give the same bytes', () => {
    const a = file('a.txt');
    const b = file('dir/b.txt', { binary: true });
    const reordered: ManifestEntry = {
      stored: b.stored,
      binary: b.binary,
      id: b.id,
      mtimeMs: b.mtimeMs,
      mode: b.mode,
      size: b.size,
      type: b.type,
      path: b.path,
    };
    assert.deepEqual(encodeManifest([a, b]), encodeManifest([reordered, a]));
  });

  it('writes the same bytes as one JSON.stringify of the whole manifest, over many entries and odd names', () => {
    const names = [
      'plain.txt',
      'ünïcödé/ファイル.md',
      'emoji 🎉.txt',
      'quote"back\\slash',
      'ctrl\u0001\ttab',
      'b\uFFFD.txt',
      '\uD83D lone surrogate',
    ];
    const entries: ManifestEntry[] = [];
    for (let i = 0; i < 1000; i++) {
      const p = `${String(i).padStart(4, '0')}/${names[i % names.length] as string}`;
      entries.push(
        file(p, {
          size: i * 7919,
          mtimeMs: 1_700_000_000_000 + i,
          binary: i % 3 === 0,
          ...(i % 5 === 0 ? { type: 'symlink', target: `../${p}` } : {}),
        }),
      );
    }
    const canonical = entries.map((e) => ({
      path: e.path,
      type: e.type,
      size: e.size,
      mode: e.mode,
      mtimeMs: e.mtimeMs,
      id: e.id,
      binary: e.binary,
      stored: e.stored,
      ...(e.target !== undefined ? { target: e.target } : {}),
    }));
    const expected = Buffer.from(JSON.stringify({ format: 'incident-replay-manifest/1', entries: canonical }), 'utf8');
    assert.ok(encodeManifest(entries).equals(expected));
    assert.ok(encodeManifest([]).equals(Buffer.from('{"format":"incident-replay-manifest/1","entries":[]}')));
  });

  it('streams the same bytes in blocks, measured first, across pieces and for unsorted input', async () => {
    const names = ['plain.txt', 'ünïcödé/ファイル.md', 'emoji 🎉.txt', 'quote"back\\slash', '\uD83D lone surrogate'];
    const entries: ManifestEntry[] = [];
    for (let i = 0; i < 5000; i++) {
      const p = `${String(i).padStart(5, '0')}/${names[i % names.length] as string}`;
      entries.push(file(p, { size: i, ...(i % 7 === 0 ? { type: 'symlink', target: `../${p}` } : {}) }));
    }
    const whole = encodeManifest(entries);
    for (const [input, blockBytes] of [
      [entries, 4096],
      [[...entries].reverse(), 1 << 20],
    ] as const) {
      const blocks: Buffer[] = [];
      let size = -1;
      await streamManifest(input, blockBytes, {
        size: (n) => {
          assert.equal(blocks.length, 0, 'the size comes before the first block');
          size = n;
        },
        block: (b) => {
          blocks.push(b);
          return Promise.resolve();
        },
      });
      const streamed = Buffer.concat(blocks);
      assert.equal(size, streamed.length);
      assert.ok(streamed.equals(whole), `streamed in ${blockBytes}-byte blocks`);
      assert.ok(blocks.slice(0, -1).every((b) => b.length >= blockBytes));
    }
  });

  it('sorts entries by path', () => {
    const decoded = decodeManifest(encodeManifest([file('z'), file('a/b'), file('a.txt')]));
    assert.deepEqual(
      decoded.map((e) => e.path),
      ['a.txt', 'a/b', 'z'],
    );
  });

  it('rejects data that is not a manifest with a clear message', () => {
    assert.throws(() => decodeManifest(Buffer.from('not json')), /invalid snapshot manifest: not JSON/);
    assert.throws(() => decodeManifest(Buffer.from('{"format":"other","entries":[]}')), /unknown format/);
    assert.throws(
      () => decodeManifest(Buffer.from(JSON.stringify({ format: 'incident-replay-manifest/1', entries: [{ type: 'file', path: 1 }] }))),
      /entry 0: path is not a string/,
    );
  });
});
