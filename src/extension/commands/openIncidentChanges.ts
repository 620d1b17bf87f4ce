import { openIncidentChanges as openChanges } from '../diffs/openDiff';
import { targetOf } from './args';
import type { Command } from './command';
import { pickIncident } from './pickers';
import { COMMAND_IDS } from './ids';

/** Every change of an incident (baseline ↔ post-incident) in the multi-file diff editor. */
export const openIncidentChanges: Command = {
  id: COMMAND_IDS.openIncidentChanges,
  title: 'Open Incident Changes',
  async run(services, arg) {
    const target = targetOf(arg);
    const picked =
      target.folderUri && target.incidentId
        ? { folder: services.folderByUri(target.folderUri), id: target.incidentId }
        : await pickIncident(services, target, { title: 'Open Incident Changes', openOnly: false, takeOnly: true }).then(
            (p) => p && { folder: p.folder, id: p.incident.id },
          );
    if (!picked) return undefined;
    await openChanges(services, picked.folder, picked.id);
    return picked.id;
  },
};
