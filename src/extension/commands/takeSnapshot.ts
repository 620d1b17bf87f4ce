import * as vscode from 'vscode';

export const TAKE_SNAPSHOT_ID = 'incidentReplay.takeSnapshot';

export function registerTakeSnapshot(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand(TAKE_SNAPSHOT_ID, () => takeSnapshot(context)));
}

async function takeSnapshot(context: vscode.ExtensionContext): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder || folder.uri.scheme !== 'file') {
    void vscode.window.showWarningMessage('Incident Replay: open a folder first; snapshots capture a workspace folder on disk.');
    return;
  }
  const storage = context.storageUri;
  if (!storage) {
    void vscode.window.showWarningMessage('Incident Replay: this window has no workspace storage; open a folder.');
    return;
  }
  const label = await vscode.window.showInputBox({ prompt: 'Snapshot label (optional)', value: '' });
  if (label === undefined) return;
  // Loaded here so activation stays cheap.
  const { loadConfig } = await import('../../engine/config/load');
  const { SnapshotStore } = await import('../../engine/snapshotStore');
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Incident Replay: taking snapshot', cancellable: true },
    async (_progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      const { config } = await loadConfig({ workspaceRoot: folder.uri.fsPath });
      const store = await SnapshotStore.open({
        workspaceRoot: folder.uri.fsPath,
        storeDir: vscode.Uri.joinPath(storage, 'store').fsPath,
        config,
        wasmPath: vscode.Uri.joinPath(context.extensionUri, 'dist', 'sql-wasm.wasm').fsPath,
      });
      try {
        const r = await store.snapshot({ label: label || null, signal: abort.signal });
        vscode.window.setStatusBarMessage(
          `Incident Replay: snapshot ${r.snapshot.id}: ${r.snapshot.fileCount} files in ${Math.round(r.stats.durationMs)} ms`,
          5000,
        );
      } finally {
        store.close();
      }
    },
  );
}
