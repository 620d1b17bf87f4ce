import path from 'node:path';
import { outsideReason } from '../engine/config/workspacePath';
import { DEFAULT_STORE_DIRNAME } from '../engine/store/storeDir';

/**
 * The store a command opens: --store is the user's to put anywhere; the default folder inside the
 * workspace must not lead out of it through a symlink (a cloned repository could plant one).
 */
export function storeFolder(cwd: string, workspaceRoot: string, store: string | undefined): { dir: string } | { refused: string } {
  if (store !== undefined) return { dir: path.resolve(cwd, store) };
  const reason = outsideReason(workspaceRoot, DEFAULT_STORE_DIRNAME, 'the store folder');
  return reason ? { refused: reason } : { dir: path.join(workspaceRoot, DEFAULT_STORE_DIRNAME) };
}
