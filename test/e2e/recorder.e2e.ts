// The flight recorder in a real VS Code: with recording on and no snapshot taken by hand, an edit
// to the config, a failing command typed into the integrated terminal (bash with VS Code's shell
// integration) and Analyze Since Baseline give an incident whose timeline holds the terminal
// command with its exit code and the file change at the time the watcher saw it.
// Run through `node scripts/e2e/run.mjs recorder`.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { e2eEnv, findStore, installedExtension, storeJson, type E2EEnv, type InstalledExtension, type StoredIncident } from './support/env';
import { closedPort, Session } from './support/session';
import { sleep, waitUntil } from './support/workbench';

const CMD = {
  analyze: 'incidentReplay.analyzeSinceBaseline',
  newTerminal: 'workbench.action.terminal.new',
} as const;

interface Snap {
  id: string;
  label: string | null;
  baseline: boolean;
  origin?: string;
  reason?: string;
  createdAt: number;
}

interface TimelineEvent {
  kind: string;
  title: string;
  timestamp: number;
  estimated: boolean;
  file?: string;
}

interface FullIncident extends StoredIncident {
  since?: string;
  baselineId: string;
  timeline: TimelineEvent[];
  triggers: { rule?: string; message: string }[];
}

let env: E2EEnv;
let ext: InstalledExtension;
let session: Session;
let store: string | undefined;
const state: { started?: Snap; editAt?: number; port?: number; commandAt?: number } = {};

before(() => {
  env = e2eEnv();
  ext = installedExtension(env);
  session = new Session(env);
  // Recording on for this workspace, with a short quiet period so the run stays short.
  mkdirSync(path.join(env.workspace, '.vscode'), { recursive: true });
  writeFileSync(
    path.join(env.workspace, '.vscode', 'settings.json'),
    JSON.stringify(
      {
        'incidentReplay.recorder.enabled': true,
        'incidentReplay.recorder.quietSeconds': 1,
        'incidentReplay.recorder.minIntervalSeconds': 0,
      },
      null,
      2,
    ) + '\n',
  );
});

after(() => session.close());

function snapshots(): Snap[] {
  store ??= findStore(env);
  return store ? storeJson<{ snapshots: Snap[] }>(env, store, 'snapshots').snapshots : [];
}

/** The command records the recorder journaled so far. */
function journaledCommands(): { command: string; exitCode?: number; output?: string; t: number }[] {
  if (!store) return [];
  const dir = path.join(store, 'journal');
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .flatMap((n) => readFileSync(path.join(dir, n), 'utf8').split('\n'))
    .filter((l) => l.includes('"kind":"command"'))
    .map((l) => JSON.parse(l) as { command: string; exitCode?: number; output?: string; t: number });
}

test(
  'with recording on, the recorder snapshots the workspace on its own and says "recording" in the status bar',
  { timeout: 180_000 },
  async (t) => {
    await session.open(t, 'config');
    await session.step('open the Incident Replay view (activates the extension)', (w) => w.showViewContainer('Incident Replay'));
    await session.step('the status bar says "recording"', async (w) => {
      await waitUntil(
        'a "recording" status bar item',
        60_000,
        async () => (await w.statusBarTexts()).find((s) => /\brecording\b/.test(s)),
        async () => JSON.stringify(await w.statusBarTexts()),
      );
    });
    state.started = await session.step('the store holds an automatic snapshot taken at start, and no other', async (w) => {
      const snap = await waitUntil(
        'an automatic start snapshot in the store',
        60_000,
        async () => snapshots().find((s) => s.origin === 'auto' && s.reason === 'start'),
        async () => JSON.stringify(snapshots()),
      );
      assert.deepEqual(
        snapshots().map((s) => s.origin),
        ['auto'],
        'no snapshot was taken by hand',
      );
      await w.screenshot('01-recording');
      return snap;
    });
  },
);

test(
  'an edit and a failing command in the integrated terminal are journaled, the command with its exit code',
  { timeout: 180_000 },
  async () => {
    assert.ok(state.started, 'recording started');
    state.port = await closedPort();
    await session.step('edit config/app.json: the database moves to a closed port', async () => {
      // Past the start snapshot's millisecond, so the change lies inside the window.
      await sleep(50);
      const file = path.join(env.workspace, 'config', 'app.json');
      const cfg = JSON.parse(readFileSync(file, 'utf8')) as { database: { port: number } };
      cfg.database.port = state.port ?? 0;
      state.editAt = Date.now();
      writeFileSync(file, JSON.stringify(cfg, null, 2) + '\n');
    });
    await session.step('open an integrated terminal and run the job, which fails', async (w) => {
      await w.runCommand(CMD.newTerminal, 'Terminal: Create New Terminal');
      await w.page.locator('.terminal-wrapper.active .xterm').first().waitFor({ timeout: 30_000 });
      // Shell integration sets itself up with the first prompt.
      await sleep(3_000);
      await w.page.locator('.terminal-wrapper.active .xterm').first().click();
      state.commandAt = Date.now();
      await w.page.keyboard.type('node src/job.js');
      await w.page.keyboard.press('Enter');
    });
    await session.step('the journal records "node src/job.js" with exit code 1 and its output', async (w) => {
      const cmd = await waitUntil(
        'the command in the journal',
        60_000,
        async () => journaledCommands().find((c) => c.command.includes('node src/job.js')),
        async () => JSON.stringify(journaledCommands()),
      );
      assert.equal(cmd.exitCode, 1, JSON.stringify(cmd));
      assert.ok(cmd.t >= (state.commandAt ?? 0), 'recorded when it ended');
      await w.screenshot('02-terminal-command');
    });
  },
);

test(
  "Analyze Since Baseline with no baseline starts at the recorder's snapshot; the timeline has the command with its exit code and the edit at its real time",
  { timeout: 240_000 },
  async () => {
    assert.ok(state.editAt && state.started, 'the edit and the command ran');
    await session.step('run "Incident Replay: Analyze Since Baseline" from the command palette', async (w) => {
      await w.runCommand(CMD.analyze, ext.commands.get(CMD.analyze) ?? 'Analyze Since Baseline');
    });
    const incident = await session.step('the store records an incident', async () => {
      const list = await waitUntil('an incident in the store', 120_000, async () => {
        const { incidents } = storeJson<{ incidents: StoredIncident[] }>(env, store ?? '', 'incidents');
        return incidents.length > 0 ? incidents : undefined;
      });
      return storeJson<{ incident: FullIncident }>(env, store ?? '', 'show', (list[0] as StoredIncident).id).incident;
    });
    await session.step("the window starts at the recorder's first snapshot, and the incident says so", () => {
      assert.equal(incident.baselineId, state.started?.id);
      assert.match(incident.since ?? '', /recorder's first snapshot/);
      assert.ok(
        snapshots().every((s) => s.origin === 'auto' || s.label === 'post-incident'),
        `only the recorder's snapshots and the analysis's own: ${JSON.stringify(snapshots())}`,
      );
      return Promise.resolve();
    });
    await session.step('the timeline shows the terminal command with its exit code', () => {
      const cmd = incident.timeline.find((e) => e.kind === 'command' && e.title.includes('node src/job.js'));
      assert.ok(cmd, JSON.stringify(incident.timeline.map((e) => `${e.kind}: ${e.title}`)));
      assert.match(cmd.title, /\(exit 1/);
      assert.equal(cmd.estimated, false);
      assert.ok(
        incident.triggers.some((t) => t.rule === 'command_failed' && t.message.includes('node src/job.js')),
        'the failed command is a trigger',
      );
      return Promise.resolve();
    });
    await session.step('the config edit sits at the time the watcher saw it, not an estimate', async (w) => {
      const edit = incident.timeline.find((e) => e.kind === 'file_change' && e.file === 'config/app.json');
      assert.ok(edit, JSON.stringify(incident.timeline.map((e) => `${e.kind}: ${e.title}`)));
      assert.equal(edit.estimated, false);
      const at = state.editAt ?? 0;
      // The file's mtime comes from the kernel's coarse clock, up to a timer tick (4-10 ms) behind Date.now().
      assert.ok(edit.timestamp >= at - 20 && edit.timestamp <= at + 5_000, `edit at ${at}, timeline says ${edit.timestamp}`);
      await w.screenshot('03-incident');
    });
  },
);
