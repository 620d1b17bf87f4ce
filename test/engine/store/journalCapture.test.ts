import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { type CaptureOptions, type CaptureResult, captureWorkspace, type JournalChanges } from '../../../src/engine/store/capture';
import { gitBlobId } from '../../../src/engine/store/gitBlobId';
import { ObjectStore } from '../../../src/engine/store/objectStore';
import { StatCacheMemo } from '../../../src/engine/store/statCache';
// A small seeded generator (mulberry32), so a failing round can be replayed from its seed.
import { rng } from '../../../scripts/bench/synthetic';

/*
 * Captures that read only what a complete file-event journal names (JournalChanges) must record
 * exactly what a full walk records. Each test keeps two stores of one workspace: one captured
 * with the journal, one with full walks, and compares their manifests (content-addressed, so
 * equal ids mean equal manifests).
 */

let tmp: string;
let ws: string;

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-journal-'));
  ws = path.join(tmp, 'ws');
  fs.mkdirSync(ws);
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Files written during a test count as settled, as in the capture tests (no racy re-reads). */
const aMinuteLater = (): number => Date.now() + 60_000;

function write(rel: string, content: string | Buffer): void {
  const abs = path.join(ws, rel);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  fs.writeFileSync(abs, content);
}

/** A store of the workspace, captured the same way each time. */
class Side {
  private objects: Promise<ObjectStore>;
  readonly memo = new StatCacheMemo();
  /** When the last capture started: a journal kept from then on is complete for the next one. */
  startedAt = 0;

  constructor(readonly storeDir: string) {
    this.objects = ObjectStore.open(path.join(storeDir, 'objects'));
  }

  async capture(extra: Partial<CaptureOptions> = {}): Promise<CaptureResult> {
    this.startedAt = Date.now();
    return captureWorkspace(await this.objects, {
      workspaceRoot: ws,
      storeDir: this.storeDir,
      include: ['**'],
      exclude: ['**/node_modules/**'],
      respectGitignore: true,
      maxFileSizeBytes: 4096,
      statCacheMemo: this.memo,
      testHooks: { now: aMinuteLater },
      ...extra,
    });
  }
}

function listFiles(dir = ws, rel = ''): string[] {
  const out: string[] = [];
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    const r = rel ? `${rel}/${d.name}` : d.name;
    if (d.isDirectory()) out.push(...listFiles(path.join(dir, d.name), r));
    else out.push(r);
  }
  return out.sort();
}

function listDirs(dir = ws, rel = ''): string[] {
  const out: string[] = [];
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!d.isDirectory()) continue;
    const r = rel ? `${rel}/${d.name}` : d.name;
    out.push(r, ...listDirs(path.join(dir, d.name), r));
  }
  return out;
}

/**
 * One random change, and the paths a watcher reports for it. Watchers differ in what they report
 * for a folder created or removed with its files (some only the folder, some only the files), so
 * both are drawn here.
 */
function mutate(rand: () => number, step: number): string[] {
  const pick = <T>(xs: readonly T[]): T | undefined => xs[Math.floor(rand() * xs.length)];
  const files = listFiles();
  const file = pick(files);
  const r = rand();
  if (file && r < 0.2) {
    // Same size, new content.
    const old = fs.readFileSync(path.join(ws, file));
    write(file, Buffer.from(old.map((b) => (b === 0x61 ? 0x62 : 0x61))));
    return [file];
  }
  if (file && r < 0.3) {
    fs.appendFileSync(path.join(ws, file), `more ${step}\n`);
    return [file];
  }
  if (file && r < 0.4) {
    fs.rmSync(path.join(ws, file));
    return [file];
  }
  if (file && r < 0.48) {
    const to = `${path.posix.dirname(file) === '.' ? '' : `${path.posix.dirname(file)}/`}renamed-${step}.txt`;
    fs.renameSync(path.join(ws, file), path.join(ws, to));
    return [file, to];
  }
  if (file && r < 0.54) {
    fs.chmodSync(path.join(ws, file), rand() < 0.5 ? 0o755 : 0o644);
    return [file];
  }
  if (r < 0.64) {
    const dir = pick(listDirs()) ?? '';
    const rel = `${dir ? `${dir}/` : ''}new-${step}.txt`;
    write(rel, `new file ${step}\n`);
    return [rel];
  }
  if (r < 0.72) {
    // New folders: sometimes only the top folder is reported, sometimes only the file.
    const top = `fresh-${step}`;
    const rel = `${top}/inner/deep-${step}.txt`;
    write(rel, `deep ${step}\n`);
    write(`${top}/side.txt`, 'side\n');
    return rand() < 0.5 ? [top] : [rel, `${top}/side.txt`];
  }
  if (r < 0.8) {
    const dir = pick(listDirs());
    if (dir) {
      const inside = listFiles().filter((f) => f.startsWith(`${dir}/`));
      fs.rmSync(path.join(ws, dir), { recursive: true });
      return rand() < 0.5 ? [dir] : inside.length ? inside : [dir];
    }
  }
  if (r < 0.86) {
    const dir = pick(listDirs()) ?? '';
    const rel = `${dir ? `${dir}/` : ''}.gitignore`;
    write(rel, rand() < 0.5 ? '*.log\n' : 'b*\n!big*\n');
    return [rel];
  }
  if (r < 0.9) {
    const big = `big-${step}.bin`;
    write(big, Buffer.alloc(5000, step % 251));
    return [big];
  }
  if (r < 0.95) {
    const link = `link-${step}`;
    fs.symlinkSync(file ?? 'nowhere', path.join(ws, link));
    return [link];
  }
  const nm = `pkg-${step}/node_modules/dep/index.js`;
  write(nm, 'module.exports = 1;\n');
  return [`pkg-${step}`];
}

function seedWorkspace(rand: () => number): void {
  for (let i = 0; i < 60; i++) {
    const dir = ['', 'src', 'src/lib', 'docs', 'logs', 'a/b/c'][Math.floor(rand() * 6)] as string;
    const ext = ['.ts', '.md', '.log', '.txt'][Math.floor(rand() * 4)] as string;
    write(`${dir ? `${dir}/` : ''}f${i}${ext}`, `file ${i} ${'x'.repeat(Math.floor(rand() * 200))}\n`);
  }
  write('.gitignore', '*.tmp\n');
  write('scratch.tmp', 'ignored\n');
}

describe('captures driven by a complete file-event journal', () => {
  it('record the same manifest as a full walk, over random changes (seeded)', async () => {
    for (const seed of [1, 2, 3]) {
      fs.rmSync(ws, { recursive: true, force: true });
      fs.mkdirSync(ws);
      const rand = rng(seed);
      seedWorkspace(rand);
      const withJournal = new Side(path.join(tmp, `journal-${seed}`));
      const fullWalk = new Side(path.join(tmp, `full-${seed}`));
      await withJournal.capture();
      await fullWalk.capture();
      let trusted = 0;
      for (let round = 0; round < 12; round++) {
        const named = new Set<string>();
        const changes = Math.floor(rand() * 4);
        for (let k = 0; k < changes; k++) for (const p of mutate(rand, round * 10 + k)) named.add(p);
        const journal: JournalChanges = { since: withJournal.startedAt, paths: named };
        const a = await withJournal.capture({ journal });
        const b = await fullWalk.capture();
        const context = `seed ${seed}, round ${round}, named ${[...named].join(', ')}`;
        assert.deepEqual(a.entries, b.entries, context);
        assert.equal(a.manifestId, b.manifestId, context);
        assert.deepEqual(a.issues, b.issues, context);
        trusted += a.stats.filesTrusted ?? 0;
      }
      assert.ok(trusted > 0, 'files the journal did not name were taken without a stat');
    }
  });

  it('reads a change the journal names, and takes the rest without a stat', async () => {
    for (let i = 0; i < 20; i++) write(`src/f${i}.ts`, `export const v${i} = ${i};\n`);
    const side = new Side(path.join(tmp, 'store'));
    await side.capture();
    write('src/f3.ts', 'export const v3 = 333;\n');
    const r = await side.capture({ journal: { since: side.startedAt, paths: ['src/f3.ts'] } });
    assert.equal(r.stats.filesHashed, 1);
    assert.equal(r.stats.filesTrusted, 19);
    assert.equal(r.entries.find((e) => e.path === 'src/f3.ts')?.size, 'export const v3 = 333;\n'.length);
  });

  it('names nothing: the previous manifest stands, with the same issues, and no file is even looked at', async () => {
    for (let i = 0; i < 29; i++) write(`d${i % 4}/f${i}.txt`, `${i}\n`);
    // Over the size limit: recorded by size and id, and reported each time.
    write('d2/big.log', 'x'.repeat(5000));
    execFileSync('mkfifo', [path.join(ws, 'd1', 'pipe')]);
    const withJournal = new Side(path.join(tmp, 'journal'));
    const fullWalk = new Side(path.join(tmp, 'full'));
    const first = await withJournal.capture();
    await fullWalk.capture();
    const a = await withJournal.capture({ journal: { since: withJournal.startedAt, paths: [] } });
    const b = await fullWalk.capture();
    assert.equal(a.manifestId, first.manifestId);
    assert.equal(a.manifestId, b.manifestId);
    assert.deepEqual(a.entries, b.entries);
    assert.deepEqual(a.issues, b.issues);
    assert.deepEqual(
      a.issues.map((i) => i.kind),
      ['special_file', 'oversized'],
    );
    assert.equal(a.stats.filesTrusted, 30);
    assert.equal(a.stats.filesScanned, 30);
  });

  it('walks everything when the journal starts after the capture it would build on (a gap)', async () => {
    for (let i = 0; i < 5; i++) write(`f${i}.txt`, `${i}\n`);
    const side = new Side(path.join(tmp, 'store'));
    await side.capture();
    // Changed while no watcher was running; the journal, complete only from later on, does not name it.
    write('f1.txt', 'changed behind the watcher\n');
    const r = await side.capture({ journal: { since: Date.now() + 120_000, paths: [] } });
    assert.equal(r.stats.filesTrusted, undefined, 'no file is taken on the word of a journal with a gap');
    assert.equal(r.entries.find((e) => e.path === 'f1.txt')?.id, gitBlobId(Buffer.from('changed behind the watcher\n')));
  });

  it('re-checks a file whose cached stat data is too recent to prove anything, even unnamed', async () => {
    write('a.txt', 'one\n');
    write('b.txt', 'two\n');
    // Stamped after the capture starts: a write in the same tick as the capture's read would leave no trace.
    const future = new Date(Date.now() + 3_600_000);
    fs.utimesSync(path.join(ws, 'a.txt'), future, future);
    const side = new Side(path.join(tmp, 'store'));
    await side.capture({ testHooks: {} });
    fs.writeFileSync(path.join(ws, 'a.txt'), 'ONE\n');
    fs.utimesSync(path.join(ws, 'a.txt'), future, future);
    const r = await side.capture({ journal: { since: side.startedAt, paths: [] }, testHooks: {} });
    assert.equal(r.stats.filesTrusted, 1, "only b.txt is taken on the journal's word");
    assert.equal(r.entries.find((e) => e.path === 'a.txt')?.id, gitBlobId(Buffer.from('ONE\n')));
  });
});
