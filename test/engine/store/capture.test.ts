import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { InputError } from '../../../src/engine/errors';
import { type CaptureOptions, type CaptureResult, captureWorkspace } from '../../../src/engine/store/capture';
import { coreExcludesFile } from '../../../src/engine/store/gitExcludes';
import { gitBlobId } from '../../../src/engine/store/gitBlobId';
import { readManifest } from '../../../src/engine/store/manifest';
import { ObjectStore } from '../../../src/engine/store/objectStore';
import { loadStatCacheSync, StatCacheMemo } from '../../../src/engine/store/statCache';
import type { ManifestEntry } from '../../../src/engine/types';

let tmp: string;
let ws: string;
let storeDir: string;

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-'));
  ws = path.join(tmp, 'ws');
  storeDir = path.join(tmp, 'store');
  fs.mkdirSync(ws);
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(files: Record<string, string | Buffer>): void {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(ws, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
  }
}

/** Clock for captures that should treat the files just written as settled (outside the racy window). */
const aMinuteLater = (): number => Date.now() + 60_000;

async function capture(extra: Partial<CaptureOptions> = {}): Promise<CaptureResult & { objects: ObjectStore }> {
  const objects = await ObjectStore.open(path.join(storeDir, 'objects'));
  const result = await captureWorkspace(objects, {
    workspaceRoot: ws,
    storeDir,
    include: ['**'],
    exclude: [],
    respectGitignore: true,
    maxFileSizeBytes: 20 * 1024 * 1024,
    ...extra,
  });
  return { ...result, objects };
}

const paths = (entries: readonly ManifestEntry[]): string[] => entries.map((e) => e.path);
const byPath = (entries: readonly ManifestEntry[], p: string): ManifestEntry => {
  const e = entries.find((x) => x.path === p);
  assert.ok(e, `${p} should be in the snapshot (has: ${paths(entries).join(', ')})`);
  return e;
};

describe('captureWorkspace', () => {
  it('streams the manifest of a big tree into the store, under the id of its bytes', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 16_500; i++) files[`d${i % 50}/f${i}.txt`] = `${i}\n`;
    write(files);
    const r = await capture({ testHooks: { now: aMinuteLater } });
    assert.equal(r.fileCount, 16_500);
    const stored = await r.objects.get(r.manifestId);
    assert.equal(gitBlobId(stored), r.manifestId);
    assert.deepEqual(await readManifest(r.objects, r.manifestId), r.entries);
    // One change: a new manifest, streamed again; the old one stays readable.
    write({ 'd0/f0.txt': 'changed\n' });
    const next = await capture({ testHooks: { now: aMinuteLater } });
    assert.notEqual(next.manifestId, r.manifestId);
    assert.equal(byPath(await readManifest(next.objects, next.manifestId), 'd0/f0.txt').id, gitBlobId('changed\n'));
    assert.equal((await readManifest(next.objects, r.manifestId)).length, 16_500);
  });

  it('records every file with size, mode, integer mtime and git blob id, and keeps the content', async () => {
    write({ 'a.txt': 'alpha\n', 'src/b.ts': 'export const b = 1;\n', 'src/deep/c.json': '{"c":3}' });
    fs.chmodSync(path.join(ws, 'src/b.ts'), 0o755);
    const r = await capture();
    assert.deepEqual(paths(r.entries), ['a.txt', 'src/b.ts', 'src/deep/c.json']);
    const b = byPath(r.entries, 'src/b.ts');
    const st = fs.statSync(path.join(ws, 'src/b.ts'));
    assert.equal(b.type, 'file');
    assert.equal(b.size, 20);
    assert.equal(b.mode, 0o755);
    assert.equal(b.mtimeMs, Math.floor(st.mtimeMs));
    assert.ok(Number.isInteger(b.mtimeMs));
    assert.equal(b.id, execFileSync('git', ['hash-object', path.join(ws, 'src/b.ts')], { encoding: 'utf8' }).trim());
    assert.equal(b.binary, false);
    assert.equal(b.stored, true);
    assert.equal((await r.objects.get(b.id)).toString(), 'export const b = 1;\n');
    assert.deepEqual(await readManifest(r.objects, r.manifestId), r.entries);
    assert.deepEqual(r.issues, []);
    assert.equal(r.stats.filesScanned, 3);
    assert.equal(r.stats.filesHashed, 3);
    assert.equal(r.stats.bytesRead, 6 + 20 + 7);
  });

  it('applies include and exclude globs, matching dot files', async () => {
    write({ 'src/a.ts': 'a', 'src/.hidden.ts': 'h', 'src/gen/x.ts': 'x', 'src/app.log': 'l', 'docs/readme.md': 'r', 'top.ts': 't' });
    const r = await capture({ include: ['src/**', '*.ts'], exclude: ['**/*.log', 'src/gen/**'] });
    assert.deepEqual(paths(r.entries), ['src/.hidden.ts', 'src/a.ts', 'top.ts']);
    const all = await capture({ include: [], exclude: [] });
    assert.equal(all.entries.length, 6, 'an empty include list means everything');
  });

  it('respects .gitignore files at every level as git does, unless told not to', async () => {
    write({
      '.gitignore': '*.log\nbuild/\n/secret.txt\n',
      'a.log': 'x',
      'keep.txt': 'k',
      'secret.txt': 's',
      'build/out.js': 'o',
      'sub/.gitignore': '!keep.log\nlocal.txt\n',
      'sub/keep.log': 'kl',
      'sub/other.log': 'ol',
      'sub/local.txt': 'lt',
      'sub/secret.txt': 'not anchored here',
      'sub/inner/local.txt': 'nested applies too',
      'local.txt': 'the sub rule does not reach up',
    });
    const r = await capture();
    const expected = ['.gitignore', 'keep.txt', 'local.txt', 'sub/.gitignore', 'sub/keep.log', 'sub/secret.txt'];
    assert.deepEqual(paths(r.entries), expected);
    // Cross-check with git itself on the same tree.
    execFileSync('git', ['init', '-q', ws]);
    const gitSees = execFileSync('git', ['-C', ws, 'ls-files', '--others', '--exclude-standard'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .sort();
    assert.deepEqual(gitSees, expected);
    const raw = await capture({ respectGitignore: false });
    assert.equal(raw.entries.length, 12);
  });

  it("applies git's exclude files (.git/info/exclude, the global excludes file) under the .gitignore files, as git does", async () => {
    write({
      '.gitignore': '!important.tmp\n',
      'a.txt': 'a',
      'scratch.tmp': 't',
      'important.tmp': 'kept: .gitignore re-includes it over info/exclude',
      'cache/x.bin': 'c',
      'notes.swp': 'editor swap file',
      'sub/b.swp': 'b',
    });
    execFileSync('git', ['init', '-q', ws]);
    fs.writeFileSync(path.join(ws, '.git', 'info', 'exclude'), '*.tmp\ncache/\n');
    const xdg = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-xdg-'));
    fs.mkdirSync(path.join(xdg, 'git'));
    fs.writeFileSync(path.join(xdg, 'git', 'ignore'), '*.swp\n');
    const saved = process.env.XDG_CONFIG_HOME;
    process.env.XDG_CONFIG_HOME = xdg;
    try {
      const expected = ['.gitignore', 'a.txt', 'important.tmp'];
      assert.deepEqual(paths((await capture({ testHooks: { now: aMinuteLater } })).entries), expected);
      const gitSees = execFileSync('git', ['-C', ws, 'ls-files', '--others', '--exclude-standard'], {
        encoding: 'utf8',
        env: { ...process.env, XDG_CONFIG_HOME: xdg },
      })
        .trim()
        .split('\n')
        .sort();
      assert.deepEqual(gitSees, expected, 'git itself agrees');
      // A changed exclude file re-filters folders whose cached listing would otherwise be reused.
      fs.writeFileSync(path.join(ws, '.git', 'info', 'exclude'), 'cache/\n');
      assert.deepEqual(paths((await capture({ testHooks: { now: aMinuteLater } })).entries), [
        '.gitignore',
        'a.txt',
        'important.tmp',
        'scratch.tmp',
      ]);
      assert.equal((await capture({ respectGitignore: false })).entries.length, 7);
    } finally {
      if (saved === undefined) delete process.env.XDG_CONFIG_HOME;
      else process.env.XDG_CONFIG_HOME = saved;
      fs.rmSync(xdg, { recursive: true, force: true });
    }
  });

  it('reads core.excludesFile from a git config', () => {
    assert.equal(coreExcludesFile('[user]\n\tname = x\n[core]\n\texcludesFile = ~/.gitignore_global ; a comment\n'), '~/.gitignore_global');
    assert.equal(coreExcludesFile('[core]\n excludesfile = "/etc/git ignore"\n[core "x"]\n'), '/etc/git ignore');
    assert.equal(coreExcludesFile('[alias]\n excludesfile = nope\n'), null);
  });

  it('always leaves out .git, node_modules and a store kept inside the workspace', async () => {
    write({ 'a.txt': 'a', '.git/config': 'c', 'node_modules/x/index.js': 'x', 'pkg/node_modules/y.js': 'y', 'pkg/index.js': 'p' });
    storeDir = path.join(ws, '.incident-replay');
    const first = await capture();
    assert.deepEqual(paths(first.entries), ['a.txt', 'pkg/index.js']);
    const second = await capture();
    assert.deepEqual(paths(second.entries), ['a.txt', 'pkg/index.js'], 'the store written by the first capture is not captured');
  });

  it('records symlinks with their target and never follows them, even in a loop', async () => {
    write({ 'dir/file.txt': 'content' });
    fs.symlinkSync('dir/file.txt', path.join(ws, 'link.txt'));
    fs.symlinkSync('..', path.join(ws, 'dir/up'));
    fs.symlinkSync('missing/target', path.join(ws, 'dangling'));
    const r = await capture();
    assert.deepEqual(paths(r.entries), ['dangling', 'dir/file.txt', 'dir/up', 'link.txt']);
    const link = byPath(r.entries, 'link.txt');
    assert.equal(link.type, 'symlink');
    assert.equal(link.target, 'dir/file.txt');
    assert.equal(link.size, 'dir/file.txt'.length);
    assert.equal(link.id, gitBlobId('dir/file.txt'));
    assert.equal(byPath(r.entries, 'dir/up').target, '..');
    assert.equal(byPath(r.entries, 'dangling').target, 'missing/target');
    assert.deepEqual(r.issues, []);
    const settled = await capture({ testHooks: { now: aMinuteLater } });
    const again = await capture({ testHooks: { now: aMinuteLater } });
    assert.equal(again.manifestId, settled.manifestId);
    assert.equal(again.stats.filesReused, 4);
  });

  it('flags binary content: a NUL byte or invalid UTF-8 in the first 8 KiB', async () => {
    const straddling = Buffer.concat([Buffer.alloc(8191, 'a'), Buffer.from('é and more text', 'utf8')]);
    write({
      'text.txt': 'plain text ✓\n',
      'nul.bin': Buffer.from([0x50, 0x4b, 0x00, 0x01]),
      'latin1.txt': Buffer.from([0x63, 0x61, 0x66, 0xe9]),
      'straddle.txt': straddling,
      'late-nul.txt': Buffer.concat([Buffer.alloc(9000, 'b'), Buffer.from([0])]),
    });
    const r = await capture();
    const binary = Object.fromEntries(r.entries.map((e) => [e.path, e.binary]));
    assert.deepEqual(binary, { 'late-nul.txt': false, 'latin1.txt': true, 'nul.bin': true, 'straddle.txt': false, 'text.txt': false });
    assert.deepEqual(await r.objects.get(byPath(r.entries, 'nul.bin').id), Buffer.from([0x50, 0x4b, 0x00, 0x01]));
  });

  it('records an oversized file by size and id only, with an issue', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 5, 'z');
    const medium = Buffer.from('m'.repeat(5000));
    write({ 'big.dat': big, 'medium.txt': medium, 'small.txt': 'ok' });
    const r = await capture({ maxFileSizeBytes: 4096 });
    for (const [p, content] of [
      ['big.dat', big],
      ['medium.txt', medium],
    ] as const) {
      const e = byPath(r.entries, p);
      assert.equal(e.stored, false);
      assert.equal(e.size, content.length);
      assert.equal(e.id, gitBlobId(content));
      assert.equal(r.objects.has(e.id), false, 'content is not kept');
    }
    assert.deepEqual(
      r.issues.map((i) => [i.path, i.kind]),
      [
        ['big.dat', 'oversized'],
        ['medium.txt', 'oversized'],
      ],
    );
    assert.match(r.issues[0]?.message ?? '', /over the 4096-byte limit/);
    assert.equal(byPath(r.entries, 'small.txt').stored, true);
  });

  it('a size limit lowered below a stored file records it without content, unread; raised again, it is read and stored', async () => {
    write({ 'medium.txt': 'm'.repeat(5000), 'small.txt': 'ok' });
    const first = await capture({ maxFileSizeBytes: 1 << 20, testHooks: { now: aMinuteLater } });
    assert.equal(byPath(first.entries, 'medium.txt').stored, true);
    const lowered = await capture({ maxFileSizeBytes: 4096, testHooks: { now: aMinuteLater } });
    assert.equal(byPath(lowered.entries, 'medium.txt').stored, false);
    assert.equal(byPath(lowered.entries, 'medium.txt').id, byPath(first.entries, 'medium.txt').id);
    assert.equal(lowered.stats.filesHashed, 0, 'taken from the cache, not read again');
    assert.deepEqual(
      lowered.issues.map((i) => [i.path, i.kind]),
      [['medium.txt', 'oversized']],
    );
    const raised = await capture({ maxFileSizeBytes: 1 << 20, testHooks: { now: aMinuteLater } });
    assert.equal(byPath(raised.entries, 'medium.txt').stored, true);
    assert.equal(raised.stats.filesHashed, 1, 'read again to keep its content');
    assert.deepEqual(raised.issues, []);
  });

  it('stores files above the pack threshold as streamed large blobs', async () => {
    const big = Buffer.alloc(2_500_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7919) % 251;
    write({ 'big.bin': big });
    const r = await capture();
    const e = byPath(r.entries, 'big.bin');
    assert.equal(e.stored, true);
    assert.equal(e.id, execFileSync('git', ['hash-object', path.join(ws, 'big.bin')], { encoding: 'utf8' }).trim());
    assert.deepEqual(await r.objects.get(e.id), big);
  });

  it('stores identical content once and an unchanged workspace costs nothing', async () => {
    write({ 'a.txt': 'same content\n'.repeat(1000), 'b/copy.txt': 'same content\n'.repeat(1000), 'c.txt': 'other' });
    const first = await capture({ testHooks: { now: aMinuteLater } });
    assert.equal(byPath(first.entries, 'a.txt').id, byPath(first.entries, 'b/copy.txt').id);
    const usage = await first.objects.diskUsage();
    const second = await capture({ testHooks: { now: aMinuteLater } });
    assert.equal(second.manifestId, first.manifestId);
    assert.deepEqual(second.entries, first.entries);
    assert.equal(await second.objects.diskUsage(), usage);
    assert.equal(second.stats.filesReused, 3);
    assert.equal(second.stats.filesHashed, 0);
    assert.equal(second.stats.bytesRead, 0);
    // The counts a snapshot row records, given without building the entries when unchanged.
    assert.equal(second.fileCount, 3);
    assert.equal(second.byteCount, 2 * 13_000 + 5);
    assert.equal(first.fileCount, 3);
    assert.equal(first.byteCount, 2 * 13_000 + 5);
  });

  it('re-reads only files whose stat data changed', async () => {
    write({ 'a.txt': 'a', 'b.txt': 'b', 'c.txt': 'c' });
    await capture({ testHooks: { now: aMinuteLater } });
    write({ 'b.txt': 'b changed' });
    const r = await capture({ testHooks: { now: aMinuteLater } });
    assert.equal(r.stats.filesReused, 2);
    assert.equal(r.stats.filesHashed, 1);
    assert.equal(byPath(r.entries, 'b.txt').id, gitBlobId('b changed'));
    assert.equal(r.fileCount, 3);
    assert.equal(r.byteCount, 1 + 9 + 1);
    assert.deepEqual(await readManifest(r.objects, r.manifestId), r.entries);
  });

  it('a stat cache kept in memory between captures still sees every change, including captures by another process', async () => {
    write({ 'a.txt': 'a', 'dir/b.txt': 'b' });
    const memo = new StatCacheMemo();
    const later = { testHooks: { now: aMinuteLater }, statCacheMemo: memo };
    const first = await capture(later);
    const second = await capture(later);
    assert.equal(second.manifestId, first.manifestId);
    assert.equal(second.stats.filesReused, 2);
    // Entries handed out for an unchanged capture are the caller's own: changing them changes nothing stored.
    (second.entries[0] as ManifestEntry).id = gitBlobId('tampered');
    const third = await capture(later);
    assert.deepEqual(third.entries, first.entries);

    write({ 'dir/b.txt': 'b changed', 'dir/c.txt': 'c' });
    const changed = await capture(later);
    assert.deepEqual(paths(changed.entries), ['a.txt', 'dir/b.txt', 'dir/c.txt']);
    assert.equal(byPath(changed.entries, 'dir/b.txt').id, gitBlobId('b changed'));

    // Kept in memory by an unchanged capture; then another process (no shared memory) captures
    // a change and rewrites the cache file: the next capture uses that file, so nothing is re-read.
    assert.equal((await capture(later)).stats.filesHashed, 0);
    write({ 'a.txt': 'a changed' });
    await capture({ testHooks: { now: aMinuteLater } });
    const after = await capture(later);
    assert.equal(byPath(after.entries, 'a.txt').id, gitBlobId('a changed'));
    assert.equal(after.stats.filesHashed, 0);
    assert.equal(after.stats.filesReused, 3);
  });

  it('sees files added, removed and renamed in folders whose listing was cached', async () => {
    write({ 'a.txt': 'a', 'dir/b.txt': 'b', 'dir/sub/c.txt': 'c', 'other/d.txt': 'd' });
    await capture({ testHooks: { now: aMinuteLater } });
    write({ 'dir/sub/new.txt': 'new', 'fresh/e.txt': 'e' });
    fs.rmSync(path.join(ws, 'other/d.txt'));
    fs.renameSync(path.join(ws, 'dir/b.txt'), path.join(ws, 'dir/b2.txt'));
    const r = await capture({ testHooks: { now: aMinuteLater } });
    assert.deepEqual(paths(r.entries), ['a.txt', 'dir/b2.txt', 'dir/sub/c.txt', 'dir/sub/new.txt', 'fresh/e.txt']);
    const again = await capture({ testHooks: { now: aMinuteLater } });
    assert.deepEqual(again.entries, r.entries);
    assert.equal(again.stats.filesReused, 5);
  });

  it('re-filters cached folders when a .gitignore is edited in place or the globs change', async () => {
    write({ '.gitignore': 'out/\n', 'keep.txt': 'k', 'scratch.tmp': 't', 'sub/x.tmp': 'x', 'sub/y.txt': 'y', 'out/o.txt': 'o' });
    const later = { testHooks: { now: aMinuteLater } };
    assert.deepEqual(paths((await capture(later)).entries), ['.gitignore', 'keep.txt', 'scratch.tmp', 'sub/x.tmp', 'sub/y.txt']);
    const gi = path.join(ws, '.gitignore');
    const st = fs.statSync(gi);
    fs.writeFileSync(gi, '*.tmp\n');
    fs.utimesSync(gi, st.atime, st.mtime);
    assert.deepEqual(paths((await capture(later)).entries), ['.gitignore', 'keep.txt', 'out/o.txt', 'sub/y.txt']);
    assert.deepEqual(paths((await capture({ ...later, exclude: ['sub/**'] })).entries), ['.gitignore', 'keep.txt', 'out/o.txt']);
    assert.deepEqual(paths((await capture(later)).entries), ['.gitignore', 'keep.txt', 'out/o.txt', 'sub/y.txt']);
  });

  it('re-hashes files whose stat data is not older than the previous capture (racy), and only those', async () => {
    write({ 'a.txt': 'a', 'b.txt': 'b' });
    // a.txt's timestamp is at or after the moment the first capture starts, on the file
    // system's own clock: a write in that same tick would leave its stat data unchanged.
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(path.join(ws, 'a.txt'), later, later);
    await capture();
    const r = await capture();
    assert.equal(r.stats.filesHashed, 1);
    assert.equal(r.stats.filesReused, 1);
  });

  it('trusts files written before a capture at once: a copied tree is not re-read by the next snapshots', async () => {
    write({ 'a.txt': 'a', 'b.txt': 'b', 'c/d.txt': 'd' });
    await capture();
    const r = await capture();
    assert.equal(r.stats.filesHashed, 0);
    assert.equal(r.stats.filesReused, 3);
  });

  it('detects a same-size rewrite whose mtime was put back', async () => {
    write({ 'a.txt': 'version-1' });
    const before = fs.statSync(path.join(ws, 'a.txt'));
    const first = await capture();
    fs.writeFileSync(path.join(ws, 'a.txt'), 'version-2');
    fs.utimesSync(path.join(ws, 'a.txt'), before.atime, before.mtime);
    const r = await capture();
    assert.equal(byPath(r.entries, 'a.txt').id, gitBlobId('version-2'));
    assert.notEqual(r.manifestId, first.manifestId);
  });

  it('reports a file deleted during the scan as vanished and carries on', async () => {
    write({ 'a.txt': 'a', 'b.txt': 'b', 'c.txt': 'c' });
    const r = await capture({
      testHooks: {
        beforeRead: (p) => {
          if (p === 'b.txt') fs.rmSync(path.join(ws, 'b.txt'));
        },
      },
    });
    assert.deepEqual(paths(r.entries), ['a.txt', 'c.txt']);
    assert.deepEqual(
      r.issues.map((i) => [i.path, i.kind]),
      [['b.txt', 'vanished']],
    );
  });

  it('reports a file rewritten during the scan and records a consistent copy', async () => {
    write({ 'a.txt': 'a', 'log.txt': 'line 1\n' });
    const r = await capture({
      testHooks: {
        beforeRead: (p) => {
          if (p === 'log.txt') fs.appendFileSync(path.join(ws, 'log.txt'), 'line 2\n');
        },
      },
    });
    assert.deepEqual(
      r.issues.map((i) => [i.path, i.kind]),
      [['log.txt', 'changed_during_scan']],
    );
    const log = byPath(r.entries, 'log.txt');
    assert.equal(log.id, gitBlobId('line 1\nline 2\n'));
    assert.equal(log.size, 14);
    assert.equal((await r.objects.get(log.id)).toString(), 'line 1\nline 2\n');
  });

  it('keeps files whose names are not valid UTF-8', async () => {
    const root = Buffer.from(ws);
    const badName = Buffer.from([0x66, 0xff, 0x2e, 0x74, 0x78, 0x74]); // f\xff.txt
    const badDir = Buffer.from([0x64, 0xfe]); // d\xfe
    fs.writeFileSync(Buffer.concat([root, Buffer.from('/'), badName]), 'bad name');
    fs.mkdirSync(Buffer.concat([root, Buffer.from('/'), badDir]));
    fs.writeFileSync(Buffer.concat([root, Buffer.from('/'), badDir, Buffer.from('/inner.txt')]), 'inside');
    write({ 'ok.txt': 'fine' });
    const r = await capture();
    assert.deepEqual(paths(r.entries), ['d\uFFFD/inner.txt', 'f\uFFFD.txt', 'ok.txt']);
    const f = byPath(r.entries, 'f\uFFFD.txt');
    assert.deepEqual(Buffer.from(f.rawPath ?? '', 'base64'), badName);
    assert.equal(f.id, gitBlobId('bad name'));
    const inner = byPath(r.entries, 'd\uFFFD/inner.txt');
    assert.deepEqual(Buffer.from(inner.rawPath ?? '', 'base64'), Buffer.concat([badDir, Buffer.from('/inner.txt')]));
    assert.equal(byPath(r.entries, 'ok.txt').rawPath, undefined);
    // Incremental capture finds them again by their raw names.
    const again = await capture();
    assert.equal(again.entries.length, 3);
    assert.deepEqual(again.issues, []);
  });

  it("keeps every folder's stat data, .gitignore, special files and raw name in the stat cache file", async () => {
    write({ 'a/.gitignore': '*.tmp\n', 'a/keep.txt': 'k', 'a/skip.tmp': 's', 'b/c/deep.txt': 'd' });
    assert.equal(spawnSync('mkfifo', [path.join(ws, 'b', 'pipe')]).status, 0, 'mkfifo is needed for this test');
    const badDir = Buffer.concat([Buffer.from(ws), Buffer.from('/d'), Buffer.from([0xfe])]);
    fs.mkdirSync(badDir);
    fs.writeFileSync(Buffer.concat([badDir, Buffer.from('/inner.txt')]), 'inside');
    const first = await capture({ testHooks: { now: aMinuteLater } });
    const dirs = loadStatCacheSync(storeDir, ws).allDirs();
    const byRel = new Map(dirs.map((d) => [d.rel, d]));
    assert.deepEqual([...byRel.keys()].sort(), ['', 'a', 'b', 'b/c', 'd\uFFFD']);
    for (const d of dirs) {
      const st = fs.lstatSync(
        d.rawRel === undefined ? path.join(ws, d.rel) : Buffer.concat([Buffer.from(`${ws}/`), Buffer.from(d.rawRel, 'base64')]),
      );
      assert.deepEqual([d.mtimeMs, d.ctimeMs, d.ino], [st.mtimeMs, st.ctimeMs, st.ino], d.rel);
    }
    const gitignore = fs.lstatSync(path.join(ws, 'a', '.gitignore'));
    assert.deepEqual(byRel.get('a')?.gitignore, { mtimeMs: gitignore.mtimeMs, ctimeMs: gitignore.ctimeMs, ino: gitignore.ino, size: 6 });
    assert.equal(byRel.get('b')?.gitignore, null);
    assert.deepEqual(
      byRel.get('b')?.specials,
      first.issues.filter((i) => i.path === 'b/pipe'),
    );
    assert.deepEqual(byRel.get('b/c')?.specials, []);
    assert.deepEqual(Buffer.from(byRel.get('d\uFFFD')?.rawRel ?? '', 'base64'), Buffer.from([0x64, 0xfe]));
    assert.equal(byRel.get('a')?.rawRel, undefined);
    // The next capture takes every listing from the file, and finds the same.
    const again = await capture({ testHooks: { now: aMinuteLater } });
    assert.deepEqual(paths(again.entries), paths(first.entries));
    assert.deepEqual(again.issues, first.issues);
  });

  it('reports FIFOs as special files without blocking on them', async () => {
    write({ 'a.txt': 'a' });
    const made = spawnSync('mkfifo', [path.join(ws, 'pipe')]);
    assert.equal(made.status, 0, 'mkfifo is needed for this test');
    for (const r of [await capture({ testHooks: { now: aMinuteLater } }), await capture({ testHooks: { now: aMinuteLater } })]) {
      assert.deepEqual(paths(r.entries), ['a.txt']);
      assert.deepEqual(
        r.issues.map((i) => [i.path, i.kind]),
        [['pipe', 'special_file']],
        'reported again when the folder listing is reused',
      );
    }
  });

  it('refuses a missing or non-folder workspace with an input error saying what to fix', async () => {
    await assert.rejects(
      capture({ workspaceRoot: path.join(tmp, 'nope') }),
      (e: unknown) => e instanceof InputError && /does not exist/.test(e.message),
    );
    fs.writeFileSync(path.join(tmp, 'file'), 'x');
    await assert.rejects(
      capture({ workspaceRoot: path.join(tmp, 'file') }),
      (e: unknown) => e instanceof InputError && /not a folder/.test(e.message),
    );
  });

  it('stops with an AbortError when cancelled and leaves the store usable', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 600; i++) files[`f${i}.txt`] = `file ${i}\n`.repeat(50);
    write(files);
    const ac = new AbortController();
    await assert.rejects(
      capture({
        signal: ac.signal,
        onProgress: (n) => {
          if (n >= 200) ac.abort();
        },
        testHooks: { beforeRead: () => new Promise((resolve) => setImmediate(resolve)) },
      }),
      (e: unknown) => e instanceof Error && e.name === 'AbortError',
    );
    const objects = await ObjectStore.open(path.join(storeDir, 'objects'));
    assert.equal(await objects.diskUsage(), 0, 'no partial pack is left');
    const pre = new AbortController();
    pre.abort();
    await assert.rejects(capture({ signal: pre.signal }), { name: 'AbortError' });
    const r = await capture();
    assert.equal(r.entries.length, 600);
  });

  it('a cancelled capture leaves no large blob or temporary file behind', async () => {
    const files: Record<string, string | Buffer> = { 'big.bin': Buffer.alloc(3 * 1024 * 1024, 7) };
    for (let i = 0; i < 50; i++) files[`f${i}.txt`] = `small ${i}`;
    write(files);
    const ac = new AbortController();
    let bigDone = false;
    await assert.rejects(
      capture({
        signal: ac.signal,
        testHooks: {
          beforeRead: (p) => {
            // Cancelled while the large file is being read: whether or not its blob was
            // already written, nothing may remain.
            if (p === 'big.bin') {
              bigDone = true;
              ac.abort();
            }
          },
        },
      }),
      { name: 'AbortError' },
    );
    assert.ok(bigDone, 'the large file was reached before the capture was cancelled');
    for (const sub of ['loose', 'tmp', 'packs']) assert.deepEqual(fs.readdirSync(path.join(storeDir, 'objects', sub)), [], sub);
  });

  it('after gc, a later snapshot still reads back completely', async () => {
    write({ 'a.txt': 'one', 'b.txt': 'two' });
    const first = await capture({ testHooks: { now: aMinuteLater } });
    write({ 'b.txt': 'two, changed' });
    const second = await capture({ testHooks: { now: aMinuteLater } });
    const live = new Set([second.manifestId, ...second.entries.map((e) => e.id)]);
    const gc = await second.objects.gc(live);
    assert.equal(gc.removedObjects, 2, 'the first manifest and the old b.txt');
    assert.equal(second.objects.has(first.manifestId), false);
    const objects = await ObjectStore.open(path.join(storeDir, 'objects'));
    for (const e of await readManifest(objects, second.manifestId)) assert.ok((await objects.get(e.id)).length >= 0);
    // The stat cache still names the collected first manifest; capturing again must not trust it blindly.
    const third = await capture({ testHooks: { now: aMinuteLater } });
    assert.equal(third.manifestId, second.manifestId);
    assert.equal((await readManifest(third.objects, third.manifestId)).length, 2);
  });
});
