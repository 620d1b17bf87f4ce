import * as vscode from '../vscodeApi';
import { FolderNode, IncidentNode, SnapshotNode } from '../views/nodes';

/** Folder, snapshot and incident a command was invoked on, from whichever place invoked it. */
export interface CommandTarget {
  folderUri?: string;
  snapshotId?: string;
  incidentId?: string;
  /** A workspace file (explorer or editor menus, quick fixes). */
  fileUri?: vscode.Uri;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function targetOf(arg: unknown): CommandTarget {
  if (arg instanceof SnapshotNode) return { folderUri: arg.folder.uri.toString(), snapshotId: arg.snapshot.id };
  if (arg instanceof IncidentNode) return { folderUri: arg.folder.uri.toString(), incidentId: arg.incident.id };
  if (arg instanceof FolderNode) return { folderUri: arg.folder.uri.toString() };
  if (arg instanceof vscode.Uri) {
    const folder = vscode.workspace.getWorkspaceFolder(arg);
    return { ...(folder ? { folderUri: folder.uri.toString() } : {}), fileUri: arg };
  }
  if (!isRecord(arg)) return {};
  const folder = str(arg.folder);
  const snapshot = str(arg.snapshot) ?? str(arg.snapshotId);
  const incident = str(arg.incidentId) ?? str(arg.incident);
  return {
    ...(folder ? { folderUri: folder } : {}),
    ...(snapshot ? { snapshotId: snapshot } : {}),
    ...(incident ? { incidentId: incident } : {}),
  };
}

/** The raw option fields of a plain-object argument (`{ label: 'before', baseline: true }`). */
export function optionOf<T>(arg: unknown, key: string, guard: (v: unknown) => v is T): T | undefined {
  return isRecord(arg) && !(arg instanceof vscode.Uri) && guard(arg[key]) ? arg[key] : undefined;
}

export const isString = (v: unknown): v is string => typeof v === 'string';
export const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
