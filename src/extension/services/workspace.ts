import * as vscode from '../vscodeApi';
import type { BlameFinding } from '../../engine/postmortem/blameless';
import type { Postmortem } from '../../engine/postmortem/types';
import type { Incident } from '../../engine/types';
import type { IncidentPanelHost } from '../incidentPanel/panelHost';
import { openIncidentChanges, openSnapshotDiff } from '../diffs/openDiff';
import { SnapshotFiles } from '../diffs/snapshotFiles';
import { workspaceFileUri } from '../diffs/uris';
import { reanalyzeFolder } from '../operations/analysis';
import { exportIncidentReport, resolveIncidentIn } from '../operations/incidents';
import { IncidentDiagnostics } from '../problems/incidentDiagnostics';
import { Recording } from '../recorder/recording';
import { EngineLoader } from './engineLoader';
import { UserError } from './errors';
import { FolderStores } from './folderStores';
import { Log } from './log';

/** Shows an incident (the incident view, or its markdown summary). */
export interface IncidentViewer {
  show(folder: string, incidentId: string): Promise<void>;
}

/**
 * What every command, view and provider shares: the output log, the per-folder stores, the
 * Problems-panel entries and a change signal for the views. It is also the incident panel's
 * host. It owns those disposables; `context.subscriptions` owns it.
 */
export class WorkspaceServices implements IncidentPanelHost, vscode.Disposable {
  readonly log = new Log();
  readonly engine: EngineLoader;
  readonly stores: FolderStores;
  readonly diagnostics = new IncidentDiagnostics();
  readonly snapshotFiles = new SnapshotFiles();
  readonly extensionUri: vscode.Uri;
  /** The flight recorder of this window (journal, automatic snapshots); idle unless the settings turn it on. */
  readonly recording: Recording;
  private readonly changed = new vscode.EventEmitter<vscode.WorkspaceFolder | undefined>();
  /** Snapshots or incidents of a folder (undefined: of any folder) changed. */
  readonly onDidChange = this.changed.event;
  private viewer: IncidentViewer | undefined;

  constructor(context: vscode.ExtensionContext) {
    this.extensionUri = context.extensionUri;
    this.engine = new EngineLoader(context.extensionUri.fsPath);
    this.stores = new FolderStores(context, this.engine, this.log);
    this.recording = new Recording(this.stores, this.engine, this.log);
  }

  /** Workspace folders on disk (the only ones a store can capture). */
  folders(): readonly vscode.WorkspaceFolder[] {
    return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
  }

  folderByUri(uri: string): vscode.WorkspaceFolder {
    const folder = this.folders().find((f) => f.uri.toString() === uri);
    if (!folder) throw new UserError(`the folder ${vscode.Uri.parse(uri).fsPath} is no longer open in this window`);
    return folder;
  }

  notifyChanged(folder?: vscode.WorkspaceFolder): void {
    this.changed.fire(folder);
  }

  setViewer(viewer: IncidentViewer): void {
    this.viewer = viewer;
  }

  showIncident(folder: vscode.WorkspaceFolder, incidentId: string): Promise<void> {
    if (!this.viewer) throw new Error('the incident view is not registered');
    return this.viewer.show(folder.uri.toString(), incidentId);
  }

  // ------------------------------------------------------------ IncidentPanelHost

  getIncident(folder: string, incidentId: string): Promise<Incident> {
    return this.stores.use(this.folderByUri(folder), (store, engine) => engine.getIncidentOrThrow(store, incidentId));
  }

  reanalyze(folder: string): Promise<Incident | null> {
    return reanalyzeFolder(this, this.folderByUri(folder));
  }

  resolve(folder: string, incidentId: string): Promise<Incident> {
    return resolveIncidentIn(this, this.folderByUri(folder), incidentId);
  }

  exportReport(folder: string, incidentId: string): Promise<string | undefined> {
    return exportIncidentReport(this, this.folderByUri(folder), incidentId);
  }

  openChanges(folder: string, incidentId: string): Promise<void> {
    return openIncidentChanges(this, this.folderByUri(folder), incidentId);
  }

  async openLocation(folder: string, file: string, line: number, column?: number): Promise<void> {
    const f = this.folderByUri(folder);
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
    return openSnapshotDiff(this, this.folderByUri(folder), fromSnapshot, toSnapshot, path);
  }

  getPostmortem(folder: string, incidentId: string): Promise<Postmortem> {
    return this.stores.use(this.folderByUri(folder), (store, engine) => engine.getPostmortem(store, incidentId));
  }

  savePostmortem(folder: string, postmortem: Postmortem): Promise<void> {
    return this.stores.use(this.folderByUri(folder), (store, engine) => engine.savePostmortem(store, postmortem));
  }

  checkBlame(texts: readonly { field: string; text: string }[]): Promise<BlameFinding[]> {
    const { findBlame } = this.engine.get();
    return Promise.resolve(texts.flatMap((t) => findBlame(t.text, t.field)));
  }

  dispose(): void {
    this.recording.dispose();
    this.changed.dispose();
    this.diagnostics.dispose();
    this.stores.dispose();
    this.log.dispose();
  }
}
