import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { CLI, TempWorkspace } from '../support/workspace';

/** Every file of the workspace outside the store folder. */
function workspaceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.name === '.incident-replay') return [];
    return e.isDirectory() ? workspaceFiles(p) : [p];
  });
}

/** The MCP server as an agent's client sees it: a real `incident-replay mcp` child over stdio. */
describe('incident-replay mcp through the SDK client', () => {
  let ws: TempWorkspace;
  let client: Client;

  async function call(name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
    return (await client.callTool({ name, arguments: args })) as CallToolResult;
  }

  function structured(r: CallToolResult): Record<string, unknown> {
    assert.notEqual(r.isError, true, `tool failed: ${JSON.stringify(r.content)}`);
    assert.ok(r.structuredContent, 'a structured answer');
    return r.structuredContent;
  }

  function text(r: CallToolResult): string {
    return r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
  }

  before(async () => {
    ws = new TempWorkspace({
      'config/app.json': JSON.stringify({ db: { host: 'db.internal', port: 5432 }, retries: 3 }, null, 2) + '\n',
      'src/job.py': 'import json\nprint("ok")\n',
      'logs/job.log': '2026-12-07T01:00:00Z INFO started\n',
    });
    client = new Client({ name: 'test-agent', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp', '--workspace', ws.dir], stderr: 'pipe' }),
    );
  });

  after(async () => {
    await client.close();
    ws.dispose();
  });

  it('lists every tool with an input schema, an output schema and honest annotations', async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    for (const n of [
      'take_snapshot',
      'list_snapshots',
      'diff_snapshots',
      'restore_snapshot',
      'analyze',
      'list_incidents',
      'get_incident',
      'resolve_incident',
      'annotate_incident',
      'record_replay',
      'list_replays',
      'load_replay',
      'annotate_replay',
      'collect_failures',
      'summarize_failures',
      'write_learnings',
      'reflect',
    ]) {
      assert.ok(names.includes(n), `missing tool ${n}`);
    }
    for (const t of tools) {
      assert.equal(t.inputSchema.type, 'object', t.name);
      assert.equal(t.outputSchema?.type, 'object', t.name);
      assert.ok((t.description ?? '').length > 40, `${t.name} has a description an agent can act on`);
    }
    const byName = new Map(tools.map((t) => [t.name, t]));
    assert.equal(byName.get('restore_snapshot')?.annotations?.destructiveHint, true);
    assert.equal(byName.get('list_incidents')?.annotations?.readOnlyHint, true);
    assert.equal(byName.get('analyze')?.annotations?.readOnlyHint, false);
    assert.deepEqual(byName.get('get_incident')?.inputSchema.required, ['id']);
  });

  it('snapshots, analyses a broken workspace, and reports the incident with the changed file', async () => {
    const snap = structured(await call('take_snapshot', { label: 'before-agent', baseline: true })) as {
      snapshot: { id: string; baseline: boolean };
    };
    assert.equal(snap.snapshot.baseline, true);

    // The "agent" moves the database port and the job dies with a traceback.
    ws.write({
      'config/app.json': JSON.stringify({ db: { host: 'db.internal', port: 5433 }, retries: 3 }, null, 2) + '\n',
      'logs/job.log':
        '2026-12-07T01:00:00Z INFO started\n2026-12-07T01:00:05Z ERROR job failed\nTraceback (most recent call last):\n  File "src/job.py", line 2, in <module>\n    connect()\nConnectionRefusedError: [Errno 111] Connection refused\n',
    });
    const a = structured(await call('analyze', { title: 'Job cannot reach the database' })) as {
      incident: { id: string; title: string; changedFiles: { path: string }[]; triggers: { file: string }[] } | null;
      from: string;
    };
    assert.ok(a.incident, 'an incident was recorded');
    assert.match(a.incident.id, /^INC-\d{4}$/);
    assert.equal(a.incident.title, 'Job cannot reach the database');
    assert.equal(a.from, snap.snapshot.id);
    const changed = a.incident.changedFiles.map((c) => c.path);
    assert.ok(changed.includes('config/app.json'), `changed files: ${changed.join(', ')}`);
    assert.ok(a.incident.triggers.some((t) => t.file === 'logs/job.log'));

    const listed = structured(await call('list_incidents')) as { incidents: { id: string; status: string }[] };
    assert.deepEqual(
      listed.incidents.map((i) => i.id),
      [a.incident.id],
    );

    const got = structured(await call('get_incident', { id: a.incident.id.toLowerCase(), sections: ['changes'] })) as {
      incident: Record<string, unknown>;
    };
    assert.equal(got.incident.id, a.incident.id);
    assert.ok(Array.isArray(got.incident.changes));
    assert.equal(got.incident.triggers, undefined, 'only the sections asked for');

    const diff = structured(await call('diff_snapshots', { from: 'baseline', to: 'latest', paths: ['config'], patches: true })) as {
      changes: { path: string; patch?: string }[];
    };
    assert.deepEqual(
      diff.changes.map((c) => c.path),
      ['config/app.json'],
    );
    assert.match(diff.changes[0]?.patch ?? '', /-\s+"port": 5432\n\+\s+"port": 5433\n/);

    const annotated = structured(
      await call('annotate_incident', { id: a.incident.id, outcome: 'fixed', note: 'port set back to 5432' }),
    ) as { incident: { status: string } };
    assert.equal(annotated.incident.status, 'resolved');

    // Resources: the incident list and the latest report, as markdown.
    const res = await client.readResource({ uri: 'incident-replay://reports/latest' });
    const md = res.contents[0] && 'text' in res.contents[0] ? res.contents[0].text : '';
    assert.match(md, new RegExp(a.incident.id));
    assert.match(md, /config\/app\.json/);
    const one = await client.readResource({ uri: `incident-replay://incidents/${a.incident.id}` });
    assert.match(one.contents[0] && 'text' in one.contents[0] ? one.contents[0].text : '', /port set back to 5432/);
    const again = structured(await call('resolve_incident', { id: a.incident.id })) as { incident: { status: string } };
    assert.equal(again.incident.status, 'resolved', 'resolving twice is harmless');
    const open = structured(await call('list_incidents', { status: 'open' })) as { incidents: unknown[] };
    assert.deepEqual(open.incidents, []);
    const list = await client.readResource({ uri: 'incident-replay://incidents' });
    assert.match(list.contents[0] && 'text' in list.contents[0] ? list.contents[0].text : '', /Job cannot reach the database/);
  });

  it('records, lists, loads and annotates a replay, stored in the store and never in the workspace', async () => {
    const rec = structured(
      await call('record_replay', {
        agent: 'executor',
        phase: 'execute',
        plan: '03-migrate',
        task: 'migrate the users table',
        inputs: { command: 'alembic upgrade head', token: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789' },
      }),
    ) as { replay: { id: string; inputs: Record<string, string> } };
    assert.match(rec.replay.id, /^RPL-\d{4}$/);
    assert.doesNotMatch(JSON.stringify(rec), /ghp_abcdefghijklmnopqrstuvwxyz0123456789/, 'secrets in the payload are redacted');

    const listed = structured(await call('list_replays', { agent: 'executor' })) as { replays: { id: string; status: string | null }[] };
    assert.deepEqual(
      listed.replays.map((r) => [r.id, r.status]),
      [[rec.replay.id, null]],
    );

    const ann = structured(
      await call('annotate_replay', {
        id: rec.replay.id,
        outcome: 'failure',
        note: 'migration timed out',
        fix: 'run it with --lock-timeout 60',
        category: 'timeout',
      }),
    ) as {
      replay: { outcome: { status: string; fix: string } };
    };
    assert.equal(ann.replay.outcome.status, 'failure');

    const loaded = structured(await call('load_replay', { id: rec.replay.id })) as {
      replay: { task: string; inputs: { command: string }; outcome: { fix: string } };
    };
    assert.equal(loaded.replay.task, 'migrate the users table');
    assert.equal(loaded.replay.inputs.command, 'alembic upgrade head');
    assert.equal(loaded.replay.outcome.fix, 'run it with --lock-timeout 60');

    // Nothing of it lands in the workspace: the store (here its default folder) is the only place.
    const mentions = workspaceFiles(ws.dir).filter((f) => readFileSync(f, 'utf8').includes('migrate the users table'));
    assert.deepEqual(mentions, []);

    const collected = structured(await call('collect_failures')) as {
      counts: { incidents: number; replays: number };
      items: { id: string; agent: string }[];
    };
    assert.deepEqual(collected.counts, { incidents: 1, replays: 1, runs: 0 });
    assert.ok(collected.items.some((i) => i.id === rec.replay.id && i.agent === 'executor'));

    const summary = structured(await call('summarize_failures')) as { byAgent: { key: string; count: number }[] };
    assert.deepEqual(
      summary.byAgent.find((a) => a.key === 'executor'),
      { key: 'executor', count: 1, categories: [{ key: 'timeout', count: 1 }] },
    );

    const r = structured(await call('reflect', { agent: 'executor' })) as { failures: number; prompt: string };
    assert.equal(r.failures, 1);
    assert.match(r.prompt, /migration timed out/);
    assert.match(r.prompt, /--lock-timeout 60/);

    const w = structured(await call('write_learnings')) as { file: string };
    assert.equal(w.file, ws.path('LEARNINGS.md'));
    const learnings = readFileSync(w.file, 'utf8');
    assert.match(learnings, /port set back to 5432/);
    assert.match(learnings, /## Agent runs[\s\S]*executor[\s\S]*--lock-timeout 60/);
  });

  it('answers bad input with an error result that says what to fix, and keeps serving', async () => {
    const missing = await call('get_incident', {});
    assert.equal(missing.isError, true);
    assert.match(text(missing), /id is required: give an incident id like INC-0001/);

    const unknown = await call('get_incident', { id: 'INC-0999' });
    assert.equal(unknown.isError, true);
    assert.match(text(unknown), /no incident INC-0999 in this store/);

    const badOutcome = await call('annotate_replay', { id: 'RPL-0001', outcome: 'great' });
    assert.equal(badOutcome.isError, true);
    assert.match(text(badOutcome), /outcome must be one of success, failure, partial, abandoned/);

    const badRef = await call('diff_snapshots', { from: 'nope-no-such', to: 'latest' });
    assert.equal(badRef.isError, true);
    assert.match(text(badRef), /nope-no-such/);

    const outside = await call('write_learnings', { out: '../elsewhere.md' });
    assert.equal(outside.isError, true);
    assert.match(text(outside), /outside the workspace/);

    // Still alive.
    assert.equal((await call('list_snapshots')).isError, undefined);
  });

  it('restores a snapshot after taking a safety snapshot, and says how to undo', async () => {
    const r = structured(await call('restore_snapshot', { snapshot: 'baseline', path: 'config/app.json' })) as {
      safetySnapshot: string;
      written: string[];
      undo: string;
    };
    assert.deepEqual(r.written, ['config/app.json']);
    assert.match(readFileSync(ws.path('config/app.json'), 'utf8'), /5432/);
    assert.match(r.undo, new RegExp(`restore_snapshot with snapshot "${r.safetySnapshot}"`));
    const snaps = structured(await call('list_snapshots')) as { snapshots: { id: string; label: string | null }[] };
    assert.ok(snaps.snapshots.some((s) => s.id === r.safetySnapshot));
  });
});
