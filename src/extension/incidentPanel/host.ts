import * as vscode from '../vscodeApi';
import type { BlameFinding } from '../../engine/postmortem/blameless';
import type { Postmortem } from '../../engine/postmortem/types';
import type { Incident } from '../../engine/types';
import { openIncidentChanges, openSnapshotDiff } from '../diffs/openDiff';
import { workspaceFileUri } from '../diffs/uris';
import { reanalyzeFolder } from '../operations/analysis';
import { exportIncidentReport, resolveIncidentIn } from '../operations/incidents';
import { UserError } from '../services/errors';
import type { WorkspaceServices } from '../services/workspace';
import type { IncidentPanelHost } from './panelHost';

/**
 * The incident panel's host in this window: each request names its workspace folder by URI and
 * is answered from that folder's store, through the same operations the commands use.
 */
export class WorkspacePanelHost implements IncidentPanelHost {
  readonly extensionUri: vscode.Uri;

  constructor(private readonly services: WorkspaceServices) {
    this.extensionUri = services.extensionUri;
  }

  getIncident(folder: string, incidentId: string): Promise<Incident> {
    const s = this.services;
    return s.stores.use(s.folderByUri(folder), (store, engine) => engine.getIncidentOrThrow(store, incidentId));
  }

  reanalyze(folder: string): Promise<Incident | null> {
    return reanalyzeFolder(this.services, this.services.folderByUri(folder));
  }

  resolve(folder: string, incidentId: string): Promise<Incident> {
    return resolveIncidentIn(this.services, this.services.folderByUri(folder), incidentId);
  }

  exportReport(folder: string, incidentId: string): Promise<string | undefined> {
    return exportIncidentReport(this.services, this.services.folderByUri(folder), incidentId);
  }

  openChanges(folder: string, incidentId: string): Promise<void> {
    return openIncidentChanges(this.services, this.services.folderByUri(folder), incidentId);
  }

  async openLocation(folder: string, file: string, line: number, column?: number): Promise<void> {
    const f = this.services.folderByUri(folder);
    const uri = workspaceFileUri(f, file);
    try {
      await vscode.workspace.fs.stat(uri);
    } catch {
      throw new UserError(`${file} no longer exists in ${f.name}; the incident's changes show it as it was`);
    }
    const pos = new vscode.Position(Math.max(0, line - 1), Math.max(0, (column ?? 1) - 1));
    await vscode.window.showTextDocument(uri, { selection: new vscode.Range(pos, pos), preview: true });
  }

  openDiff(folder: string, fromSnapshot: string, toSnapshot: string, path: string): Promise<void> {
    return openSnapshotDiff(this.services, this.services.folderByUri(folder), fromSnapshot, toSnapshot, path);
  }

  getPostmortem(folder: string, incidentId: string): Promise<Postmortem> {
    const s = this.services;
    return s.stores.use(s.folderByUri(folder), (store, engine) => engine.getPostmortem(store, incidentId));
  }

  savePostmortem(folder: string, postmortem: Postmortem): Promise<void> {
    const s = this.services;
    return s.stores.use(s.folderByUri(folder), (store, engine) => engine.savePostmortem(store, postmortem));
  }

  checkBlame(texts: readonly { field: string; text: string }[]): Promise<BlameFinding[]> {
    const { findBlame } = this.services.engine.get();
    return Promise.resolve(texts.flatMap((t) => findBlame(t.text, t.field)));
  }
}
