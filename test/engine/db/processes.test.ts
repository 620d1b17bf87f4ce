import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, it } from 'node:test';
import { MetadataDb } from '../../../src/engine/db/database';
import { listIncidents } from '../../../src/engine/db/incidentRows';
import { listSnapshots } from '../../../src/engine/db/snapshotRows';

const repoRoot = path.resolve(__dirname, '../../..');
const writerScript = path.join(__dirname, 'concurrentWriter.ts');

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Writer {
  ready: Promise<void>;
  done: Promise<void>;
}

function startWriter(dbFile: string, name: string, goFile: string, incidents: boolean): Writer {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', writerScript, dbFile, name, '25', goFile, incidents ? 'incidents' : 'snapshots'],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
    child.on('exit', () => reject(new Error(`writer ${name} exited before it was ready: ${stderr}`)));
  });
  const done = new Promise<void>((resolve, reject) => {
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer ${name} exited with ${code}: ${stderr}`))));
  });
  return { ready, done };
}

/** Two processes, released at the same moment, each doing 25 locked writes. */
async function runTwoWriters(incidents: boolean): Promise<MetadataDb> {
  const dbFile = path.join(dir, 'metadata.db');
  const goFile = path.join(dir, 'go');
  const writers = [startWriter(dbFile, 'cli', goFile, incidents), startWriter(dbFile, 'vscode', goFile, incidents)];
  await Promise.all(writers.map((w) => w.ready));
  fs.writeFileSync(goFile, '');
  await Promise.all(writers.map((w) => w.done));
  return MetadataDb.open(dbFile);
}

it('two processes writing snapshots at once keep all 50 rows', async () => {
  const db = await runTwoWriters(false);
  const ids = (await db.read(listSnapshots)).map((s) => s.id);
  db.close();
  const expected = ['cli', 'vscode'].flatMap((w) => Array.from({ length: 25 }, (_, i) => `${w}-${i}`));
  assert.deepEqual([...ids].sort(), expected.sort());
});

it('two processes writing incidents at once get 50 distinct ids', async () => {
  const db = await runTwoWriters(true);
  const incidents = await db.read(listIncidents);
  const snapshots = await db.read(listSnapshots);
  db.close();
  assert.equal(snapshots.length, 50);
  assert.deepEqual(
    incidents.map((i) => i.id),
    Array.from({ length: 50 }, (_, i) => `INC-${String(i + 1).padStart(4, '0')}`),
  );
  assert.equal(incidents.filter((i) => i.title.startsWith('cli ')).length, 25);
  assert.equal(incidents.filter((i) => i.title.startsWith('vscode ')).length, 25);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['go', 'metadata.db']);
});
