import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { globalOptionValue } from '../../src/cli/argv';
import { startEarlyPreload } from '../../src/cli/earlyPreload';
import { DEFAULT_CONFIG } from '../../src/engine/config/defaults';
import { SnapshotStore } from '../../src/engine/snapshotStore';
import { takeOfferedPreload } from '../../src/engine/store/statPreload';
import { cli, TempWorkspace } from '../support/workspace';

/*
 * The launcher starts a snapshot's stat preload from the command line alone, before the CLI is
 * loaded (src/cli/earlyPreload.ts). It must guess the store as the CLI will open it, write nowhere
 * the CLI would refuse to, and be declined by any other store.
 */

let ws: TempWorkspace;
const extra: string[] = [];
beforeEach(() => {
  ws = new TempWorkspace({ 'a.txt': 'one\n', 'src/b.txt': 'two\n' });
});
afterEach(() => {
  ws.dispose();
  for (const d of extra.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  // Never leave an offer to the next test.
  takeOfferedPreload('', '');
});

async function warm(storeDir?: string): Promise<void> {
  const store = await SnapshotStore.open({ workspaceRoot: ws.dir, config: DEFAULT_CONFIG, ...(storeDir ? { storeDir } : {}) });
  try {
    await store.snapshot();
  } finally {
    store.close();
  }
}

describe('early stat preload', () => {
  it('reads --workspace and --store as commander does, in both spellings, only before the verb', () => {
    assert.equal(globalOptionValue(['--workspace', 'w', '--store=s', 'snapshot'], '--store'), 's');
    assert.equal(globalOptionValue(['--workspace', 'w', '--store=s', 'snapshot'], '--workspace'), 'w');
    assert.equal(globalOptionValue(['--config', '--store', 'snapshot'], '--store'), undefined, 'a value is not an option');
    assert.equal(globalOptionValue(['snapshot', '--store', 's'], '--store'), undefined);
    assert.equal(globalOptionValue(['--store', 'a', '--store', 'b', 'snapshot'], '--store'), 'b', 'the last one wins');
    assert.equal(globalOptionValue(['--', '--store', 's'], '--store'), undefined);
  });

  it('offers a preload of the store the command line names, which that store takes and any other declines', async () => {
    await warm();
    const storeDir = ws.path('.incident-replay');
    startEarlyPreload(['--workspace', ws.dir, 'snapshot']);
    const offer = takeOfferedPreload(storeDir, ws.dir);
    assert.ok(offer, 'offered for the default store');
    assert.equal(takeOfferedPreload(storeDir, ws.dir), null, 'taken once');
    assert.equal(offer.preload.settle(), true);

    startEarlyPreload(['--workspace', ws.dir, 'snapshot']);
    const other = path.join(ws.dir, 'elsewhere');
    assert.equal(takeOfferedPreload(other, ws.dir), null, 'another store declines it');
    const store = await SnapshotStore.open({ workspaceRoot: ws.dir, config: DEFAULT_CONFIG, preloadStats: true });
    store.close();
    // The declined offer was cancelled and dropped, not left for the next store.
    assert.equal(takeOfferedPreload(storeDir, ws.dir), null);
  });

  it('offers nothing for a cold store, and never through a default store folder that leads out of the workspace', async () => {
    startEarlyPreload(['--workspace', ws.dir, 'snapshot']);
    assert.equal(takeOfferedPreload(ws.path('.incident-replay'), ws.dir), null, 'no stat cache yet');

    // A warm store elsewhere, and a committed symlink that makes it the workspace's default store.
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-outside-'));
    extra.push(outside);
    await warm(outside);
    fs.rmSync(path.join(outside, 'clock'));
    fs.symlinkSync(outside, ws.path('.incident-replay'));
    startEarlyPreload(['--workspace', ws.dir, 'snapshot']);
    assert.equal(takeOfferedPreload(ws.path('.incident-replay'), ws.dir), null);
    assert.equal(fs.existsSync(path.join(outside, 'clock')), false, 'nothing was written there');
    // --store may name it: the user's choice.
    startEarlyPreload([`--store=${outside}`, '--workspace', ws.dir, 'snapshot']);
    assert.ok(takeOfferedPreload(outside, ws.dir));
  });

  it('a CLI snapshot records what changed just before it ran, with the preload started by the launcher', () => {
    const first = cli(ws, 'snapshot');
    assert.equal(first.code, 0, first.stderr);
    for (let round = 0; round < 3; round++) {
      ws.write({ 'a.txt': `round ${round}\n`, [`new-${round}.txt`]: 'new\n' });
      const r = cli(ws, 'snapshot');
      assert.equal(r.code, 0, r.stderr);
      const d = cli(ws, 'diff', 'latest~1', 'latest', '--json');
      assert.equal(d.code, 0, d.stderr);
      const changes = (JSON.parse(d.stdout) as { changes: { path: string; status: string }[] }).changes;
      assert.deepEqual(
        changes.map((c) => [c.path, c.status]),
        [
          ['a.txt', 'modified'],
          [`new-${round}.txt`, 'added'],
        ],
      );
    }
  });
});
