import * as vscode from '../vscodeApi';
import { SETTINGS_SECTION } from './settingsModel';
import type { WorkspaceServices } from './workspace';

/**
 * What makes an open store stale: settings, workspace trust (regex settings start to apply),
 * folders leaving the workspace. The views re-read after each.
 */
export function registerWorkspaceEvents(context: vscode.ExtensionContext, services: WorkspaceServices): void {
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      for (const folder of services.folders()) {
        if (!e.affectsConfiguration(SETTINGS_SECTION, folder.uri)) continue;
        services.stores.invalidate(folder);
        services.notifyChanged(folder);
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      services.stores.invalidate();
      services.notifyChanged();
    }),
    vscode.workspace.onDidChangeWorkspaceFolders((e) => {
      for (const folder of e.removed) {
        services.stores.invalidate(folder);
        services.diagnostics.forget(folder);
      }
      services.notifyChanged();
    }),
  );
}
