import { existsSync } from 'node:fs';
import * as vscode from './vscodeApi';
import { WorkspacePanelHost } from './incidentPanel/host';
import { registerIncidentPanel } from './incidentPanel/index';
import type { IncidentViewer, WorkspaceServices } from './services/workspace';

/**
 * The one place that decides how an incident is shown: the incident panel (webview), with
 * `WorkspacePanelHost` answering it from the workspace's stores. A build without the webview
 * bundle is broken, and says so when an incident is opened instead of showing something else.
 */
export function registerIncidentView(context: vscode.ExtensionContext, services: WorkspaceServices): void {
  const bundle = vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview', 'main.js');
  if (existsSync(bundle.fsPath)) {
    services.setViewer(registerIncidentPanel(context, new WorkspacePanelHost(services)));
    return;
  }
  const missing: IncidentViewer = {
    show: () =>
      Promise.reject(
        new Error(`this build of Incident Replay has no incident view (${bundle.fsPath} is missing): rebuild it with npm run build`),
      ),
  };
  services.setViewer(missing);
}
