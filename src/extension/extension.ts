import * as vscode from './vscodeApi';
import { COMMANDS } from './commands';
import { registerCommands } from './commands/command';
import { registerSnapshotContent } from './diffs/contentProvider';
import { registerIncidentView } from './incidentView';
import { registerConfigDiagnostics } from './problems/configDiagnostics';
import { registerQuickFixes } from './problems/quickFixes';
import { registerDiagnosticsRestore } from './problems/restoreDiagnostics';
import { registerWorkspaceEvents } from './services/workspaceEvents';
import { WorkspaceServices } from './services/workspace';
import { registerIncidentsView } from './views/incidentsView';
import { registerSnapshotsView } from './views/snapshotsView';
import { registerStatusBar } from './views/statusBar';

/** A short list of register calls; the engine and sql.js load on first use, never here. */
export function activate(context: vscode.ExtensionContext): void {
  const services = new WorkspaceServices(context);
  context.subscriptions.push(services);
  registerCommands(context, services, COMMANDS);
  registerSnapshotContent(context, services);
  registerIncidentView(context, services);
  registerSnapshotsView(context, services);
  registerIncidentsView(context, services);
  registerStatusBar(context, services);
  registerQuickFixes(context, services);
  registerDiagnosticsRestore(context, services);
  registerConfigDiagnostics(context, services);
  registerWorkspaceEvents(context, services);
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions, which VS Code disposes.
}
