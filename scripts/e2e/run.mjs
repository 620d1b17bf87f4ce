// The real-VS-Code end-to-end run: installs what is missing (setup.mjs), builds and packages
// the extension, starts code-server with it on a copy of the fixture workspace, runs the
// node:test suite in test/e2e/ against it through headless Chromium, and always stops the
// server's whole process group. Exit code: the suite's (non-zero on any failure).
//
//   node scripts/e2e/run.mjs            # everything
//   node scripts/e2e/run.mjs --headed   # (with a display) watch the browser
//   node scripts/e2e/run.mjs --vsix=PATH  # test a package built elsewhere instead of packaging
//   node scripts/e2e/run.mjs --vscode=min # against the minimum of engines.vscode (or IR_E2E_VSCODE=min)
//
// Screenshots and logs go to test-results/e2e/ (test-results/e2e-min/ for the minimum).
import { spawn, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM, E2E_DIR, ROOT, ensureInstalled, log, resolveTarget } from './setup.mjs';
import { freePort, installExtension, prepareProfile, startCodeServer } from './server.mjs';
import { unrunTests } from './tapSummary.mjs';

// Which code-server: the latest by default, or the one of engines.vscode's minimum. Each keeps
// its own run folder and artifacts, so one run never clobbers the other's.
const TARGET = (() => {
  try {
    return resolveTarget();
  } catch (err) {
    console.error(`[e2e] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
})();
const SUFFIX = TARGET.name === 'min' ? '-min' : '';
const ARTIFACTS = path.join(ROOT, 'test-results', `e2e${SUFFIX}`);
const RUN_DIR = path.join(E2E_DIR, `run${SUFFIX}`);
const FIXTURE = path.join(ROOT, 'test', 'e2e', 'fixtures', 'workspace');
const SUITE_DIR = path.join(ROOT, 'test', 'e2e');
// The suite's own steps have tighter timeouts; this only stops a run that hangs outright.
const SUITE_TIMEOUT_MS = 6 * 60_000;

function run(cmd, args, opts = {}) {
  log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: ROOT, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with exit code ${r.status ?? r.signal}`);
}

function newestVsix(since) {
  const found = readdirSync(ROOT)
    .filter((f) => f.endsWith('.vsix'))
    .map((f) => path.join(ROOT, f))
    .filter((f) => statSync(f).mtimeMs >= since)
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return found[0];
}

/** Packages the extension exactly as a release is packaged: the project's `npm run package`. */
function packageExtension() {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  if (!pkg.scripts?.package) throw new Error('package.json has no `package` script; the end-to-end run tests the packaged .vsix');
  const since = Date.now() - 1000;
  run('npm', ['run', 'package']);
  const vsix = newestVsix(since);
  if (!vsix) throw new Error('`npm run package` succeeded but wrote no .vsix in the project folder');
  return vsix;
}

function suiteFiles() {
  const filters = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const files = readdirSync(SUITE_DIR)
    .filter((f) => f.endsWith('.e2e.ts'))
    .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
    .sort();
  if (files.length === 0) throw new Error('no test/e2e/*.e2e.ts file matches');
  return files;
}

/** The suite's process group while it runs, so a signal to this script reaches it too. */
let suiteGroup = null;
function signalSuite(sig) {
  if (suiteGroup === null) return;
  try {
    process.kill(-suiteGroup, sig);
  } catch {
    // already gone
  }
}

function runSuite(files, env, tapFile) {
  log(`running ${files.join(' ')}`);
  return new Promise((resolve) => {
    const reporters = [
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tapFile}`,
    ];
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', ...reporters, '--test-concurrency=1', ...files], {
      cwd: ROOT,
      env,
      stdio: 'inherit',
      detached: true,
    });
    // Its own process group (the test runner, its file subprocess, Chromium) so a hang can be
    // stopped whole.
    suiteGroup = child.pid ?? null;
    const timer = setTimeout(() => {
      console.error(`[e2e] the suite ran past ${SUITE_TIMEOUT_MS / 60_000} minutes: stopping it`);
      // TERM first: Playwright closes its Chromium on TERM, which a KILL would orphan.
      signalSuite('SIGTERM');
      setTimeout(() => signalSuite('SIGKILL'), 5000).unref();
    }, SUITE_TIMEOUT_MS);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      suiteGroup = null;
      const status = code ?? (signal ? 1 : 0);
      const unrun = existsSync(tapFile) ? unrunTests(readFileSync(tapFile, 'utf8')) : { skipped: 0, todo: 0, names: [] };
      if (status === 0 && unrun.skipped + unrun.todo > 0) {
        console.error(`[e2e] ${unrun.skipped} skipped and ${unrun.todo} todo tests count as failures:\n  ${unrun.names.join('\n  ')}`);
        resolve(1);
      } else resolve(status);
    });
  });
}

/**
 * How each suite file's VS Code is set up; every file gets its own server, profile and copy of
 * the fixtures. `layout`: one folder, or a two-folder .code-workspace (alpha and beta, each a
 * copy of the fixture). `trust`: 'off' (workspace trust disabled) or 'restricted' (trust on,
 * the workspace left untrusted).
 */
const SCENARIOS = {
  'incidentReplay.e2e.ts': { layout: 'folder', trust: 'off' },
  'multiRoot.e2e.ts': { layout: 'multi-root', trust: 'off' },
  'untrusted.e2e.ts': { layout: 'folder', trust: 'restricted' },
  'lifecycle.e2e.ts': { layout: 'folder', trust: 'off' },
};

/** Copies the fixture for one scenario under `dir`; returns the folders and what to open. */
function layOut(dir, layout) {
  if (layout === 'folder') {
    const folder = path.join(dir, 'workspace');
    cpSync(FIXTURE, folder, { recursive: true });
    return { folders: [folder], open: { folder } };
  }
  const folders = ['alpha', 'beta'].map((name) => {
    const folder = path.join(dir, name);
    cpSync(FIXTURE, folder, { recursive: true });
    return folder;
  });
  const workspaceFile = path.join(dir, 'pair.code-workspace');
  writeFileSync(workspaceFile, JSON.stringify({ folders: folders.map((f) => ({ path: path.basename(f) })), settings: {} }, null, 2) + '\n');
  return { folders, open: { workspace: workspaceFile } };
}

/** One suite file against its own code-server; resolves to the suite's exit code. */
async function runScenario(file, installed) {
  const name = file.replace(/\.e2e\.ts$/, '');
  const scenario = SCENARIOS[file] ?? { layout: 'folder', trust: 'off' };
  const artifacts = path.join(ARTIFACTS, name);
  mkdirSync(artifacts, { recursive: true });
  const runDir = path.join(RUN_DIR, name);
  mkdirSync(runDir, { recursive: true });
  // Outside the project: the engine reads git history, and the project's own must not leak in.
  const dir = mkdtempSync(path.join(os.tmpdir(), `ir-e2e-${name}-`));
  appendFileSync(KEPT_MARKER, dir + '\n');
  const { folders, open } = layOut(dir, scenario.layout);
  const profile = prepareProfile(runDir, scenario.trust, installed);
  const port = await freePort();
  log(
    `${name}: starting code-server on 127.0.0.1:${port} with ${open.folder ?? open.workspace} (${scenario.layout}, trust ${scenario.trust})`,
  );
  const server = await startCodeServer({
    port,
    profile,
    folder: open.folder ?? open.workspace,
    logFile: path.join(artifacts, 'code-server.log'),
    target: TARGET,
  });
  stopCurrent = () => server.stop();
  let code = 1;
  try {
    code = await runSuite(
      [path.join('test', 'e2e', file)],
      {
        ...process.env,
        IR_E2E_URL: server.url,
        IR_E2E_WORKSPACE: folders[0],
        IR_E2E_FOLDERS: JSON.stringify(folders),
        IR_E2E_WORKSPACE_FILE: open.workspace ?? '',
        IR_E2E_TRUST: scenario.trust,
        IR_E2E_USER_DATA: profile.userData,
        IR_E2E_EXTENSIONS: profile.extensions,
        IR_E2E_ARTIFACTS: artifacts,
        IR_E2E_BROWSER_PROFILE: path.join(runDir, 'chromium'),
        IR_E2E_CHROMIUM: CHROMIUM,
        IR_E2E_HEADED: process.argv.includes('--headed') ? '1' : '',
        // The VS Code under test (`1.139`, `1.90`): the support code follows its workbench.
        IR_E2E_VSCODE_VERSION: TARGET.vscode,
        PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
      },
      path.join(artifacts, 'results.tap'),
    );
  } finally {
    log(`${name}: stopping code-server`);
    await server.stop();
    stopCurrent = null;
    // The extension host's and server's own logs explain failures the screenshots cannot.
    const logs = path.join(profile.userData, 'logs');
    if (existsSync(logs)) cpSync(logs, path.join(artifacts, 'vscode-logs'), { recursive: true });
  }
  if (code === 0) rmSync(dir, { recursive: true, force: true });
  else log(`${name}: kept the workspace for inspection: ${dir}`);
  return code;
}

const KEPT_MARKER = path.join(E2E_DIR, `kept-workspaces${SUFFIX}`);
/** Stops the server of the scenario running now, if any. */
let stopCurrent = null;

async function main() {
  const t0 = Date.now();
  ensureInstalled(TARGET);
  log(`testing against code-server ${TARGET.codeServerVersion} (VS Code ${TARGET.vscode}) on ${TARGET.node}`);
  // The build also gives the suite the CLI it reads the extension's store with.
  run('npm', ['run', 'build']);
  const given = process.argv.find((a) => a.startsWith('--vsix='))?.slice('--vsix='.length);
  const vsix = given ? path.resolve(given) : packageExtension();
  if (!existsSync(vsix)) throw new Error(`no such .vsix: ${vsix}`);
  log(`extension package: ${path.relative(ROOT, vsix)}`);

  rmSync(ARTIFACTS, { recursive: true, force: true });
  mkdirSync(ARTIFACTS, { recursive: true });
  rmSync(RUN_DIR, { recursive: true, force: true });
  mkdirSync(RUN_DIR, { recursive: true });
  // Workspaces a failed run kept for inspection are removed by the next run.
  if (existsSync(KEPT_MARKER))
    for (const d of readFileSync(KEPT_MARKER, 'utf8').split('\n').filter(Boolean)) rmSync(d, { recursive: true, force: true });
  writeFileSync(KEPT_MARKER, '');

  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.once(sig, () => {
      signalSuite('SIGTERM');
      void (stopCurrent ? stopCurrent() : Promise.resolve()).finally(() => process.exit(130));
    });
  }
  // The extension is installed once; every scenario's server gets its own user data.
  const installed = installExtension(path.join(RUN_DIR, 'extensions'), vsix, TARGET);
  const failed = [];
  for (const file of suiteFiles()) {
    if ((await runScenario(file, installed)) !== 0) failed.push(file);
  }
  if (failed.length === 0) writeFileSync(KEPT_MARKER, '');
  const secs = ((Date.now() - t0) / 1000).toFixed(0);
  log(
    `VS Code ${TARGET.vscode}: ${failed.length === 0 ? 'passed' : `FAILED: ${failed.join(', ')}`} in ${secs} s; screenshots and logs in ${path.relative(ROOT, ARTIFACTS)}/`,
  );
  process.exit(failed.length === 0 ? 0 : 1);
}

main().catch((err) => {
  console.error(`[e2e] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
