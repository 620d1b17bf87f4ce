import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { DEFAULT_CONFIG } from '../../../src/engine/config/defaults';
import { SCHEMA_VERSION } from '../../../src/engine/db/migrations';
import { SnapshotStore } from '../../../src/engine/snapshotStore';
import { fsck } from '../../../src/engine/store/fsck';
import type { SnapshotRecord } from '../../../src/engine/types';
import { TempWorkspace } from '../../support/workspace';

/*
 * Snapshot rows recorded without opening the database (db/snapshotSpool.ts): the CLI's `snapshot`
 * writes its row beside the database, and every reader or writer of the database merges waiting
 * rows first. Nothing may be lost, duplicated, resurrected or collected on the way.
 */

let ws: TempWorkspace;
let storeDir: string;
beforeEach(() => {
  ws = new TempWorkspace({ 'a.txt': 'one\n', 'src/b.txt': 'two\n' });
  storeDir = ws.path('.incident-replay');
});
afterEach(() => ws.dispose());

const spoolDir = (): string => path.join(storeDir, 'pending-snapshots');
const waiting = (): string[] => (fs.existsSync(spoolDir()) ? fs.readdirSync(spoolDir()).sort() : []);
const open = (deferDatabase = false): Promise<SnapshotStore> =>
  SnapshotStore.open({ workspaceRoot: ws.dir, config: DEFAULT_CONFIG, ...(deferDatabase ? { deferDatabase } : {}) });

/** A snapshot by a store that only snapshots, as the CLI's `snapshot` opens it. */
async function snapshotOnly(opts: Parameters<SnapshotStore['snapshot']>[0] = {}, opensDatabase = false): Promise<SnapshotRecord> {
  const store = await open(true);
  try {
    const { snapshot } = await store.snapshot(opts);
    assert.equal(store.db.isLoaded, opensDatabase, opensDatabase ? 'the database was opened' : 'the database was never opened');
    return snapshot;
  } finally {
    store.close();
  }
}

async function withStore<T>(fn: (store: SnapshotStore) => Promise<T>): Promise<T> {
  const store = await open();
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}

describe('snapshot spool', () => {
  it('a snapshot-only store records its row in the spool, and the next reader merges it once', async () => {
    // The first snapshot creates the database (a spool row needs a database that knows of the spool).
    const first = await snapshotOnly({ label: 'first', baseline: true }, true);
    assert.deepEqual(waiting(), []);
    ws.write({ 'a.txt': 'changed\n' });
    const second = await snapshotOnly({ label: 'second' });
    assert.deepEqual(waiting(), [`${second.id}.json`]);
    const dbBytes = fs.readFileSync(path.join(storeDir, 'incident-replay.sqlite'));
    await withStore(async (store) => {
      const all = await store.list();
      assert.deepEqual(all, [first, second]);
      assert.deepEqual(waiting(), [], 'merged rows leave the spool');
      assert.notDeepEqual(fs.readFileSync(path.join(storeDir, 'incident-replay.sqlite')), dbBytes);
      const diff = await store.diff(first.id, second.id);
      assert.deepEqual(
        diff.changes.map((c) => [c.path, c.status]),
        [['a.txt', 'modified']],
      );
      assert.deepEqual(await store.list(), all, 'a second read merges nothing again');
    });
  });

  it('the latest baseline wins in the order the snapshots were taken, spooled or not', async () => {
    await snapshotOnly({ label: 'base 1', baseline: true }, true);
    const spooled = await snapshotOnly({ label: 'base 2', baseline: true });
    await withStore(async (store) => {
      assert.equal((await store.baseline())?.id, spooled.id);
      const marked = (await store.list()).filter((s) => s.baseline).map((s) => s.label);
      assert.deepEqual(marked, ['base 2']);
    });
  });

  it('a collection counts waiting snapshots as live: their objects survive a prune by another store', async () => {
    await snapshotOnly({ label: 'old' }, true);
    ws.write({ 'new.txt': 'only in the spooled snapshot\n' });
    const spooled = await snapshotOnly({ label: 'spooled' });
    await withStore(async (store) => {
      const r = await store.prune(1);
      assert.deepEqual(
        r.removed.map((s) => s.label),
        ['old'],
      );
      const entries = await store.manifest(await store.resolve(spooled.id));
      assert.ok(entries.some((e) => e.path === 'new.txt'));
      assert.deepEqual((await fsck(store)).problems, []);
    });
  });

  it('a row already merged (a crash before its file was removed) is not added twice, nor brought back once deleted', async () => {
    await snapshotOnly({ label: 'first' }, true);
    ws.write({ 'a.txt': 'changed\n' });
    const spooled = await snapshotOnly({ label: 'second' });
    const file = path.join(spoolDir(), `${spooled.id}.json`);
    const saved = fs.readFileSync(file);
    await withStore(async (store) => assert.equal((await store.list()).length, 2));
    // As if the merging process died after saving the database and before removing the file.
    fs.writeFileSync(file, saved);
    await withStore(async (store) => {
      assert.deepEqual(
        (await store.list()).map((s) => s.id).filter((id) => id === spooled.id),
        [spooled.id],
      );
      assert.deepEqual(waiting(), []);
      // And again, then the snapshot is deleted: the write merges (and removes) the file first.
      fs.writeFileSync(file, saved);
      await store.deleteSnapshot(spooled.id);
      assert.deepEqual(waiting(), []);
      assert.equal((await store.list()).length, 1);
    });
    await withStore(async (store) => assert.equal((await store.list()).length, 1, 'the deleted snapshot stays deleted'));
  });

  it('a spool row whose id another snapshot has is kept under an id of its own', async () => {
    const first = await snapshotOnly({ label: 'first' }, true);
    ws.write({ 'a.txt': 'changed\n' });
    const spooled = await snapshotOnly({ label: 'clash' });
    // Rename the spooled row to the id of the first snapshot: the same id, another snapshot.
    const row = JSON.parse(fs.readFileSync(path.join(spoolDir(), `${spooled.id}.json`), 'utf8')) as { snapshot: SnapshotRecord };
    fs.rmSync(path.join(spoolDir(), `${spooled.id}.json`));
    fs.writeFileSync(path.join(spoolDir(), `${first.id}.json`), JSON.stringify({ format: 1, snapshot: { ...row.snapshot, id: first.id } }));
    await withStore(async (store) => {
      const all = await store.list();
      assert.equal(all.length, 2);
      assert.deepEqual(all[0], first);
      const clash = all[1] as SnapshotRecord;
      assert.notEqual(clash.id, first.id);
      assert.equal(clash.label, 'clash');
      assert.equal(clash.manifestId, spooled.manifestId);
    });
  });

  it('a spool file that is not a valid row is set aside, never merged, and does not block the store', async () => {
    await snapshotOnly({ label: 'first' }, true);
    fs.mkdirSync(spoolDir(), { recursive: true });
    const bad: Record<string, string> = {
      '0badc0de.json': '{"format":1,"snapshot":{"id":"0badc0de"', // torn
      '12345678.json': JSON.stringify({
        format: 1,
        snapshot: {
          id: '12345678',
          label: null,
          baseline: false,
          createdAt: 1,
          manifestId: '../../etc/passwd',
          fileCount: 1,
          byteCount: 1,
        },
      }),
      'abcdef01.json': JSON.stringify({
        format: 1,
        snapshot: { id: 'ffffffff', label: null, baseline: false, createdAt: 1, manifestId: 'a'.repeat(40), fileCount: 1, byteCount: 1 },
      }),
      '23456789.json': JSON.stringify({ format: 2, snapshot: {} }),
    };
    for (const [name, text] of Object.entries(bad)) fs.writeFileSync(path.join(spoolDir(), name), text);
    await withStore(async (store) => {
      assert.deepEqual(
        (await store.list()).map((s) => s.label),
        ['first'],
      );
    });
    assert.deepEqual(
      waiting(),
      Object.keys(bad)
        .map((n) => `${n}.invalid`)
        .sort(),
    );
  });

  it("a merge removes the temp files of writers killed long ago, never a live writer's", async () => {
    await snapshotOnly({ label: 'first' }, true);
    ws.write({ 'a.txt': 'changed\n' });
    await snapshotOnly({ label: 'second' });
    const stale = path.join(spoolDir(), '.0badf00d.json.tmp-123-abcdef');
    const live = path.join(spoolDir(), '.0badf00e.json.tmp-456-abcdef');
    fs.writeFileSync(stale, '{"format":1');
    fs.writeFileSync(live, '{"format":1');
    const hourAgo = new Date(Date.now() - 3600_000);
    fs.utimesSync(stale, hourAgo, hourAgo);
    await withStore(async (store) => assert.equal((await store.list()).length, 2));
    assert.deepEqual(waiting(), ['.0badf00e.json.tmp-456-abcdef']);
  });

  it('a database from before the spool gets the row itself, and is migrated so older versions refuse it', async () => {
    await withStore(async (store) => {
      await store.snapshot({ label: 'first' });
      await store.db.write((db) => db.exec(`PRAGMA user_version = ${SCHEMA_VERSION - 1}`));
      assert.equal(store.db.schemaOnDisk(), SCHEMA_VERSION - 1);
    });
    await snapshotOnly({ label: 'second' }, true);
    assert.deepEqual(waiting(), []);
    await withStore(async (store) => {
      assert.equal(store.db.schemaOnDisk(), SCHEMA_VERSION);
      assert.deepEqual(
        (await store.list()).map((s) => s.label),
        ['first', 'second'],
      );
    });
  });
});

describe('schema on disk', () => {
  it('is read from the header without opening the database', async () => {
    await withStore(async (store) => {
      await store.snapshot();
      assert.equal(store.db.schemaOnDisk(), SCHEMA_VERSION);
    });
    fs.writeFileSync(path.join(storeDir, 'incident-replay.sqlite'), 'not sqlite at all, but long enough to hold a header'.repeat(4));
    const store = await open(true);
    try {
      assert.equal(store.db.schemaOnDisk(), null);
    } finally {
      store.close();
    }
  });
});
