// The real-VS-Code end-to-end run: installs what is missing (setup.mjs), builds and packages
// the extension, starts code-server with it on a copy of the fixture workspace, runs the
// node:test suite in test/e2e/ against it through headless Chromium, and always stops the
// server's whole process group. Exit code: the suite's (non-zero on any failure).
//
//   node scripts/e2e/run.mjs            # everything
//   node scripts/e2e/run.mjs --headed   # (with a display) watch the browser
//   node scripts/e2e/run.mjs --vsix=PATH  # test a package built elsewhere instead of packaging
//
// Screenshots and logs go to test-results/e2e/.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM, E2E_DIR, ROOT, ensureInstalled, log } from './setup.mjs';
import { freePort, prepareProfile, startCodeServer } from './server.mjs';

const ARTIFACTS = path.join(ROOT, 'test-results', 'e2e');
const RUN_DIR = path.join(E2E_DIR, 'run');
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
  return readdirSync(SUITE_DIR)
    .filter((f) => f.endsWith('.e2e.ts'))
    .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
    .sort()
    .map((f) => path.join('test', 'e2e', f));
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

function runSuite(env) {
  const files = suiteFiles();
  if (files.length === 0) throw new Error('no test/e2e/*.e2e.ts file matches');
  log(`running ${files.join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', ...files], {
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
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

async function main() {
  const t0 = Date.now();
  ensureInstalled();
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
  // Outside the project: the engine reads git history, and the project's own must not leak in.
  const keptMarker = path.join(E2E_DIR, 'kept-workspace');
  if (existsSync(keptMarker)) rmSync(readFileSync(keptMarker, 'utf8').trim(), { recursive: true, force: true });
  rmSync(keptMarker, { force: true });
  const workspace = mkdtempSync(path.join(os.tmpdir(), 'ir-e2e-ws-'));
  // Until the run passes, the copy is kept for inspection; the next run removes it.
  writeFileSync(keptMarker, workspace);
  cpSync(FIXTURE, workspace, { recursive: true });

  const profile = prepareProfile(RUN_DIR, vsix);
  const port = await freePort();
  log(`starting code-server on 127.0.0.1:${port} with ${workspace}`);
  const server = await startCodeServer({ port, profile, folder: workspace, logFile: path.join(ARTIFACTS, 'code-server.log') });
  const stop = async () => {
    log('stopping code-server');
    await server.stop();
  };
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.once(sig, () => {
      signalSuite('SIGTERM');
      void stop().finally(() => process.exit(130));
    });
  }
  let code = 1;
  try {
    log(`code-server is up at ${server.url}`);
    code = await runSuite({
      ...process.env,
      IR_E2E_URL: server.url,
      IR_E2E_WORKSPACE: workspace,
      IR_E2E_USER_DATA: profile.userData,
      IR_E2E_EXTENSIONS: profile.extensions,
      IR_E2E_ARTIFACTS: ARTIFACTS,
      IR_E2E_BROWSER_PROFILE: path.join(RUN_DIR, 'chromium'),
      IR_E2E_CHROMIUM: CHROMIUM,
      IR_E2E_HEADED: process.argv.includes('--headed') ? '1' : '',
      PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
    });
  } finally {
    await stop();
    // The extension host's and server's own logs explain failures the screenshots cannot.
    const logs = path.join(profile.userData, 'logs');
    if (existsSync(logs)) cpSync(logs, path.join(ARTIFACTS, 'vscode-logs'), { recursive: true });
  }
  if (code === 0) {
    rmSync(workspace, { recursive: true, force: true });
    rmSync(keptMarker, { force: true });
  } else {
    log(`kept the workspace for inspection: ${workspace}`);
  }
  log(`${code === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(0)} s; screenshots and logs in ${path.relative(ROOT, ARTIFACTS)}/`);
  process.exit(code);
}

main().catch((err) => {
  console.error(`[e2e] ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  process.exit(1);
});
