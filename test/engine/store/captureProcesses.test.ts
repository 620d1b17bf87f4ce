import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { gitBlobId } from '../../../src/engine/store/gitBlobId';
import { readManifest } from '../../../src/engine/store/manifest';
import { ObjectStore } from '../../../src/engine/store/objectStore';
import type { ScanIssue } from '../../../src/engine/types';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const TSX = pathToFileURL(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-'));
  // Child processes may run as another user; let them reach the folder.
  fs.chmodSync(tmp, 0o755);
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface ChildResult {
  manifestId: string;
  count: number;
  issues: ScanIssue[];
}

/** Runs one capture in a separate Node process, as the CLI or a second VS Code window would. */
function captureInChild(workspaceRoot: string, storeDir: string, as?: { uid: number; gid: number }, settled = false): Promise<ChildResult> {
  const script = path.join(tmp, 'capture-child.ts');
  if (!fs.existsSync(script)) {
    fs.writeFileSync(
      script,
      `import { captureWorkspace } from ${JSON.stringify(path.join(ROOT, 'src/engine/store/capture'))};
import { ObjectStore } from ${JSON.stringify(path.join(ROOT, 'src/engine/store/objectStore'))};
async function main(): Promise<void> {
  const [workspaceRoot, storeDir] = process.argv.slice(2) as [string, string];
  const objects = await ObjectStore.open(storeDir + '/objects');
  // IR_SETTLED: treat the files as older than the racy window, so cached listings are reused.
  const testHooks = process.env.IR_SETTLED ? { now: () => Date.now() + 60_000 } : {};
  const r = await captureWorkspace(objects, { workspaceRoot, storeDir, include: ['**'], exclude: [], respectGitignore: true, maxFileSizeBytes: 20 << 20, testHooks });
  process.stdout.write(JSON.stringify({ manifestId: r.manifestId, count: r.entries.length, issues: r.issues }));
}
main().catch((e) => { console.error(e); process.exit(1); });
`,
    );
    fs.chmodSync(script, 0o644);
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, script, workspaceRoot, storeDir], {
      ...(as ?? {}),
      env: { ...process.env, HOME: tmp, IR_SETTLED: settled ? '1' : '' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(JSON.parse(out) as ChildResult);
      else reject(new Error(`capture child exited ${code}: ${err}`));
    });
  });
}

function makeWorkspace(name: string, files: Record<string, string>): string {
  const dir = path.join(tmp, name);
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}

describe('captures in separate processes', () => {
  it('two processes capturing into one store at once both stay readable', async () => {
    const files = (tag: string): Record<string, string> => {
      const out: Record<string, string> = {};
      for (let i = 0; i < 400; i++) out[`d${i % 7}/f${i}.txt`] = `${i % 2 === 0 ? 'shared' : tag} content ${i}\n`.repeat(40);
      return out;
    };
    const wsA = makeWorkspace('a', files('a'));
    const wsB = makeWorkspace('b', files('b'));
    const storeDir = path.join(tmp, 'store');
    const [a, b] = await Promise.all([captureInChild(wsA, storeDir), captureInChild(wsB, storeDir)]);
    assert.equal(a.count, 400);
    assert.equal(b.count, 400);
    const objects = await ObjectStore.open(path.join(storeDir, 'objects'));
    for (const [ws, r] of [
      [wsA, a],
      [wsB, b],
    ] as const) {
      const entries = await readManifest(objects, r.manifestId);
      assert.equal(entries.length, 400);
      for (const e of entries) {
        const content = await objects.get(e.id);
        assert.deepEqual(content, fs.readFileSync(path.join(ws, e.path)));
        assert.equal(e.id, gitBlobId(content));
      }
    }
    assert.equal(fs.readdirSync(path.join(storeDir, 'objects', 'tmp')).length, 0, 'no temporaries left');
  });

  it('reports unreadable files and folders and captures the rest', { skip: process.platform === 'win32' }, async () => {
    const ws = makeWorkspace('ws', { 'ok.txt': 'fine', 'secret.txt': 'hidden', 'locked/inside.txt': 'hidden too' });
    fs.chmodSync(path.join(ws, 'secret.txt'), 0o000);
    fs.chmodSync(path.join(ws, 'locked'), 0o000);
    const storeDir = path.join(tmp, 'store');
    fs.mkdirSync(storeDir, { mode: 0o777 });
    fs.chmodSync(storeDir, 0o777);
    // Root reads mode-000 files anyway, so the capture runs as "nobody" when the tests run as root.
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;
    const r = await captureInChild(ws, storeDir, asNobody, true);
    // The second capture reuses cached folder listings; the problems must still be reported.
    const again = await captureInChild(ws, storeDir, asNobody, true);
    fs.chmodSync(path.join(ws, 'locked'), 0o755);
    for (const result of [r, again]) {
      assert.equal(result.count, 1);
      assert.deepEqual(
        result.issues.map((i) => [i.path, i.kind]),
        [
          ['locked', 'unreadable_directory'],
          ['secret.txt', 'unreadable'],
        ],
      );
    }
    const objects = await ObjectStore.open(path.join(storeDir, 'objects'));
    assert.deepEqual(
      (await readManifest(objects, r.manifestId)).map((e) => e.path),
      ['ok.txt'],
    );
  });

  it(
    'a file captured before and now unreadable keeps its content with its new mode, not a deletion',
    { skip: process.platform === 'win32' },
    async () => {
      const ws = makeWorkspace('ws', { 'ok.txt': 'fine', 'data.csv': 'a,b\n1,2\n' });
      const storeDir = path.join(tmp, 'store');
      fs.mkdirSync(storeDir, { mode: 0o777 });
      fs.chmodSync(storeDir, 0o777);
      const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;
      const manifest = async (id: string) => {
        const objects = await ObjectStore.open(path.join(storeDir, 'objects'));
        return new Map((await readManifest(objects, id)).map((e) => [e.path, e]));
      };
      const first = await manifest((await captureInChild(ws, storeDir, asNobody, true)).manifestId);
      const data = path.join(ws, 'data.csv');
      fs.chmodSync(data, 0o000);
      // Twice: the second capture starts from a stat cache the first wrote with the file unreadable.
      for (let round = 0; round < 2; round++) {
        const r = await captureInChild(ws, storeDir, asNobody, true);
        const now = await manifest(r.manifestId);
        assert.equal(now.get('data.csv')?.id, first.get('data.csv')?.id, `round ${round}: the content kept`);
        assert.equal(now.get('data.csv')?.mode, 0, `round ${round}: the mode it has now`);
        assert.deepEqual(
          r.issues.map((i) => [i.path, i.kind]),
          round === 0 ? [['data.csv', 'unreadable']] : [],
          `round ${round}`,
        );
      }
      // Rewritten while unreadable: its content is unknown, and no longer recorded.
      fs.chmodSync(data, 0o644);
      fs.writeFileSync(data, 'a,b\n1,2\n3,4\n');
      fs.chmodSync(data, 0o000);
      const rewritten = await captureInChild(ws, storeDir, asNobody, true);
      assert.deepEqual([...(await manifest(rewritten.manifestId)).keys()], ['ok.txt']);
      assert.deepEqual(
        rewritten.issues.map((i) => [i.path, i.kind, i.message]),
        [['data.csv', 'unreadable', 'permission denied (EACCES)']],
      );
    },
  );
});
