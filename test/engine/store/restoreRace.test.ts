import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { cli, cliAsync, TempWorkspace } from '../../support/workspace';
import { Sentinel } from '../../security/craftedStore';

const spaces: TempWorkspace[] = [];
after(() => spaces.forEach((w) => w.dispose()));

/*
 * Another process keeps swapping a folder of the workspace for a symlink to outside and back,
 * as fast as it can, while the real CLI restores. Whatever the timing, no write may land
 * outside; a write that meets the symlink is refused and named.
 */
const SWAPPER = `
const fs = require('node:fs');
const [sub, moved, outside, stop] = process.argv.slice(1);
let swaps = 0;
while (!fs.existsSync(stop)) {
  try {
    fs.renameSync(sub, moved);
    fs.symlinkSync(outside, sub);
    for (let i = 0; i < 2000; i++);
    fs.unlinkSync(sub);
    fs.renameSync(moved, sub);
    swaps++;
  } catch {}
}
console.log(swaps);
`;

test('a process swapping a folder for a symlink to outside during restores never gets a byte written outside', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 40; i++) files[`sub/f${String(i).padStart(2, '0')}.txt`] = `original ${i}\n`;
  const w = new TempWorkspace(files);
  spaces.push(w);
  const outsideParent = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-race-outside-'));
  after(() => fs.rmSync(outsideParent, { recursive: true, force: true }));
  const outside = new Sentinel(path.join(outsideParent, 'outside'));
  assert.equal(cli(w, 'snapshot', '--baseline').code, 0);
  for (const name of Object.keys(files)) fs.writeFileSync(w.path(name), 'changed\n');
  assert.equal(cli(w, 'snapshot', '--label', 'changed').code, 0);

  const stop = w.path('.stop');
  const swapper = spawn(process.execPath, ['-e', SWAPPER, w.path('sub'), w.path('sub.moved'), outside.dir, stop], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let swaps = '';
  swapper.stdout.on('data', (d: Buffer) => (swaps += d.toString()));
  const exited = new Promise<void>((resolve) => swapper.on('exit', () => resolve()));
  let refusals = 0;
  try {
    // Each round restores the other state, so every round has 40 writes to make.
    for (let round = 0; round < 4; round++) {
      const r = await cliAsync(w, 'restore', round % 2 === 0 ? 'baseline' : 'changed', '--force');
      assert.ok(
        r.code === 0 || /became a symlink|is a symlink|disappeared|cannot|busy/.test(r.stderr),
        `round ${round}: ${r.code} ${r.stderr}`,
      );
      refusals += (r.stderr.match(/^skipped /gm) ?? []).length;
      outside.assertUntouched();
    }
  } finally {
    fs.writeFileSync(stop, '');
    await exited;
  }
  assert.ok(Number(swaps) > 0, 'the swapper ran');
  outside.assertUntouched();
  // After the swapping stops, one more restore puts the folder back whole, whatever it left there.
  const final = cli(w, 'restore', 'baseline', '--force');
  assert.equal(final.code, 0, final.stderr);
  for (const [rel, content] of Object.entries(files)) assert.equal(fs.readFileSync(w.path(rel), 'utf8'), content);
  outside.assertUntouched();
  console.log(`# ${swaps.trim()} swaps, ${refusals} writes refused`);
});
