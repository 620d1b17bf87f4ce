import * as vscode from '../vscodeApi';
import { snapshotName } from '../views/format';
import { targetOf } from './args';
import type { Command } from './command';
import { pickFolder, pickSnapshot } from './pickers';
import { COMMAND_IDS } from './ids';

export const setBaseline: Command = {
  id: COMMAND_IDS.setBaseline,
  title: 'Set Baseline',
  async run(services, arg) {
    const target = targetOf(arg);
    const folder = await pickFolder(services, target, 'Set Baseline');
    if (!folder) return undefined;
    const ref =
      target.snapshotId ??
      (await pickSnapshot(services, folder, { title: 'Set Baseline', placeHolder: 'Which snapshot is the known-good state?' }))?.id;
    if (!ref) return undefined;
    const snap = await services.stores.use(folder, (store) => store.setBaseline(ref));
    services.log.info(`${folder.name}: baseline is now ${snap.id}`);
    services.notifyChanged(folder);
    vscode.window.setStatusBarMessage(`$(star-full) Baseline of ${folder.name}: ${snapshotName(snap)}`, 8000);
    return snap.id;
  },
};
