import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import initSqlJs from 'sql.js';
import { DEFAULT_CONFIG } from '../../../src/engine/config/defaults';
import { getIncident, insertIncident } from '../../../src/engine/db/incidentRows';
import { createInitialSchema } from '../../../src/engine/db/migration1';
import { SCHEMA_VERSION } from '../../../src/engine/db/migrations';
import { InputError } from '../../../src/engine/errors';
import { setField } from '../../../src/engine/postmortem/edit';
import {
  annotateIncident,
  getPostmortem,
  hasStoredPostmortem,
  savePostmortem,
  updatePostmortem,
} from '../../../src/engine/postmortem/store';
import type { Outcome } from '../../../src/engine/postmortem/types';
import { DEFAULT_STORE_DIRNAME, SnapshotStore } from '../../../src/engine/snapshotStore';
import { incident } from '../db/builders';

let workspace: string;
const opened: SnapshotStore[] = [];

async function openStore(): Promise<SnapshotStore> {
  const store = await SnapshotStore.open({ workspaceRoot: workspace, config: DEFAULT_CONFIG });
  opened.push(store);
  return store;
}

/** Reads the database file with a separate sql.js instance, as another tool would. */
async function inspect(sql: string): Promise<unknown[][]> {
  const SQL = await initSqlJs();
  const db = new SQL.Database(fs.readFileSync(path.join(workspace, DEFAULT_STORE_DIRNAME, 'incident-replay.sqlite')));
  try {
    return db.exec(sql)[0]?.values ?? [];
  } finally {
    db.close();
  }
}

/** A store as a release with only migration 1 left it: schema version 1, one incident. */
async function writeVersion1Store(): Promise<void> {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  createInitialSchema(db);
  db.exec('PRAGMA user_version = 1');
  insertIncident(db, incident('INC-0001'));
  const dir = path.join(workspace, DEFAULT_STORE_DIRNAME);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'incident-replay.sqlite'), db.export());
  db.close();
}

beforeEach(() => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-'));
});

afterEach(() => {
  for (const s of opened.splice(0)) s.close();
  fs.rmSync(workspace, { recursive: true, force: true });
});

test('migration 2 adds the postmortems table to a version-1 database and keeps its incidents', async () => {
  await writeVersion1Store();
  assert.deepEqual(await inspect("SELECT name FROM sqlite_master WHERE name = 'postmortems'"), []);
  const store = await openStore();
  // Every later migration runs too.
  assert.deepEqual(await inspect('PRAGMA user_version'), [[SCHEMA_VERSION]]);
  assert.deepEqual(
    (await inspect('PRAGMA table_info(postmortems)')).map((c) => [c[1], c[2], c[5]]),
    [
      ['incident_id', 'TEXT', 1],
      ['payload', 'TEXT', 0],
      ['updated_at', 'INTEGER', 0],
    ],
  );
  assert.equal((await store.db.read((db) => getIncident(db, 'INC-0001')))?.id, 'INC-0001');
  const pm = await getPostmortem(store, 'INC-0001');
  assert.equal(pm.incidentId, 'INC-0001');
  assert.equal(await hasStoredPostmortem(store, 'INC-0001'), false, 'reading drafts, it does not save');
});

test('a saved postmortem round-trips, across reopening the store, as readable JSON in the file', async () => {
  await writeVersion1Store();
  let store = await openStore();
  const edited = setField(await getPostmortem(store, 'inc-1'), 'owner', 'platform-operations', 1_716_000_000_000);
  await savePostmortem(store, edited);
  store.close();
  store = await openStore();
  assert.deepEqual(await getPostmortem(store, 'INC-0001'), edited);
  assert.equal(await hasStoredPostmortem(store, 'INC-0001'), true);
  const [row] = await inspect('SELECT incident_id, updated_at, json_extract(payload, "$.summary.owner.value") FROM postmortems');
  assert.deepEqual(row, ['INC-0001', 1_716_000_000_000, 'platform-operations']);
});

test('annotate records the outcome and note as part of the postmortem, keeping earlier edits', async () => {
  await writeVersion1Store();
  const store = await openStore();
  await updatePostmortem(store, 'INC-0001', (pm) => setField(pm, 'severity', 'SEV-2'));
  const annotated = await annotateIncident(store, 'INC-0001', 'mitigated', '  failed over to the primary  ', 1_716_000_000_123);
  assert.deepEqual(annotated.annotation, { outcome: 'mitigated', note: 'failed over to the primary', at: 1_716_000_000_123 });
  const reread = await getPostmortem(store, 'INC-0001');
  assert.deepEqual(reread.annotation, annotated.annotation);
  assert.deepEqual(reread.summary.severity, { value: 'SEV-2', state: 'confirmed' });
  const again = await annotateIncident(store, 'INC-0001', 'fixed', null, 1_716_000_000_999);
  assert.deepEqual(again.annotation, { outcome: 'fixed', note: null, at: 1_716_000_000_999 });
});

test('an unknown incident or outcome is an InputError that says what to use', async () => {
  await writeVersion1Store();
  const store = await openStore();
  const pm = await getPostmortem(store, 'INC-0001');
  await assert.rejects(
    getPostmortem(store, 'INC-0042'),
    (e: unknown) => e instanceof InputError && /no incident INC-0042.*INC-0001/.test(e.message),
  );
  await assert.rejects(savePostmortem(store, { ...pm, incidentId: 'INC-0042' }), InputError);
  await assert.rejects(annotateIncident(store, 'INC-0042', 'fixed', null), InputError);
  await assert.rejects(
    annotateIncident(store, 'INC-0001', 'solved' as Outcome, null),
    (e: unknown) => e instanceof InputError && /fixed, mitigated, false-alarm, wont-fix/.test(e.message),
  );
  await assert.rejects(getPostmortem(store, 'last-week'), InputError);
});

test('a record saved before newer fields existed gets them from the draft and keeps every stored value', async () => {
  await writeVersion1Store();
  const store = await openStore();
  const current = setField(await getPostmortem(store, 'INC-0001'), 'owner', 'data-platform');
  const old: Record<string, unknown> = JSON.parse(JSON.stringify(current)) as Record<string, unknown>;
  delete old.evalsAndRollout;
  delete (old.summary as Record<string, unknown>).status;
  await store.db.write((db) =>
    db.run('INSERT INTO postmortems (incident_id, payload, updated_at) VALUES (?, ?, ?)', ['INC-0001', JSON.stringify(old), 1]),
  );
  const loaded = await getPostmortem(store, 'INC-0001');
  assert.deepEqual(loaded.summary.owner, { value: 'data-platform', state: 'confirmed' });
  assert.deepEqual(loaded.summary.status, current.summary.status);
  assert.deepEqual(loaded.evalsAndRollout, { value: {}, state: 'empty' });
});
