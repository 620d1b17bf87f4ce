import { existsSync } from 'node:fs';
import path from 'node:path';

/** The repository: from dist/bench.js (bundled, one level down) or scripts/bench/*.ts (through tsx, two). */
export const ROOT = existsSync(path.join(__dirname, '..', 'package.json'))
  ? path.resolve(__dirname, '..')
  : path.resolve(__dirname, '..', '..');
/** The built CLI, as users run it. */
export const CLI = path.join(ROOT, 'dist', 'cli.js');
