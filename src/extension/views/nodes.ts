import type * as vscode from 'vscode';
import type { IncidentListItem } from '../../engine/db/incidentRows';
import type { SnapshotRecord } from '../../engine/types';

/** Tree nodes; commands run from a view's context menu receive them as their argument. */
export class FolderNode {
  readonly type = 'folder';
  constructor(readonly folder: vscode.WorkspaceFolder) {}
}

export class SnapshotNode {
  readonly type = 'snapshot';
  constructor(
    readonly folder: vscode.WorkspaceFolder,
    readonly snapshot: SnapshotRecord,
  ) {}
}

export class IncidentNode {
  readonly type = 'incident';
  constructor(
    readonly folder: vscode.WorkspaceFolder,
    readonly incident: IncidentListItem,
  ) {}
}
