import * as vscode from '../vscodeApi';
import { resolveIncidentIn } from '../operations/incidents';
import { targetOf } from './args';
import type { Command } from './command';
import { pickIncident } from './pickers';
import { COMMAND_IDS } from './ids';

export const resolveIncident: Command = {
  id: COMMAND_IDS.resolveIncident,
  title: 'Resolve Incident',
  async run(services, arg) {
    const target = targetOf(arg);
    let folder: vscode.WorkspaceFolder;
    let id: string;
    if (target.folderUri && target.incidentId) {
      folder = services.folderByUri(target.folderUri);
      id = target.incidentId;
    } else {
      const picked = await pickIncident(services, target, { title: 'Resolve Incident', openOnly: true });
      if (!picked) return undefined;
      ({ folder } = picked);
      id = picked.incident.id;
    }
    const incident = await resolveIncidentIn(services, folder, id);
    vscode.window.setStatusBarMessage(`$(pass) ${incident.id} resolved`, 8000);
    return incident.id;
  },
};
