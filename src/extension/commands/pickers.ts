import * as vscode from '../vscodeApi';
import type { IncidentListItem } from '../../engine/db/incidentRows';
import type { SnapshotRecord } from '../../engine/types';
import { formatAge, snapshotName } from '../views/format';
import { plural } from '../../model/format';
import { UserError } from '../services/errors';
import type { WorkspaceServices } from '../services/workspace';
import type { CommandTarget } from './args';

/**
 * The workspace folder a command works on: the one it was invoked on, the only one, or the
 * user's choice (the active editor's folder listed first).
 */
export async function pickFolder(
  services: WorkspaceServices,
  target: CommandTarget,
  purpose: string,
): Promise<vscode.WorkspaceFolder | undefined> {
  if (target.folderUri) return services.folderByUri(target.folderUri);
  const folders = services.folders();
  if (folders.length === 0) throw new UserError('open a folder first: snapshots capture a workspace folder on disk');
  if (folders.length === 1) return folders[0];
  const activeUri = vscode.window.activeTextEditor?.document.uri;
  const active = activeUri ? vscode.workspace.getWorkspaceFolder(activeUri) : undefined;
  const ordered = [...folders].sort((a, b) => Number(b === active) - Number(a === active) || a.index - b.index);
  const picked = await vscode.window.showQuickPick(
    ordered.map((f) => ({ label: f.name, description: f === active ? 'active editor' : '', detail: f.uri.fsPath, folder: f })),
    // Kept open when focus moves: a command started from a walkthrough or webview button
    // would otherwise lose its pick the moment that page takes focus back.
    { title: purpose, placeHolder: 'Which workspace folder?', ignoreFocusOut: true },
  );
  return picked?.folder;
}

export interface SnapshotPickOptions {
  title: string;
  placeHolder: string;
  exclude?: string;
}

/** A snapshot of the folder, newest first, the baseline starred. */
export async function pickSnapshot(
  services: WorkspaceServices,
  folder: vscode.WorkspaceFolder,
  opts: SnapshotPickOptions,
): Promise<SnapshotRecord | undefined> {
  const list = (await services.stores.peek(folder, (store) => store.list())) ?? [];
  const candidates = list.filter((s) => s.id !== opts.exclude).reverse();
  if (candidates.length === 0)
    throw new UserError(`${folder.name} has ${list.length === 0 ? 'no snapshots yet: take one first' : 'no other snapshot to choose'}`);
  const now = Date.now();
  const picked = await vscode.window.showQuickPick(
    candidates.map((s) => ({
      label: `${s.baseline ? '$(star-full) ' : ''}${snapshotName(s)}`,
      description: `${s.id} · ${formatAge(s.createdAt, now)} · ${plural(s.fileCount, 'file')}`,
      snapshot: s,
    })),
    { title: opts.title, placeHolder: opts.placeHolder, matchOnDescription: true, ignoreFocusOut: true },
  );
  return picked?.snapshot;
}

export interface PickedIncident {
  folder: vscode.WorkspaceFolder;
  incident: IncidentListItem;
}

export interface IncidentPickOptions {
  title: string;
  openOnly: boolean;
  /** With a single incident to choose from, take it without asking (for actions that change nothing). */
  takeOnly?: boolean;
}

/** An incident of any folder (newest first); `openOnly` leaves resolved ones out. */
export async function pickIncident(
  services: WorkspaceServices,
  target: CommandTarget,
  opts: IncidentPickOptions,
): Promise<PickedIncident | undefined> {
  const folders = target.folderUri ? [services.folderByUri(target.folderUri)] : services.folders();
  if (folders.length === 0) throw new UserError('open a folder first');
  const all: PickedIncident[] = [];
  for (const folder of folders) {
    const list = (await services.stores.peek(folder, (store, engine) => engine.incidentList(store))) ?? [];
    for (const incident of list) if (!opts.openOnly || incident.status === 'open') all.push({ folder, incident });
  }
  if (all.length === 0)
    throw new UserError(opts.openOnly ? 'there are no open incidents' : 'there are no incidents yet: run Analyze Since Baseline');
  if (opts.takeOnly && all.length === 1) return all[0];
  all.sort((a, b) => b.incident.createdAt - a.incident.createdAt);
  const now = Date.now();
  const multi = folders.length > 1;
  const picked = await vscode.window.showQuickPick(
    all.map((p) => ({
      label: `${p.incident.status === 'open' ? (p.incident.severity === 'low' ? '$(info)' : p.incident.severity === 'medium' ? '$(warning)' : '$(error)') : '$(pass)'} ${p.incident.id}: ${p.incident.title}`,
      description: `${multi ? `${p.folder.name} · ` : ''}${p.incident.severity} · ${p.incident.status} · ${formatAge(p.incident.createdAt, now)}`,
      detail: `Root cause: ${p.incident.category} (${Math.round(p.incident.confidence * 100)}%)`,
      choice: p,
    })),
    { title: opts.title, placeHolder: 'Which incident?', matchOnDescription: true, matchOnDetail: true, ignoreFocusOut: true },
  );
  return picked?.choice;
}
