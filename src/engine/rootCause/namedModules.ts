import type { ChangeIndex } from './changeIndex';

/**
 * Workspace files an import error names as a module: Python's `No module named 'pkg.calc'` and
 * `cannot import name 'total' from 'calc'`, Node's `Cannot find module './lib/calc'` (a package
 * name is a dependency, not a workspace file), Java's `ClassNotFoundException: com.acme.Calc`.
 * Each module gives the file names that would provide it; a changed file whose path ends with one
 * of them (`src/pkg/calc.py` for `pkg.calc`) is the one the error names.
 */
const PYTHON = /No module named '([\w.]+)'|cannot import name '\w+' from '([\w.]+)'/g;
const NODE = /Cannot find module '(\.{1,2}\/[^']+)'/g;
const JAVA = /(?:ClassNotFoundException|NoClassDefFoundError):? ([\w$]+(?:[./][\w$]+)+)/g;
const NODE_EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.tsx', '.jsx', '/index.js', '/index.ts'];

function providers(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(PYTHON)) {
    const mod = (m[1] ?? m[2] ?? '').replace(/^\.+/, '').split('.').join('/');
    if (mod) out.push(`${mod}.py`, `${mod}/__init__.py`);
  }
  for (const m of text.matchAll(NODE)) {
    const rel = (m[1] ?? '').replace(/^(?:\.{1,2}\/)+/, '');
    if (!rel) continue;
    if (/\.[cm]?[jt]sx?$/.test(rel)) out.push(rel);
    else out.push(...NODE_EXTENSIONS.map((ext) => rel + ext));
  }
  for (const m of text.matchAll(JAVA)) {
    // An inner class (`Outer$Inner`) lives in its outer class's file.
    const cls = (m[1] ?? '').replace(/\$.*$/, '').split(/[./]/).join('/');
    out.push(`${cls}.java`, `${cls}.kt`);
  }
  return out;
}

/** Changed paths that provide a module the text says cannot be found or imported. */
export function namedModuleFiles(text: string, index: ChangeIndex): string[] {
  const out = new Set<string>();
  for (const suffix of providers(text)) {
    const base = suffix.split('/').pop() ?? suffix;
    for (const p of index.byBase.get(base) ?? []) if (p === suffix || p.endsWith(`/${suffix}`)) out.add(p);
  }
  return [...out];
}
