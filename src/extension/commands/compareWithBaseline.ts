import path from 'node:path';
import * as vscode from '../vscodeApi';
import { openChangesEditor, openWorkingFileDiff, sideOf } from '../diffs/openDiff';
import { plural } from '../../model/format';
import { UserError } from '../services/errors';
import type { WorkspaceServices } from '../services/workspace';
import { targetOf } from './args';
import type { Command } from './command';
import { pickFolder } from './pickers';
import { COMMAND_IDS } from './ids';

/**
 * The baseline against the files on disk: one file (the active editor's, or the file the
 * command was invoked on), or the whole folder in the multi-file diff editor.
 */
export const compareWithBaseline: Command = {
  id: COMMAND_IDS.compareWithBaseline,
  title: 'Compare with Baseline',
  async run(services, arg) {
    const target = targetOf(arg);
    if (target.fileUri) return compareFile(services, target.fileUri);
    const active = vscode.window.activeTextEditor?.document.uri;
    const activeFolder = active?.scheme === 'file' ? vscode.workspace.getWorkspaceFolder(active) : undefined;
    let scope: 'workspace' | 'file' = 'workspace';
    if (active && activeFolder && !target.folderUri) {
      const choice = await vscode.window.showQuickPick(
        [
          { label: '$(files) Whole workspace folder', description: activeFolder.name, scope: 'workspace' as const },
          { label: '$(file) Active file only', description: vscode.workspace.asRelativePath(active, false), scope: 'file' as const },
        ],
        { title: 'Compare with Baseline', placeHolder: 'Compare what?', ignoreFocusOut: true },
      );
      if (!choice) return undefined;
      scope = choice.scope;
    }
    if (scope === 'file' && active) return compareFile(services, active);
    const folder =
      activeFolder && scope === 'workspace' && !target.folderUri
        ? activeFolder
        : await pickFolder(services, target, 'Compare with Baseline');
    if (!folder) return undefined;
    return compareFolder(services, folder);
  },
};

async function compareFile(services: WorkspaceServices, uri: vscode.Uri): Promise<number> {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder) throw new UserError(`${uri.fsPath} is not in a workspace folder`);
  const rel = path.relative(folder.uri.fsPath, uri.fsPath).split(path.sep).join('/');
  await openWorkingFileDiff(services, folder, rel);
  return 1;
}

/** Snapshots the folder (cheap: unchanged files are not re-read) to learn what changed since the baseline. */
async function compareFolder(services: WorkspaceServices, folder: vscode.WorkspaceFolder): Promise<number> {
  const { baseline, changes } = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Incident Replay: comparing ${folder.name} with its baseline`,
      cancellable: true,
    },
    async (_progress, token) => {
      const abort = new AbortController();
      const cancel = token.onCancellationRequested(() => abort.abort());
      try {
        return await services.stores.use(folder, async (store) => {
          const baseline = await store.baseline();
          if (!baseline) throw new UserError(`${folder.name} has no baseline yet: take a snapshot and mark it as the baseline`);
          const now = await services.log.timed(`snapshot of ${folder.name} to compare with the baseline`, () =>
            store.snapshot({ label: 'compare-with-baseline', signal: abort.signal }),
          );
          const diff = await store.diffSnapshots(baseline, now.snapshot, { patches: false });
          services.log.info(`${folder.name}: ${plural(diff.changes.length, 'change')} since baseline ${baseline.id}`);
          return { baseline, changes: diff.changes };
        });
      } finally {
        cancel.dispose();
        services.notifyChanged(folder);
      }
    },
  );
  const side = sideOf(baseline);
  await openChangesEditor(folder, side, 'working tree', changes, `${side.name} ↔ working tree`);
  return changes.length;
}
