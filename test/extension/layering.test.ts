import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const ext = path.resolve(__dirname, '..', '..', 'src', 'extension');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? files(p) : n.endsWith('.ts') ? [p] : [];
  });
}

test('the pure helpers never import vscode, so plain Node tests cover them', () => {
  const offenders = files(path.join(ext, 'shared')).filter((f) => /from ['"]vscode['"]|require\(['"]vscode['"]\)/.test(readFileSync(f, 'utf8')));
  assert.deepEqual(offenders, []);
});

test('the extension imports only types from the engine; its code is loaded from dist/engine.js on first use', () => {
  const offenders: string[] = [];
  for (const f of files(ext)) {
    if (f.includes(`${path.sep}incidentPanel${path.sep}`)) continue;
    for (const m of readFileSync(f, 'utf8').matchAll(/^import\s+(type\s+)?[^;]*?from\s+['"]([^'"]+)['"]/gms)) {
      const target = path.resolve(path.dirname(f), m[2] as string);
      if (!m[1] && target.includes(`${path.sep}src${path.sep}engine`)) offenders.push(`${path.relative(ext, f)} → ${m[2]}`);
    }
  }
  assert.deepEqual(offenders, []);
});

test('activate is a short list of register calls', () => {
  const text = readFileSync(path.join(ext, 'extension.ts'), 'utf8');
  const body = /export function activate\([^)]*\): void \{([\s\S]*?)\n\}/.exec(text)?.[1] ?? '';
  const statements = body.split('\n').map((l) => l.trim()).filter(Boolean);
  assert.ok(statements.length > 0 && statements.length <= 16, `${statements.length} statements`);
  // Besides the register calls: the services, and timing the activation for the output channel.
  const other = ['const called = performance.now();', 'const services = new WorkspaceServices(context);', 'context.subscriptions.push(services);', 'logActivation(services, called);'];
  for (const s of statements.filter((x) => !other.includes(x))) assert.match(s, /^register\w+\(context, services/, s);
});

test('the VS Code API is imported (as a value) in one module only, so the bundle copies it once at activation', () => {
  const offenders = files(ext).filter((f) => !f.endsWith('vscodeApi.ts') && /^import\s+(?!type\b)[^;]*from\s+['"]vscode['"]/m.test(readFileSync(f, 'utf8')));
  assert.deepEqual(
    offenders.map((f) => path.relative(ext, f)),
    [],
  );
});

test('the extension bundle requires vscode once', () => {
  const bundle = path.resolve(ext, '..', '..', 'dist', 'extension.js');
  const requires = readFileSync(bundle, 'utf8').match(/require\("vscode"\)/g) ?? [];
  assert.equal(requires.length, 1, 'run npm run build first if dist/extension.js is missing or stale');
});
