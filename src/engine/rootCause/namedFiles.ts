import type { FileRole, StackFrame } from '../types';
import type { ChangeIndex } from './changeIndex';
import { namedModuleFiles } from './namedModules';
import { textHas } from './textMatch';

export interface NamedFile {
  path: string;
  /** `module`: the file that provides a module the error cannot find or import (see namedModules.ts). */
  via: 'innermost_frame' | 'frame' | 'text' | 'module';
  line?: number;
}

const PATH_TOKEN = /(?<![\w/.:-])((?:\.{0,2}\/)?(?:[\w.-]+\/)*[\w-][\w.-]*\.[A-Za-z][A-Za-z0-9]{0,9})(?![\w/])/g;

/**
 * Files an error points at: paths its text names (changed ones first, found through an index of
 * path tokens so thousands of triggers against thousands of changes stay cheap), then its
 * workspace frames, innermost first.
 */
export function namedFiles(
  text: string,
  frames: readonly StackFrame[],
  ownFile: string,
  index: ChangeIndex,
  roles: (path: string) => FileRole,
): NamedFile[] {
  const changed: NamedFile[] = [];
  const unchanged: NamedFile[] = [];
  const seen = new Set<string>([ownFile]);
  const add = (list: NamedFile[], n: NamedFile): void => {
    if (seen.has(n.path)) return;
    seen.add(n.path);
    list.push(n);
  };
  for (const m of text.matchAll(PATH_TOKEN)) {
    const token = (m[1] ?? '').replace(/^\.\//, '');
    const parts = token.split('/');
    let found = false;
    // `/home/ci/ws/data/in.json` names `data/in.json`: try every suffix, longest first.
    for (let i = 0; i < parts.length && !found; i++) {
      const suffix = parts.slice(i).join('/');
      if (index.changeByPath.has(suffix)) {
        add(changed, { path: suffix, via: 'text' });
        found = true;
      } else if (i === parts.length - 1) {
        const same = index.byBase.get(suffix);
        if (same?.length === 1 && same[0] && suffix.length >= 5) {
          add(changed, { path: same[0], via: 'text' });
          found = true;
        }
      }
    }
    if (found || token.startsWith('/') || token.startsWith('../') || /^\d/.test(token)) continue;
    const role = roles(token);
    if (role === 'config' || role === 'data' || role === 'code') add(unchanged, { path: token, via: 'text' });
  }
  for (const p of index.bare) if (textHas(text, p)) add(changed, { path: p, via: 'text' });
  for (const p of namedModuleFiles(text, index)) add(changed, { path: p, via: 'module' });
  const out = [...changed, ...unchanged];
  const inWs = frames.filter((x) => x.inWorkspace);
  const inner = inWs[inWs.length - 1];
  for (const f of [...inWs].reverse()) {
    const named: NamedFile = { path: f.file, via: f === inner ? 'innermost_frame' : 'frame', line: f.line };
    if (seen.has(f.file)) {
      // A file both printed and in the trace counts as a frame: that is the stronger link.
      const i = out.findIndex((n) => n.path === f.file);
      if (i >= 0) out[i] = named;
      continue;
    }
    seen.add(f.file);
    out.push(named);
  }
  return out;
}
