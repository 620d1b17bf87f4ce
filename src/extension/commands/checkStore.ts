import * as vscode from '../vscodeApi';
import { plural } from '../../model/format';
import { targetOf } from './args';
import type { Command } from './command';
import { pickFolder } from './pickers';
import { COMMAND_IDS } from './ids';

/** `incident-replay fsck` from the palette: verifies the folder's store, offers the repair if a snapshot is damaged. */
export const checkStore: Command = {
  id: COMMAND_IDS.checkStore,
  title: 'Check Store',
  async run(services, arg) {
    const folder = await pickFolder(services, targetOf(arg), 'Check Store');
    if (!folder) return undefined;
    const report = await services.log.timed(
      `store check of ${folder.name}`,
      () => services.stores.use(folder, (store, engine) => engine.fsck(store)),
      (r) => `${r.snapshotsChecked} snapshots, ${r.objectsChecked} objects, ${r.problems.length} problems`,
    );
    for (const p of report.problems) services.log.warn(`store check: ${p.message}`);
    for (const n of report.notes) services.log.info(`store check: ${n.message}`);
    const summary = `${plural(report.snapshotsChecked, 'snapshot')}, ${plural(report.objectsChecked, 'object')}, ${plural(report.incidentsChecked, 'incident')}`;
    if (report.problems.length === 0) {
      void vscode.window.showInformationMessage(`Incident Replay: the store of ${folder.name} is whole (${summary}).`);
      return 0;
    }
    const repair = 'Drop Damaged Snapshots';
    const details = 'Show Details';
    const choice = await vscode.window.showWarningMessage(
      `Incident Replay: the store of ${folder.name} has ${plural(report.problems.length, 'problem')}: ${report.problems[0]?.message ?? ''}`,
      ...(report.damagedSnapshots.length > 0 ? [repair, details] : [details]),
    );
    if (choice === details) services.log.show();
    if (choice === repair) {
      const repaired = await services.stores.use(folder, (store, engine) => engine.fsck(store, { repair: true }));
      for (const r of repaired.repaired) services.log.info(`store repair: ${r}`);
      services.notifyChanged(folder);
      void vscode.window.showInformationMessage(
        `Incident Replay: dropped ${plural(report.damagedSnapshots.length, 'damaged snapshot')} of ${folder.name}; every remaining snapshot is whole.`,
      );
    }
    return report.problems.length;
  },
};
