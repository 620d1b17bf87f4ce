// One esbuild script for every bundle: the extension, the CLI, the engine API, the log-scan
// worker, the benchmark and the webview. `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, existsSync, chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const dist = path.join(root, 'dist');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

mkdirSync(dist, { recursive: true });
// sql.js loads its wasm at run time; every node bundle finds it next to itself.
copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), path.join(dist, 'sql-wasm.wasm'));
// The incident view's icons: codicon.css and its font, served from inside the webview's
// localResourceRoots (dist/webview) because the CSP allows no remote fonts or styles.
const codicons = path.join(dist, 'webview', 'codicons');
mkdirSync(codicons, { recursive: true });
for (const f of ['codicon.css', 'codicon.ttf']) copyFileSync(require.resolve(`@vscode/codicons/dist/${f}`), path.join(codicons, f));

const nodeCommon = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  // Stack traces in the output channel and in bug reports stay readable in a minified package.
  keepNames: true,
  logLevel: 'warning',
  absWorkingDir: root,
};

// The extension reaches the engine only through dist/engine.js, loaded on first use (see
// src/extension/services/engineLoader.ts), so activation never pays for sql.js and the rest.
// Type imports are erased before bundling; a value import of src/engine fails the build here.
const engineDir = path.join(root, 'src', 'engine') + path.sep;
const engineLoadsOnFirstUse = {
  name: 'engine-loads-on-first-use',
  setup(build) {
    build.onResolve({ filter: /engine/ }, (args) => {
      const target = path.resolve(args.resolveDir, args.path);
      if (!target.startsWith(engineDir) || args.importer.startsWith(engineDir)) return undefined;
      return {
        errors: [
          {
            text: `${path.relative(root, args.importer)} imports ${args.path} as a value: the extension must use the engine through its EngineLoader (dist/engine.js), or import types only`,
          },
        ],
      };
    });
  },
};

const builds = [
  {
    ...nodeCommon,
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode'],
    // When the bundle starts evaluating: activate() logs how long loading and activating took.
    banner: { js: 'var __incidentReplayLoadStart = performance.now();' },
    plugins: [engineLoadsOnFirstUse],
  },
  // @parcel/watcher (for `watch`) is a native module: required from node_modules, never bundled.
  // dist/cli.js is a small launcher that starts dist/cli-main.js from V8's code cache (see launcher.ts).
  { ...nodeCommon, entryPoints: ['src/cli/launcher.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // No `import()` left in it: the launcher runs it as a vm.Script, where Node 20 has no loader for them.
  {
    ...nodeCommon,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli-main.js',
    external: ['@parcel/watcher'],
    supported: { 'dynamic-import': false },
  },
  { ...nodeCommon, entryPoints: ['src/engine/index.ts'], outfile: 'dist/engine.js' },
  // Big logs are scanned in a worker thread that every node bundle finds next to itself.
  { ...nodeCommon, entryPoints: ['src/engine/logs/logScanWorker.ts'], outfile: 'dist/logScanWorker.js' },
  // A warm capture's lstat calls are shared with a worker thread (src/engine/store/statPreload.ts).
  { ...nodeCommon, entryPoints: ['src/engine/store/statWorker.ts'], outfile: 'dist/statWorker.js' },
  { ...nodeCommon, entryPoints: ['scripts/bench/main.ts'], outfile: 'dist/bench.js' },
  // The incident view: a browser bundle that imports only src/protocol and src/model.
  {
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
    absWorkingDir: root,
    entryPoints: ['webview/main.ts'],
    outfile: 'dist/webview/main.js',
  },
];

/*
 * V8 keeps a script's source one byte per character when every character is Latin-1; a single
 * character beyond makes all of it two bytes per character, and reading the CLI bundle as UTF-8
 * took some 11 ms more of every CLI process (decoding it as such) than a one-byte bundle does.
 * esbuild escapes strings (charset ascii) but not regular expressions, raw templates or the
 * comments it keeps: our sources use \u escapes in those, and a dependency's comment gets `?`
 * for each such character (same length, so the source map still fits). Checked, not assumed:
 * with comments removed, the bundle must read the same before and after.
 */
const ONE_BYTE_BUNDLES = ['dist/cli-main.js', 'dist/engine.js'];

async function keepOneByte(file) {
  const text = readFileSync(file, 'utf8');
  const beyond = /[^\x00-\x7f]/;
  if (!beyond.test(text)) return;
  const comment = /^\s*(?:\/\/|\/\*|\*)/;
  const lines = text.split('\n');
  const found = [];
  const mended = lines.map((line, i) => {
    if (!beyond.test(line)) return line;
    if (!comment.test(line)) found.push(`${path.relative(root, file)}:${i + 1}: ${line.trim().slice(0, 120)}`);
    return line.replace(new RegExp(beyond, 'g'), (c) => '?'.repeat(c.length));
  });
  const out = mended.join('\n');
  const bare = async (code) => (await esbuild.transform(code, { minifyWhitespace: true, charset: 'utf8' })).code;
  if (found.length > 0 || (await bare(text)) !== (await bare(out)))
    throw new Error(
      `non-ASCII characters outside comments in a node bundle; write them as \\u escapes in the source (regular expressions, String.raw):\n${found.join('\n')}`,
    );
  writeFileSync(file, out);
}

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
  console.log('watching for changes...');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  await Promise.all(ONE_BYTE_BUNDLES.map((f) => keepOneByte(path.join(root, f))));
  if (existsSync(path.join(dist, 'cli.js'))) chmodSync(path.join(dist, 'cli.js'), 0o755);
}
