import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, it } from 'node:test';
import { CLI, TempWorkspace, cli } from '../support/workspace';

interface HookGroup {
  matcher: string;
  hooks: { type: string; command: string; timeout: number }[];
}

function settingsOf(file: string): { hooks: Record<string, HookGroup[]> } & Record<string, unknown> {
  return JSON.parse(readFileSync(file, 'utf8')) as { hooks: Record<string, HookGroup[]> } & Record<string, unknown>;
}

/** Runs a hook command the way the agents do: through a shell, the event as JSON on stdin. */
function runHook(command: string, event: Record<string, unknown>): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('/bin/sh', ['-c', command], { input: JSON.stringify(event), encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Asks a real `incident-replay mcp` over piped JSON-RPC, as an agent would, and returns each tool's structured answer. */
function mcpTools(dir: string, ...calls: [string, Record<string, unknown>][]): Record<string, unknown>[] {
  const messages = [
    {
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '0' } },
    },
    { jsonrpc: '2.0', method: 'notifications/initialized' },
    ...calls.map(([name, args], i) => ({ jsonrpc: '2.0', id: i + 1, method: 'tools/call', params: { name, arguments: args } })),
  ];
  const r = spawnSync(process.execPath, [CLI, '--workspace', dir, 'mcp'], {
    input: messages.map((m) => JSON.stringify(m)).join('\n') + '\n',
    encoding: 'utf8',
    timeout: 30_000,
  });
  const byId = new Map(
    r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: number; result: { structuredContent: Record<string, unknown> } })
      .map((m) => [m.id, m.result.structuredContent]),
  );
  return calls.map((_c, i) => byId.get(i + 1) ?? {});
}

function json<T>(r: { code: number; stdout: string; stderr: string }): T {
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as T;
}

describe('incident-replay hooks install', () => {
  let ws: TempWorkspace;
  afterEach(() => ws.dispose());

  it('--print shows the merged settings and writes nothing', () => {
    ws = new TempWorkspace({ 'app.py': 'print(1)\n' });
    const r = cli(ws, 'hooks', 'install', '--agent', 'claude-code', '--print');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^# Claude Code: ${ws.path('.claude/settings.json').replace(/[.]/g, '\\.')}`));
    const printed = JSON.parse(r.stdout.slice(r.stdout.indexOf('\n') + 1)) as { hooks: Record<string, HookGroup[]> };
    assert.equal(printed.hooks.PreToolUse?.[0]?.matcher, 'Write|Edit|MultiEdit|NotebookEdit|Bash');
    assert.match(printed.hooks.PostToolUse?.[0]?.hooks[0]?.command ?? '', /hooks run --agent claude-code$/);
    assert.equal(existsSync(ws.path('.claude')), false);
  });

  it('merges into existing settings, keeps a backup of them, and replaces its own hooks on reinstall', () => {
    const original = JSON.stringify(
      {
        model: 'opus',
        permissions: { allow: ['Bash(npm test)'] },
        hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: './guard.sh' }] }] },
      },
      null,
      2,
    );
    ws = new TempWorkspace({ '.claude/settings.json': original });
    const first = cli(ws, 'hooks', 'install', '--agent', 'claude-code');
    assert.equal(first.code, 0, first.stderr);
    const s = settingsOf(ws.path('.claude/settings.json'));
    assert.equal(s.model, 'opus');
    assert.deepEqual(s.permissions, { allow: ['Bash(npm test)'] });
    assert.deepEqual(
      s.hooks.PreToolUse?.map((g) => (g.hooks[0]?.command.endsWith('hooks run --agent claude-code') ? 'ours' : g.hooks[0]?.command)),
      ['./guard.sh', 'ours'],
    );
    const backups = readdirSync(ws.path('.claude')).filter((f) => f.startsWith('settings.json.bak-'));
    assert.equal(backups.length, 1);
    assert.equal(readFileSync(ws.path(`.claude/${backups[0]}`), 'utf8'), original);
    assert.match(first.stdout, /what was there is in .*settings\.json\.bak-\d{8}T\d{6}Z/);

    // A second install a second later: still one hook of ours per event.
    spawnSync('sleep', ['1.1']);
    assert.equal(cli(ws, 'hooks', 'install', '--agent', 'claude-code').code, 0);
    const again = settingsOf(ws.path('.claude/settings.json'));
    assert.equal(again.hooks.PreToolUse?.length, 2);
    assert.equal(again.hooks.PostToolUse?.length, 1);
  });

  it("writes only the file named with --file, in the agent's format", () => {
    ws = new TempWorkspace({});
    const r = cli(ws, 'hooks', 'install', '--agent', 'gemini', '--file', ws.path('custom/gemini.json'));
    assert.equal(r.code, 0, r.stderr);
    const s = settingsOf(ws.path('custom/gemini.json'));
    assert.deepEqual(Object.keys(s.hooks), ['BeforeTool', 'AfterTool']);
    assert.equal(s.hooks.BeforeTool?.[0]?.matcher, 'write_file|replace|run_shell_command');
    assert.equal(s.hooks.BeforeTool?.[0]?.hooks[0]?.timeout, 60000);
    assert.equal(existsSync(ws.path('.gemini')), false);
  });

  it('refuses a settings file that is not JSON, says what to fix and leaves it alone', () => {
    ws = new TempWorkspace({ '.codex/hooks.json': '{ "hooks": [oops' });
    const r = cli(ws, 'hooks', 'install', '--agent', 'codex');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /hooks\.json is not valid JSON .*nothing was written/);
    assert.equal(readFileSync(ws.path('.codex/hooks.json'), 'utf8'), '{ "hooks": [oops');
    assert.match(cli(ws, 'hooks', 'install', '--agent', 'cursor').stderr, /--agent must be one of claude-code, codex, gemini/);
  });
});

describe('the installed hook, run for real', () => {
  let ws: TempWorkspace;
  afterEach(() => ws.dispose());

  it('Claude Code: snapshots before a file-writing tool and records the call and its result', () => {
    ws = new TempWorkspace({ 'config.yaml': 'port: 5432\n' });
    assert.equal(cli(ws, 'hooks', 'install', '--agent', 'claude-code').code, 0);
    const s = settingsOf(ws.path('.claude/settings.json'));
    const pre = s.hooks.PreToolUse?.[0]?.hooks[0]?.command ?? '';
    const post = s.hooks.PostToolUse?.[0]?.hooks[0]?.command ?? '';
    const call = {
      session_id: 'sess-1',
      cwd: ws.dir,
      tool_name: 'Write',
      tool_use_id: 'toolu_01',
      tool_input: { file_path: ws.path('config.yaml'), content: 'port: 6543\n' },
    };

    const before = runHook(pre, { ...call, hook_event_name: 'PreToolUse' });
    assert.equal(before.code, 0, before.stderr);
    assert.equal(before.stdout, '', 'Claude Code reads stdout: the hook says nothing');
    // The agent's tool runs.
    ws.write({ 'config.yaml': 'port: 6543\n' });
    const after = runHook(post, {
      ...call,
      hook_event_name: 'PostToolUse',
      tool_response: { filePath: ws.path('config.yaml'), success: true },
    });
    assert.equal(after.code, 0, after.stderr);

    const snaps = json<{ snapshots: { id: string; label: string }[] }>(cli(ws, 'snapshots', '--json'));
    const snap = snaps.snapshots.find((x) => x.label === 'before claude-code Write');
    assert.ok(snap, `a snapshot before the write: ${JSON.stringify(snaps)}`);
    // The snapshot holds the file as it was before the tool wrote it.
    const diff = json<{ changes: { path: string; patch?: string }[] }>(cli(ws, 'diff', snap.id, 'latest', '--json'));
    assert.equal(diff.changes.length, 0, 'nothing was snapshotted after the write yet');
    const now = cli(ws, 'snapshot', '--label', 'now');
    assert.equal(now.code, 0, now.stderr);
    const changed = json<{ changes: { path: string; patch?: string }[] }>(cli(ws, 'diff', snap.id, 'now', '--json'));
    assert.deepEqual(
      changed.changes.map((c) => c.path),
      ['config.yaml'],
    );
    assert.match(changed.changes[0]?.patch ?? '', /-port: 5432\n\+port: 6543/);

    // A shell call that fails: Claude Code fires PostToolUseFailure instead of PostToolUse.
    const failing = s.hooks.PostToolUseFailure?.[0]?.hooks[0]?.command ?? '';
    assert.match(failing, /hooks run --agent claude-code$/);
    const bash = { session_id: 'sess-1', cwd: ws.dir, tool_name: 'Bash', tool_use_id: 'toolu_02', tool_input: { command: 'pytest -q' } };
    assert.equal(runHook(pre, { ...bash, hook_event_name: 'PreToolUse' }).code, 0);
    assert.equal(
      runHook(failing, { ...bash, hook_event_name: 'PostToolUseFailure', error: 'Command failed with exit code 1: 2 failed, 10 passed' })
        .code,
      0,
    );
    const [listed] = mcpTools(ws.dir, ['list_replays', {}]);
    assert.deepEqual(
      (listed as { replays: { plan: string; status: string; task: string }[] }).replays.map((r) => [r.plan, r.status, r.task]),
      [
        ['Bash', 'failure', 'Bash: pytest -q'],
        ['Write', 'success', `Write: ${ws.path('config.yaml')}`],
      ],
    );
  });

  it('records a failed shell call as a failed run that collect_failures reports (Codex), and Gemini gets JSON on stdout', () => {
    ws = new TempWorkspace({ Makefile: 'all:\n\tfalse\n' });
    assert.equal(cli(ws, 'hooks', 'install', '--agent', 'codex').code, 0);
    const codex = settingsOf(ws.path('.codex/hooks.json'));
    const call = { session_id: 'codex-7', cwd: ws.dir, tool_name: 'Bash', tool_use_id: 'call_9', tool_input: { command: 'make all' } };
    assert.equal(runHook(codex.hooks.PreToolUse?.[0]?.hooks[0]?.command ?? '', { ...call, hook_event_name: 'PreToolUse' }).code, 0);
    assert.equal(
      runHook(codex.hooks.PostToolUse?.[0]?.hooks[0]?.command ?? '', {
        ...call,
        hook_event_name: 'PostToolUse',
        tool_response: { exit_code: 2, stderr: 'make: *** [all] Error 1' },
      }).code,
      0,
    );

    assert.equal(cli(ws, 'hooks', 'install', '--agent', 'gemini').code, 0);
    const gemini = settingsOf(ws.path('.gemini/settings.json'));
    const gcall = { session_id: 'g-1', cwd: ws.dir, tool_name: 'run_shell_command', tool_input: { command: 'ls' } };
    const gBefore = runHook(gemini.hooks.BeforeTool?.[0]?.hooks[0]?.command ?? '', { ...gcall, hook_event_name: 'BeforeTool' });
    assert.equal(gBefore.stdout.trim(), '{}');
    const gAfter = runHook(gemini.hooks.AfterTool?.[0]?.hooks[0]?.command ?? '', {
      ...gcall,
      hook_event_name: 'AfterTool',
      tool_response: { llmContent: 'Makefile' },
    });
    assert.equal(gAfter.stdout.trim(), '{}');
    // A tool that neither writes nor runs anything is left alone.
    const ignored = runHook(gemini.hooks.BeforeTool?.[0]?.hooks[0]?.command ?? '', {
      ...gcall,
      tool_name: 'read_file',
      hook_event_name: 'BeforeTool',
    });
    assert.match(ignored.stderr, /read_file neither writes files nor runs commands/);

    // The MCP server's collect_failures sees the failed make as a run of codex; the gemini call succeeded.
    const [collected, listed] = mcpTools(ws.dir, ['collect_failures', {}], ['list_replays', {}]);
    const failures = collected as { counts: { runs: number }; items: { source: string; agent: string; status: string; title: string }[] };
    assert.equal(failures.counts.runs, 1);
    assert.deepEqual(
      failures.items.map((i) => [i.source, i.agent, i.status]),
      [['run', 'codex', 'failure']],
    );
    assert.match(failures.items[0]?.title ?? '', /Bash: make all/);
    const replays = listed as { replays: { agent: string; status: string }[] };
    assert.deepEqual(replays.replays.map((r) => [r.agent, r.status]).sort(), [
      ['codex', 'failure'],
      ['gemini', 'success'],
    ]);
  });
});
