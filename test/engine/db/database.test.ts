import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import initSqlJs from 'sql.js';
import { MetadataDb } from '../../../src/engine/db/database';
import { insertIncident, nextIncidentId } from '../../../src/engine/db/incidentRows';
import { SCHEMA_VERSION } from '../../../src/engine/db/migrations';
import { insertSnapshot, listSnapshots } from '../../../src/engine/db/snapshotRows';
import { CorruptDatabaseError, InputError, JobError } from '../../../src/engine/errors';
import { incident, snapshot } from './builders';

let dir: string;
let dbFile: string;
const opened: MetadataDb[] = [];

async function open(file = dbFile, opts: Parameters<typeof MetadataDb.open>[1] = {}): Promise<MetadataDb> {
  const db = await MetadataDb.open(file, opts);
  opened.push(db);
  return db;
}

/** Reads the file with a separate sql.js instance, as another tool would. */
async function inspect(file: string, sql: string): Promise<unknown[][]> {
  const SQL = await initSqlJs();
  const db = new SQL.Database(fs.readFileSync(file));
  try {
    return db.exec(sql)[0]?.values ?? [];
  } finally {
    db.close();
  }
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-'));
  dbFile = path.join(dir, 'store', 'metadata.db');
});

afterEach(() => {
  for (const db of opened.splice(0)) db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('MetadataDb open and migrate', () => {
  it('creates the file and its folder at the current schema version', async () => {
    await open();
    assert.ok(fs.existsSync(dbFile));
    assert.deepEqual(await inspect(dbFile, 'PRAGMA user_version'), [[SCHEMA_VERSION]]);
    const tables = await inspect(dbFile, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    assert.deepEqual(tables, [['incidents'], ['postmortems'], ['replays'], ['snapshots']]);
  });

  it('keeps rows across close and reopen', async () => {
    const first = await open();
    await first.write((db) => insertSnapshot(db, snapshot('S1', { label: 'before deploy' })));
    first.close();
    const second = await open();
    const rows = await second.read(listSnapshots);
    assert.deepEqual(rows, [snapshot('S1', { label: 'before deploy' })]);
  });

  it('migrates an existing empty SQLite file (user_version 0)', async () => {
    const SQL = await initSqlJs();
    const empty = new SQL.Database();
    empty.exec('CREATE TABLE unrelated (x)');
    fs.mkdirSync(path.dirname(dbFile), { recursive: true });
    fs.writeFileSync(dbFile, empty.export());
    empty.close();
    const db = await open();
    await db.write((d) => insertSnapshot(d, snapshot('S1')));
    assert.deepEqual(await inspect(dbFile, 'PRAGMA user_version'), [[SCHEMA_VERSION]]);
    assert.deepEqual(await inspect(dbFile, 'SELECT id FROM snapshots'), [['S1']]);
  });

  it('refuses a database from a newer version and leaves it untouched', async () => {
    const SQL = await initSqlJs();
    const future = new SQL.Database();
    future.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 5}`);
    const bytes = future.export();
    future.close();
    fs.mkdirSync(path.dirname(dbFile), { recursive: true });
    fs.writeFileSync(dbFile, bytes);
    await assert.rejects(open(), (err: unknown) => {
      assert.ok(err instanceof InputError);
      assert.match(err.message, /newer version of Incident Replay/);
      assert.match(err.message, new RegExp(`schema version ${SCHEMA_VERSION + 5}`));
      assert.match(err.message, /Update Incident Replay/);
      return true;
    });
    assert.deepEqual(new Uint8Array(fs.readFileSync(dbFile)), bytes);
    assert.deepEqual(fs.readdirSync(path.dirname(dbFile)), ['metadata.db']);
  });

  it('reports a missing wasm file clearly', async () => {
    await assert.rejects(MetadataDb.open(dbFile, { wasmPath: path.join(dir, 'nope.wasm') }), (err: unknown) => {
      assert.ok(err instanceof JobError);
      assert.match(err.message, /nope\.wasm/);
      return true;
    });
  });
});

describe('MetadataDb writes', () => {
  it('leaves only the database file behind: no temp file, no lock', async () => {
    const db = await open();
    for (let i = 0; i < 5; i++) await db.write((d) => insertSnapshot(d, snapshot(`S${i}`)));
    assert.deepEqual(fs.readdirSync(path.dirname(dbFile)), ['metadata.db']);
  });

  it('removes temp files a crashed writer left, without touching the database', async () => {
    const db = await open();
    await db.write((d) => insertSnapshot(d, snapshot('S1')));
    db.close();
    const leftover = path.join(path.dirname(dbFile), '.metadata.db.tmp-4242-abcdef');
    fs.writeFileSync(leftover, 'half a database');
    const reopened = await open();
    assert.deepEqual(fs.readdirSync(path.dirname(dbFile)), ['metadata.db']);
    assert.deepEqual(
      (await reopened.read(listSnapshots)).map((s) => s.id),
      ['S1'],
    );
  });

  it('changes nothing when the callback throws', async () => {
    const db = await open();
    await db.write((d) => insertSnapshot(d, snapshot('S1')));
    const before = fs.readFileSync(dbFile);
    await assert.rejects(
      db.write((d) => {
        insertSnapshot(d, snapshot('S2'));
        throw new Error('analysis failed');
      }),
      /analysis failed/,
    );
    assert.deepEqual(fs.readFileSync(dbFile), before);
    assert.deepEqual(
      (await db.read(listSnapshots)).map((s) => s.id),
      ['S1'],
    );
  });

  it('rejects an async callback and rolls back what it did before returning', async () => {
    const db = await open();
    await assert.rejects(
      db.write(async (d) => {
        insertSnapshot(d, snapshot('S1'));
      }),
      /must be synchronous/,
    );
    assert.deepEqual(await db.read(listSnapshots), []);
  });

  it('does not let a read change the database', async () => {
    const db = await open();
    await assert.rejects(
      db.read((d) => insertSnapshot(d, snapshot('S1'))),
      /readonly/,
    );
    await db.write((d) => insertSnapshot(d, snapshot('S2')));
    assert.deepEqual(
      (await db.read(listSnapshots)).map((s) => s.id),
      ['S2'],
    );
  });

  it('keeps every row when two instances on one file interleave writes', async () => {
    const a = await open();
    const b = await open();
    await a.write((d) => insertSnapshot(d, snapshot('A0')));
    await b.write((d) => insertSnapshot(d, snapshot('B0')));
    await a.write((d) => insertSnapshot(d, snapshot('A1')));
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => [
        a.write((d) => insertSnapshot(d, snapshot(`A-par-${i}`))),
        b.write((d) => insertSnapshot(d, snapshot(`B-par-${i}`))),
      ]).flat(),
    );
    const expected = ['A0', 'A1', 'B0', ...Array.from({ length: 10 }, (_, i) => [`A-par-${i}`, `B-par-${i}`]).flat()].sort();
    assert.deepEqual((await a.read(listSnapshots)).map((s) => s.id).sort(), expected);
    assert.deepEqual((await b.read(listSnapshots)).map((s) => s.id).sort(), expected);
  });

  it('gives concurrent writers distinct incident ids', async () => {
    const a = await open();
    const b = await open();
    await Promise.all(
      Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? a : b)).map((db) =>
        db.write((d) => insertIncident(d, incident(nextIncidentId(d)))),
      ),
    );
    const ids = await inspect(dbFile, 'SELECT id FROM incidents ORDER BY seq');
    assert.deepEqual(ids, [['INC-0001'], ['INC-0002'], ['INC-0003'], ['INC-0004'], ['INC-0005'], ['INC-0006']]);
  });
});

describe('MetadataDb locking', () => {
  it('takes over a stale lock left by a crashed process', async () => {
    const db = await open();
    const lock = `${dbFile}.lock`;
    fs.mkdirSync(lock);
    const longAgo = new Date(Date.now() - 60_000);
    fs.utimesSync(lock, longAgo, longAgo);
    await db.write((d) => insertSnapshot(d, snapshot('S1')));
    assert.equal(fs.existsSync(lock), false);
    assert.deepEqual(await inspect(dbFile, 'SELECT id FROM snapshots'), [['S1']]);
  });

  it('fails with a JobError naming the lock file when a live lock is not released in time', async () => {
    const db = await open(dbFile, { lockTimeoutMs: 200 });
    const lock = `${dbFile}.lock`;
    fs.mkdirSync(lock);
    await assert.rejects(
      db.write((d) => insertSnapshot(d, snapshot('S1'))),
      (err: unknown) => {
        assert.ok(err instanceof JobError);
        assert.ok(err.message.includes(lock), err.message);
        return true;
      },
    );
    assert.ok(fs.existsSync(lock), 'a live lock must not be removed');
    fs.rmdirSync(lock);
    assert.deepEqual(await db.read(listSnapshots), []);
  });
});

describe('MetadataDb corrupt files', () => {
  const pinned = Date.UTC(2024, 4, 1, 12, 34, 56);

  function writeRaw(bytes: Uint8Array): void {
    fs.mkdirSync(path.dirname(dbFile), { recursive: true });
    fs.writeFileSync(dbFile, bytes);
  }

  async function expectMovedAside(reason: RegExp, opener: () => Promise<unknown>): Promise<string> {
    const original = fs.readFileSync(dbFile);
    let movedTo = '';
    await assert.rejects(opener(), (err: unknown) => {
      assert.ok(err instanceof CorruptDatabaseError, String(err));
      movedTo = err.movedTo;
      assert.match(err.message, reason);
      assert.ok(err.message.includes(err.movedTo), 'the message says where the file went');
      assert.match(err.message, /starts a new, empty database/);
      assert.match(err.message, /objects\/ folder\) are kept/);
      return true;
    });
    assert.equal(movedTo, `${dbFile}.corrupt-20240501-123456`);
    assert.equal(fs.existsSync(dbFile), false);
    assert.deepEqual(fs.readFileSync(movedTo), original);
    return movedTo;
  }

  it('moves random bytes aside with a timestamped name, then starts a new database', async () => {
    writeRaw(Uint8Array.from({ length: 8192 }, (_, i) => (i * 7919 + 13) % 251));
    const movedTo = await expectMovedAside(/not an SQLite database/, () => open(dbFile, { now: () => pinned }));
    const fresh = await open();
    assert.deepEqual(await fresh.read(listSnapshots), []);
    assert.ok(fs.existsSync(movedTo), 'the corrupt copy is kept');
  });

  for (const [what, cut] of [
    ['mid-page', (length: number) => Math.floor(length / 2) + 100],
    ['at a page boundary', () => 8192],
  ] as const) {
    it(`moves a database truncated ${what} aside`, async () => {
      const db = await open();
      await db.write((d) => {
        for (let i = 0; i < 40; i++) insertIncident(d, incident(nextIncidentId(d), {}, i + 1));
      });
      db.close();
      const bytes = fs.readFileSync(dbFile);
      assert.ok(bytes.length > 4 * 8192, 'the database spans many pages');
      writeRaw(bytes.subarray(0, cut(bytes.length)));
      await expectMovedAside(/truncated/, () => open(dbFile, { now: () => pinned }));
    });
  }

  it('moves aside a database whose pages were overwritten with garbage', async () => {
    const db = await open();
    await db.write((d) => {
      for (let i = 0; i < 40; i++) insertIncident(d, incident(nextIncidentId(d), {}, i + 1));
    });
    db.close();
    const bytes = fs.readFileSync(dbFile);
    bytes.fill(0xa5, 4096, bytes.length - 4096);
    writeRaw(bytes);
    await expectMovedAside(/damaged/, () => open(dbFile, { now: () => pinned }));
  });

  it('notices a file that became corrupt while open', async () => {
    const db = await open(dbFile, { now: () => pinned });
    await db.write((d) => insertSnapshot(d, snapshot('S1')));
    writeRaw(Buffer.from('this is not a database at all, just text that replaced it'));
    await expectMovedAside(/not an SQLite database/, () => db.read(listSnapshots));
  });

  it('checks damaged bytes even when a digest of earlier, sound bytes is on disk', async () => {
    const checked = path.join(dir, 'checked');
    const db = await open(dbFile, { checkedDigestFile: checked });
    await db.write((d) => {
      for (let i = 0; i < 40; i++) insertIncident(d, incident(nextIncidentId(d), {}, i + 1));
    });
    db.close();
    assert.ok(fs.existsSync(checked), 'a save records the digest of what it wrote');
    const bytes = fs.readFileSync(dbFile);
    bytes.fill(0xa5, 4096, bytes.length - 4096);
    writeRaw(bytes);
    await expectMovedAside(/damaged/, () => open(dbFile, { now: () => pinned, checkedDigestFile: checked }));
  });

  it('opens without a digest file, or with a torn one, and checks the file again', async () => {
    const checked = path.join(dir, 'checked');
    const db = await open(dbFile, { checkedDigestFile: checked });
    await db.write((d) => insertSnapshot(d, snapshot('S1')));
    db.close();
    const saved = fs.readFileSync(checked, 'latin1');
    fs.rmSync(checked);
    assert.deepEqual(
      (await (await open(dbFile, { checkedDigestFile: checked })).read(listSnapshots)).map((s) => s.id),
      ['S1'],
    );
    assert.equal(fs.readFileSync(checked, 'latin1'), saved, 'a passed check records the same digest');
    fs.writeFileSync(checked, saved.slice(0, 12));
    assert.deepEqual(
      (await (await open(dbFile, { checkedDigestFile: checked })).read(listSnapshots)).map((s) => s.id),
      ['S1'],
    );
  });

  it('moves an empty file aside rather than treating it as a database', async () => {
    writeRaw(new Uint8Array(0));
    await expectMovedAside(/empty/, () => open(dbFile, { now: () => pinned }));
  });
});

describe('MetadataDb size', () => {
  it('stays far under 5 MB with 100 snapshots and 20 realistic incidents', async () => {
    const db = await open();
    await db.write((d) => {
      for (let i = 0; i < 100; i++) {
        insertSnapshot(d, snapshot(`S${String(i).padStart(3, '0')}`, { createdAt: 1_714_560_000_000 + i * 60_000 }));
      }
    });
    for (let i = 0; i < 20; i++) {
      await db.write((d) => insertIncident(d, incident(nextIncidentId(d), {}, i + 1)));
    }
    const raw = JSON.stringify(incident('INC-0001')).length;
    assert.ok(raw > 30_000, `the builder makes realistic payloads (${raw} bytes of JSON)`);
    const size = fs.statSync(dbFile).size;
    assert.ok(size < 1024 * 1024, `database is ${size} bytes; the budget is 5 MB and this must stay far below`);
  });
});
