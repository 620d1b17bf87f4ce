import * as vscode from '../vscodeApi';
import type { FileChange, SnapshotRecord } from '../../engine/types';
import { diffNote } from './fileExplanation';
import { diffTitle, snapshotName } from '../views/format';
import { UserError } from '../services/errors';
import type { WorkspaceServices } from '../services/workspace';
import { snapshotFileUri, workspaceFileUri } from './uris';

/** A side of a comparison: a snapshot by id and display name. */
export interface Side {
  id: string;
  name: string;
}

export function sideOf(s: SnapshotRecord): Side {
  return { id: s.id, name: snapshotName(s) };
}

/** One file between two snapshots in the native diff editor; a side without the file is an empty document. */
export async function openSnapshotDiff(
  services: WorkspaceServices,
  folder: vscode.WorkspaceFolder,
  fromRef: string,
  toRef: string,
  path: string,
): Promise<void> {
  const { from, to, a, b } = await services.stores.use(folder, async (store) => {
    const [from, to] = [await store.resolve(fromRef), await store.resolve(toRef)];
    const [a, b] = [await services.snapshotFiles.entry(store, from, path), await services.snapshotFiles.entry(store, to, path)];
    return { from, to, a, b };
  });
  const title = diffTitle(path, snapshotName(from), snapshotName(to), diffNote(a, b));
  await vscode.commands.executeCommand(
    'vscode.diff',
    snapshotFileUri(folder, a ? from.id : null, path),
    snapshotFileUri(folder, b ? to.id : null, path),
    title,
    { preview: true } satisfies vscode.TextDocumentShowOptions,
  );
}

/** One workspace file against its copy in a snapshot (`baseline` by default). */
export async function openWorkingFileDiff(
  services: WorkspaceServices,
  folder: vscode.WorkspaceFolder,
  path: string,
  ref = 'baseline',
): Promise<void> {
  const { snap, entry } = await services.stores.use(folder, async (store) => {
    const snap = await store.resolve(ref);
    return { snap, entry: await services.snapshotFiles.entry(store, snap, path) };
  });
  const file = workspaceFileUri(folder, path);
  const exists = await vscode.workspace.fs.stat(file).then(
    () => true,
    () => false,
  );
  if (!entry && !exists) throw new UserError(`${path} is neither in snapshot ${snapshotName(snap)} nor in the workspace`);
  await vscode.commands.executeCommand(
    'vscode.diff',
    snapshotFileUri(folder, entry ? snap.id : null, path),
    exists ? file : snapshotFileUri(folder, null, path),
    diffTitle(path, snapshotName(snap), 'working tree', diffNote(entry, undefined)),
    { preview: true } satisfies vscode.TextDocumentShowOptions,
  );
}

/**
 * Every change between two sides in the multi-file diff editor. Added and removed files diff
 * against an empty document; a rename diffs the old path against the new one.
 */
export async function openChangesEditor(
  folder: vscode.WorkspaceFolder,
  from: Side,
  to: Side | 'working tree',
  changes: readonly FileChange[],
  title: string,
): Promise<void> {
  if (changes.length === 0) throw new UserError(`no changes between ${from.name} and ${to === 'working tree' ? to : to.name}`);
  const resources = changes.map((c) => {
    const before = c.status === 'added' ? snapshotFileUri(folder, null, c.path) : snapshotFileUri(folder, from.id, c.oldPath ?? c.path);
    const after =
      c.status === 'removed'
        ? snapshotFileUri(folder, null, c.path)
        : to === 'working tree'
          ? workspaceFileUri(folder, c.path)
          : snapshotFileUri(folder, to.id, c.path);
    return [workspaceFileUri(folder, c.path), before, after] as const;
  });
  // The multi-file diff editor adds the file count to the title itself.
  await vscode.commands.executeCommand('vscode.changes', title, resources);
}

/** All changes of an incident, baseline ↔ post-incident. */
export async function openIncidentChanges(services: WorkspaceServices, folder: vscode.WorkspaceFolder, incidentId: string): Promise<void> {
  const { incident, from, to } = await services.stores.use(folder, async (store, engine) => {
    const incident = await engine.getIncidentOrThrow(store, incidentId);
    const list = await store.list();
    // A pruned snapshot keeps its id; its documents then say it is gone.
    const find = (id: string): Side => {
      const s = list.find((x) => x.id === id);
      return s ? sideOf(s) : { id, name: id };
    };
    return { incident, from: find(incident.baselineId), to: find(incident.postId) };
  });
  if (incident.changes.length === 0) throw new UserError(`${incident.id} recorded no file changes`);
  await openChangesEditor(folder, from, to, incident.changes, `${incident.id}: ${from.name} ↔ ${to.name}`);
}
