import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const root = path.resolve(__dirname, '..');

/** Matches a static import, re-export, dynamic import or require of the `vscode` module. */
const VSCODE_IMPORT = /(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)['"]vscode['"]/;

function sourceFiles(dir: string): string[] {
  let out: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(sourceFiles(p));
    else if (/\.(ts|tsx|js|mjs)$/.test(name)) out.push(p);
  }
  return out;
}

test('the import detector recognises every way of importing vscode', () => {
  for (const line of [
    "import * as vscode from 'vscode';",
    'import type { Uri } from "vscode";',
    "const v = require('vscode');",
    "await import('vscode')",
    "import 'vscode';",
    "export { window } from 'vscode';",
  ]) {
    assert.match(line, VSCODE_IMPORT, line);
  }
  assert.doesNotMatch("import { x } from './vscodeLike';", VSCODE_IMPORT);
});

test('the engine, the protocol and the webview never import vscode', () => {
  const offenders: string[] = [];
  const files = ['src/engine', 'src/protocol', 'webview'].flatMap((d) => sourceFiles(path.join(root, d)));
  assert.ok(files.length > 0, 'expected engine sources to check');
  for (const f of files) {
    if (VSCODE_IMPORT.test(readFileSync(f, 'utf8'))) offenders.push(path.relative(root, f));
  }
  assert.deepEqual(offenders, [], `these modules import vscode: ${offenders.join(', ')}`);
});
