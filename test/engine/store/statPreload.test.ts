import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { buildSync } from 'esbuild';
import { DEFAULT_CONFIG } from '../../../src/engine/config/defaults';
import { SnapshotStore } from '../../../src/engine/snapshotStore';
import { changesOnPreload, unchangedOnPreload } from '../../../src/engine/store/cacheVerdict';
import { type CaptureOptions, type CaptureResult, captureWorkspace, filterKeyOf } from '../../../src/engine/store/capture';
import { ObjectStore } from '../../../src/engine/store/objectStore';
import { racyReference } from '../../../src/engine/store/racyClock';
import { loadStatCacheSync, StatCacheMemo } from '../../../src/engine/store/statCache';
import { rawLstat } from '../../../src/engine/store/statChunks';
import { type StatLike, StatPreload } from '../../../src/engine/store/statPreload';
// A small seeded generator (mulberry32), so a failing round can be replayed from its seed.
import { rng } from '../../../scripts/bench/synthetic';

/*
 * The stat preload (statPreload.ts): a capture that compares with stat data taken ahead, partly on
 * a worker thread, must record exactly what a capture that calls lstat itself records, and a change
 * made after the preload took its stats must be seen, at the latest by the next capture.
 */

let tmp: string;
let ws: string;
/** The worker, bundled from its source as the build does (tests run from sources, without dist/). */
let workerScript: string;
const workerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-statworker-'));

before(() => {
  workerScript = path.join(workerDir, 'statWorker.js');
  buildSync({
    entryPoints: [path.join(__dirname, '..', '..', '..', 'src', 'engine', 'store', 'statWorker.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    outfile: workerScript,
    logLevel: 'warning',
  });
});
after(() => fs.rmSync(workerDir, { recursive: true, force: true }));

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-preload-'));
  ws = path.join(tmp, 'ws');
  fs.mkdirSync(ws);
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(rel: string, content: string | Buffer): void {
  const abs = path.join(ws, rel);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  fs.writeFileSync(abs, content);
}

/** Enough files (and folders) for the preload to start its worker. */
function populate(files = 2100): string[] {
  const out: string[] = [];
  for (let i = 0; i < files; i++) {
    const rel = `d${i % 7}/e${i % 13}/f${i}.txt`;
    write(rel, `file ${i}\n`.repeat(1 + (i % 5)));
    out.push(rel);
  }
  return out;
}

/** A store of the workspace, captured the same way each time, with a preload or without. */
class Side {
  private readonly objects: Promise<ObjectStore>;
  readonly memo = new StatCacheMemo();
  constructor(
    readonly storeDir: string,
    private readonly preload: 'worker' | 'this thread' | 'none',
  ) {
    this.objects = ObjectStore.open(path.join(storeDir, 'objects'));
  }

  begin(): StatPreload | null {
    return StatPreload.begin({
      storeDir: this.storeDir,
      workspaceRoot: ws,
      memo: this.memo,
      workerScript: this.preload === 'worker' ? workerScript : null,
    });
  }

  async capture(
    preload: StatPreload | null = this.preload === 'none' ? null : this.begin(),
    extra: Partial<CaptureOptions> = {},
  ): Promise<CaptureResult> {
    fs.mkdirSync(this.storeDir, { recursive: true });
    const objects = await this.objects;
    // As the store does on taking its lock: another process may have added objects.
    await objects.revalidate();
    return captureWorkspace(objects, {
      workspaceRoot: ws,
      storeDir: this.storeDir,
      include: ['**'],
      exclude: [],
      respectGitignore: true,
      maxFileSizeBytes: 1 << 20,
      statCacheMemo: this.memo,
      ...(preload ? { preload } : {}),
      ...extra,
    });
  }
}

describe('stat preload', () => {
  it('takes the same stat data as lstat, on a worker and on this thread', async () => {
    populate();
    // A name beyond ASCII: the paths cross to the worker as UTF-8 bytes.
    write('d0/e0/ünïcodé 名前.txt', 'x\n');
    fs.symlinkSync('d0/e0/f0.txt', path.join(ws, 'link'));
    for (const mode of ['worker', 'this thread'] as const) {
      const side = new Side(path.join(tmp, `store-${mode}`), mode);
      await side.capture(null);
      const preload = side.begin();
      assert.ok(preload);
      // Time for the worker to boot and take every chunk.
      if (mode === 'worker') await new Promise((r) => setTimeout(r, 1500));
      assert.equal(preload.settle(), true);
      const chunks = Math.ceil((2101 + preload.cache.allDirs().length - 1) / 256);
      assert.equal(preload.chunksHere, mode === 'worker' ? 0 : chunks, `${mode}: chunks stat'ed by the capturing thread`);
      const cache = preload.cache;
      let files = 0;
      for (let row = 0; row < cache.rowCount; row++) {
        const st: StatLike | undefined = preload.file(row);
        if (cache.rowKind(row) !== 'file') {
          assert.equal(st, undefined, "symlinks are stat'ed by the capture itself");
          continue;
        }
        assert.ok(st, cache.rowPath(row));
        const real = fs.lstatSync(path.join(ws, cache.rowPath(row)));
        assert.deepEqual([st.mode, st.size, st.mtimeMs, st.ctimeMs, st.ino], [real.mode, real.size, real.mtimeMs, real.ctimeMs, real.ino]);
        assert.equal(st.isFile(), true);
        files++;
      }
      assert.equal(files, 2101);
      for (const d of cache.allDirs()) {
        if (d.rel === '') continue;
        const st = preload.dir(d.rel);
        assert.ok(st?.isDirectory(), d.rel);
        assert.equal(st?.ino, fs.lstatSync(path.join(ws, d.rel)).ino);
      }
    }
  });

  it('records the same manifests as captures that call lstat themselves, over random changes (seeded)', async () => {
    const files = populate();
    const rand = rng(11);
    const withWorker = new Side(path.join(tmp, 'a'), 'worker');
    const plain = new Side(path.join(tmp, 'b'), 'none');
    for (let round = 0; round < 12; round++) {
      const a = await withWorker.capture();
      const b = await plain.capture();
      assert.equal(a.manifestId, b.manifestId, `round ${round}`);
      assert.deepEqual(a.issues, b.issues);
      for (let k = 0; k < 8; k++) {
        const f = files[Math.floor(rand() * files.length)] as string;
        const abs = path.join(ws, f);
        const r = rand();
        if (!fs.existsSync(abs)) write(f, `back ${round}\n`);
        else if (r < 0.3) fs.appendFileSync(abs, `round ${round}\n`);
        else if (r < 0.45) fs.rmSync(abs);
        else if (r < 0.6) fs.chmodSync(abs, rand() < 0.5 ? 0o755 : 0o644);
        else if (r < 0.75) write(`${path.posix.dirname(f)}/new-${round}-${k}.txt`, 'new\n');
        else if (r < 0.85) {
          fs.rmSync(abs);
          fs.mkdirSync(abs);
          write(`${f}/inside.txt`, 'a folder where a file was\n');
        } else {
          // Same size, new content.
          const old = fs.readFileSync(abs);
          fs.writeFileSync(abs, Buffer.from(old.map((x) => (x === 0x61 ? 0x62 : 0x61))));
        }
      }
    }
  });

  it('a change made after the preload took its stats is recorded by the next capture', async () => {
    populate();
    const side = new Side(path.join(tmp, 's'), 'worker');
    await side.capture(null);
    const preload = side.begin();
    assert.ok(preload);
    assert.equal(preload.settle(), true);
    // Same size, so only the stat data can tell, and the preload's is from before the change.
    write('d1/e1/f1.txt', 'FILE 1\n'.repeat(2));
    await side.capture(preload);
    const next = await side.capture();
    const entry = next.entries.find((e) => e.path === 'd1/e1/f1.txt');
    assert.ok(entry);
    assert.equal(entry.id, (await new Side(path.join(tmp, 'fresh'), 'none').capture()).entries.find((e) => e.path === 'd1/e1/f1.txt')?.id);
  });

  it("counts its own start as the capture's: the stat cache written is dated no later than its first lstat", async () => {
    populate();
    const side = new Side(path.join(tmp, 's'), 'worker');
    await side.capture(null);
    // A change, so that the next capture writes a new stat cache.
    write('d0/new.txt', 'new\n');
    const preload = side.begin();
    assert.ok(preload);
    await new Promise((r) => setTimeout(r, 30));
    await side.capture(preload);
    const header = JSON.parse(
      fs
        .readFileSync(path.join(tmp, 's', 'stat-cache.bin'))
        .toString('utf8')
        .split('\n')[0] as string,
    ) as {
      takenAt: number;
      racyFrom: number;
    };
    assert.equal(header.takenAt, preload.takenAt);
    assert.ok(header.racyFrom <= preload.racyFrom);
  });

  it('is not used with another cache than its own (another process captured meanwhile)', async () => {
    populate();
    const storeDir = path.join(tmp, 's');
    const one = new Side(storeDir, 'worker');
    await one.capture(null);
    const preload = one.begin();
    assert.ok(preload);
    assert.equal(preload.settle(), true);
    // Another process adds a file that sorts first, so every row of the cache it writes moves by one.
    write('a-first.txt', 'first\n');
    await new Promise((r) => setTimeout(r, 30));
    await new Side(storeDir, 'none').capture();
    const r = await one.capture(preload);
    // Used with the new cache, the preload's rows would name other files: hundreds of re-reads.
    assert.equal(r.stats.filesHashed, 0);
    assert.equal(r.manifestId, (await new Side(path.join(tmp, 'fresh'), 'none').capture()).manifestId);
  });

  it('is started by a store opened for a capture, and by each snapshot of a long-lived store', async () => {
    populate();
    const storeDir = path.join(tmp, 'store');
    const first = await SnapshotStore.open({ workspaceRoot: ws, storeDir, config: DEFAULT_CONFIG, statWorker: workerScript });
    await first.snapshot();
    write('d3/e3/f3.txt', 'changed\n');
    // Past the file system's clock tick, so the change is not racy for the captures below.
    await new Promise((r) => setTimeout(r, 30));
    const second = await first.snapshot();
    first.close();
    const cli = await SnapshotStore.open({
      workspaceRoot: ws,
      storeDir,
      config: DEFAULT_CONFIG,
      preloadStats: true,
      statWorker: workerScript,
    });
    const third = await cli.snapshot();
    cli.close();
    assert.equal(third.snapshot.manifestId, second.snapshot.manifestId);
    assert.equal(third.stats.filesHashed, 0);
    assert.equal(third.stats.filesReused, 2100);
  });
});

describe("lstat through Node's fs binding", () => {
  it('answers exactly as fs.lstatSync does, or is not used', () => {
    write('a.txt', 'hello\n');
    write('dir/b.bin', Buffer.alloc(70_000, 1));
    fs.chmodSync(path.join(ws, 'a.txt'), 0o640);
    // A time with a fraction of a millisecond: the conversion must round as Node's does.
    fs.utimesSync(path.join(ws, 'dir/b.bin'), 1_700_000_000.123456, 1_700_000_000.987654);
    fs.symlinkSync('a.txt', path.join(ws, 'link'));
    const raw = rawLstat(`${ws}/`);
    // On the Node versions this project supports it proves itself; a slower fs.lstatSync is the fallback.
    assert.ok(raw, `process.binding('fs').lstat was not usable on Node ${process.version}`);
    for (const rel of ['', 'a.txt', 'dir', 'dir/b.bin', 'link']) {
      const real = fs.lstatSync(path.join(ws, rel));
      const v = raw(path.join(ws, rel));
      assert.ok(v, rel);
      assert.deepEqual(
        [v[1], v[8], v[12]! * 1e3 + v[13]! / 1e6, v[14]! * 1e3 + v[15]! / 1e6, v[7]],
        [real.mode, real.size, real.mtimeMs, real.ctimeMs, real.ino],
        rel,
      );
    }
    assert.equal(raw(path.join(ws, 'missing')), undefined);
  });

  it('is left alone where Node would print a deprecation warning for it', () => {
    const script = path.join(tmp, 'probe.js');
    buildSync({
      stdin: {
        // A root that is gone proves nothing either way: the next root is asked again.
        contents: `import { rawLstat } from './statChunks';\nconst say = (r) => (r === null ? 'fallback' : 'binding');\nconsole.log(say(rawLstat(process.argv[2] + 'gone/')), say(rawLstat(process.argv[2])));`,
        resolveDir: path.join(__dirname, '..', '..', '..', 'src', 'engine', 'store'),
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      target: 'node20',
      outfile: script,
      logLevel: 'warning',
    });
    const run = (args: string[]) => spawnSync(process.execPath, [...args, script, `${ws}/`], { encoding: 'utf8' });
    assert.equal(run([]).stdout.trim(), 'fallback binding');
    for (const flags of [['--pending-deprecation'], ['--pending-deprecation', '--throw-deprecation']]) {
      const r = run(flags);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.trim(), 'fallback fallback');
      assert.doesNotMatch(r.stderr, /DEP0111|deprecat/i);
    }
  });
});

describe('racy reference', () => {
  it("does not write through a symlink put in place of the store's clock marker", () => {
    const storeDir = path.join(tmp, 'store');
    fs.mkdirSync(storeDir);
    const outside = path.join(tmp, 'outside.txt');
    fs.writeFileSync(outside, 'keep me\n');
    fs.symlinkSync(outside, path.join(storeDir, 'clock'));
    const now = Date.now();
    const ref = racyReference(storeDir, ws, now);
    assert.equal(fs.readFileSync(outside, 'utf8'), 'keep me\n');
    assert.equal(ref, now - 2000, 'without its marker the fixed window is used');
  });
});

describe("an unchanged tree on the preload's word", () => {
  const FILTER = { include: ['**'], exclude: [] as string[], respectGitignore: true };
  const LIMITS = { maxFileSizeBytes: 1 << 20, respectGitignore: true };

  it('is taken from the stat cache without a walk; every change a walk would see makes the capture walk', async () => {
    populate();
    write('.gitignore', 'ignored/\n');
    // It leaves itself out, so only its own stat data (not a captured file's) can tell it changed.
    write('d0/.gitignore', '*.tmp\n.gitignore\n');
    write('d0/x.tmp', 'left out\n');
    // Over the size limit: recorded by size and id, and said so each time.
    write('logs/big.log', 'x'.repeat((1 << 20) + 1));
    fs.symlinkSync('d0/e0/f0.txt', path.join(ws, 'link'));
    const side = new Side(path.join(tmp, 's'), 'this thread');
    const objects = await ObjectStore.open(path.join(tmp, 's', 'objects'));
    const settledCapture = async (): Promise<CaptureResult> => {
      // Past the file system clock's tick, so what was just written is settled (not racy).
      await new Promise((r) => setTimeout(r, 30));
      const r = await side.capture();
      await objects.revalidate();
      return r;
    };
    /** What the fast path judges now, from a fresh preload of the latest cache. */
    const judge = (filter = FILTER): ReturnType<typeof unchangedOnPreload> => {
      const preload = side.begin();
      assert.ok(preload);
      assert.equal(preload.settle(), true);
      return unchangedOnPreload(objects, preload.cache, LIMITS, preload, ws, filterKeyOf(filter, null, []), objects.collectionToken());
    };
    const base = await settledCapture();
    await settledCapture();
    const same = judge();
    assert.ok(same, 'nothing changed: the cache stands');
    assert.equal(same.manifestId, base.manifestId);
    assert.equal(same.files, base.fileCount);
    assert.deepEqual(same.issues, base.issues);
    assert.ok(same.issues.some((i) => i.kind === 'oversized' && i.path === 'logs/big.log'));

    const changes: [string, () => void][] = [
      ['a file grew', () => fs.appendFileSync(path.join(ws, 'd1/e1/f1.txt'), 'more\n')],
      ['a file was rewritten at the same size', () => write('d2/e2/f2.txt', 'FILE 2\n'.repeat(3))],
      ['a file was added to a folder', () => write('d3/e3/new.txt', 'new\n')],
      ['a folder was removed', () => fs.rmSync(path.join(ws, 'd4/e4'), { recursive: true })],
      ['a file lost its write bit', () => fs.chmodSync(path.join(ws, 'd5/e5/f5.txt'), 0o444)],
      // Rewritten in place: its folder's listing, and so its folder's stat data, stay the same.
      ['a .gitignore now lets in what it kept out, at the same size', () => write('d0/.gitignore', '*.tm_\n.gitignore\n')],
      ['a symlink points elsewhere', () => (fs.rmSync(path.join(ws, 'link')), fs.symlinkSync('d0/e0/f7.txt', path.join(ws, 'link')))],
    ];
    for (const [what, change] of changes) {
      change();
      assert.equal(judge(), null, what);
      const walked = await settledCapture();
      assert.notEqual(walked.manifestId, base.manifestId, what);
      await settledCapture();
      assert.ok(judge(), `${what}: unchanged again once captured`);
    }
    assert.equal(judge({ ...FILTER, exclude: ['d6/**'] }), null, 'other filter settings');

    // A collection since the cache was written: its blobs are looked up again, and found gone.
    const token = objects.collectionToken();
    assert.ok(token);
    await objects.gc(new Set());
    assert.notEqual(objects.collectionToken(), token);
    assert.equal(judge(), null, 'blobs collected since the cache was written');
  });

  for (const mode of ['worker', 'this thread'] as const) {
    it(`records what a walk records, issues included (${mode})`, async () => {
      populate();
      write('logs/big.log', 'x'.repeat((1 << 20) + 1));
      fs.symlinkSync('d0/e0/f0.txt', path.join(ws, 'link'));
      const fifo = spawnSync('mkfifo', [path.join(ws, 'd1', 'pipe')]);
      const withPreload = new Side(path.join(tmp, 'a'), mode);
      const plain = new Side(path.join(tmp, 'b'), 'none');
      await withPreload.capture();
      await plain.capture();
      await new Promise((r) => setTimeout(r, 30));
      const a = await withPreload.capture();
      const b = await plain.capture();
      assert.equal(a.manifestId, b.manifestId);
      assert.deepEqual(a.issues, b.issues);
      if (fifo.status === 0) assert.ok(a.issues.some((i) => i.kind === 'special_file' && i.path === 'd1/pipe'));
      assert.deepEqual({ ...a.stats, durationMs: 0 }, { ...b.stats, durationMs: 0 });
      assert.equal(a.fileCount, b.fileCount);
      assert.equal(a.byteCount, b.byteCount);
      assert.deepEqual(a.entries, b.entries);
    });
  }
});

describe("a tree whose folders stand, on the preload's word", () => {
  const LIMIT = 1 << 20;

  /**
   * Both sides' captures, compared field by field; `racy` leaves out the counts, which depend on
   * which side's capture found a just-written file settled.
   */
  function assertSameCapture(a: CaptureResult, b: CaptureResult, what: string, racy = false): void {
    assert.equal(a.manifestId, b.manifestId, what);
    assert.deepEqual(a.issues, b.issues, what);
    if (!racy) assert.deepEqual({ ...a.stats, durationMs: 0 }, { ...b.stats, durationMs: 0 }, what);
    assert.equal(a.fileCount, b.fileCount, what);
    assert.equal(a.byteCount, b.byteCount, what);
    assert.deepEqual(a.entries, b.entries, what);
  }

  it('names exactly the files a walk would read again', async () => {
    const files = populate();
    const side = new Side(path.join(tmp, 's'), 'this thread');
    await side.capture();
    await new Promise((r) => setTimeout(r, 30));
    await side.capture();
    const objects = await ObjectStore.open(path.join(tmp, 's', 'objects'));
    const changed = [files[3], files[1500], files[2099]] as string[];
    for (const rel of changed) fs.appendFileSync(path.join(ws, rel), 'more\n');
    fs.chmodSync(path.join(ws, files[7] as string), 0o400);
    const filter = { include: ['**'], exclude: [] as string[], respectGitignore: true };
    /** The changed files' paths as the judgement names them from a fresh preload, or null. */
    const judged = (): string[] | null => {
      const preload = side.begin();
      assert.ok(preload);
      assert.ok(preload.settle());
      const limits = { maxFileSizeBytes: LIMIT, respectGitignore: true };
      const c = changesOnPreload(objects, preload.cache, limits, preload, ws, filterKeyOf(filter, null, []), objects.collectionToken());
      preload.cancel();
      return c && c.rows.map((r) => preload.cache.rowPath(r)).sort();
    };
    assert.deepEqual(judged(), [...changed, files[7] as string].sort(), 'no folder listing changed');

    // A name added: its folder's listing changed, and the capture walks.
    write('d2/e2/new.txt', 'new\n');
    assert.equal(judged(), null);
  });

  it('keeps the cache it wrote as the file would load, without reading it back', async () => {
    const files = populate();
    fs.symlinkSync('d0/e0/f0.txt', path.join(ws, 'link'));
    const side = new Side(path.join(tmp, 's'), 'this thread');
    await side.capture();
    await new Promise((r) => setTimeout(r, 30));
    await side.capture();
    for (const rel of files.slice(0, 40)) fs.appendFileSync(path.join(ws, rel), 'more\n');
    fs.chmodSync(path.join(ws, files[50] as string), 0o000);
    fs.writeFileSync(path.join(ws, files[60] as string), 'same size?\n');
    await new Promise((r) => setTimeout(r, 30));
    const r = await side.capture();
    assert.equal(r.stats.filesScanned - r.stats.filesReused, r.stats.filesHashed, 'only the changed files were read');
    const kept = side.memo.cache;
    assert.ok(kept, 'the capture kept the cache it wrote');
    const loaded = loadStatCacheSync(side.storeDir, ws);
    assert.notEqual(kept, loaded);
    for (const k of ['workspaceRoot', 'takenAt', 'racyFrom', 'manifestId', 'collection', 'filterKey', 'entryCount', 'rowCount'] as const) {
      assert.equal(kept[k], loaded[k], k);
    }
    assert.deepEqual(kept.allDirs(), loaded.allDirs());
    assert.deepEqual(Buffer.from(kept.idColumn()), Buffer.from(loaded.idColumn()));
    assert.equal(kept.totalSize(), loaded.totalSize());
    for (let row = 0; row < loaded.rowCount; row++) {
      const path_ = loaded.rowPath(row);
      assert.deepEqual(
        [kept.rowPath(row), kept.rowKind(row), kept.rowHasEntry(row)],
        [path_, loaded.rowKind(row), loaded.rowHasEntry(row)],
      );
      assert.deepEqual(kept.rowCached(row), loaded.rowCached(row), path_);
      assert.deepEqual(kept.lookup(path_), loaded.lookup(path_), path_);
    }
    assert.deepEqual(kept.children('d1'), loaded.children('d1'));
    // The next capture takes it from memory, as the file is still the one it came from.
    assert.equal(loadStatCacheSync(side.storeDir, ws, side.memo), kept);
  });

  for (const mode of ['worker', 'this thread'] as const) {
    it(`records only what changed, as a walk records it, and leaves a stat cache the next capture trusts (${mode})`, async () => {
      const files = populate();
      write('logs/big.log', 'x'.repeat(LIMIT + 1));
      write('logs/mid.log', 'y'.repeat(4096));
      fs.symlinkSync('d0/e0/f0.txt', path.join(ws, 'link'));
      const fifo = spawnSync('mkfifo', [path.join(ws, 'd1', 'pipe')]);
      const fast = new Side(path.join(tmp, 'a'), mode);
      const plain = new Side(path.join(tmp, 'b'), 'none');
      const both = async (what: string, extra: Partial<CaptureOptions> = {}, settle = true): Promise<CaptureResult> => {
        // Past the file system clock's tick, so what was just written is settled (not racy), unless the round wants it racy.
        if (settle) await new Promise((r) => setTimeout(r, 30));
        const a = await fast.capture(undefined, extra);
        const b = await plain.capture(null, extra);
        assertSameCapture(a, b, what, !settle);
        return a;
      };
      await both('first');
      const base = await both('nothing changed');
      if (fifo.status === 0) assert.ok(base.issues.some((i) => i.kind === 'special_file' && i.path === 'd1/pipe'));

      const rounds: [string, () => void, Partial<CaptureOptions>?][] = [
        ['a file grew', () => fs.appendFileSync(path.join(ws, files[11] as string), 'more\n')],
        ['a file was rewritten at the same size', () => fs.writeFileSync(path.join(ws, files[12] as string), 'FILE 12\n'.repeat(3))],
        ['a file lost its write bit', () => fs.chmodSync(path.join(ws, files[13] as string), 0o444)],
        ['a file was touched, its content the same', () => fs.utimesSync(path.join(ws, files[14] as string), new Date(), new Date())],
        ['a file became unreadable', () => fs.chmodSync(path.join(ws, files[15] as string), 0o000)],
        ['it became readable again', () => fs.chmodSync(path.join(ws, files[15] as string), 0o644)],
        ['an oversized log grew', () => fs.appendFileSync(path.join(ws, 'logs/big.log'), 'x\n')],
        ['the size limit went below a stored file', () => undefined, { maxFileSizeBytes: 1000 }],
        ['and back up again', () => undefined],
        ['many files changed', () => files.slice(100, 400).forEach((f) => fs.appendFileSync(path.join(ws, f), '+\n'))],
        ['a symlink was retargeted', () => (fs.rmSync(path.join(ws, 'link')), fs.symlinkSync('d0/e0/f7.txt', path.join(ws, 'link')))],
        ['a file was added', () => write('d3/e3/new.txt', 'new\n')],
      ];
      for (const [what, change, extra] of rounds) {
        change();
        const r = await both(what, extra);
        await both(`${what}, then nothing`, extra);
        if (what === 'a file became unreadable' && process.getuid?.() !== 0) {
          assert.ok(r.issues.some((i) => i.kind === 'unreadable' && i.path === files[15]));
        }
      }
      // Written just before the capture: racy, so read again by the next capture too.
      fs.appendFileSync(path.join(ws, files[20] as string), 'just now\n');
      await both('a file written just now', {}, false);
      await both('and read again', {}, false);
      assert.notEqual((await both('finally')).manifestId, base.manifestId);
    });
  }
});
