import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { ROOT, TempWorkspace } from './support/workspace';

const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const spaces: TempWorkspace[] = [];
after(() => spaces.forEach((w) => w.dispose()));

test('the README starts with exactly the two fresh-clone commands', () => {
  const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  const commands = firstBlock
    .split('\n')
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter(Boolean);
  assert.deepEqual(commands, ['npm ci && npm run demo', 'npm ci && npm test']);
  const ci = readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8');
  assert.match(ci, /^npm ci && npm test$/m, '.ci/run runs the README test command');
});

test("the README's script example runs against the built engine", () => {
  const block = /## Using the engine from a script[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(block, 'the README has a script example');
  const w = new TempWorkspace({ 'app.py': 'print("ok")\n' });
  spaces.push(w);
  const script = w.path('example.js');
  writeFileSync(
    script,
    block.replace("require('incident-replay/dist/engine.js')", `require(${JSON.stringify(path.join(ROOT, 'dist', 'engine.js'))})`),
  );
  const r = spawnSync(process.execPath, [script, w.dir], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'nothing flagged');
});
