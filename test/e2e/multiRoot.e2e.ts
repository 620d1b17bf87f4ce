// Incident Replay in a multi-root window (a .code-workspace with the folders alpha and beta,
// each a copy of fixtures/workspace): one store and one baseline per folder, and the commands
// that act on one folder ask which. Run through `node scripts/e2e/run.mjs multiRoot`.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  e2eEnv,
  findFolderStore,
  folderStoreJson,
  installedExtension,
  type E2EEnv,
  type InstalledExtension,
  type StoredIncident,
  type StoredSnapshot,
} from './support/env';
import { runFailingJob, Session } from './support/session';
import { waitUntil } from './support/workbench';

const CMD = {
  takeSnapshot: 'incidentReplay.takeSnapshot',
  analyze: 'incidentReplay.analyzeSinceBaseline',
} as const;

let env: E2EEnv;
let ext: InstalledExtension;
let session: Session;
let alpha: string;
let beta: string;

before(() => {
  env = e2eEnv();
  ext = installedExtension(env);
  session = new Session(env);
  assert.equal(env.folders.length, 2, 'the run opens a two-folder workspace');
  [alpha, beta] = env.folders as [string, string];
});

after(() => session.close());

const title = (id: string): string => ext.commands.get(id) ?? id;

function snapshotsOf(folder: string): StoredSnapshot[] {
  const store = findFolderStore(env, folder);
  return store ? folderStoreJson<{ snapshots: StoredSnapshot[] }>(folder, store, 'snapshots').snapshots : [];
}

function incidentsOf(folder: string): StoredIncident[] {
  const store = findFolderStore(env, folder);
  return store ? folderStoreJson<{ incidents: StoredIncident[] }>(folder, store, 'incidents').incidents : [];
}

/** Take Snapshot for one folder: the command asks which, then for a label, then offers the baseline. */
async function baselineOf(folder: string, label: string): Promise<StoredSnapshot> {
  const name = path.basename(folder);
  await session.step(`run "Take Snapshot"; it asks which folder, offering alpha and beta; pick ${name}`, async (w) => {
    await w.runCommand(CMD.takeSnapshot, title(CMD.takeSnapshot));
    await w.pickByLabel(['alpha', 'beta'], name);
  });
  await session.step(`label it "${label}" and mark it as the baseline`, async (w) => {
    await w.answerInputBox(/label/i, label);
    assert.ok(await w.acceptOffer(/mark as baseline/i, 20_000), '"Mark as baseline" was offered');
  });
  return session.step(`${name}'s store records the baseline "${label}"`, () =>
    waitUntil(
      `a baseline labelled ${label} in ${name}'s store`,
      30_000,
      async () => snapshotsOf(folder).find((s) => s.label === label && s.baseline),
      async () => JSON.stringify(snapshotsOf(folder)),
    ),
  );
}

test('the workbench opens the two-folder workspace', { timeout: 150_000 }, async (t) => {
  const wb = await session.open(t, 'alpha');
  await session.step('the explorer lists both folders', async (w) => {
    await w.page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'beta' }).first().waitFor({ timeout: 30_000 });
  });
  await wb.screenshot('01-two-folders');
});

test('Take Snapshot asks which folder and snapshots that folder only', { timeout: 120_000 }, async () => {
  const snap = await baselineOf(beta, 'beta-baseline');
  assert.equal(snap.fileCount, 6, "the snapshot holds beta's 6 files, not alpha's as well");
  assert.equal(findFolderStore(env, alpha), undefined, 'alpha has no store yet');
  await session.wb?.screenshot('02-beta-baseline');
});

test('each folder keeps its own store and baseline', { timeout: 120_000 }, async () => {
  await baselineOf(alpha, 'alpha-baseline');
  assert.notEqual(findFolderStore(env, alpha), findFolderStore(env, beta));
  assert.deepEqual(
    snapshotsOf(alpha).map((s) => [s.label, s.baseline]),
    [['alpha-baseline', true]],
  );
  assert.deepEqual(
    snapshotsOf(beta).map((s) => [s.label, s.baseline]),
    [['beta-baseline', true]],
  );
});

test('Analyze Since Baseline asks which folder and analyses that folder only', { timeout: 180_000 }, async () => {
  const job = await runFailingJob(beta);
  await session.step('run "Analyze Since Baseline"; it asks which folder; pick beta', async (w) => {
    await w.runCommand(CMD.analyze, title(CMD.analyze));
    await w.pickByLabel(['alpha', 'beta'], 'beta');
  });
  await session.step("beta's store records an incident, alpha's none", async () => {
    await waitUntil('an incident in beta', 90_000, async () => (incidentsOf(beta).length > 0 ? true : undefined));
    assert.deepEqual(incidentsOf(alpha), []);
  });
  await session.step(`the Problems panel shows ECONNREFUSED in beta's job.log at line ${job.errorLine}`, async (w) => {
    await w.closeQuickInput();
    await w.showProblems();
    const problem = await waitUntil(
      'an ECONNREFUSED problem',
      30_000,
      async () => (await w.problems()).find((p) => /ECONNREFUSED/.test(p.label)),
      async () => JSON.stringify((await w.problems()).map((p) => `${p.folder} ${p.file}: ${p.text}`)),
    );
    assert.equal(problem.file, 'job.log');
    assert.match(problem.folder, /beta/, `the problem's folder: ${problem.folder}`);
    assert.match(problem.text, new RegExp(`\\[Ln ${job.errorLine}, Col \\d+\\]`));
    const fromAlpha = (await w.problems()).filter((p) => /alpha/.test(p.folder));
    assert.deepEqual(
      fromAlpha.map((p) => p.text),
      [],
      'nothing from alpha',
    );
    await w.screenshot('03-beta-problems');
  });
});
