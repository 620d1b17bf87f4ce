import * as vscode from '../vscodeApi';
import { exportIncidentReport as exportReport } from '../operations/incidents';
import { targetOf } from './args';
import type { Command } from './command';
import { pickIncident } from './pickers';
import { COMMAND_IDS } from './ids';

/** Writes the incident's markdown postmortem into the repository and opens it. */
export const exportIncidentReport: Command = {
  id: COMMAND_IDS.exportIncidentReport,
  title: 'Export Incident Report',
  async run(services, arg) {
    const target = targetOf(arg);
    let folder: vscode.WorkspaceFolder;
    let id: string;
    if (target.folderUri && target.incidentId) {
      folder = services.folderByUri(target.folderUri);
      id = target.incidentId;
    } else {
      const picked = await pickIncident(services, target, { title: 'Export Incident Report', openOnly: false, takeOnly: true });
      if (!picked) return undefined;
      ({ folder } = picked);
      id = picked.incident.id;
    }
    const file = await exportReport(services, folder, id);
    if (file) vscode.window.setStatusBarMessage(`$(file) Report written: ${vscode.workspace.asRelativePath(file)}`, 10_000);
    return file;
  },
};
