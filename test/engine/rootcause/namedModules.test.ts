import assert from 'node:assert/strict';
import { test } from 'node:test';
import { indexChanges } from '../../../src/engine/rootCause/changeIndex';
import { namedModuleFiles } from '../../../src/engine/rootCause/namedModules';
import type { FileChange } from '../../../src/engine/types';

const removed = (path: string): FileChange => ({ path, status: 'removed', additions: 0, deletions: 1 }) as FileChange;
const index = indexChanges(
  [
    'src/calc.py',
    'src/pkg/util/__init__.py',
    'lib/format.ts',
    'app/src/main/java/com/acme/Billing.java',
    'docs/calc.md',
    'vendor/other/calc.py',
  ].map(removed),
);

test('an import error names the changed workspace file that provides the module', () => {
  assert.deepEqual(namedModuleFiles("ModuleNotFoundError: No module named 'pkg.util'", index), ['src/pkg/util/__init__.py']);
  assert.deepEqual(namedModuleFiles("ImportError: cannot import name 'total' from 'calc' (unknown location)", index), [
    'src/calc.py',
    'vendor/other/calc.py',
  ]);
  assert.deepEqual(namedModuleFiles("Error: Cannot find module '../lib/format'\nRequire stack:\n- /w/src/app.js", index), [
    'lib/format.ts',
  ]);
  assert.deepEqual(namedModuleFiles('java.lang.ClassNotFoundException: com.acme.Billing$Line', index), [
    'app/src/main/java/com/acme/Billing.java',
  ]);
});

test('a package, or a module no changed file provides, names nothing', () => {
  assert.deepEqual(namedModuleFiles("ModuleNotFoundError: No module named 'requests'", index), []);
  assert.deepEqual(namedModuleFiles("Error: Cannot find module 'express'", index), []);
  assert.deepEqual(namedModuleFiles("No module named 'calc.md'", index), []);
});
