import * as vscode from '../vscodeApi';
import type { SnapshotResult } from '../../engine/snapshotStore';
import { snapshotName } from '../views/format';
import { formatBytes, formatDuration, plural } from '../../model/format';
import type { WorkspaceServices } from '../services/workspace';
import { isBoolean, isString, optionOf, targetOf } from './args';
import type { Command } from './command';
import { pickFolder } from './pickers';
import { COMMAND_IDS } from './ids';

/** Labels that would read as a relative ref (`latest~2`) and so could never be looked up by name. */
const REF_LIKE = /^(latest|baseline)~\d+$|^latest$/;

export const takeSnapshot: Command = {
  id: COMMAND_IDS.takeSnapshot,
  title: 'Take Snapshot',
  async run(services, arg) {
    const folder = await pickFolder(services, targetOf(arg), 'Take Snapshot');
    if (!folder) return undefined;
    const existing = (await services.stores.peek(folder, (store) => store.list())) ?? [];
    const hasBaseline = existing.some((s) => s.baseline);

    let label = optionOf(arg, 'label', isString);
    if (label === undefined) {
      const suggestion = hasBaseline ? `checkpoint-${existing.length + 1}` : 'baseline';
      label = await vscode.window.showInputBox({
        title: `Take Snapshot of ${folder.name}`,
        prompt: 'Label (optional): Enter accepts the suggestion; clear it for no label',
        value: suggestion,
        valueSelection: [0, suggestion.length],
        validateInput: (v) => (REF_LIKE.test(v.trim()) ? `"${v.trim()}" is a snapshot ref; choose another label` : undefined),
        ignoreFocusOut: true,
      });
      if (label === undefined) return undefined;
    }
    let baseline = optionOf(arg, 'baseline', isBoolean);
    if (baseline === undefined) {
      const mark = { label: '$(star-full) Mark as baseline', description: 'analyses compare the workspace with it', baseline: true };
      const plain = {
        label: '$(history) Snapshot only',
        description: hasBaseline ? 'keep the current baseline' : 'no baseline yet',
        baseline: false,
      };
      const choice = await vscode.window.showQuickPick(hasBaseline ? [plain, mark] : [mark, plain], {
        title: `Take Snapshot of ${folder.name}`,
        placeHolder: 'Mark it as the baseline?',
        ignoreFocusOut: true,
      });
      if (!choice) return undefined;
      baseline = choice.baseline;
    }
    const result = await capture(services, folder, label.trim() || null, baseline);
    const s = result.snapshot;
    vscode.window.setStatusBarMessage(
      `$(check) Snapshot ${snapshotName(s)}${s.baseline && snapshotName(s) !== 'baseline' ? ' (baseline)' : ''}: ${plural(s.fileCount, 'file')}, ${formatBytes(s.byteCount)} in ${formatDuration(result.stats.durationMs)}`,
      10_000,
    );
    if (result.issues.length > 0) {
      void vscode.window
        .showWarningMessage(
          `Incident Replay: ${plural(result.issues.length, 'file')} could not be captured exactly (see the output for which and why).`,
          'Show Output',
        )
        .then((c) => c && services.log.show());
    }
    return { id: s.id, label: s.label, baseline: s.baseline, fileCount: s.fileCount, byteCount: s.byteCount };
  },
};

/** Captures the folder with a cancellable progress notification. */
async function capture(
  services: WorkspaceServices,
  folder: vscode.WorkspaceFolder,
  label: string | null,
  baseline: boolean,
): Promise<SnapshotResult> {
  return await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Incident Replay: snapshot of ${folder.name}`, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const cancel = token.onCancellationRequested(() => abort.abort());
      try {
        const result = await services.log.timed(
          `snapshot of ${folder.name}${baseline ? ' (baseline)' : ''}`,
          () =>
            services.stores.use(folder, (store) =>
              store.snapshot({
                label,
                baseline,
                signal: abort.signal,
                onProgress: (n) => progress.report({ message: `${plural(n, 'file')} read` }),
              }),
            ),
          (r) =>
            `${r.snapshot.id}, ${plural(r.snapshot.fileCount, 'file')}, ${formatBytes(r.snapshot.byteCount)} (${r.stats.filesHashed} hashed, ${r.stats.filesReused} reused, ${formatBytes(r.stats.bytesRead)} read)`,
        );
        for (const i of result.issues) services.log.warn(`${folder.name}: ${i.path}: ${i.message}`);
        return result;
      } finally {
        cancel.dispose();
        services.notifyChanged(folder);
      }
    },
  );
}
