import path from 'node:path';
import * as vscode from '../vscodeApi';
import type { SnapshotRecord } from '../../engine/types';
import { openWorkingFileDiff } from '../diffs/openDiff';
import { formatAge, snapshotName } from '../views/format';
import { formatBytes } from '../../model/format';
import { reportError } from '../services/errors';
import type { WorkspaceServices } from '../services/workspace';
import { targetOf } from './args';
import type { Command } from './command';
import { pickFolder, pickSnapshot } from './pickers';
import { COMMAND_IDS } from './ids';

/**
 * Puts one file back as a snapshot holds it. The engine takes a safety snapshot of the whole
 * folder first (so the restore itself can be undone), and nothing is written before the user
 * confirms in a modal dialog.
 */
export const restoreFileFromSnapshot: Command = {
  id: COMMAND_IDS.restoreFileFromSnapshot,
  title: 'Restore File from Snapshot',
  async run(services, arg) {
    const target = targetOf(arg);
    const folder = await pickFolder(services, target, 'Restore File from Snapshot');
    if (!folder) return undefined;
    const snap = target.snapshotId
      ? await services.stores.use(folder, (store) => store.resolve(target.snapshotId as string))
      : await pickSnapshot(services, folder, { title: 'Restore File from Snapshot (1/2)', placeHolder: 'Restore from which snapshot?' });
    if (!snap) return undefined;
    const file = target.fileUri ? relativeIn(folder, target.fileUri) : await pickFile(services, folder, snap);
    if (!file) return undefined;

    const plan = await services.stores.use(folder, (store) => store.planRestore(snap.id, file));
    const dirty = vscode.workspace.textDocuments.find(
      (d) => d.isDirty && d.uri.fsPath === path.join(folder.uri.fsPath, ...file.split('/')),
    );
    const restore = 'Restore';
    const choice = await vscode.window.showWarningMessage(
      `Restore ${file} from snapshot ${snapshotName(snap)} (${formatAge(snap.createdAt, Date.now())})?`,
      {
        modal: true,
        detail: [
          'A safety snapshot of the whole folder is taken first, so this restore can itself be undone from the Snapshots view.',
          plan.write.length === 0 && plan.remove.length === 0
            ? 'The latest snapshot already matches; the file is rewritten only if it changed since.'
            : '',
          ...plan.skipped.map((s) => `${s.path} cannot be restored: ${s.reason}.`),
          dirty ? `${file} has unsaved changes in an editor; they will conflict with the restored file.` : '',
        ]
          .filter(Boolean)
          .join('\n\n'),
      },
      restore,
    );
    if (choice !== restore) return undefined;
    const result = await services.log.timed(
      `restore of ${file} from ${snap.id} in ${folder.name}`,
      () => services.stores.use(folder, (store) => store.restore(snap.id, file)),
      (r) => `safety snapshot ${r.safety.id}, ${r.written.length} written, ${r.removed.length} removed, ${r.skipped.length} skipped`,
    );
    services.notifyChanged(folder);
    if (result.skipped.length > 0) {
      // Refused writes (a symlink where a folder belongs, content not kept) must not read as a success.
      void vscode.window.showWarningMessage(
        `Incident Replay: ${result.skipped.map((s) => `${s.path} was not restored: ${s.reason}`).join('; ')}. Safety snapshot ${result.safety.id} holds the state before.`,
      );
      return { safety: result.safety.id, written: result.written, removed: result.removed };
    }
    const compare = 'Compare with Safety Snapshot';
    void vscode.window
      .showInformationMessage(
        `Incident Replay: restored ${file} from ${snapshotName(snap)}; safety snapshot ${result.safety.id} holds the previous state.`,
        compare,
      )
      .then((c) => (c === compare ? openWorkingFileDiff(services, folder, file, result.safety.id) : undefined))
      .then(undefined, (err: unknown) => reportError(services.log, services.engine.ifLoaded(), restoreFileFromSnapshot.title, err));
    return { safety: result.safety.id, written: result.written, removed: result.removed };
  },
};

function relativeIn(folder: vscode.WorkspaceFolder, uri: vscode.Uri): string {
  return path.relative(folder.uri.fsPath, uri.fsPath).split(path.sep).join('/');
}

/** The snapshot's files, those that differ from the latest snapshot first, the active file on top. */
async function pickFile(services: WorkspaceServices, folder: vscode.WorkspaceFolder, snap: SnapshotRecord): Promise<string | undefined> {
  const { entries, differs } = await services.stores.use(folder, async (store) => {
    const entries = await store.manifest(snap);
    const plan = await store.planRestore(snap.id);
    return { entries, differs: new Set(plan.write.map((e) => e.path)) };
  });
  const active = vscode.window.activeTextEditor?.document.uri;
  const activeRel = active && vscode.workspace.getWorkspaceFolder(active) === folder ? relativeIn(folder, active) : undefined;
  const rank = (p: string): number => (p === activeRel ? 0 : differs.has(p) ? 1 : 2);
  const items = entries
    .filter((e) => e.type === 'file' || e.type === 'symlink')
    .sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path))
    .map((e) => ({
      label: e.path,
      description: [
        e.path === activeRel ? 'active editor' : '',
        differs.has(e.path) ? 'differs from the latest snapshot' : '',
        formatBytes(e.size),
      ]
        .filter(Boolean)
        .join(' · '),
      path: e.path,
    }));
  const picked = await vscode.window.showQuickPick(items, {
    title: `Restore File from ${snapshotName(snap)} (2/2)`,
    placeHolder: 'Which file?',
    matchOnDescription: true,
    ignoreFocusOut: true,
  });
  return picked?.path;
}
