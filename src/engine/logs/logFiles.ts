import { minimatch } from 'minimatch';
import type { EngineConfig } from '../config/types';
import type { FileRole } from '../types';

/** Roles whose new lines are read as logs; code, config and data are not (their "ERROR" strings are content). */
const LOG_ROLES: ReadonlySet<FileRole> = new Set(['log', 'output', 'other']);

/** Whether a changed file's new lines are read as a log. */
export function isScannedAsLog(path: string, roles: (path: string) => FileRole, config: EngineConfig): boolean {
  return LOG_ROLES.has(roles(path)) || isLogFile(path, config);
}

function isLogFile(path: string, config: EngineConfig): boolean {
  return config.logFiles.some((g) => minimatch(path, g, { dot: true, matchBase: !g.includes('/') })) && !path.endsWith('.md');
}
