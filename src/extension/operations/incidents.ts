import * as vscode from '../vscodeApi';
import type { Incident } from '../../engine/types';
import type { WorkspaceServices } from '../services/workspace';

/** Marks an incident resolved; its Problems-panel entries go away if they show it. */
export async function resolveIncidentIn(
  services: WorkspaceServices,
  folder: vscode.WorkspaceFolder,
  incidentId: string,
): Promise<Incident> {
  const incident = await services.stores.use(folder, (store, engine) => engine.resolveIncident(store, incidentId));
  services.diagnostics.clear(folder, incident.id);
  services.log.info(`${folder.name}: ${incident.id} resolved`);
  services.notifyChanged(folder);
  return incident;
}

/**
 * Writes the incident's markdown report into the workspace (`docs/incidents/INC-0001-<slug>.md`
 * by default, the `reportDir` setting), opens it and returns its path; undefined when the user
 * chose not to overwrite a report that was edited by hand.
 */
export async function exportIncidentReport(
  services: WorkspaceServices,
  folder: vscode.WorkspaceFolder,
  incidentId: string,
): Promise<string | undefined> {
  const write = (force: boolean): Promise<string> =>
    services.log.timed(
      `report of ${incidentId} in ${folder.name}`,
      () =>
        services.stores.use(folder, async (store, engine) => (await engine.exportReport(store, incidentId, { format: 'md', force })).file),
      (file) => file,
    );
  let file: string;
  try {
    file = await write(false);
  } catch (err) {
    // The engine refuses to overwrite a report a person edited (or did not write) unless forced.
    if (!(err instanceof services.engine.get().WouldOverwriteError)) throw err;
    const overwrite = 'Overwrite';
    const choice = await vscode.window.showWarningMessage(
      err.owner === 'edited'
        ? `The report of ${incidentId} was edited by hand since Incident Replay wrote it.`
        : `${vscode.workspace.asRelativePath(err.file)} already exists and was not written by Incident Replay.`,
      { modal: true, detail: 'Overwriting replaces the file with a freshly generated report; edits made in the file are lost.' },
      overwrite,
    );
    if (choice !== overwrite) return undefined;
    file = await write(true);
  }
  await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: false });
  return file;
}
