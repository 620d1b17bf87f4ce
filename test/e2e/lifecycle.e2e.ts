// The life of a store in a real VS Code, through the surfaces a person uses besides the
// palette: the Snapshots view's welcome button, the getting-started walkthrough (baseline,
// analyse, export), the view's context menu (Delete Snapshot), Prune Snapshots with the
// keepSnapshots setting, and the extension's activation time as VS Code measures it.
// Run through `node scripts/e2e/run.mjs lifecycle`.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  e2eEnv,
  findStore,
  installedExtension,
  storeJson,
  type E2EEnv,
  type InstalledExtension,
  type StoredIncident,
  type StoredSnapshot,
} from './support/env';
import { runFailingJob, Session } from './support/session';
import { waitUntil } from './support/workbench';

const CMD = {
  takeSnapshot: 'incidentReplay.takeSnapshot',
  prune: 'incidentReplay.pruneSnapshots',
  restore: 'incidentReplay.restoreFileFromSnapshot',
} as const;
const CONTAINER = 'Incident Replay';
const WALKTHROUGH = 'Replay an agent incident';

let env: E2EEnv;
let ext: InstalledExtension;
let session: Session;
let store: string | undefined;

before(() => {
  env = e2eEnv();
  ext = installedExtension(env);
  session = new Session(env);
});

after(() => session.close());

const title = (id: string): string => ext.commands.get(id) ?? id;

function snapshots(): StoredSnapshot[] {
  store ??= findStore(env);
  return store ? storeJson<{ snapshots: StoredSnapshot[] }>(env, store, 'snapshots').snapshots : [];
}

/** The text of the extension's output channel as VS Code logs it to disk (empty until it exists). */
function extensionLog(): string {
  const logs = path.join(env.userData, 'logs');
  if (!existsSync(logs)) return '';
  for (const session of readdirSync(logs).sort().reverse()) {
    const dir = path.join(logs, session);
    for (const host of readdirSync(dir).filter((d) => d.startsWith('exthost'))) {
      const file = path.join(dir, host, env.extensionId, 'Incident Replay.log');
      if (existsSync(file)) return readFileSync(file, 'utf8');
    }
  }
  return '';
}

function incidents(): StoredIncident[] {
  store ??= findStore(env);
  return store ? storeJson<{ incidents: StoredIncident[] }>(env, store, 'incidents').incidents : [];
}

async function takeSnapshot(label: string): Promise<StoredSnapshot> {
  return session.step(`take the snapshot "${label}" from the palette`, async (w) => {
    await w.runCommand(CMD.takeSnapshot, title(CMD.takeSnapshot));
    await w.answerInputBox(/label/i, label);
    assert.ok(await w.acceptOffer(/Snapshot only/, 10_000), '"Snapshot only" was offered next to "Mark as baseline"');
    return waitUntil(`the snapshot ${label}`, 30_000, async () => snapshots().find((s) => s.label === label));
  });
}

test('the Snapshots view welcomes a workspace without snapshots; its button takes the baseline', { timeout: 150_000 }, async (t) => {
  const wb = await session.open(t, 'config');
  await session.step(`open the ${CONTAINER} view container; the Snapshots view offers "Take Baseline Snapshot"`, async (w) => {
    await w.showViewContainer(CONTAINER);
    await w.page
      .locator('.welcome-view-content .monaco-button', { hasText: 'Take Baseline Snapshot' })
      .first()
      .waitFor({ timeout: 30_000 });
    await w.screenshot('01-snapshots-welcome');
  });
  await session.step('click "Take Baseline Snapshot": the store records the baseline, the view lists it with a star', async (w) => {
    await w.showViewContainer(CONTAINER);
    await w.page.locator('.welcome-view-content .monaco-button', { hasText: 'Take Baseline Snapshot' }).first().click();
    const snap = await waitUntil('a baseline in the store', 30_000, async () => snapshots().find((s) => s.baseline));
    assert.equal(snap.label, 'baseline');
    assert.equal(snap.fileCount, 6);
    const row = await waitUntil('the baseline row in the Snapshots view', 20_000, async () => {
      const rows = w.viewRows('Snapshots');
      for (let i = 0, n = await rows.count(); i < n; i++) {
        const label = (await rows.nth(i).getAttribute('aria-label')) ?? '';
        if (/^Baseline snapshot baseline,/.test(label)) return rows.nth(i);
      }
      return undefined;
    });
    assert.match((await row.innerText()).replace(/\s+/g, ' '), /6 files/);
    assert.equal(await row.locator('.codicon-star-full').count(), 1, 'the baseline carries a star');
  });
  await wb.screenshot('02-baseline-in-view');
});

test('the walkthrough analyses the failure and exports the report', { timeout: 180_000 }, async () => {
  await runFailingJob(env.workspace);
  const page = session.wb?.page;
  assert.ok(page);
  const container = page.locator('.gettingStartedContainer');
  await session.step(`open the walkthrough "${WALKTHROUGH}"`, async (w) => {
    await w.runCommand('welcome.showAllWalkthroughs', 'Welcome: Open Walkthrough...');
    await w.pickByLabel([WALKTHROUGH], WALKTHROUGH);
    await container.locator('.getting-started-step', { hasText: 'Take a baseline' }).first().waitFor({ timeout: 30_000 });
    await w.screenshot('03-walkthrough');
  });
  await session.step('its "Analyze Since Baseline" button records an incident', async () => {
    await container.locator('.getting-started-step', { hasText: 'Analyse since the baseline' }).first().click();
    await container.getByRole('button', { name: 'Analyze Since Baseline', exact: true }).first().click();
    await waitUntil('an incident in the store', 90_000, async () => (incidents().length > 0 ? true : undefined));
  });
  await session.step('its "Export" step writes the postmortem into the workspace', async (w) => {
    await w.activateTab('Welcome').catch(() => undefined);
    const step = container
      .locator('.getting-started-step')
      .filter({ hasText: /report|postmortem/i })
      .first();
    await step.click();
    // The only incident is exported without asking which.
    await container.getByRole('button', { name: 'Export Incident Report', exact: true }).first().click();
    const dir = path.join(env.workspace, 'docs', 'incidents');
    const report = await waitUntil('a report in docs/incidents', 30_000, async () =>
      existsSync(dir) ? readdirSync(dir).find((f) => f.startsWith('INC-0001')) : undefined,
    );
    assert.match(readFileSync(path.join(dir, report), 'utf8'), /ECONNREFUSED/);
    await w.screenshot('04-report-exported');
  });
});

test('Delete Snapshot from the Snapshots view removes that snapshot, after a confirmation', { timeout: 120_000 }, async () => {
  await takeSnapshot('second');
  await takeSnapshot('third');
  await session.step('right-click "second" in the Snapshots view, Delete Snapshot, confirm', async (w) => {
    await w.showViewContainer(CONTAINER);
    const row = await waitUntil('the "second" row', 20_000, async () => {
      const rows = w.viewRows('Snapshots');
      for (let i = 0, n = await rows.count(); i < n; i++)
        if (/^Snapshot second,/.test((await rows.nth(i).getAttribute('aria-label')) ?? '')) return rows.nth(i);
      return undefined;
    });
    await w.contextMenu(row, 'Delete Snapshot');
    await w.confirmDialog(/Delete snapshot second/, 'Delete');
    await waitUntil('"second" gone from the store', 20_000, async () => (snapshots().some((s) => s.label === 'second') ? undefined : true));
    await w.screenshot('05-snapshot-deleted');
  });
  assert.deepEqual(
    snapshots()
      .map((s) => s.label)
      .filter((l) => l === 'baseline' || l === 'third'),
    ['baseline', 'third'],
  );
});

test(
  "Prune Snapshots keeps the newest (incidentReplay.keepSnapshots), the baseline and the incident's snapshots",
  { timeout: 120_000 },
  async () => {
    await takeSnapshot('fourth');
    mkdirSync(path.join(env.workspace, '.vscode'), { recursive: true });
    writeFileSync(
      path.join(env.workspace, '.vscode', 'settings.json'),
      JSON.stringify({ 'incidentReplay.keepSnapshots': 1 }, null, 2) + '\n',
    );
    const before = snapshots();
    const newest = before[before.length - 1];
    assert.ok(newest && before.length >= 4, JSON.stringify(before));
    await session.step('run "Prune Snapshots" and confirm', async (w) => {
      // Settings reach the extension through a watcher; the command reads them when it runs.
      await waitUntil('the setting to apply', 20_000, async () => {
        await w.runCommand(CMD.prune, title(CMD.prune));
        const dialog = w.page.locator('.monaco-dialog-box');
        try {
          await dialog.waitFor({ timeout: 3_000 });
          return true;
        } catch {
          return undefined;
        }
      });
      await w.confirmDialog(/Remove \d+ snapshots? of workspace/, 'Prune');
    });
    // The walkthrough's analysis recorded INC-0001 between the baseline and its post-incident
    // snapshot: both are pinned, so the incident's diffs can always be reopened.
    const pinned = before.filter((s) => s.baseline || s.label === 'post-incident').map((s) => s.id);
    await session.step("the store keeps the baseline, the incident's snapshot and the newest only", async (w) => {
      const kept = await waitUntil('the prune to finish', 20_000, async () => {
        const now = snapshots();
        return now.length === pinned.length + 1 ? now : undefined;
      });
      assert.deepEqual(kept.map((s) => s.id).sort(), [...pinned, newest.id].sort());
      await w.screenshot('06-pruned');
    });
  },
);

test(
  'Restore File from Snapshot puts a file back as the baseline has it, after a confirmation and a safety snapshot',
  { timeout: 120_000 },
  async () => {
    const cfgFile = path.join(env.workspace, 'config', 'app.json');
    assert.doesNotMatch(readFileSync(cfgFile, 'utf8'), /"port": 5432/, 'the failing job left another port in the config');
    const before = snapshots().length;
    await session.step('run "Restore File from Snapshot…", pick the baseline and config/app.json, confirm', async (w) => {
      await w.runCommand(CMD.restore, title(CMD.restore));
      assert.ok(await w.pickIfAsked(/baseline/, 15_000), 'a pick of snapshots with the baseline');
      assert.ok(await w.pickIfAsked(/config\/app\.json/, 15_000), 'a pick of the files of that snapshot');
      await w.confirmDialog(/Restore config\/app\.json from snapshot baseline/, 'Restore');
    });
    await session.step('the file holds the baseline port again, and a safety snapshot holds what it replaced', async (w) => {
      await waitUntil('config/app.json restored', 20_000, async () =>
        /"port": 5432/.test(readFileSync(cfgFile, 'utf8')) ? true : undefined,
      );
      assert.equal(snapshots().length, before + 1, 'one safety snapshot was taken first');
      await w.screenshot('07-restored');
    });
  },
);

test('the extension logs its own activation cost; VS Code reports its figure', { timeout: 90_000 }, async (t) => {
  // Reported rather than asserted: speed targets belong to `npm run bench`.
  const own = await session.step('the output channel says what loading and activating took', () =>
    waitUntil('the extension to log its activation', 10_000, async () => /activated: [^\n]*/.exec(extensionLog())?.[0]),
  );
  t.diagnostic(`the extension's own measure: ${own}`);
  const vscodeFigure = await session.step('Developer: Show Running Extensions lists the extension with its activation time', async (w) => {
    await w.runCommand('workbench.action.showRuntimeExtensions', 'Developer: Show Running Extensions');
    const list = w.page.locator('.runtime-extensions-editor');
    await list.waitFor({ timeout: 30_000 });
    const row = list.locator('.monaco-list-row', { hasText: 'Incident Replay' }).first();
    // The list is virtualised and sorted by activation time: scroll until the row is rendered.
    const found = await waitUntil('the Incident Replay row', 30_000, async () => {
      if (await row.isVisible()) return row;
      await list.hover();
      await w.page.mouse.wheel(0, 300);
      return undefined;
    });
    const text = (await found.innerText()).replace(/\s+/g, ' ');
    await w.screenshot('08-running-extensions');
    await w.page.keyboard.press('Control+W');
    return text;
  });
  const ms = /Activation: (\d+(?:\.\d+)?)\s*ms/.exec(vscodeFigure);
  assert.ok(ms, `an activation time in: ${vscodeFigure}`);
  t.diagnostic(`activation as VS Code measured it: ${ms[1]} ms (${vscodeFigure})`);
  writeFileSync(path.join(env.artifacts, 'activation.txt'), `VS Code: ${vscodeFigure}\nextension: ${own}\n`);
});
