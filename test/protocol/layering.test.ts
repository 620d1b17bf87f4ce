/**
 * The webview bundle runs in a browser page: it may import src/protocol and npm packages, never
 * vscode and never the engine. src/protocol may name engine types (erased at build time) but
 * import no engine values. Checked on the sources and on what esbuild actually bundles.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import * as esbuild from 'esbuild';

const root = path.resolve(__dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : /\.(ts|js|mjs)$/.test(name) ? [p] : [];
  });
}

interface ImportRef {
  typeOnly: boolean;
  spec: string;
}

/** Static imports, re-exports, `import x = require()`, dynamic imports and requires, with whether each is type-only. */
function importsOf(text: string): ImportRef[] {
  const out: ImportRef[] = [];
  const stmt = /(?:^|[;\n])\s*(import|export)\s+(type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]/g;
  for (const m of text.matchAll(stmt)) out.push({ typeOnly: m[2] !== undefined, spec: m[3] as string });
  for (const m of text.matchAll(/\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push({ typeOnly: false, spec: m[1] as string });
  return out;
}

const resolves = (file: string, spec: string): string => (spec.startsWith('.') ? path.resolve(path.dirname(file), spec) : spec);
const inEngine = (file: string, spec: string): boolean => resolves(file, spec).startsWith(path.join(root, 'src', 'engine'));

test('the import reader sees value, type-only, re-export and dynamic imports', () => {
  const refs = importsOf(
    "import type { A } from '../engine/types';\nimport { b } from './b';\nexport { c } from \"vscode\";\nexport type * from './d';\nconst e = await import('./e');\nimport './side';",
  );
  assert.deepEqual(refs, [
    { typeOnly: true, spec: '../engine/types' },
    { typeOnly: false, spec: './b' },
    { typeOnly: false, spec: 'vscode' },
    { typeOnly: true, spec: './d' },
    { typeOnly: false, spec: './side' },
    { typeOnly: false, spec: './e' },
  ]);
});

test('webview/ imports neither vscode nor the engine, not even its types', () => {
  const offenders: string[] = [];
  for (const f of sources(path.join(root, 'webview'))) {
    for (const r of importsOf(readFileSync(f, 'utf8'))) {
      if (r.spec === 'vscode' || inEngine(f, r.spec)) offenders.push(`${path.relative(root, f)} → ${r.spec}`);
    }
  }
  assert.deepEqual(offenders, []);
});

test('src/protocol imports no vscode and only types from the engine', () => {
  const offenders: string[] = [];
  const files = sources(path.join(root, 'src', 'protocol'));
  assert.ok(files.length > 0);
  for (const f of files) {
    for (const r of importsOf(readFileSync(f, 'utf8'))) {
      if (r.spec === 'vscode' || (inEngine(f, r.spec) && !r.typeOnly)) offenders.push(`${path.relative(root, f)} → ${r.spec}`);
    }
  }
  assert.deepEqual(offenders, []);
});

test('the webview bundle esbuild produces contains no engine or extension module and no vscode', async () => {
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['webview/main.ts'],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  assert.ok(inputs.some((i) => i.startsWith('src/protocol/')), 'the bundle should include the protocol');
  assert.deepEqual(inputs.filter((i) => i.startsWith('src/engine/') || i.startsWith('src/extension/') || i === 'vscode'), []);
});
