import { isAscii } from 'node:buffer';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { statThread } from '../engine/store/statThread';
import { CAPTURING_VERBS, commandVerb } from './argv';
import { startEarlyPreload } from './earlyPreload';
import { askService } from './service/client';
import { buildIdentity, markLaunchedBuild } from './service/protocol';

/**
 * `dist/cli.js`: starts the CLI bundle (`dist/cli-main.js`) from V8's code cache when it can.
 *
 * Scripts and agent hooks run the CLI once per step, and compiling the multi-megabyte bundle is a
 * large share of a warm snapshot's whole process. Node 22 has `module.enableCompileCache`; on Node
 * 20 we do the same with `vm.Script`: the code V8 compiled in a first run (including the functions
 * that run compiled lazily) is kept in the user's cache folder and handed back to later runs. V8
 * rejects a cache made for other source or another V8 (then we compile as usual and rewrite it).
 * INCIDENT_REPLAY_NO_CODE_CACHE=1 turns it off. Node 20 runs no `import()` from a `vm.Script`
 * without --experimental-vm-modules, so the build turns the bundle's into `require` (scripts/build.mjs).
 */
const BUNDLE = path.join(__dirname, 'cli-main.js');

function cacheDir(): string {
  const env = process.env;
  if (process.platform === 'win32' && env.LOCALAPPDATA) return path.join(env.LOCALAPPDATA, 'incident-replay', 'cache');
  return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'incident-replay');
}

/** One file per bundle build and per Node, so two installed versions never fight over one file. */
function cacheFileFor(source: fs.Stats): string {
  return path.join(cacheDir(), `cli-${process.version}-${process.arch}-${source.size}-${Math.floor(source.mtimeMs)}.v8cache`);
}

function readCache(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Best effort: a cache that cannot be written only makes the next start slower. */
function writeCache(file: string, data: Buffer): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, data, { mode: 0o600 });
    // Renamed into place whole, so a concurrent start reads the old file or the new one.
    fs.renameSync(tmp, file);
  } catch {
    // Read-only home, full disk: run without a cache.
    return;
  }
  removeOldCaches(path.dirname(file));
}

/** Each upgrade leaves its predecessor's cache; ones not rewritten for a month are gone for good. */
function removeOldCaches(dir: string): void {
  const cutoff = Date.now() - 30 * 24 * 3600_000;
  try {
    for (const name of fs.readdirSync(dir)) {
      const p = path.join(dir, name);
      if (/^cli-.*\.v8cache(\.tmp-\d+)?$/.test(name) && fs.statSync(p).mtimeMs < cutoff) fs.rmSync(p, { force: true });
    }
  } catch {
    // Another start removed it first, or the folder is unreadable: nothing to tidy.
  }
}

/**
 * The bundle's text. The build keeps it ASCII (scripts/build.mjs), and ASCII read as Latin-1 is
 * the same text: decoding 3.8 MB that way took half the time of UTF-8 decoding (about 4 ms of
 * every start). Checked each time all the same (fast, native), so a bundle built otherwise still
 * loads as UTF-8.
 */
function bundleSource(): string {
  const bytes = fs.readFileSync(BUNDLE);
  return typeof isAscii === 'function' && isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}

/**
 * A CLI process runs SQLite (sql.js, WebAssembly) for a handful of statements. Once a function
 * has run enough, V8 tiers it up to TurboFan, and on Node 20 the main thread then sat blocked for
 * 150-400 ms (profiled as idle right after the database's first queries) on a 2-core machine:
 * more than the whole rest of a warm snapshot. Baseline (Liftoff) code is plenty for a small
 * database, so a CLI process never tiers up. Only this process: the extension host is not ours.
 */
const WASM_TIERING_OFF = '--wasm-tiering-budget=2000000000';

/**
 * A `snapshot` or `hooks run` is first offered to the process that serves its store (`watch`,
 * `mcp`: see src/cli/service/), which has the CLI warm; when there is none, or it declines, this
 * process runs the command itself. Checking costs one stat of a socket path.
 */
function launch(): void {
  const argv = process.argv.slice(2);
  const stat = fs.statSync(BUNDLE);
  const build = buildIdentity(stat);
  const served = askService(argv, build);
  if (served === null) {
    start(argv, stat, build);
    return;
  }
  void served.then((code) => {
    if (code === null) start(argv, stat, build);
    else process.exitCode = code;
  });
}

function start(argv: string[], stat: fs.Stats, build: string): void {
  v8.setFlagsFromString(WASM_TIERING_OFF);
  // Whoever this process serves (see launch) asks for this very build.
  markLaunchedBuild(build);
  // A capture's stat calls are shared with a worker thread that takes tens of milliseconds to
  // boot: started now, it is ready by the time the store is open (see src/engine/store/statPreload.ts).
  const verb = commandVerb(argv);
  if (verb !== undefined && CAPTURING_VERBS.has(verb)) {
    statThread();
    // And it stats the tree meanwhile, from the store the command line names (see startEarlyPreload).
    startEarlyPreload(argv);
  }
  if (process.env.INCIDENT_REPLAY_NO_CODE_CACHE) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle's path is known at run time
    require(BUNDLE);
    return;
  }
  const file = cacheFileFor(stat);
  const cachedData = readCache(file);
  const source = bundleSource();
  // Node's own CommonJS wrapper, on the first line so stack traces keep the bundle's line numbers.
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new vm.Script(wrapper, {
    filename: BUNDLE,
    ...(cachedData ? { cachedData } : {}),
  });
  if (cachedData === undefined || script.cachedDataRejected === true) {
    // At exit the cache also holds the functions this run compiled lazily, not only the top level.
    process.once('exit', () => writeCache(file, script.createCachedData()));
  }
  const run = script.runInThisContext() as (
    exports: object,
    require: NodeJS.Require,
    module: object,
    filename: string,
    dirname: string,
  ) => void;
  const mod = { exports: {}, filename: BUNDLE, id: BUNDLE };
  run(mod.exports, createRequire(BUNDLE), mod, BUNDLE, path.dirname(BUNDLE));
}

launch();
