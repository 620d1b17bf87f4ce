import * as vscode from '../vscodeApi';
import { decodeDocRef, SNAPSHOT_SCHEME } from './snapshotUri';
import type { WorkspaceServices } from '../services/workspace';

/**
 * Serves `incident-replay:` documents read-only: files as snapshots hold them, and empty
 * documents for the missing side of an added or removed file. Snapshot files never change.
 */
class SnapshotContentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly services: WorkspaceServices) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const ref = decodeDocRef({ path: uri.path, query: uri.query });
    if (!ref) return 'This Incident Replay document address is incomplete: it must name a workspace folder and a snapshot.\n';
    if (ref.kind === 'empty') return '';
    // A document that cannot be read says why, instead of an editor error (a config file with
    // a mistake, a folder closed since the tab was opened).
    try {
      const folder = this.services.folderByUri(ref.folder);
      return await this.services.stores.use(folder, (store) => this.services.snapshotFiles.text(store, ref.snapshot, ref.path));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.services.log.warn(`reading ${uri.toString(true)}: ${message}`);
      return `Incident Replay cannot show this document now: ${message}\n`;
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export function registerSnapshotContent(context: vscode.ExtensionContext, services: WorkspaceServices): void {
  const provider = new SnapshotContentProvider(services);
  context.subscriptions.push(provider, vscode.workspace.registerTextDocumentContentProvider(SNAPSHOT_SCHEME, provider));
}
