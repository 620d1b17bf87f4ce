import * as vscode from '../vscodeApi';
import { encodeDocRef, SNAPSHOT_SCHEME, type SnapshotDocRef } from './snapshotUri';

export function docUri(ref: SnapshotDocRef): vscode.Uri {
  return vscode.Uri.from({ scheme: SNAPSHOT_SCHEME, ...encodeDocRef(ref) });
}

/** A file of a snapshot, or the empty document when the snapshot does not have it (`snapshot` null). */
export function snapshotFileUri(folder: vscode.WorkspaceFolder, snapshot: string | null, path: string): vscode.Uri {
  const f = folder.uri.toString();
  return docUri(snapshot === null ? { kind: 'empty', folder: f, path } : { kind: 'file', folder: f, snapshot, path });
}

/** The workspace file at a workspace-relative POSIX path. */
export function workspaceFileUri(folder: vscode.WorkspaceFolder, path: string): vscode.Uri {
  return vscode.Uri.joinPath(folder.uri, ...path.split('/'));
}
