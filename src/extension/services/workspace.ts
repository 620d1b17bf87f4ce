import * as vscode from '../vscodeApi';
import { SnapshotFiles } from '../diffs/snapshotFiles';
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
 * Problems-panel entries and a change signal for the views. It owns those disposables;
 * `context.subscriptions` owns it. (The incident panel's host is `incidentPanel/host.ts`.)
 */
export class WorkspaceServices implements vscode.Disposable {
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

  dispose(): void {
    this.recording.dispose();
    this.changed.dispose();
    this.diagnostics.dispose();
    this.stores.dispose();
    this.log.dispose();
  }
}
