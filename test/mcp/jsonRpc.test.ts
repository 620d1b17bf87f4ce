import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { CLI, TempWorkspace } from '../support/workspace';

interface RpcResponse {
  id: number;
  result?: {
    content?: { type: string; text: string }[];
    structuredContent?: Record<string, unknown>;
    isError?: boolean;
    tools?: { name: string }[];
  };
  error?: { code: number; message: string };
}

/**
 * A client with no SDK: newline-delimited JSON-RPC written to the server's stdin, as any MCP
 * client in any language would. Proves the wire format, not just the SDK's view of it.
 */
class LineClient {
  private buffer = '';
  private nextId = 1;
  private readonly waiting = new Map<number, (r: RpcResponse) => void>();
  readonly stderr: string[] = [];
  readonly stray: string[] = [];

  constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      this.buffer += chunk;
      let nl: number;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        if (line.trim() === '') continue;
        let msg: RpcResponse;
        try {
          msg = JSON.parse(line) as RpcResponse;
        } catch {
          this.stray.push(line);
          continue;
        }
        this.waiting.get(msg.id)?.(msg);
        this.waiting.delete(msg.id);
      }
    });
    child.stderr.on('data', (d: Buffer) => this.stderr.push(d.toString()));
  }

  request(method: string, params: Record<string, unknown> = {}): Promise<RpcResponse> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to ${method} in 30 s; stderr: ${this.stderr.join('')}`)), 30_000);
      this.waiting.set(id, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      this.child.stdin.write(JSON.stringify({ jsonrpc: '2.0', id, method, params }) + '\n');
    });
  }

  notify(method: string): void {
    this.child.stdin.write(JSON.stringify({ jsonrpc: '2.0', method }) + '\n');
  }

  async tool(name: string, args: Record<string, unknown> = {}): Promise<NonNullable<RpcResponse['result']>> {
    const r = await this.request('tools/call', { name, arguments: args });
    assert.equal(r.error, undefined, `${name}: ${JSON.stringify(r.error)}`);
    assert.ok(r.result);
    return r.result;
  }
}

describe('incident-replay mcp over plain JSON-RPC lines', () => {
  let ws: TempWorkspace;
  let child: ChildProcessWithoutNullStreams;
  let rpc: LineClient;

  before(() => {
    ws = new TempWorkspace({
      'settings.yaml': 'workers: 4\ntimeout_s: 30\n',
      'out/result.csv': 'id,value\n1,10\n2,20\n',
    });
    child = spawn(process.execPath, [CLI, '--workspace', ws.dir, 'mcp'], { stdio: 'pipe' });
    rpc = new LineClient(child);
  });

  after(async () => {
    child.stdin.end();
    await new Promise((r) => child.once('exit', r));
    ws.dispose();
  });

  it('initializes, lists tools, snapshots, analyses a break and handles replays', async () => {
    const init = await rpc.request('initialize', {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'line-client', version: '0' },
    });
    assert.equal((init.result as unknown as { serverInfo: { name: string } }).serverInfo.name, 'incident-replay');
    rpc.notify('notifications/initialized');

    const list = await rpc.request('tools/list');
    assert.ok(list.result?.tools?.some((t) => t.name === 'analyze'));

    const snap = await rpc.tool('take_snapshot', { baseline: true, label: 'clean' });
    const snapshotId = (snap.structuredContent?.snapshot as { id: string }).id;
    assert.match(snapshotId, /^[0-9a-f]{8}$/);
    assert.match(snap.content?.[0]?.text ?? '', new RegExp(`snapshot ${snapshotId} \\(baseline\\)`));

    // Break it: the settings change and the job's output comes out empty, with an error in its log.
    ws.write({
      'settings.yaml': 'workers: 0\ntimeout_s: 30\n',
      'out/result.csv': '',
      'job.log': '2026-12-07 01:02:03 ERROR ZeroDivisionError: division by zero while splitting work across workers\n',
    });
    const analyzed = await rpc.tool('analyze');
    const incident = analyzed.structuredContent?.incident as { id: string; changedFiles: { path: string; status: string }[] };
    assert.match(incident.id, /^INC-0001$/);
    assert.deepEqual(incident.changedFiles.map((c) => c.path).sort(), ['job.log', 'out/result.csv', 'settings.yaml']);

    const incidents = await rpc.tool('list_incidents');
    assert.deepEqual(
      (incidents.structuredContent?.incidents as { id: string }[]).map((i) => i.id),
      ['INC-0001'],
    );

    const rec = await rpc.tool('record_replay', { agent: 'planner', phase: 'execute', plan: 'scale-workers', inputs: { workers: 0 } });
    const replayId = (rec.structuredContent?.replay as { id: string }).id;
    const replays = await rpc.tool('list_replays');
    assert.deepEqual(
      (replays.structuredContent?.replays as { id: string }[]).map((r) => r.id),
      [replayId],
    );
    const loaded = await rpc.tool('load_replay', { id: replayId });
    assert.deepEqual((loaded.structuredContent?.replay as { inputs: unknown }).inputs, { workers: 0 });
    const annotated = await rpc.tool('annotate_replay', {
      id: replayId,
      outcome: 'failure',
      incident: 'INC-0001',
      fix: 'workers must be at least 1',
    });
    assert.equal((annotated.structuredContent?.replay as { outcome: { incident: string } }).outcome.incident, 'INC-0001');

    const bad = await rpc.tool('load_replay', { id: 'not a replay' });
    assert.equal(bad.isError, true);
    assert.match(bad.content?.[0]?.text ?? '', /is not a replay id: give one like RPL-0001/);

    const unknownTool = await rpc.request('tools/call', { name: 'format_disk', arguments: {} });
    assert.equal(unknownTool.result?.isError ?? Boolean(unknownTool.error), true);

    assert.deepEqual(rpc.stray, [], 'stdout carries JSON-RPC only');
  });
});
