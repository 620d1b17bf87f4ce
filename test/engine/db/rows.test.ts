import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { MetadataDb } from '../../../src/engine/db/database';
import {
  findBySignature,
  getIncident,
  insertIncident,
  listIncidents,
  listPatterns,
  nextIncidentId,
  updateIncident,
} from '../../../src/engine/db/incidentRows';
import { deleteSnapshots, getBaseline, getSnapshot, insertSnapshot, listSnapshots, setBaseline } from '../../../src/engine/db/snapshotRows';
import { InputError } from '../../../src/engine/errors';
import { incident, snapshot } from './builders';

let dir: string;
let counter = 0;
let db: MetadataDb;

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-'));
});

after(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  db?.close();
  db = await MetadataDb.open(path.join(dir, `db-${counter++}`, 'metadata.db'));
});

/** Writes, then reads back through a fresh instance so every assertion sees the saved file. */
async function reopened(): Promise<MetadataDb> {
  db.close();
  db = await MetadataDb.open(db.file);
  return db;
}

describe('snapshot rows', () => {
  it('round-trip every field, label null or set', async () => {
    const a = snapshot('S1', { label: null, createdAt: 1000, fileCount: 3, byteCount: 42, manifestId: 'abc' });
    const b = snapshot('S2', { label: 'before the agent run', createdAt: 2000, baseline: true });
    await db.write((d) => {
      insertSnapshot(d, a);
      insertSnapshot(d, b);
    });
    const again = await reopened();
    assert.deepEqual(await again.read(listSnapshots), [a, b]);
    assert.deepEqual(await again.read((d) => getSnapshot(d, 'S2')), b);
    assert.equal(await again.read((d) => getSnapshot(d, 'nope')), undefined);
  });

  it('list oldest first, and by insertion order within the same millisecond', async () => {
    await db.write((d) => {
      insertSnapshot(d, snapshot('late', { createdAt: 3000 }));
      insertSnapshot(d, snapshot('tie-b', { createdAt: 2000 }));
      insertSnapshot(d, snapshot('tie-a', { createdAt: 2000 }));
      insertSnapshot(d, snapshot('early', { createdAt: 1000 }));
    });
    assert.deepEqual(
      (await db.read(listSnapshots)).map((s) => s.id),
      ['early', 'tie-b', 'tie-a', 'late'],
    );
  });

  it('refuse a duplicate id', async () => {
    await db.write((d) => insertSnapshot(d, snapshot('S1')));
    await assert.rejects(
      db.write((d) => insertSnapshot(d, snapshot('S1'))),
      InputError,
    );
  });

  it('keep one baseline: the latest marked wins', async () => {
    await db.write((d) => {
      insertSnapshot(d, snapshot('S1', { createdAt: 1, baseline: true }));
      insertSnapshot(d, snapshot('S2', { createdAt: 2 }));
      insertSnapshot(d, snapshot('S3', { createdAt: 3, baseline: true }));
    });
    const baselines = async (): Promise<string[]> => (await db.read(listSnapshots)).filter((s) => s.baseline).map((s) => s.id);
    assert.deepEqual(await baselines(), ['S3']);
    await db.write((d) => setBaseline(d, 'S1'));
    assert.deepEqual(await baselines(), ['S1']);
    assert.equal((await db.read(getBaseline))?.id, 'S1');
    await db.write((d) => setBaseline(d, 'S2'));
    await reopened();
    assert.deepEqual(await baselines(), ['S2']);
  });

  it('refuse to mark an unknown snapshot as baseline and keep the current one', async () => {
    await db.write((d) => insertSnapshot(d, snapshot('S1', { baseline: true })));
    await assert.rejects(
      db.write((d) => setBaseline(d, 'S9')),
      (err: unknown) => {
        assert.ok(err instanceof InputError);
        assert.match(err.message, /unknown snapshot S9/);
        return true;
      },
    );
    assert.equal((await db.read(getBaseline))?.id, 'S1');
  });

  it('delete the given ids and ignore unknown ones', async () => {
    await db.write((d) => {
      for (const id of ['S1', 'S2', 'S3', 'S4']) insertSnapshot(d, snapshot(id));
    });
    await db.write((d) => deleteSnapshots(d, ['S2', 'S4', 'missing']));
    await reopened();
    assert.deepEqual(
      (await db.read(listSnapshots)).map((s) => s.id),
      ['S1', 'S3'],
    );
  });
});

describe('incident rows', () => {
  it('allocate ids INC-0001 onward, padded to at least four digits', async () => {
    assert.equal(await db.read(nextIncidentId), 'INC-0001');
    await db.write((d) => insertIncident(d, incident('INC-0009')));
    assert.equal(await db.read(nextIncidentId), 'INC-0010');
    await db.write((d) => insertIncident(d, incident('INC-9999')));
    assert.equal(await db.read(nextIncidentId), 'INC-10000');
  });

  it('round-trip the full payload exactly', async () => {
    const original = incident('INC-0001', {
      title: 'Ünïcode title — with "quotes" and \\ backslashes',
      repeatOf: 'INC-0000',
    });
    await db.write((d) => insertIncident(d, original));
    const again = await reopened();
    assert.deepEqual(await again.read((d) => getIncident(d, 'INC-0001')), original);
    assert.equal(await again.read((d) => getIncident(d, 'INC-0002')), undefined);
  });

  it('list without payload, oldest first, with the columns the views need', async () => {
    await db.write((d) => {
      insertIncident(d, incident(nextIncidentId(d), { title: 'first', createdAt: 10 }));
      insertIncident(
        d,
        incident(nextIncidentId(d), {
          title: 'second',
          createdAt: 20,
          severity: 'critical',
          signature: 'sig-b',
          repeatOf: 'INC-0001',
        }),
      );
    });
    assert.deepEqual(await db.read(listIncidents), [
      {
        id: 'INC-0001',
        title: 'first',
        createdAt: 10,
        severity: 'high',
        status: 'open',
        category: 'config_error',
        confidence: 0.82,
        signature: 'config_error:config/pipeline.yaml:ZeroDivisionError',
        repeatOf: null,
      },
      {
        id: 'INC-0002',
        title: 'second',
        createdAt: 20,
        severity: 'critical',
        status: 'open',
        category: 'config_error',
        confidence: 0.82,
        signature: 'sig-b',
        repeatOf: 'INC-0001',
      },
    ]);
  });

  it('update status and payload together', async () => {
    const original = incident('INC-0001');
    await db.write((d) => insertIncident(d, original));
    const resolved = { ...original, status: 'resolved' as const, resolvedAt: 5000, remediation: ['done'] };
    await db.write((d) => updateIncident(d, resolved));
    await reopened();
    assert.deepEqual(await db.read((d) => getIncident(d, 'INC-0001')), resolved);
    assert.equal((await db.read(listIncidents))[0]?.status, 'resolved');
  });

  it('refuse updates of unknown incidents, duplicates and malformed ids', async () => {
    await db.write((d) => insertIncident(d, incident('INC-0001')));
    await assert.rejects(
      db.write((d) => updateIncident(d, incident('INC-0002'))),
      /unknown incident INC-0002/,
    );
    await assert.rejects(
      db.write((d) => insertIncident(d, incident('INC-0001'))),
      /already exists/,
    );
    await assert.rejects(
      db.write((d) => insertIncident(d, incident('INC-1'))),
      InputError,
    );
    await assert.rejects(
      db.write((d) => insertIncident(d, incident('incident-7'))),
      InputError,
    );
    assert.deepEqual(
      (await db.read(listIncidents)).map((i) => i.id),
      ['INC-0001'],
    );
  });

  it('find incidents by signature, oldest first', async () => {
    await db.write((d) => {
      for (const signature of ['a', 'b', 'a', 'c', 'a']) insertIncident(d, incident(nextIncidentId(d), { signature }));
    });
    assert.deepEqual(
      (await db.read((d) => findBySignature(d, 'a'))).map((i) => i.id),
      ['INC-0001', 'INC-0003', 'INC-0005'],
    );
    assert.deepEqual(await db.read((d) => findBySignature(d, 'zzz')), []);
  });
});

describe('patterns', () => {
  it('group by signature: recurring first by count, then singles, most recent first', async () => {
    const rows: [string, number, string][] = [
      ['disk', 100, 'Disk full during export'],
      ['cfg', 200, 'Bad batch size'],
      ['once-old', 250, 'One-off old'],
      ['disk', 300, 'Disk full again'],
      ['cfg', 400, 'Bad batch size again'],
      ['cfg', 500, 'Bad batch size, third time'],
      ['once-new', 600, 'One-off new'],
    ];
    await db.write((d) => {
      for (const [signature, createdAt, title] of rows) {
        const category = signature === 'disk' ? 'resource_exhaustion' : 'config_error';
        const base = incident(nextIncidentId(d));
        insertIncident(d, { ...base, signature, createdAt, title, rootCause: { ...base.rootCause, category } });
      }
    });
    assert.deepEqual(await db.read(listPatterns), [
      {
        signature: 'cfg',
        category: 'config_error',
        count: 3,
        incidents: ['INC-0002', 'INC-0005', 'INC-0006'],
        firstSeen: 200,
        lastSeen: 500,
        example: 'Bad batch size, third time',
      },
      {
        signature: 'disk',
        category: 'resource_exhaustion',
        count: 2,
        incidents: ['INC-0001', 'INC-0004'],
        firstSeen: 100,
        lastSeen: 300,
        example: 'Disk full again',
      },
      {
        signature: 'once-new',
        category: 'config_error',
        count: 1,
        incidents: ['INC-0007'],
        firstSeen: 600,
        lastSeen: 600,
        example: 'One-off new',
      },
      {
        signature: 'once-old',
        category: 'config_error',
        count: 1,
        incidents: ['INC-0003'],
        firstSeen: 250,
        lastSeen: 250,
        example: 'One-off old',
      },
    ]);
  });

  it('are empty without incidents', async () => {
    assert.deepEqual(await db.read(listPatterns), []);
  });
});
