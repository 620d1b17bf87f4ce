import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors';
import type { EngineConfig, UserPathSetting } from './types';

/**
 * Paths a workspace names for itself (its config's report folder, learnings file,
 * WORKSPACE_ROOT, the default store folder) must stay inside it: a cloned repository is
 * data, and must not be able to make us write elsewhere. Paths the user gives (a flag,
 * user settings, a config file outside the workspace) are theirs to point anywhere.
 */

/** True when `child` is `parent` or below it; both absolute and normalised. */
export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}

/**
 * The real path of `p`, or, when it does not exist yet, the real path of its nearest existing
 * ancestor with the rest appended: where a write to `p` would land once folders are created.
 * A `docs -> /etc` symlink therefore turns `docs/incidents` into `/etc/incidents`.
 */
export function landingPath(p: string): string {
  const abs = path.resolve(p);
  const missing: string[] = [];
  let at = abs;
  for (;;) {
    try {
      return path.join(fs.realpathSync.native(at), ...missing.reverse());
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const parent = path.dirname(at);
      // ENOENT: not there yet; ENOTDIR: a file in the way, the write will fail on its own.
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || parent === at) return path.join(at, ...missing.reverse());
      missing.push(path.basename(at));
      at = parent;
    }
  }
}

/** Why `value` (of `setting`, relative to `root`) would land outside the workspace, or undefined when it stays inside. */
export function outsideReason(root: string, value: string, setting: string): string | undefined {
  const abs = path.resolve(root, value);
  if (!isInside(path.resolve(root), abs)) {
    return `${setting} ${JSON.stringify(value)} is outside the workspace ${root}`;
  }
  const realRoot = landingPath(root);
  const lands = landingPath(abs);
  if (!isInside(realRoot, lands)) {
    return `${setting} ${JSON.stringify(value)} leads through a symlink to ${lands}, outside the workspace ${realRoot}`;
  }
  return undefined;
}

/** `value` resolved against the workspace; throws an InputError naming the setting when it lands outside. */
export function pathInsideWorkspace(root: string, value: string, setting: string, instead: string): string {
  const reason = outsideReason(root, value, setting);
  if (reason) throw new InputError(`refusing to write there: ${reason}; ${instead}`);
  return path.resolve(root, value);
}

const INSTEAD: Record<UserPathSetting, string> = {
  reportDir: 'set reportDir in your user settings or pass --out to write elsewhere',
  learningsFile: 'set learningsFile in your user settings or pass --out to write elsewhere',
};

/**
 * Where a configured output path points: anywhere when the user set it, otherwise inside the
 * workspace (checked now, at write time, since a symlink may have appeared since the config was read).
 */
export function configuredOutputPath(root: string, config: EngineConfig, setting: UserPathSetting): string {
  const value = config[setting];
  return config.userPaths[setting] ? path.resolve(root, value) : pathInsideWorkspace(root, value, setting, INSTEAD[setting]);
}
