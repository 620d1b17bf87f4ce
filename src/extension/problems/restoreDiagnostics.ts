import type * as vscode from 'vscode';
import type { WorkspaceServices } from '../services/workspace';

/**
 * The Problems panel shows the latest analysis; diagnostics live only in memory, so after a window
 * reload they are put back from the store: the newest incident of each folder, when it is still
 * open. Runs after activation returns, and only for folders that already have a store.
 */
export function registerDiagnosticsRestore(context: vscode.ExtensionContext, services: WorkspaceServices): void {
  const timer = setTimeout(() => void restoreAll(services), 0);
  context.subscriptions.push({ dispose: () => clearTimeout(timer) });
}

async function restoreAll(services: WorkspaceServices): Promise<void> {
  for (const folder of services.folders()) {
    try {
      const incident = await services.stores.peek(folder, async (store, engine) => {
        const [newest] = await engine.incidentsNewestFirst(store);
        return newest && newest.status === 'open' ? engine.getIncidentOrThrow(store, newest.id) : undefined;
      });
      // An analysis that ran meanwhile has already shown something newer.
      if (incident && services.diagnostics.shownIncident(folder) === null) services.diagnostics.show(folder, incident);
    } catch (err) {
      services.log.warn(`could not restore the Problems entries of ${folder.name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
