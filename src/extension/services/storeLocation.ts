import { createHash } from 'node:crypto';
import path from 'node:path';
import { shellQuote } from '../../model/format';

export type StorageLocation = 'workspaceStorage' | 'workspaceFolder';

/**
 * Name of a workspace folder's store inside the window's workspace storage: readable (the
 * folder's name) and unique (a hash of its URI), since a multi-root workspace may hold two
 * folders with the same name.
 */
export function storeSubfolderName(folderUri: string, folderName: string): string {
  const readable =
    folderName
      .replace(/[^\w.-]+/g, '_')
      .replace(/^\.+/, '')
      .slice(0, 40) || 'folder';
  const hash = createHash('sha1').update(folderUri).digest('hex').slice(0, 8);
  return `${readable}-${hash}`;
}

export interface StoreDirInput {
  location: StorageLocation;
  /** The `incidentReplay.storage.folder` setting, relative to the workspace folder. */
  folderSetting: string;
  workspaceFolderPath: string;
  folderUri: string;
  folderName: string;
  /** The window's workspace storage (`context.storageUri`), when there is one. */
  storagePath: string | undefined;
  /** The extension's global storage, used when the window has no workspace storage. */
  globalStoragePath: string;
}

/** Where a workspace folder's store lives; throws with a message that says what to fix. */
export function storeDirFor(input: StoreDirInput): string {
  if (input.location === 'workspaceFolder') {
    const rel = input.folderSetting.trim();
    if (rel === '' || path.isAbsolute(rel)) {
      throw new Error(
        `incidentReplay.storage.folder must be a folder relative to the workspace folder (got ${JSON.stringify(input.folderSetting)})`,
      );
    }
    const abs = path.resolve(input.workspaceFolderPath, rel);
    const inside = path.relative(input.workspaceFolderPath, abs);
    if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) {
      throw new Error(
        `incidentReplay.storage.folder must name a sub-folder inside the workspace folder (got ${JSON.stringify(input.folderSetting)})`,
      );
    }
    return abs;
  }
  const root = input.storagePath ?? input.globalStoragePath;
  return path.join(root, storeSubfolderName(input.folderUri, input.folderName));
}

/** The CLI command that opens the same store as the extension. */
export function cliCommandFor(workspaceFolderPath: string, storeDir: string, command = 'snapshots'): string {
  return `incident-replay --workspace ${shellQuote(workspaceFolderPath)} --store ${shellQuote(storeDir)} ${command}`;
}
