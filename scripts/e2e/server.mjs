// Starts and stops code-server for one test run. Every run gets fresh HOME, user-data and
// extensions folders, so nothing from an earlier run (recent folders, extension state, a
// half-written store) can make a test pass or fail.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { LATEST_TARGET, log } from './setup.mjs';

/** User settings that keep the workbench quiet and offline: no telemetry, update checks or welcome pages. */
const USER_SETTINGS = {
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.enableExperiments': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.colorTheme': 'Dark Modern',
  // The flight recorder is on by default; suites other than recorder.e2e.ts count snapshots, so
  // their windows record nothing unless the suite turns it on in the workspace's settings.
  'incidentReplay.recorder.enabled': false,
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
  'npm.autoDetect': 'off',
  'typescript.tsserver.enabled': false,
  'files.autoSave': 'off',
  'editor.minimap.enabled': false,
  'window.commandCenter': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  // Both sides of a diff stay visible in screenshots even in a narrow editor.
  'diffEditor.renderSideBySide': true,
  'diffEditor.useInlineViewWhenSpaceIsLimited': false,
};

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

/**
 * What a restricted-mode run changes: workspace trust on, and a folder opened without asking
 * stays untrusted (Restricted Mode), as when a person dismisses the trust prompt.
 */
const RESTRICTED_SETTINGS = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.emptyWindow': false,
};

/**
 * Installs the .vsix into `extensionsDir` with code-server's own CLI (of `target`, see
 * setup.mjs: the latest code-server unless the run tests the minimum); returns the folder.
 */
export function installExtension(extensionsDir, vsixPath, target = LATEST_TARGET) {
  const home = path.join(path.dirname(extensionsDir), 'install-home');
  const userData = path.join(path.dirname(extensionsDir), 'install-user-data');
  for (const d of [extensionsDir, home, userData]) mkdirSync(d, { recursive: true });
  log(`installing ${path.basename(vsixPath)} into the run's extensions folder`);
  const r = spawnSync(
    target.node,
    [target.bin, '--user-data-dir', userData, '--extensions-dir', extensionsDir, '--install-extension', vsixPath],
    {
      env: { ...target.env(), HOME: home },
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0 || !/successfully installed/i.test(out)) {
    throw new Error(`code-server --install-extension failed (exit ${r.status}):\n${out}`);
  }
  return extensionsDir;
}

/**
 * Lays out a fresh HOME and user-data folder under `runDir`, with the user settings for
 * `trust`: 'off' (no workspace trust at all) or 'restricted' (trust on, the workspace left
 * untrusted). Returns the paths the server and the tests share.
 */
export function prepareProfile(runDir, trust, extensionsDir) {
  const dirs = {
    home: path.join(runDir, 'home'),
    userData: path.join(runDir, 'user-data'),
    extensions: extensionsDir,
  };
  for (const d of [dirs.home, dirs.userData]) mkdirSync(d, { recursive: true });
  const settingsFile = path.join(dirs.userData, 'User', 'settings.json');
  mkdirSync(path.dirname(settingsFile), { recursive: true });
  const settings = trust === 'restricted' ? { ...USER_SETTINGS, ...RESTRICTED_SETTINGS } : USER_SETTINGS;
  writeFileSync(settingsFile, JSON.stringify(settings, null, 2) + '\n');
  return { ...dirs, trust };
}

function get(url) {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.setTimeout(2000, () => req.destroy());
  });
}

/**
 * Starts code-server on `port` in its own process group (it forks a file watcher and an
 * extension host; only killing the group stops them all). Resolves once /healthz answers.
 */
export async function startCodeServer({ port, profile, folder, logFile, target = LATEST_TARGET }) {
  const args = [
    target.bin,
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    ...(profile.trust === 'restricted' ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--user-data-dir',
    profile.userData,
    '--extensions-dir',
    profile.extensions,
    folder,
  ];
  const out = createWriteStream(logFile);
  const child = spawn(target.node, args, {
    // No extension gallery: the machine is offline and the tests install from a .vsix.
    env: { ...target.env(), HOME: profile.home, EXTENSIONS_GALLERY: '{}' },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  let exited = null;
  const exitedPromise = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    }),
  );
  const server = {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    /** Stops the whole process group: TERM, then KILL whatever is left after a grace period. */
    async stop() {
      if (child.pid === undefined) return;
      signalGroup(child.pid, 'SIGTERM');
      const done = await Promise.race([exitedPromise, sleep(5000).then(() => null)]);
      // The watcher and extension host may outlive the main process for a moment.
      await sleep(done ? 300 : 0);
      signalGroup(child.pid, 'SIGKILL');
      out.end();
    },
  };
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`code-server exited during start-up (${JSON.stringify(exited)}); see ${logFile}`);
    if ((await get(`${server.url}/healthz`)) === 200) return server;
    await sleep(250);
  }
  await server.stop();
  throw new Error(`code-server did not answer on ${server.url} within 90 s; see ${logFile}`);
}

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch (err) {
    if (/** @type {NodeJS.ErrnoException} */ (err).code !== 'ESRCH') throw err;
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
