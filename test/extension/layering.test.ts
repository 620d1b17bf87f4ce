import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const root = path.resolve(__dirname, '..', '..');
const ext = path.join(root, 'src', 'extension');

/**
 * The extension's vscode-free modules: each sits beside its vscode half, and unit tests load it
 * in plain Node, so neither it nor anything it imports may load `vscode` (the `vscodeApi` module
 * included). A type-only import (`import type …`) is erased when compiled and loads nothing, so
 * it may name vscode's types (`shellExecution.ts` declares newer API shapes that way).
 * Every extension module a unit test imports must be listed here.
 */
const VSCODE_FREE = [
  'commands/failures.ts',
  'commands/ids.ts',
  'diffs/fileExplanation.ts',
  'diffs/snapshotUri.ts',
  'incidentPanel/html.ts',
  'incidentPanel/viewModel.ts',
  'problems/configProblems.ts',
  'problems/diagnosticModel.ts',
  'problems/ignoreRule.ts',
  'problems/jsonTree.ts',
  'recorder/recorderSettingsModel.ts',
  'recorder/shellExecution.ts',
  'services/proposedApi.ts',
  'services/settingsModel.ts',
  'services/storeLocation.ts',
  'views/format.ts',
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? files(p) : n.endsWith('.ts') ? [p] : [];
  });
}

interface ModuleImport {
  spec: string;
  /** `import type` / `export type … from` / `typeof import(…)`: erased when compiled. */
  typeOnly: boolean;
}

/** Every module a file names: `import … from`, `export … from`, `import '…'`, `import(…)`, `require(…)`. */
function importsOf(file: string): ModuleImport[] {
  const text = readFileSync(file, 'utf8');
  const out: ModuleImport[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s+(type\s+)?(?:[^;'"]*?\s+from\s+)?['"]([^'"]+)['"]/gm)) {
    out.push({ spec: m[2] as string, typeOnly: m[1] !== undefined });
  }
  for (const m of text.matchAll(/(typeof\s+)?\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    out.push({ spec: m[2] as string, typeOnly: m[1] !== undefined });
  }
  return out;
}

/** The source file a relative import names, or undefined (a package, a builtin, a non-TypeScript file). */
function resolveRelative(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), spec);
  return [`${base}.ts`, path.join(base, 'index.ts')].find((c) => existsSync(c));
}

/** The chain of run-time imports from `file` to `vscode`, or undefined when it never loads vscode. */
function pathToVscode(file: string, seen = new Set<string>()): string[] | undefined {
  if (seen.has(file)) return undefined;
  seen.add(file);
  for (const i of importsOf(file)) {
    if (i.typeOnly) continue;
    if (i.spec === 'vscode') return [i.spec];
    const target = resolveRelative(file, i.spec);
    const rest = target && pathToVscode(target, seen);
    if (rest) return [path.relative(ext, target), ...rest];
  }
  return undefined;
}

test('the import reader sees every way of naming a module, and which ones load nothing', () => {
  const probe = path.join(ext, 'services', 'engineLoader.ts');
  assert.deepEqual(
    importsOf(probe).map((i) => `${i.spec}${i.typeOnly ? ' (type)' : ''}`),
    ['node:path', '../../engine/index (type)'],
  );
  assert.ok(importsOf(path.join(ext, 'extension.ts')).some((i) => i.spec === './commands' && !i.typeOnly));
});

test('the vscode-free modules never load vscode, directly or through what they import', () => {
  const offenders: string[] = [];
  for (const rel of VSCODE_FREE) {
    const file = path.join(ext, rel);
    assert.ok(existsSync(file), `${rel} is listed as vscode-free but does not exist (moved? update the list)`);
    const chain = pathToVscode(file);
    if (chain) offenders.push([rel, ...chain].join(' → '));
  }
  assert.deepEqual(offenders, []);
});

test('every extension module a unit test loads in plain Node is listed as vscode-free', () => {
  const tests = files(path.join(root, 'test')).filter((f) => !f.startsWith(path.join(root, 'test', 'e2e') + path.sep));
  const loaded = new Set<string>();
  for (const t of tests) {
    for (const i of importsOf(t)) {
      const target = resolveRelative(t, i.spec);
      if (!i.typeOnly && target?.startsWith(ext + path.sep)) loaded.add(path.relative(ext, target).split(path.sep).join('/'));
    }
  }
  assert.ok(loaded.size > 0, 'expected unit tests of extension modules');
  assert.deepEqual([...loaded].filter((m) => !VSCODE_FREE.includes(m)).sort(), []);
});

test('the extension imports only types from the engine; its code is loaded from dist/engine.js on first use', () => {
  const engine = path.join(root, 'src', 'engine');
  const offenders: string[] = [];
  for (const f of files(ext)) {
    for (const i of importsOf(f)) {
      const target = i.spec.startsWith('.') ? path.resolve(path.dirname(f), i.spec) : '';
      if (!i.typeOnly && (target === engine || target.startsWith(engine + path.sep)))
        offenders.push(`${path.relative(ext, f)} → ${i.spec}`);
    }
  }
  assert.deepEqual(offenders, []);
});

test('outside commands/, only extension.ts imports a command module; the rest need only ids.ts', () => {
  const commands = path.join(ext, 'commands');
  const offenders: string[] = [];
  for (const f of files(ext).filter((x) => !x.startsWith(commands + path.sep) && x !== path.join(ext, 'extension.ts'))) {
    for (const i of importsOf(f)) {
      const target = resolveRelative(f, i.spec);
      if (target?.startsWith(commands + path.sep) && target !== path.join(commands, 'ids.ts'))
        offenders.push(`${path.relative(ext, f)} → ${i.spec}`);
    }
  }
  assert.deepEqual(offenders, []);
});

test('the extension has no import cycles (type-only imports included)', () => {
  const graph = new Map(
    files(ext).map((f) => [
      f,
      importsOf(f)
        .flatMap((i) => resolveRelative(f, i.spec) ?? [])
        .filter((t) => t.startsWith(ext + path.sep)),
    ]),
  );
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (f: string, trail: string[]): void => {
    state.set(f, 'open');
    for (const t of graph.get(f) ?? []) {
      if (state.get(t) === 'open') cycles.push([...trail.slice(trail.indexOf(t)), t].map((x) => path.relative(ext, x)).join(' → '));
      else if (!state.has(t)) visit(t, [...trail, t]);
    }
    state.set(f, 'done');
  };
  for (const f of graph.keys()) if (!state.has(f)) visit(f, [f]);
  assert.deepEqual(cycles, []);
});

test('activate is a short list of register calls', () => {
  const text = readFileSync(path.join(ext, 'extension.ts'), 'utf8');
  const body = /export function activate\([^)]*\): void \{([\s\S]*?)\n\}/.exec(text)?.[1] ?? '';
  const statements = body
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  assert.ok(statements.length > 0 && statements.length <= 16, `${statements.length} statements`);
  // Besides the register calls: the services, and timing the activation for the output channel.
  const other = [
    'const called = performance.now();',
    'const services = new WorkspaceServices(context);',
    'context.subscriptions.push(services);',
    'logActivation(services, called);',
  ];
  for (const s of statements.filter((x) => !other.includes(x))) assert.match(s, /^register\w+\(context, services/, s);
});

test('the VS Code API is imported (as a value) in one module only, so the bundle copies it once at activation', () => {
  const offenders = files(ext).filter((f) => !f.endsWith('vscodeApi.ts') && importsOf(f).some((i) => i.spec === 'vscode' && !i.typeOnly));
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
