// What an agent in VS Code gets: the extension's language-model tools, called through
// `vscode.lm.invokeTool` exactly as agent mode calls them (the "Run Agent Tool…" command does
// that for a person), on the same store the extension's own commands use.
// Run through `node scripts/e2e/run.mjs agents`.
//
// The tools need VS Code 1.95 and the MCP server definitions 1.101 (src/extension/agents/lmApi.ts).
// Against an older VS Code (`--vscode=min`) the suite checks what a person gets there instead:
// the extension activates, its log says which VS Code each feature needs, and so does the command.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  e2eEnv,
  findStore,
  installedExtension,
  storeJson,
  vscodeAtLeast,
  type E2EEnv,
  type InstalledExtension,
  type StoredIncident,
  type StoredSnapshot,
} from './support/env';
import { runFailingJob, Session } from './support/session';
import { waitUntil, type Workbench } from './support/workbench';

const RUN_AGENT_TOOL = 'incidentReplay.runAgentTool';
const LM_TOOLS_SINCE = '1.95';
const MCP_SINCE = '1.101';
const hasLmTools = vscodeAtLeast(LM_TOOLS_SINCE);
const hasMcp = vscodeAtLeast(MCP_SINCE);

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

function storeList<T>(what: 'snapshots' | 'incidents'): T[] {
  store ??= findStore(env);
  return store ? (storeJson<Record<string, T[]>>(env, store, what)[what] ?? []) : [];
}

/** The text of the editor the command opened with the tool's answer. */
async function answerText(w: Workbench, mustContain: RegExp): Promise<string> {
  return waitUntil(
    `the tool's answer in an editor, matching ${mustContain}`,
    30_000,
    async () => {
      const text = await w.page
        .locator('.editor-group-container.active .monaco-editor .view-lines')
        .first()
        .innerText()
        .catch(() => '');
      const flat = text.replace(/\u00a0/g, ' ');
      return mustContain.test(flat) ? flat : undefined;
    },
    async () =>
      (
        await w.page
          .locator('.editor-group-container.active .monaco-editor .view-lines')
          .first()
          .innerText()
          .catch(() => 'no editor')
      ).slice(0, 400),
  );
}

async function runTool(w: Workbench, tool: string, args: string): Promise<void> {
  await w.runCommand(RUN_AGENT_TOOL, ext.commands.get(RUN_AGENT_TOOL) ?? 'Incident Replay: Run Agent Tool…');
  await w.pickByLabel([tool], tool);
  await w.answerInputBox(/Arguments as JSON/i, args);
}

test('the package contributes the tools and the command that calls them', () => {
  assert.ok(ext.commands.has(RUN_AGENT_TOOL), 'Run Agent Tool… is contributed');
});

if (hasLmTools) {
  test("take_snapshot, called as agent mode calls it, records the baseline in the extension's store", { timeout: 150_000 }, async (t) => {
    const wb = await session.open(t, 'config');
    await session.step('Run Agent Tool… → take_snapshot {"baseline": true, "label": "agent-baseline"}', async (w) => {
      await runTool(w, 'take_snapshot', '{"baseline": true, "label": "agent-baseline"}');
      const text = await answerText(w, /snapshot [0-9a-f]{8} \(baseline\)/);
      const snap = await waitUntil('the baseline in the store', 30_000, async () =>
        storeList<StoredSnapshot>('snapshots').find((s) => s.label === 'agent-baseline' && s.baseline),
      );
      assert.match(text, new RegExp(`snapshot ${snap.id} \\(baseline\\)`));
    });
    await wb.screenshot('01-take-snapshot-answer');
  });

  test('analyze, called through vscode.lm.invokeTool after the job fails, returns the incident', { timeout: 180_000 }, async () => {
    const failed = await runFailingJob(env.workspace);
    const text = await session.step('Run Agent Tool… → analyze {}', async (w) => {
      await runTool(w, 'analyze', '{}');
      return answerText(w, /INC-\d{4}/);
    });
    const incidents = storeList<StoredIncident>('incidents');
    assert.equal(incidents.length, 1, "one incident recorded in the extension's store");
    const id = incidents[0]?.id ?? '';
    assert.match(text, new RegExp(`^# analyze[\\s\\S]*${id} \\(`), 'the answer names the recorded incident');
    assert.match(text, /config\/app\.json/, 'the answer lists the changed config');
    assert.match(text, /logs\/job\.log/, 'and the log with the refused connection');
    assert.ok(failed.port > 0);
    await session.wb?.screenshot('02-analyze-answer');
  });
} else {
  test(
    `before VS Code ${LM_TOOLS_SINCE}, the command palette does not offer Run Agent Tool…, which could not call a tool`,
    { timeout: 150_000 },
    async (t) => {
      await session.open(t, 'config');
      await session.step('type "Run Agent Tool" in the command palette: it is not listed (Take Snapshot is)', async (w) => {
        // The extension's commands are in the palette, so the missing one is hidden, not late.
        await w.expectInPalette('incidentReplay.takeSnapshot', ext.commands.get('incidentReplay.takeSnapshot') ?? 'Take Snapshot');
        await w.expectNotInPalette(RUN_AGENT_TOOL, ext.commands.get(RUN_AGENT_TOOL) ?? 'Run Agent Tool…');
        await w.screenshot('01-run-agent-tool-not-offered');
      });
      assert.deepEqual(storeList<StoredSnapshot>('snapshots'), [], 'no snapshot was taken: no tool ran');
    },
  );
}

/** The extension's output channel as VS Code logs it to disk (empty until it exists). */
function extensionLog(): string {
  const logs = path.join(env.userData, 'logs');
  if (!existsSync(logs)) return '';
  for (const run of readdirSync(logs).sort().reverse()) {
    for (const host of readdirSync(path.join(logs, run)).filter((d) => d.startsWith('exthost'))) {
      const file = path.join(logs, run, host, env.extensionId, 'Incident Replay.log');
      if (existsSync(file)) return readFileSync(file, 'utf8');
    }
  }
  return '';
}

// This code-server has no chat product, so VS Code's MCP views are not in its palette; what can be
// checked here is that the extension found the API and registered its provider.
// An older VS Code gets a line naming the version instead.
const TOOLS_LINE = hasLmTools
  ? /language-model tools registered: 17/
  : new RegExp(`language-model tools \\(agent mode\\) need VS Code ${LM_TOOLS_SINCE} or later: not offered`);
const MCP_LINE = hasMcp
  ? /MCP server definitions registered \(incidentReplay\.mcpServers\)/
  : new RegExp(`MCP server definitions \\(VS Code's MCP support\\) need VS Code ${MCP_SINCE} or later: not offered`);
test(
  `the extension registers its tools${hasLmTools ? '' : ' (or says which VS Code they need)'} and its MCP server definitions${hasMcp ? '' : ' (or says which VS Code they need)'} in this VS Code`,
  { timeout: 60_000 },
  async () => {
    const log = await waitUntil('the registrations in the Incident Replay log', 30_000, async () => {
      const text = extensionLog();
      return TOOLS_LINE.test(text) && MCP_LINE.test(text) ? text : undefined;
    });
    assert.match(log, /activated: /, 'the extension activated');
    if (hasLmTools && hasMcp) assert.doesNotMatch(log, /need VS Code/, 'no feature was missing');
    if (hasLmTools) assert.match(log, /agent tool analyze on workspace: ok/);
  },
);
