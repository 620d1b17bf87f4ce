/**
 * The webview bundle runs in a browser page: what esbuild actually bundles into it contains no
 * engine, extension or vscode module. (Which source may import which is a lint rule:
 * eslint.config.mjs; this checks the result.)
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import * as esbuild from 'esbuild';

const root = path.resolve(__dirname, '..', '..');

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
  assert.ok(
    inputs.some((i) => i.startsWith('src/protocol/')),
    'the bundle should include the protocol',
  );
  assert.deepEqual(
    inputs.filter((i) => i.startsWith('src/engine/') || i.startsWith('src/extension/') || i === 'vscode'),
    [],
  );
});
