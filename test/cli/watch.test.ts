import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { CLI, cli, cliAsync, settle, TempWorkspace } from '../support/workspace';

const spaces: TempWorkspace[] = [];
after(() => spaces.forEach((w) => w.dispose()));

interface Watching {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

function watch(w: TempWorkspace, ...args: string[]): Watching {
  const child = spawn(process.execPath, [CLI, '--workspace', w.dir, 'watch', ...args], { cwd: w.dir });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout?.resume();
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, stderr: () => err, exited };
}

async function until(what: string, check: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await settle(50);
  }
}

interface Snap {
  id: string;
  origin?: string;
  reason?: string;
  label: string | null;
}

test('watch journals every create, change and delete with its time, snapshots after the burst settles, and stops cleanly on SIGINT', async () => {
  const w = new TempWorkspace({ 'src/app.js': 'console.log(1)\n', 'old.txt': 'bye\n' });
  spaces.push(w);
  const rec = watch(w, '--quiet', '0.4', '--min-interval', '0');
  try {
    await until('recording to start', () => rec.stderr().includes('(Ctrl-C to stop)'));
    const before = Date.now();
    w.write({ 'src/app.js': 'console.log(2)\n', 'src/new.js': 'x\n', 'node_modules/pkg/index.js': 'module.exports = 1;\n' }).remove(
      'old.txt',
    );
    await until('the quiet snapshot', () => /snapshot \w+ \(quiet\)/.test(rec.stderr()));
    // The watcher may hand over a burst in more than one batch, the later ones after the quiet
    // snapshot on a loaded machine: stop once each event is journaled (its time is checked below).
    const journaled = (): string[] => {
      try {
        const dir = w.path('.incident-replay/journal');
        return readdirSync(dir).flatMap((f) => readFileSync(path.join(dir, f), 'utf8').trim().split('\n'));
      } catch {
        return [];
      }
    };
    await until('the journal to name each changed file', () =>
      ['"old.txt"', '"src/new.js"', '"src/app.js"'].every((p) => journaled().some((l) => l.includes(`"path":${p}`))),
    );
    const after = Date.now();
    rec.child.kill('SIGINT');
    assert.equal(await rec.exited, 0, rec.stderr());
    assert.match(rec.stderr(), /stopped: \d+ file events journaled, last snapshot \w+ \(quiet\), store /);

    const snaps = (JSON.parse(cli(w, 'snapshots', '--json').stdout) as { snapshots: Snap[] }).snapshots;
    // A burst the watcher handed over in two batches settles twice: one quiet snapshot or more.
    const kinds = snaps.map((s) => [s.origin, s.reason, s.label]);
    assert.deepEqual(kinds[0], ['auto', 'start', 'auto:start']);
    assert.ok(kinds.length >= 2, JSON.stringify(kinds));
    for (const k of kinds.slice(1)) assert.deepEqual(k, ['auto', 'quiet', 'auto:quiet']);
    const lines = journaled();
    const records = lines.map((l) => JSON.parse(l) as { t: number; kind: string; path: string });
    const seen = (kind: string, p: string): boolean =>
      records.some((r) => r.kind === kind && r.path === p && r.t >= before - 5 && r.t <= after);
    assert.ok(seen('delete', 'old.txt'), lines.join('\n'));
    assert.ok(seen('create', 'src/new.js') || seen('change', 'src/new.js'), lines.join('\n'));
    assert.ok(
      records.some((r) => r.path === 'src/app.js'),
      lines.join('\n'),
    );
    assert.ok(!records.some((r) => r.path.startsWith('.incident-replay')), 'the store is not journaled');
    assert.ok(!records.some((r) => r.path.startsWith('node_modules')), 'installs are not journaled');

    // An analysis since the recorder's first snapshot places the deletion at the watcher's time.
    const first = snaps[0] as Snap;
    const an = cli(w, 'analyze', '--since', first.id, '--json');
    assert.equal(an.code, 0, an.stderr);
    const inc = (
      JSON.parse(an.stdout) as { incident: { timeline: { kind: string; file?: string; estimated: boolean; timestamp: number }[] } | null }
    ).incident;
    const del = inc?.timeline.find((e) => e.kind === 'file_change' && e.file === 'old.txt');
    assert.equal(del?.estimated, false);
    assert.ok(del && del.timestamp >= before - 5 && del.timestamp <= after);
  } finally {
    rec.child.kill('SIGKILL');
  }
});

test('watch refuses bad flags with a one-line message saying what to fix', () => {
  const w = new TempWorkspace({ 'a.txt': 'a\n' });
  spaces.push(w);
  const bad = cli(w, 'watch', '--quiet', 'soon');
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr.trim(), 'incident-replay: --quiet takes a number of seconds ≥ 0 (got soon)');
  const size = cli(w, 'watch', '--max-size', 'lots');
  assert.equal(size.code, 2);
  assert.match(size.stderr.trim(), /^incident-replay: --max-size takes a size like 500m or 1g \(got lots\)$/);
  const tiny = cli(w, 'watch', '--max-size', '10k');
  assert.equal(tiny.code, 2);
  assert.match(tiny.stderr.trim(), /^incident-replay: --max-size must be a number ≥ 1048576 \(got 10240\)$/);
});

test('watch stops on SIGTERM too (a service manager or CI step ending), with what it journaled written', async () => {
  const w = new TempWorkspace({ 'a.txt': 'a\n' });
  spaces.push(w);
  const rec = watch(w, '--quiet', '60');
  try {
    await until('recording to start', () => rec.stderr().includes('(Ctrl-C to stop)'));
    w.write({ 'b.txt': 'b\n' });
    // Long enough for the watcher to report it; the quiet period (60 s) is far away, so no snapshot follows.
    await settle(500);
    rec.child.kill('SIGTERM');
    assert.equal(await rec.exited, 0, rec.stderr());
    const journalDir = w.path('.incident-replay/journal');
    const text = readdirSync(journalDir)
      .map((f) => readFileSync(path.join(journalDir, f), 'utf8'))
      .join('');
    assert.match(text, /"path":"b\.txt"/);
    assert.match(rec.stderr(), /stopped: [1-9]\d* file events journaled, last snapshot \w+ \(start\)/);
  } finally {
    rec.child.kill('SIGKILL');
  }
});

test('while watch runs, `incident-replay snapshot` in its workspace is taken by watch: same output, same store, the change just made included', async () => {
  const w = new TempWorkspace({ 'a.txt': 'a\n' });
  spaces.push(w);
  const rec = watch(w, '--quiet', '60');
  try {
    await until('recording to start', () => rec.stderr().includes('(Ctrl-C to stop)'));
    w.write({ 'b.txt': 'written just before\n' });
    const served = await cliAsync(w, 'snapshot', '--label', 'served');
    assert.equal(served.code, 0, served.stderr);
    assert.match(served.stdout, /^\w+\n$/);
    assert.match(served.stderr, /^2 files, .* \(\d+ read, \d+ unchanged\)\n$/);
    // Asked not to, the CLI takes its snapshot itself.
    const own = spawnSync(process.execPath, [CLI, '--workspace', w.dir, 'snapshot', '--label', 'own'], {
      encoding: 'utf8',
      env: { ...process.env, INCIDENT_REPLAY_NO_SERVICE: '1' },
    });
    assert.equal(own.status, 0, own.stderr);
    const diff = await cliAsync(w, 'diff', 'served', 'own', '--json');
    assert.deepEqual((JSON.parse(diff.stdout) as { changes: unknown[] }).changes, [], 'both saw the same tree');
    const list = JSON.parse((await cliAsync(w, 'snapshots', '--json')).stdout) as { snapshots: Snap[] };
    assert.deepEqual(
      list.snapshots.filter((s) => s.origin !== 'auto').map((s) => s.label),
      ['served', 'own'],
    );
    // An agent's hook, its event on standard input, is run there too.
    const event = {
      hook_event_name: 'PreToolUse',
      session_id: 's',
      cwd: w.dir,
      tool_name: 'Bash',
      tool_use_id: 't1',
      tool_input: { command: 'make' },
    };
    const hook = spawnSync(process.execPath, [CLI, '--workspace', w.dir, 'hooks', 'run', '--agent', 'claude-code'], {
      encoding: 'utf8',
      input: JSON.stringify(event),
    });
    assert.equal(hook.status, 0, hook.stderr);
    assert.equal(hook.stderr, '');
    const after = JSON.parse((await cliAsync(w, 'snapshots', '--json')).stdout) as { snapshots: Snap[] };
    assert.ok(after.snapshots.some((s) => s.label === 'before claude-code Bash'));
    rec.child.kill('SIGINT');
    assert.equal(await rec.exited, 0, rec.stderr());
    assert.match(rec.stderr(), /; ran 2 CLI commands for other processes\n/);
    assert.match(rec.stderr(), /`incident-replay snapshot` and agent hooks on this store run here while it records\n/);
  } finally {
    rec.child.kill('SIGKILL');
  }
});
