import type { FileChange } from '../types';
import type { ClassifyInput } from './input';

/** The changes since the baseline, indexed the ways errors refer to files. */
export interface ChangeIndex {
  /** Path → change; a renamed file is also found under its old path. */
  changeByPath: Map<string, FileChange>;
  changedPaths: string[];
  /** File name → changed paths with that name, to resolve absolute or partial paths in traces. */
  byBase: Map<string, string[]>;
  /** Changed paths without an extension (Dockerfile, Makefile), which path tokens do not catch. */
  bare: string[];
}

export function indexChanges(changes: ClassifyInput['changes']): ChangeIndex {
  const changeByPath = new Map<string, FileChange>();
  for (const c of changes) {
    changeByPath.set(c.path, c);
    if (c.oldPath && !changeByPath.has(c.oldPath)) changeByPath.set(c.oldPath, c);
  }
  const changedPaths = [...changeByPath.keys()];
  const byBase = new Map<string, string[]>();
  for (const p of changedPaths) {
    const base = p.split('/').pop() ?? p;
    byBase.set(base, [...(byBase.get(base) ?? []), p]);
  }
  return {
    changeByPath,
    changedPaths,
    byBase,
    bare: changedPaths.filter((p) => !(p.split('/').pop() ?? p).includes('.')),
  };
}
