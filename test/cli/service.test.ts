import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { servedCommand } from '../../src/cli/argv';
import type { CliIo } from '../../src/cli/io';
import { runCli } from '../../src/cli/program';
import { serviceAddress } from '../../src/cli/service/address';
import { askService, type ClientOutput } from '../../src/cli/service/client';
import { environmentOfConcern, frameLine, MAX_REQUEST_BYTES, PROTOCOL_VERSION, type ServiceFrame } from '../../src/cli/service/protocol';
import { type CliService, type RunCli, serveCli } from '../../src/cli/service/server';
import { CLI, cliAsync, TempWorkspace } from '../support/workspace';

const cleanup: (() => void)[] = [];
after(() => cleanup.reverse().forEach((f) => f()));

// Every test here gets its own runtime folder, so nothing reaches a service a developer has running.
const runtime = mkdtempSync(path.join(os.tmpdir(), 'ir-runtime-'));
chmodSync(runtime, 0o700);
process.env.XDG_RUNTIME_DIR = runtime;
cleanup.push(() => rmSync(runtime, { recursive: true, force: true }));

const BUILD = 'test-build';

function workspace(files: Record<string, string> = { 'a.txt': 'a\n' }): {
  ws: TempWorkspace;
  store: string;
  argv: (...a: string[]) => string[];
} {
  const ws = new TempWorkspace(files);
  cleanup.push(() => ws.dispose());
  const store = path.join(ws.dir, '.incident-replay');
  mkdirSync(store);
  return { ws, store, argv: (...a) => ['--workspace', ws.dir, '--store', store, ...a] };
}

function captured(): ClientOutput & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (t) => lines.push(`out: ${t}`), err: (t) => lines.push(`err: ${t}`) };
}

/** A CliIo that keeps what a command writes. */
function recording(): CliIo & { text: () => string } {
  let text = '';
  return { out: (t) => (text += `${t}\n`), err: (t) => (text += `${t}\n`), text: () => text };
}

async function serve(storeDir: string, run: RunCli = runCli): Promise<CliService> {
  const service = await serveCli({ storeDir, run, build: BUILD });
  assert.ok(service, 'the service listens');
  cleanup.push(() => void service.close());
  return service;
}

/** Sends one raw request line and returns the frames the server answers with. */
function exchange(address: string, line: string): Promise<ServiceFrame[]> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(address);
    let data = '';
    socket.on('connect', () => socket.write(line));
    socket.on('data', (d: Buffer) => (data += d.toString()));
    socket.on('error', reject);
    socket.on('close', () =>
      resolve(
        data
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => JSON.parse(l) as ServiceFrame),
      ),
    );
  });
}

describe('which command lines a serving process may run', () => {
  test('a snapshot with global options and its own, each read completely', () => {
    for (const argv of [
      ['snapshot'],
      ['--workspace', '/w', '--store', '/s', 'snapshot', '--label', 'before step 3', '--json'],
      ['--store=/s', '--trust-config', '--config', 'c.json', 'snapshot', '--baseline', '--label=x'],
      ['hooks', 'run', '--agent', 'claude-code'],
      ['--workspace=/w', 'hooks', 'run', '--agent=codex'],
    ]) {
      assert.notEqual(servedCommand(argv), null, argv.join(' '));
    }
  });

  test('anything else runs in its own process', () => {
    for (const argv of [
      [],
      ['snapshots'],
      ['analyze'],
      ['snapshot', '--help'],
      ['snapshot', '-h'],
      ['--version', 'snapshot'],
      ['snapshot', 'extra'],
      ['snapshot', '--label'],
      ['snapshot', '--label', '--json'],
      ['snapshot', '--label='],
      ['snapshot', '--json', '--json'],
      ['snapshot', '--baseline=yes'],
      ['--store', '/a', '--store', '/b', 'snapshot'],
      ['--', 'snapshot'],
      ['snapshot', '--', '--json'],
      ['snapshot', '--lable', 'x'],
      ['--workspace', 'snapshot'],
      ['hooks', 'install', '--agent', 'codex'],
      ['hooks', 'run', '--agent', 'codex', '--print'],
      ['hooks', '--agent', 'codex', 'run'],
      ['run', 'hooks'],
    ]) {
      assert.equal(servedCommand(argv), null, argv.join(' '));
    }
  });
});

describe('where a service listens', () => {
  test('a socket in a private folder, named by the store; none for a folder others can enter, a symlink, or a missing store', () => {
    const { store } = workspace();
    const address = serviceAddress(store, true) as string;
    assert.ok(address.startsWith(path.join(runtime, 'incident-replay') + path.sep));
    assert.equal(lstatSync(path.dirname(address)).mode & 0o777, 0o700);
    // The same store through another path (a symlink to it) meets the same service.
    const link = path.join(mkdtempSync(path.join(os.tmpdir(), 'ir-link-')), 'store');
    cleanup.push(() => rmSync(path.dirname(link), { recursive: true, force: true }));
    symlinkSync(store, link);
    assert.equal(serviceAddress(link), address);
    assert.notEqual(serviceAddress(workspace().store), address);
    assert.equal(serviceAddress(path.join(store, 'missing')), null);

    const folder = path.dirname(address);
    chmodSync(folder, 0o755);
    try {
      assert.equal(serviceAddress(store), null, 'a folder others can list is refused');
    } finally {
      chmodSync(folder, 0o700);
    }
    const elsewhere = mkdtempSync(path.join(os.tmpdir(), 'ir-runtime-'));
    cleanup.push(() => rmSync(elsewhere, { recursive: true, force: true }));
    mkdirSync(path.join(elsewhere, 'target'), { mode: 0o700 });
    symlinkSync(path.join(elsewhere, 'target'), path.join(elsewhere, 'incident-replay'));
    process.env.XDG_RUNTIME_DIR = elsewhere;
    try {
      assert.equal(serviceAddress(store, true), null, 'a symlinked folder is refused');
    } finally {
      process.env.XDG_RUNTIME_DIR = runtime;
    }
  });
});

describe('a CLI snapshot taken by the process that serves its store', () => {
  let service: CliService;
  let w: ReturnType<typeof workspace>;
  before(async () => {
    w = workspace({ 'a.txt': 'a\n', 'src/app.js': 'console.log(1)\n' });
    service = await serve(w.store);
  });

  test('prints what the command prints and records the snapshot; a change made just before it is in it', async () => {
    const out = captured();
    assert.equal(await askService(w.argv('snapshot', '--label', 'first'), BUILD, { output: out }), 0);
    assert.equal(service.served, 1);
    const id = /^out: (\w+)$/.exec(out.lines[0] ?? '')?.[1];
    assert.ok(id, out.lines.join('\n'));
    assert.match(out.lines[1] ?? '', /^err: 2 files, .* \(2 read, 0 unchanged\)$/);

    w.ws.write({ 'src/app.js': 'console.log(2)\n', 'b.txt': 'new\n' });
    const second = captured();
    assert.equal(await askService(w.argv('snapshot', '--json'), BUILD, { output: second }), 0);
    const json = JSON.parse(second.lines.map((l) => l.replace(/^out: /, '')).join('\n')) as { snapshot: { id: string; fileCount: number } };
    assert.equal(json.snapshot.fileCount, 3);

    const diff = recording();
    assert.equal(await runCli(w.argv('diff', 'first', json.snapshot.id, '--json'), diff), 0, diff.text());
    const changes = JSON.parse(diff.text()) as { changes: { path: string; status: string }[] };
    assert.deepEqual(changes.changes.map((c) => [c.path, c.status]).sort(), [
      ['b.txt', 'added'],
      ['src/app.js', 'modified'],
    ]);
  });

  test("relative paths are resolved from the client's working folder, not the server's", async () => {
    const here = process.cwd();
    process.chdir(w.ws.dir);
    try {
      const out = captured();
      assert.equal(
        await askService(['--store', '.incident-replay', 'snapshot', '--label', 'relative'], BUILD, { output: out }),
        0,
        out.lines.join('\n'),
      );
    } finally {
      process.chdir(here);
    }
    const list = recording();
    await runCli(w.argv('snapshots', '--json'), list);
    assert.ok((JSON.parse(list.text()) as { snapshots: { label: string | null }[] }).snapshots.some((s) => s.label === 'relative'));
  });

  test("an agent's hook is run with the event it sent on standard input", async () => {
    const event = {
      hook_event_name: 'PreToolUse',
      session_id: 'sess-1',
      cwd: w.ws.dir,
      tool_name: 'Write',
      tool_use_id: 'toolu_01',
      tool_input: { file_path: w.ws.path('a.txt'), content: 'b\n' },
    };
    const out = captured();
    const before = service.served;
    const input = (): Promise<string> => Promise.resolve(JSON.stringify(event));
    assert.equal(await askService(w.argv('hooks', 'run', '--agent', 'claude-code'), BUILD, { output: out, input }), 0);
    assert.equal(service.served, before + 1);
    assert.deepEqual(out.lines, [], 'Claude Code reads stdout: the hook says nothing');
    const list = recording();
    await runCli(w.argv('snapshots', '--json'), list);
    const labels = (JSON.parse(list.text()) as { snapshots: { label: string | null }[] }).snapshots.map((s) => s.label);
    assert.ok(labels.includes('before claude-code Write'), labels.join(', '));
  });

  test('a config edited between two served snapshots is the one the second uses', async () => {
    assert.equal(await askService(w.argv('snapshot', '--label', 'before-config'), BUILD, { output: captured() }), 0);
    w.ws.write({ 'incident-replay.json': JSON.stringify({ exclude: ['src/**'] }) });
    try {
      // Leaving files out weakens detection: a workspace's config does that only when trusted.
      const trusted = ['--workspace', w.ws.dir, '--store', w.store, '--trust-config', 'snapshot', '--label', 'after-config'];
      assert.equal(await askService(trusted, BUILD, { output: captured() }), 0);
    } finally {
      w.ws.remove('incident-replay.json');
    }
    const diff = recording();
    assert.equal(await runCli(w.argv('diff', 'before-config', 'after-config', '--json'), diff), 0, diff.text());
    const changes = (JSON.parse(diff.text()) as { changes: { path: string; status: string }[] }).changes;
    assert.deepEqual(changes.map((c) => [c.path, c.status]).sort(), [
      ['incident-replay.json', 'added'],
      ['src/app.js', 'removed'],
    ]);
  });

  test("an error is the command's own: its message and exit code", async () => {
    const out = captured();
    const before = service.served;
    assert.equal(
      await askService(['--workspace', w.ws.dir, '--store', w.store, '--config', path.join(w.ws.dir, 'none.json'), 'snapshot'], BUILD, {
        output: out,
      }),
      2,
    );
    assert.equal(service.served, before + 1);
    assert.match(out.lines.join('\n'), /^err: incident-replay: .*none\.json/m);
  });

  test('the server declines another build, another environment, another command, and anything that is not a request', async () => {
    const address = service.address;
    const request = (over: object): string =>
      frameLine({
        v: PROTOCOL_VERSION,
        argv: w.argv('snapshot'),
        cwd: w.ws.dir,
        env: environmentOfConcern(process.env),
        build: BUILD,
        until: Date.now() + 10_000,
        ...over,
      } as never);
    const declined = async (line: string, why: RegExp): Promise<void> => {
      const frames = await exchange(address, line);
      assert.equal(frames.length, 1, JSON.stringify(frames));
      assert.equal(frames[0]?.t, 'declined');
      assert.match((frames[0] as { why: string }).why, why);
    };
    const before = service.served;
    await declined(request({ build: 'another' }), /build/);
    // Read after the client stopped waiting (a server busy for seconds): it runs the command itself.
    await declined(request({ until: Date.now() + 500 }), /too late/);
    await declined(request({ until: undefined }), /not a request/);
    await declined(request({ env: { ...environmentOfConcern(process.env), INCIDENT_REPLAY_LOCK_STALE_MS: '5000' } }), /environment/);
    await declined(request({ env: { ...environmentOfConcern(process.env), HOME: '/somewhere/else' } }), /environment/);
    await declined(request({ argv: w.argv('prune', '--keep', '0') }), /command/);
    await declined(request({ cwd: 'relative' }), /working folder/);
    await declined(request({ argv: w.argv('hooks', 'run', '--agent', 'codex') }), /standard input/);
    await declined(request({ stdin: '{}' }), /standard input/);
    await declined(request({ v: 2 }), /not a request/);
    await declined('{"not json\n', /not a request/);
    await declined('x'.repeat(MAX_REQUEST_BYTES + 1), /not a request/);
    // A client that connects and says nothing is not waited for.
    await declined('', /no request/);
    assert.equal(service.served, before);
    // The client hears "declined" as "run it yourself".
    assert.equal(await askService(w.argv('snapshot'), 'another', { output: captured() }), null);
  });

  test('nobody is asked when nothing listens, the line is not servable, or INCIDENT_REPLAY_NO_SERVICE is set', () => {
    const other = workspace();
    assert.equal(askService(other.argv('snapshot'), BUILD), null);
    assert.equal(askService(w.argv('snapshots'), BUILD), null);
    process.env.INCIDENT_REPLAY_NO_SERVICE = '1';
    try {
      assert.equal(askService(w.argv('snapshot'), BUILD), null);
    } finally {
      delete process.env.INCIDENT_REPLAY_NO_SERVICE;
    }
  });

  test('a second process for the same store does not take the service over', async () => {
    assert.equal(await serveCli({ storeDir: w.store, run: runCli, build: BUILD }), null);
    assert.ok(existsSync(service.address));
  });
});

describe('a service that cannot answer', () => {
  test('output comes in the order written, with the exit code; a command that fails in the server leaves the client to run it', async () => {
    const w = workspace();
    let fail = false;
    const service = await serve(w.store, async (_argv, io) => {
      if (fail) throw new Error('the server broke');
      io.err('first');
      io.out('second');
      io.err('third');
      return 3;
    });
    const out = captured();
    assert.equal(await askService(w.argv('snapshot'), BUILD, { output: out }), 3);
    assert.deepEqual(out.lines, ['err: first', 'out: second', 'err: third']);
    fail = true;
    const none = captured();
    assert.equal(await askService(w.argv('snapshot'), BUILD, { output: none }), null);
    assert.deepEqual(none.lines, []);
    // A client that connects and leaves without asking (as a starting server's probe does) holds nothing up.
    const probe = net.connect(service.address);
    await new Promise((resolve) => probe.once('connect', resolve));
    probe.destroy();
    await new Promise((r) => setTimeout(r, 50));
    await service.close();
    assert.equal(existsSync(service.address), false, 'the socket is removed on close');
  });

  test('a socket left by a process killed with -9 is taken over', async () => {
    const w = workspace();
    const address = serviceAddress(w.store, true) as string;
    const child = spawn(process.execPath, [
      '-e',
      `require('net').createServer().listen(${JSON.stringify(address)}, () => console.log('up'))`,
    ]);
    await new Promise((resolve) => child.stdout.once('data', resolve));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('close', resolve));
    assert.ok(existsSync(address), 'the dead process left its socket');
    assert.notEqual(askService(w.argv('snapshot'), BUILD), null, 'a client tries it');
    assert.equal(await askService(w.argv('snapshot'), BUILD, { output: captured() }), null, 'and runs the command itself');

    const service = await serve(w.store);
    const out = captured();
    assert.equal(await askService(w.argv('snapshot'), BUILD, { output: out }), 0, out.lines.join('\n'));
    assert.equal(service.served, 1);
  });
});

test('`mcp` serves its store while it runs, and stops when the agent closes it', async () => {
  const w = workspace();
  const child = spawn(process.execPath, [CLI, '--workspace', w.ws.dir, 'mcp'], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise((resolve) => child.once('close', resolve));
  try {
    const address = serviceAddress(w.store) as string;
    const deadline = Date.now() + 20_000;
    while (!existsSync(address)) {
      assert.ok(Date.now() < deadline, `mcp never listened: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const r = await cliAsync(w.ws, 'snapshot');
    assert.equal(r.code, 0, r.stderr);
    child.stdin.end();
    await exited;
    assert.equal(existsSync(address), false, stderr);
  } finally {
    child.kill('SIGKILL');
  }
});
