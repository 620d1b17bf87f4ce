import fs from 'node:fs';
import path from 'node:path';
import { STAT_CACHE_FILE, StatCacheMemo } from '../engine/store/statCache';
import { offerPreload, StatPreload } from '../engine/store/statPreload';
import { globalOptionValue } from './argv';
import { storeFolder } from './storeFolder';

/**
 * Starts the stat preload of a `snapshot` from the launcher, before the CLI bundle is compiled:
 * the worker thread then stats the tree while this thread compiles and loads the CLI (see
 * offerPreload). Guessed from the command line alone (--workspace, --store, else the current
 * folder and its default store), before any config is read: a config that moves the workspace
 * makes the store decline the offer, which costs nothing but the guess. Only for a store that
 * already has a stat cache (a warm snapshot), and never where the store would not be opened: a
 * default store folder that leads out of the workspace through a symlink is refused there too.
 */
export function startEarlyPreload(argv: readonly string[]): void {
  try {
    const cwd = process.cwd();
    const root = path.resolve(cwd, globalOptionValue(argv, '--workspace') ?? '.');
    const where = storeFolder(cwd, root, globalOptionValue(argv, '--store'));
    if ('refused' in where) return;
    const storeDir = where.dir;
    if (!fs.existsSync(path.join(storeDir, STAT_CACHE_FILE))) return;
    const memo = new StatCacheMemo();
    const preload = StatPreload.begin({ storeDir, workspaceRoot: root, memo });
    if (preload) offerPreload({ storeDir, workspaceRoot: root, memo, preload });
  } catch {
    // Only a head start: the command does the same work itself and reports what is wrong.
    return;
  }
}
