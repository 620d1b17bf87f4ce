import * as vscode from './vscodeApi';
import { registerAgents } from './agents';
import { COMMANDS } from './commands';
import { registerCommands } from './commands/command';
import { registerSnapshotContent } from './diffs/contentProvider';
import { registerIncidentView } from './incidentView';
import { registerConfigDiagnostics } from './problems/configDiagnostics';
import { registerQuickFixes } from './problems/quickFixes';
import { registerRecorder } from './recorder';
import { registerDiagnosticsRestore } from './problems/restoreDiagnostics';
import { registerWorkspaceEvents } from './services/workspaceEvents';
import { WorkspaceServices } from './services/workspace';
import { registerIncidentsView } from './views/incidentsView';
import { registerSnapshotsView } from './views/snapshotsView';
import { registerStatusBar } from './views/statusBar';

/** Set by the bundle's first line (scripts/build.mjs); absent when run from sources. */
declare const __incidentReplayLoadStart: number | undefined;
/** This module is the bundle's last: every other one has been evaluated by now. */
const bundleEvaluated = performance.now();

/** A short list of register calls; the engine and sql.js load on first use, never here. */
export function activate(context: vscode.ExtensionContext): void {
  const called = performance.now();
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
  registerAgents(context, services);
  registerRecorder(context, services);
  logActivation(services, called);
}

/** What loading and activating cost, measured from inside (VS Code's own figure adds its host's work). */
function logActivation(services: WorkspaceServices, called: number): void {
  if (typeof __incidentReplayLoadStart !== 'number') return;
  const ms = (a: number, b: number): string => `${(b - a).toFixed(1)} ms`;
  const now = performance.now();
  // The time between the two is VS Code's (it prepares the extension's context), not ours.
  services.log.info(`activated: bundle evaluation ${ms(__incidentReplayLoadStart, bundleEvaluated)}, activate() ${ms(called, now)}`);
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions, which VS Code disposes.
}
