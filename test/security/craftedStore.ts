import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { insertSnapshot } from '../../src/engine/db/snapshotRows';
import type { SnapshotStore } from '../../src/engine/snapshotStore';
import { gitBlobId } from '../../src/engine/store/gitBlobId';
import { encodeManifest } from '../../src/engine/store/manifest';
import type { ManifestEntry } from '../../src/engine/types';

/**
 * A folder outside the workspace that no restore may touch, with a file, a subfolder and a
 * symlink; `assertUntouched` compares every name, type, mode and byte with how it started.
 */
export class Sentinel {
  private readonly before: string;

  constructor(readonly dir: string) {
    fs.mkdirSync(path.join(dir, 'nested'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'sentinel.txt'), 'outside the workspace\n');
    fs.writeFileSync(path.join(dir, 'nested', 'a.txt'), 'also outside\n');
    fs.symlinkSync('sentinel.txt', path.join(dir, 'link'));
    this.before = this.listing();
  }

  listing(): string {
    const out: string[] = [];
    const walk = (rel: string): void => {
      for (const name of fs.readdirSync(path.join(this.dir, rel)).sort()) {
        const r = rel ? `${rel}/${name}` : name;
        const abs = path.join(this.dir, r);
        const st = fs.lstatSync(abs);
        if (st.isSymbolicLink()) out.push(`${r} -> ${fs.readlinkSync(abs)}`);
        else if (st.isDirectory()) {
          out.push(`${r}/ ${(st.mode & 0o7777).toString(8)}`);
          walk(r);
        } else out.push(`${r} ${(st.mode & 0o7777).toString(8)} ${fs.readFileSync(abs, 'base64')}`);
      }
    };
    walk('');
    return out.join('\n');
  }

  assertUntouched(): void {
    assert.equal(this.listing(), this.before, `the folder outside the workspace (${this.dir}) changed`);
    // The parent of the sentinel folder, where `../x` from a workspace beside it would land.
    for (const name of fs.readdirSync(path.dirname(this.dir)))
      assert.ok(!/dotdot|abs|evil|escape/.test(name), `${name} appeared next to the workspace`);
  }
}

/** One entry of a hand-made manifest; whatever a hostile store could say. */
export interface CraftedEntry {
  path: string;
  content?: string;
  type?: 'file' | 'symlink';
  mode?: number;
  target?: string;
  rawPath?: Buffer;
}

/**
 * Records a snapshot whose manifest says exactly `entries`, with the store's own encoder and
 * database rows, as a store committed into a repository could: the content objects exist, so
 * only the manifest itself can be the reason for a refusal.
 */
export async function plantSnapshot(store: SnapshotStore, entries: readonly CraftedEntry[], label = 'planted'): Promise<string> {
  const manifest: ManifestEntry[] = [];
  for (const c of entries) {
    const content = c.type === 'symlink' ? (c.target ?? '') : (c.content ?? `content of ${c.path}\n`);
    const id = await store.objects.put(Buffer.from(content));
    const e: ManifestEntry = {
      path: c.path,
      type: c.type ?? 'file',
      size: Buffer.byteLength(content),
      mode: c.mode ?? 0o644,
      mtimeMs: 1_700_000_000_000,
      id,
      binary: false,
      stored: true,
    };
    if (c.rawPath) e.rawPath = c.rawPath.toString('base64');
    if (c.type === 'symlink') e.target = content;
    manifest.push(e);
  }
  const manifestId = await store.objects.put(encodeManifest(manifest));
  assert.equal(manifestId, gitBlobId(encodeManifest(manifest)));
  const id = randomBytes(4).toString('hex');
  await store.db.write((db) =>
    insertSnapshot(db, {
      id,
      label,
      baseline: false,
      createdAt: Date.now(),
      manifestId,
      fileCount: manifest.length,
      byteCount: manifest.reduce((n, e) => n + e.size, 0),
    }),
  );
  return id;
}
