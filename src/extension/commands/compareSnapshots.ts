import { openChangesEditor, sideOf } from '../diffs/openDiff';
import { targetOf } from './args';
import type { Command } from './command';
import { pickFolder, pickSnapshot } from './pickers';
import { COMMAND_IDS } from './ids';

/** Two snapshots, older on the left, every change in the multi-file diff editor. */
export const compareSnapshots: Command = {
  id: COMMAND_IDS.compareSnapshots,
  title: 'Compare Snapshots',
  async run(services, arg) {
    const target = targetOf(arg);
    const folder = await pickFolder(services, target, 'Compare Snapshots');
    if (!folder) return undefined;
    const first = target.snapshotId
      ? await services.stores.use(folder, (store) => store.resolve(target.snapshotId as string))
      : await pickSnapshot(services, folder, { title: 'Compare Snapshots (1/2)', placeHolder: 'First snapshot' });
    if (!first) return undefined;
    const second = await pickSnapshot(services, folder, {
      title: 'Compare Snapshots (2/2)',
      placeHolder: 'Compare with which snapshot?',
      exclude: first.id,
    });
    if (!second) return undefined;
    const [older, newer] = first.createdAt <= second.createdAt ? [first, second] : [second, first];
    const diff = await services.log.timed(
      `diff ${older.id} ↔ ${newer.id} in ${folder.name}`,
      () => services.stores.use(folder, (store) => store.diffSnapshots(older, newer, { patches: false })),
      (d) => `${d.changes.length} changes`,
    );
    const [a, b] = [sideOf(older), sideOf(newer)];
    await openChangesEditor(folder, a, b, diff.changes, `${a.name} ↔ ${b.name}`);
    return diff.changes.length;
  },
};
