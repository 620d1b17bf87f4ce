// Incident Replay in Restricted Mode: workspace trust is on and the fixture workspace is not
// trusted. The extension still snapshots, compares and analyses, but regular expressions from
// the workspace (here a log pattern in incident-replay.json) are not evaluated, and the config
// file says so. Run through `node scripts/e2e/run.mjs untrusted`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  CLI,
  e2eEnv,
  findStore,
  installedExtension,
  storeJson,
  type E2EEnv,
  type InstalledExtension,
  type StoredSnapshot,
} from './support/env';
import { runFailingJob, Session } from './support/session';
import { waitUntil } from './support/workbench';

const CMD = {
  takeSnapshot: 'incidentReplay.takeSnapshot',
  analyze: 'incidentReplay.analyzeSinceBaseline',
  compare: 'incidentReplay.compareWithBaseline',
} as const;
/** A line the built-in detectors ignore; only the workspace's own log pattern would flag it. */
const QUOTA_LINE = '2026-11-22T06:00:00.000Z INFO billing: QUOTA-EXCEEDED for tenant 7';
const QUOTA_MESSAGE = 'tenant quota exceeded';

interface ShownIncident {
  incident: { id: string; triggers: Array<{ kind: string; message: string; file: string }> };
}

let env: E2EEnv;
let ext: InstalledExtension;
let session: Session;
const state: { store?: string; errorLine?: number; port?: number } = {};

before(() => {
  env = e2eEnv();
  ext = installedExtension(env);
  session = new Session(env);
  assert.equal(env.trust, 'restricted', 'the run leaves the workspace untrusted');
});

after(() => session.close());

const title = (id: string): string => ext.commands.get(id) ?? id;

test('the workspace opens in Restricted Mode with the extension available', { timeout: 150_000 }, async (t) => {
  const wb = await session.open(t, 'config');
  await session.step('the status bar shows Restricted Mode', async (w) => {
    await waitUntil(
      'a Restricted Mode status bar item',
      30_000,
      async () => ((await w.statusBarTexts()).some((s) => /restricted mode/i.test(s)) ? true : undefined),
      async () => JSON.stringify(await w.statusBarTexts()),
    );
  });
  await session.step('Take Snapshot and Analyze Since Baseline are in the command palette', async (w) => {
    await w.expectInPalette(CMD.takeSnapshot, title(CMD.takeSnapshot));
    await w.expectInPalette(CMD.analyze, title(CMD.analyze));
  });
  await wb.screenshot('01-restricted-mode');
});

test('Take Snapshot records a baseline', { timeout: 120_000 }, async () => {
  await session.step('run "Take Snapshot", label it, mark it as the baseline', async (w) => {
    await w.runCommand(CMD.takeSnapshot, title(CMD.takeSnapshot));
    await w.answerInputBox(/label/i, 'restricted-baseline');
    assert.ok(await w.acceptOffer(/mark as baseline/i, 20_000), '"Mark as baseline" was offered');
  });
  const snap = await session.step('the store records the baseline', () =>
    waitUntil('the baseline in the store', 30_000, async () => {
      state.store ??= findStore(env);
      if (!state.store) return undefined;
      return storeJson<{ snapshots: StoredSnapshot[] }>(env, state.store, 'snapshots').snapshots.find(
        (s) => s.label === 'restricted-baseline' && s.baseline,
      );
    }),
  );
  assert.equal(snap.fileCount, 6, "the fixture's 6 files");
});

// Once the extension is active (the snapshot above), it validates the config file as it opens.
test('a log pattern in incident-replay.json is flagged on the file as not applied', { timeout: 90_000 }, async () => {
  writeFileSync(
    path.join(env.workspace, 'incident-replay.json'),
    JSON.stringify({ triggers: { logPatterns: [{ pattern: 'QUOTA-EXCEEDED', severity: 'error', message: QUOTA_MESSAGE }] } }, null, 2) +
      '\n',
  );
  await session.step('open incident-replay.json', (w) => w.openFile('incident-replay.json'));
  await session.step('the Problems panel says its regex settings are not applied', async (w) => {
    await w.showProblems();
    const warning = await waitUntil(
      'a "not trusted" problem on incident-replay.json',
      30_000,
      async () => (await w.problems()).find((p) => p.file === 'incident-replay.json' && /not trusted/i.test(p.label)),
      async () => JSON.stringify((await w.problems()).map((p) => `${p.file}: ${p.text}`)),
    );
    // On the "logPatterns" key itself (line 3 of the file as written above).
    assert.match(warning.text, /\[Ln 3, Col 5\]/, warning.text);
    await w.screenshot('02-config-not-applied');
  });
});

test('Analyze Since Baseline finds the real failure but does not run the workspace log pattern', { timeout: 180_000 }, async () => {
  assert.ok(state.store, 'a store from the previous test');
  appendFileSync(path.join(env.workspace, 'logs', 'job.log'), QUOTA_LINE + '\n');
  const job = await runFailingJob(env.workspace);
  state.errorLine = job.errorLine;
  state.port = job.port;
  await session.step('run "Analyze Since Baseline"', async (w) => {
    await w.runCommand(CMD.analyze, title(CMD.analyze));
  });
  const shown = await session.step('the store records an incident', async () => {
    const id = await waitUntil(
      'an incident in the store',
      90_000,
      async () => storeJson<{ incidents: Array<{ id: string }> }>(env, state.store ?? '', 'incidents').incidents[0]?.id,
    );
    return storeJson<ShownIncident>(env, state.store ?? '', 'show', id);
  });
  const messages = shown.incident.triggers.map((t) => t.message);
  assert.ok(
    messages.some((m) => /ECONNREFUSED/.test(m)),
    `the refused connection is a trigger: ${JSON.stringify(messages)}`,
  );
  assert.ok(!messages.includes(QUOTA_MESSAGE), `the workspace's log pattern did not run: ${JSON.stringify(messages)}`);
  await session.step(`the Problems panel shows ECONNREFUSED in job.log at line ${job.errorLine}`, async (w) => {
    await w.showProblems();
    await waitUntil(
      'the ECONNREFUSED problem',
      30_000,
      async () =>
        (await w.problems()).find((p) => p.file === 'job.log' && /ECONNREFUSED/.test(p.label) && p.text.includes(`[Ln ${job.errorLine},`)),
      async () => JSON.stringify((await w.problems()).map((p) => `${p.file}: ${p.text}`)),
    );
    await w.screenshot('03-analysed-in-restricted-mode');
  });
  // The same window analysed by a trusted tool (the CLI) does run the pattern: the test above
  // would pass for the wrong reason if it did not.
  const trusted = spawnSync(
    process.execPath,
    [CLI, '--workspace', env.workspace, '--store', state.store ?? '', 'triggers', 'baseline', 'latest', '--json'],
    { encoding: 'utf8' },
  );
  assert.equal(trusted.status, 0, trusted.stderr);
  const triggers = (JSON.parse(trusted.stdout) as { triggers: Array<{ message: string }> }).triggers;
  assert.ok(
    triggers.some((t) => t.message === QUOTA_MESSAGE),
    `a trusted run flags the quota line: ${JSON.stringify(triggers.map((t) => t.message))}`,
  );
});

test('Compare with Baseline opens the diff in Restricted Mode', { timeout: 90_000 }, async () => {
  assert.ok(state.port, 'the failing job ran');
  await session.step('open config/app.json and run "Compare with Baseline"', async (w) => {
    await w.openFile('config/app.json');
    await w.runCommand(CMD.compare, title(CMD.compare));
    await w.pickIfAsked(/app\.json/, 3_000);
  });
  await session.step('the diff shows the baseline port and the closed port', async (w) => {
    const sides = await w.activeDiffSides();
    assert.match(sides.original, /"port": 5432/);
    assert.match(sides.modified, new RegExp(`"port": ${state.port}`));
    await w.screenshot('04-compare-in-restricted-mode');
  });
});
