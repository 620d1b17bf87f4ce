// Incident Replay in a real VS Code (code-server in headless Chromium), on a copy of
// fixtures/workspace: a baseline through the command palette, a real failing job, Analyze Since
// Baseline, the Problems panel, a diff, and the incident panel's timeline in both themes.
// Run through `node scripts/e2e/run.mjs`, which installs, packages and serves everything.
//
// The tests run in order and share one window, as a person's session would. Steps that use a
// feature the packaged extension does not contribute yet are skipped and say which feature.
import assert from 'node:assert/strict';
import { after, before, test, type TestContext } from 'node:test';
import type { FrameLocator, Locator } from 'playwright-core';
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
import { waitUntil, type Workbench } from './support/workbench';

const CMD = {
  takeSnapshot: 'incidentReplay.takeSnapshot',
  analyze: 'incidentReplay.analyzeSinceBaseline',
  compare: 'incidentReplay.compareWithBaseline',
  setBaseline: 'incidentReplay.setBaseline',
} as const;
const SNAPSHOT_LABEL = 'e2e-before';
const CATEGORY = 'Incident Replay';
const PANEL_ACTIVATION = 'onWebviewPanel:incidentReplay.incident';

let env: E2EEnv;
let ext: InstalledExtension;
let session: Session;
/** What earlier tests established, for the ones that build on them. */
const state: {
  store?: string;
  baseline?: StoredSnapshot;
  closedPort?: number;
  errorLine?: number;
  analyzed?: boolean;
  /** Text of the incident panel's editor tab (the incident id), to bring it back to the front. */
  panelTab?: string;
} = {};

const step = <T>(name: string, fn: (w: Workbench) => Promise<T>): Promise<T> => session.step(name, fn);

function has(command: string): boolean {
  return ext.commands.has(command);
}

/**
 * Tests that build on an earlier one skip when it failed (the run has failed already, and
 * scripts/e2e/run.mjs fails any run that skipped a test, so a skip never passes for a success).
 */
function needs(t: TestContext, ...keys: Array<keyof typeof state>): boolean {
  const missing = keys.filter((k) => state[k] === undefined);
  if (missing.length === 0) return false;
  t.skip(`an earlier step did not establish ${missing.join(', ')}`);
  return true;
}

function snapshots(): StoredSnapshot[] {
  if (!state.store) throw new Error('no snapshot store found');
  return storeJson<{ snapshots: StoredSnapshot[] }>(env, state.store, 'snapshots').snapshots;
}

before(() => {
  env = e2eEnv();
  ext = installedExtension(env);
  session = new Session(env);
});

after(() => session.close());

test('the workbench opens the fixture workspace with the extension installed', { timeout: 150_000 }, async (t) => {
  const wb = await session.open(t, 'config');
  await step('every contributed command is in the command palette', async (w) => {
    assert.ok(ext.commands.has(CMD.takeSnapshot), `${CMD.takeSnapshot} is not contributed by the installed package.json`);
    const expected = [...ext.commands.keys()].filter((id) => !ext.notAlwaysInPalette.has(id));
    const t1 = Date.now();
    // One palette filtered by the category is reopened until the extension's contributions have
    // loaded; the list is virtualised (only the rows in view exist), so every command it did not
    // show, and any command without the category, is then looked up by its own title.
    let seen = new Set<string>();
    const listed = await waitUntil(
      `the "${CATEGORY}" commands in the command palette`,
      60_000,
      async () => {
        seen = await w.paletteCommandIds(`${CATEGORY}: `, ext.commands);
        return expected.some((id) => seen.has(id)) ? seen : undefined;
      },
      async () => `none of ours listed; the palette showed ${JSON.stringify([...seen])}`,
    );
    for (const id of expected.filter((x) => !listed.has(x))) await w.expectInPalette(id, ext.commands.get(id) ?? id);
    t.diagnostic(`${expected.length} commands listed in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
  });
  await wb.screenshot('01-workbench');
});

test('Take Snapshot through the command palette records a labelled snapshot (and the baseline)', { timeout: 120_000 }, async (t) => {
  if (needs(t)) return;
  await step('run "Incident Replay: Take Snapshot" from the command palette', async (w) => {
    await w.runCommand(CMD.takeSnapshot, ext.commands.get(CMD.takeSnapshot) ?? 'Take Snapshot');
  });
  await step(`type the label "${SNAPSHOT_LABEL}" in the input box and press Enter`, async (w) => {
    await w.answerInputBox(/label/i, SNAPSHOT_LABEL);
  });
  // The offer appears only where the extension makes it (a quick pick or a notification button).
  const offered = await step('accept "Mark as baseline" if offered', (w) =>
    w.acceptOffer(/mark as baseline/i, has(CMD.analyze) ? 20_000 : 6_000),
  );
  t.diagnostic(`"Mark as baseline" was ${offered ? 'offered and accepted' : 'not offered'}`);
  const snap = await step(`the store records a snapshot labelled "${SNAPSHOT_LABEL}"`, async (w) => {
    const found = await waitUntil(
      `a snapshot labelled ${SNAPSHOT_LABEL} in the extension's store`,
      30_000,
      async () => {
        state.store ??= findStore(env);
        if (!state.store) return undefined;
        return snapshots().find((s) => s.label === SNAPSHOT_LABEL && (!offered || s.baseline));
      },
      async () => (state.store ? JSON.stringify(snapshots()) : 'no store folder with incident-replay.sqlite yet'),
    );
    assert.equal(found.fileCount, 6, "the snapshot holds the fixture workspace's 6 files");
    await w.screenshot('02-snapshot-taken');
    return found;
  });
  if (!snap.baseline && has(CMD.setBaseline)) {
    await step('mark the snapshot as baseline with "Incident Replay: Set Baseline"', async (w) => {
      await w.runCommand(CMD.setBaseline, ext.commands.get(CMD.setBaseline) ?? 'Set Baseline');
      await w.pickIfAsked(new RegExp(SNAPSHOT_LABEL), 10_000);
      await waitUntil('the snapshot to become the baseline', 20_000, async () =>
        snapshots().find((s) => s.id === snap.id)?.baseline ? true : undefined,
      );
    });
  }
  const now = snapshots().find((s) => s.id === snap.id);
  if (now?.baseline) state.baseline = now;
  else if (has(CMD.analyze)) {
    await step('the snapshot is the baseline', () =>
      Promise.reject(
        new Error(
          'Take Snapshot did not offer "Mark as baseline" and Set Baseline did not mark it, so Analyze Since Baseline has no baseline',
        ),
      ),
    );
  }
});

test('the job fails for real once its config points at a closed port', { timeout: 60_000 }, async () => {
  const job = await runFailingJob(env.workspace);
  state.closedPort = job.port;
  state.errorLine = job.errorLine;
});

test('Analyze Since Baseline puts the error in the Problems panel at its file and line', { timeout: 180_000 }, async (t) => {
  assert.ok(has(CMD.analyze), `${CMD.analyze} is not contributed by the installed package.json`);
  if (needs(t, 'baseline', 'errorLine', 'closedPort')) return;
  const line = state.errorLine ?? 0;
  await step('run "Incident Replay: Analyze Since Baseline" from the command palette', async (w) => {
    await w.runCommand(CMD.analyze, ext.commands.get(CMD.analyze) ?? 'Analyze Since Baseline');
  });
  await step('the store records an incident', async () => {
    await waitUntil('an incident in the store', 90_000, async () => {
      const { incidents } = storeJson<{ incidents: StoredIncident[] }>(env, state.store ?? '', 'incidents');
      return incidents.length > 0 ? incidents : undefined;
    });
    state.analyzed = true;
  });
  const marker = await step(`the Problems panel lists ECONNREFUSED under job.log at line ${line}`, async (w) => {
    await w.showProblems();
    return waitUntil(
      'an ECONNREFUSED problem',
      30_000,
      async () => (await w.problems()).find((p) => /ECONNREFUSED/.test(p.label)),
      async () => JSON.stringify((await w.problems()).map((p) => `${p.file}: ${p.text}`)),
    );
  });
  await step('the problem points at the right file and line', async (w) => {
    assert.equal(marker.file, 'job.log', `the problem sits under ${marker.file}`);
    assert.match(marker.text, new RegExp(`\\[Ln ${line}, Col \\d+\\]`), `the problem's position: ${marker.text}`);
    assert.match(marker.label, /^Error\b/, `an error, not a warning: ${marker.label}`);
    await w.screenshot('03-problems-panel');
  });
  await step(`clicking the problem opens logs/job.log at line ${line}`, async (w) => {
    await marker.row.click();
    await w.waitForActiveEditor('job.log');
    await w.waitForCursorLine(line);
    await w.screenshot('04-problem-opened');
  });
});

test('Compare with Baseline opens a diff editor with the baseline and current config side by side', { timeout: 120_000 }, async (t) => {
  assert.ok(has(CMD.compare), `${CMD.compare} is not contributed by the installed package.json`);
  if (needs(t, 'baseline', 'closedPort')) return;
  await step('open config/app.json', (w) => w.openFile('config/app.json'));
  await step('run "Incident Replay: Compare with Baseline"', async (w) => {
    await w.runCommand(CMD.compare, ext.commands.get(CMD.compare) ?? 'Compare with Baseline');
    // Without an obvious file the command may ask which change to open.
    await w.pickIfAsked(/app\.json/, 3_000);
  });
  await step('the diff editor shows the baseline port on the left and the closed port on the right', async (w) => {
    const sides = await w.activeDiffSides();
    assert.match(sides.original, /"port": 5432/, `original side: ${sides.original}`);
    assert.match(sides.modified, new RegExp(`"port": ${state.closedPort}`), `modified side: ${sides.modified}`);
    await w.screenshot('05-compare-with-baseline');
  });
});

// ---- the incident panel (webview) --------------------------------------------------------------

/**
 * Timeline events by their visible text. The panel renders each event as a grid row (a list item
 * would do as well); matching on text keeps the test independent of the markup around it.
 */
const timelineRows = (f: FrameLocator, text?: RegExp): Locator => {
  const rows = f.locator('[role="row"], [role="listitem"]');
  return text ? rows.filter({ hasText: text }) : rows;
};
const ERROR_EVENT = /ECONNREFUSED/;
const CHANGE_EVENT = /modified\s+config\/app\.json/i;

test('the incident panel opens and its timeline lists the error event, in dark and light themes', { timeout: 150_000 }, async (t) => {
  if (needs(t, 'analyzed')) return;
  const { incidents } = storeJson<{ incidents: StoredIncident[] }>(env, state.store ?? '', 'incidents');
  const incidentId = incidents[incidents.length - 1]?.id;
  assert.ok(incidentId, 'the analysis recorded an incident');
  // Later steps put editors in front of the panel; a hidden webview has no frame to look into.
  const opened = await step(`bring the ${incidentId} panel to the front`, async (w) => {
    await w.closeQuickInput();
    const tab = await w.activateTab(incidentId).then(
      () => true,
      () => false,
    );
    if (!tab) return false;
    return waitUntil('a webview of the extension', 10_000, async () =>
      (await w.extensionWebviews().count()) > 0 ? true : undefined,
    ).catch(() => false);
  });
  if (!opened) {
    await step('the incident panel is open', () =>
      Promise.reject(
        new Error(
          `Analyze Since Baseline opened no webview tab for ${incidentId} (the manifest declares ${PANEL_ACTIVATION}: ${ext.activationEvents.includes(PANEL_ACTIVATION)})`,
        ),
      ),
    );
  }
  const panel = await step('the incident panel shows the ECONNREFUSED event in its timeline', (w) =>
    w.webviewWith((f) => timelineRows(f, ERROR_EVENT), 'an incident panel whose timeline lists ECONNREFUSED', 60_000),
  );
  // The whole height for the panel, and the error event scrolled into the screenshots.
  await step('hide the bottom panel', (w) => w.hideBottomPanel());
  for (const kind of ['dark', 'light'] as const) {
    await step(`the panel follows the ${kind} theme`, async (w) => {
      await w.setTheme(kind);
      await waitUntil(`the webview body to carry vscode-${kind}`, 15_000, async () =>
        ((await panel.locator('body').getAttribute('class')) ?? '').includes(`vscode-${kind}`) ? true : undefined,
      );
      const row = timelineRows(panel, ERROR_EVENT).first();
      await row.scrollIntoViewIfNeeded();
      await row.waitFor({ state: 'visible' });
      await w.screenshot(`06-incident-panel-${kind}`);
    });
  }
  await step('back to the dark theme', (w) => w.setTheme('dark'));
  state.panelTab = incidentId;
});

test('clicking the error event opens logs/job.log at the error line', { timeout: 90_000 }, async (t) => {
  if (needs(t, 'panelTab', 'errorLine')) return;
  const line = state.errorLine ?? 0;
  await step(`click the ECONNREFUSED event; the editor shows logs/job.log at line ${line}`, async (w) => {
    const panel = await w.webviewWith((f) => timelineRows(f, ERROR_EVENT), 'the incident panel', 30_000);
    await timelineRows(panel, ERROR_EVENT).first().click();
    await w.waitForActiveEditor('job.log');
    await w.waitForCursorLine(line);
    await w.screenshot('07-error-event-opened');
  });
});

test('clicking the config/app.json change event opens its diff', { timeout: 90_000 }, async (t) => {
  if (needs(t, 'panelTab', 'closedPort')) return;
  await step('click the "modified config/app.json" event; a diff editor shows both sides', async (w) => {
    const change = (f: FrameLocator): Locator => timelineRows(f, CHANGE_EVENT);
    // Opening the log put a text editor in front of the panel, whose webview is gone while hidden.
    await w.activateTab(state.panelTab ?? '');
    const panel = await w
      .webviewWith(change, 'the incident panel with a "modified config/app.json" event', 30_000)
      .catch(async (err: unknown) => {
        // Name what the timeline did list, so a renamed event is a one-line diagnosis.
        const any = await w.webviewWith((f) => timelineRows(f), 'the incident panel', 5_000);
        const items = await timelineRows(any).allInnerTexts();
        throw new Error(
          `${err instanceof Error ? err.message : String(err)}; the timeline lists: ${JSON.stringify(items.map((s) => s.replace(/\s+/g, ' ').trim()))}`,
        );
      });
    await change(panel).first().click();
    const sides = await w.activeDiffSides();
    assert.match(sides.original, /"port": 5432/, `original side: ${sides.original}`);
    assert.match(sides.modified, new RegExp(`"port": ${state.closedPort}`), `modified side: ${sides.modified}`);
    await w.screenshot('08-change-event-diff');
  });
});

test('the incident panel and the Problems entries come back after a window reload', { timeout: 150_000 }, async (t) => {
  if (needs(t, 'panelTab')) return;
  const search = (f: FrameLocator): Locator => f.locator('[data-testid="timeline-search"]');
  await step('type a search into the incident panel', async (w) => {
    await w.activateTab(state.panelTab ?? '');
    const panel = await w.webviewWith((f) => search(f), 'the incident panel with its search box', 30_000);
    // The box is a vscode-textfield: its <input> lives in the element's shadow root.
    await search(panel).first().locator('input').fill('ECONNREFUSED');
    await waitUntil('the search to filter the timeline', 10_000, async () =>
      (await timelineRows(panel, CHANGE_EVENT).count()) === 0 ? true : undefined,
    );
  });
  await step('reload the window (Developer: Reload Window)', (w) =>
    w.runCommand('workbench.action.reloadWindow', 'Developer: Reload Window'),
  );
  await step('the restored panel lists the error event and kept the search', async (w) => {
    const panel = await w.webviewWith((f) => timelineRows(f, ERROR_EVENT), 'the incident panel restored after the reload', 90_000);
    const value = await search(panel)
      .first()
      .evaluate((el: { value?: string; getAttribute(name: string): string | null }) => el.value ?? el.getAttribute('value') ?? '');
    assert.equal(value, 'ECONNREFUSED');
    await w.screenshot('09-panel-restored-after-reload');
  });
  await step('the Problems panel shows the open incident again after the reload', async (w) => {
    await w.showProblems();
    await waitUntil(
      'the ECONNREFUSED problem after the reload',
      30_000,
      async () => (await w.problems()).find((p) => /ECONNREFUSED/.test(p.label) && p.file === 'job.log'),
      async () => JSON.stringify((await w.problems()).map((p) => `${p.file}: ${p.text}`)),
    );
    await w.screenshot('10-problems-restored-after-reload');
  });
});
