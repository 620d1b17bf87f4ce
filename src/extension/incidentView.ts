import { existsSync } from 'node:fs';
import * as vscode from './vscodeApi';
import { docUri } from './diffs/uris';
import { WorkspacePanelHost } from './incidentPanel/host';
import { registerIncidentPanel } from './incidentPanel/index';
import type { IncidentViewer, WorkspaceServices } from './services/workspace';

/**
 * The one place that decides how an incident is shown: the incident panel (webview), with
 * `WorkspacePanelHost` answering it from the workspace's stores; or, in a build without the
 * webview bundle, the incident's markdown summary in a read-only document.
 */
export function registerIncidentView(context: vscode.ExtensionContext, services: WorkspaceServices): void {
  const bundle = vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview', 'main.js');
  if (existsSync(bundle.fsPath)) {
    services.setViewer(registerIncidentPanel(context, new WorkspacePanelHost(services)));
    return;
  }
  const summary: IncidentViewer = {
    async show(folder, incidentId) {
      const doc = await vscode.workspace.openTextDocument(docUri({ kind: 'incident', folder, incidentId }));
      await vscode.window.showTextDocument(doc, { preview: true });
    },
  };
  services.setViewer(summary);
}
