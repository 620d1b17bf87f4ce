import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { diffManifests } from '../../../src/engine/diff/snapshotDiff';
import { gitBlobId } from '../../../src/engine/store/gitBlobId';
import { ObjectStore } from '../../../src/engine/store/objectStore';
import type { ManifestEntry } from '../../../src/engine/types';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function entry(p: string, content: string, over: Partial<ManifestEntry> = {}): ManifestEntry {
  return {
    path: p,
    type: 'file',
    size: Buffer.byteLength(content),
    mode: 0o644,
    mtimeMs: 0,
    id: gitBlobId(content),
    binary: false,
    stored: true,
    ...over,
  };
}

/** Stores the contents in one pack, as a capture does (many files share a chunk). */
async function storeAll(store: ObjectStore, contents: readonly string[]): Promise<void> {
  const writer = store.beginPack();
  for (const c of contents) await writer.add(gitBlobId(c), Buffer.from(c));
  await writer.commit();
}

const source = (name: string, lines: number): string => Array.from({ length: lines }, (_, i) => `${name} line ${i}`).join('\n') + '\n';

test('line diffs of many files read from a pack match the files, with every change kind noted', async () => {
  const store = await ObjectStore.open(dir);
  const before: ManifestEntry[] = [];
  const after: ManifestEntry[] = [];
  const contents: string[] = [];
  // 300 files over several pack chunks; every 10th gets one line appended.
  for (let i = 0; i < 300; i++) {
    const p = `src/f${String(i).padStart(3, '0')}.ts`;
    const old = source(p, 40 + (i % 30));
    const now = i % 10 === 0 ? old + `appended to ${p}\n` : old;
    contents.push(old, now);
    before.push(entry(p, old));
    after.push(entry(p, now));
  }
  const gone = source('gone', 3);
  const added = source('added', 2);
  contents.push(gone, added);
  before.push(entry('z/gone.txt', gone), entry('z/image.png', 'PNG', { binary: true }), entry('z/huge.log', 'x', { stored: false }));
  after.push(entry('z/added.txt', added), entry('z/image.png', 'PNG2', { binary: true }), entry('z/huge.log', 'xy', { stored: false }));
  await storeAll(store, contents);

  const changes = await diffManifests(before, after, await ObjectStore.open(dir));
  const modified = changes.filter((c) => c.status === 'modified' && c.path.startsWith('src/'));
  assert.equal(modified.length, 30);
  for (const c of modified) {
    assert.equal(c.additions, 1);
    assert.equal(c.deletions, 0);
    assert.ok(c.patch?.includes(`+appended to ${c.path}\n`), c.patch);
  }
  const byPath = new Map(changes.map((c) => [c.path, c]));
  assert.equal(byPath.get('z/added.txt')?.status, 'added');
  assert.equal(byPath.get('z/added.txt')?.additions, 2);
  assert.equal(byPath.get('z/gone.txt')?.status, 'removed');
  assert.equal(byPath.get('z/gone.txt')?.deletions, 3);
  assert.equal(byPath.get('z/image.png')?.note, 'binary file: not line-diffed');
  assert.equal(byPath.get('z/huge.log')?.note, 'over the size limit: recorded by size and id only');

  // A reader without batch reads (one blob at a time) gives the very same diff.
  const one = await ObjectStore.open(dir);
  const plain = await diffManifests(before, after, { get: (id) => one.get(id) });
  assert.deepEqual(plain, changes);
});
