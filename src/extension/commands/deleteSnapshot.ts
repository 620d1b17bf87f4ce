import * as vscode from '../vscodeApi';
import { snapshotName } from '../views/format';
import { targetOf } from './args';
import type { Command } from './command';
import { pickFolder, pickSnapshot } from './pickers';
import { COMMAND_IDS } from './ids';

export const deleteSnapshot: Command = {
  id: COMMAND_IDS.deleteSnapshot,
  title: 'Delete Snapshot',
  async run(services, arg) {
    const target = targetOf(arg);
    const folder = await pickFolder(services, target, 'Delete Snapshot');
    if (!folder) return undefined;
    const snap = target.snapshotId
      ? await services.stores.use(folder, (store) => store.resolve(target.snapshotId as string))
      : await pickSnapshot(services, folder, { title: 'Delete Snapshot', placeHolder: 'Which snapshot?' });
    if (!snap) return undefined;
    const del = 'Delete';
    const choice = await vscode.window.showWarningMessage(
      `Delete snapshot ${snapshotName(snap)} (${snap.id})?`,
      {
        modal: true,
        detail: snap.baseline
          ? 'It is the baseline: analyses will compare with the previous baseline, or need a new one.'
          : 'Its content is freed by the next prune, unless other snapshots share it.',
      },
      del,
    );
    if (choice !== del) return undefined;
    await services.stores.use(folder, (store) => store.deleteSnapshot(snap.id));
    services.log.info(`${folder.name}: deleted snapshot ${snap.id}`);
    services.notifyChanged(folder);
    return snap.id;
  },
};
