import * as vscode from '../vscodeApi';
import { formatBytes, plural } from '../../model/format';
import { targetOf } from './args';
import type { Command } from './command';
import { pickFolder } from './pickers';
import { COMMAND_IDS } from './ids';

/** Keeps the newest N snapshots (the keepSnapshots setting) and the pinned ones, after a confirmation. */
export const pruneSnapshots: Command = {
  id: COMMAND_IDS.pruneSnapshots,
  title: 'Prune Snapshots',
  async run(services, arg) {
    const folder = await pickFolder(services, targetOf(arg), 'Prune Snapshots');
    if (!folder) return undefined;
    const state = await services.stores.peek(folder, async (store) => ({
      keep: store.config.keepSnapshots,
      list: await store.list(),
      pinned: await store.pinnedSnapshotIds(),
    }));
    if (!state) {
      void vscode.window.showInformationMessage(`Incident Replay: ${folder.name} has no snapshots yet.`);
      return 0;
    }
    const newest = new Set(state.list.slice(-state.keep).map((s) => s.id));
    const doomed = state.list.filter((s) => !newest.has(s.id) && !state.pinned.has(s.id));
    if (doomed.length === 0) {
      void vscode.window.showInformationMessage(
        `Incident Replay: nothing to prune in ${folder.name}: ${plural(state.list.length, 'snapshot')}, keeping up to ${state.keep} (incidentReplay.keepSnapshots) and the baseline.`,
      );
      return 0;
    }
    const prune = 'Prune';
    const choice = await vscode.window.showWarningMessage(
      `Remove ${plural(doomed.length, 'snapshot')} of ${folder.name}?`,
      {
        modal: true,
        detail: `The newest ${state.keep}, the baseline and the snapshots of every incident are kept. Content that no kept snapshot uses is deleted.`,
      },
      prune,
    );
    if (choice !== prune) return undefined;
    const result = await services.log.timed(
      `prune of ${folder.name} (keep ${state.keep})`,
      () => services.stores.use(folder, (store) => store.prune(state.keep)),
      (r) => `${r.removed.length} removed, ${r.kept} kept, ${r.removedObjects} blobs freed (${formatBytes(r.freedBytes)})`,
    );
    services.notifyChanged(folder);
    vscode.window.setStatusBarMessage(
      `$(trash) Pruned ${plural(result.removed.length, 'snapshot')}, freed ${formatBytes(result.freedBytes)}`,
      8000,
    );
    return result.removed.length;
  },
};
