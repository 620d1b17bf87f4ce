import { targetOf } from './args';
import type { Command } from './command';
import { pickIncident } from './pickers';
import { COMMAND_IDS } from './ids';

export const openIncident: Command = {
  id: COMMAND_IDS.openIncident,
  title: 'Open Incident',
  async run(services, arg) {
    const target = targetOf(arg);
    if (target.folderUri && target.incidentId) {
      await services.showIncident(services.folderByUri(target.folderUri), target.incidentId);
      return target.incidentId;
    }
    const picked = await pickIncident(services, target, { title: 'Open Incident', openOnly: false, takeOnly: true });
    if (!picked) return undefined;
    await services.showIncident(picked.folder, picked.incident.id);
    return picked.incident.id;
  },
};
