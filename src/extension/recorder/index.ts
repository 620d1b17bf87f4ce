import * as vscode from '../vscodeApi';
import { formatAge, formatShortAge } from '../views/format';
import { formatBytes, plural } from '../../model/format';
import type { WorkspaceServices } from '../services/workspace';
import { intervalDisposable } from '../views/snapshotsView';
import { COMMAND_IDS } from '../commands/ids';

/**
 * Starts the flight recorder where the settings enable it (after activation, off the UI path),
 * follows settings and folder changes, and shows "recording" in the status bar with what was
 * captured last; a click pauses or resumes.
 */
export function registerRecorder(context: vscode.ExtensionContext, services: WorkspaceServices): void {
  const recording = services.recording;
  const item = vscode.window.createStatusBarItem('incidentReplay.recording', vscode.StatusBarAlignment.Left, 19);
  item.name = 'Incident Replay Recording';
  item.command = COMMAND_IDS.toggleRecording;
  const render = (): void => renderStatus(item, services);
  let lastCapture = new Map<string, string>();
  const sync = (): void => {
    void recording
      .sync(services.folders())
      .catch((err: unknown) => services.log.warn(`recorder: ${err instanceof Error ? err.message : String(err)}`));
  };
  context.subscriptions.push(
    item,
    recording.onDidChange(() => {
      render();
      // A new automatic snapshot: the Snapshots view and the status bar list it.
      const now = new Map(recording.summaries().map((s) => [s.folder, s.status.lastCapture?.snapshotId ?? '']));
      const fresh = [...now].some(([f, id]) => id !== '' && lastCapture.get(f) !== id);
      lastCapture = now;
      if (fresh) services.notifyChanged();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('incidentReplay.recorder') || e.affectsConfiguration('incidentReplay.storage')) sync();
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(sync),
    // "captured 3 min ago" goes stale.
    intervalDisposable(render, 60_000),
  );
  setTimeout(sync, 0);
}

function renderStatus(item: vscode.StatusBarItem, services: WorkspaceServices): void {
  const recording = services.recording;
  const all = recording.summaries();
  if (all.length === 0) {
    item.hide();
    return;
  }
  const now = Date.now();
  const latest = all
    .map((s) => s.status.lastCapture)
    .filter((c) => c !== null)
    .sort((a, b) => b.at - a.at)[0];
  const paused = recording.isPaused;
  const fallback = all.some((s) => s.status.fallback !== null);
  const last = latest ? ` · ${latest.reason} snapshot ${formatShortAge(latest.at, now)}` : '';
  item.text = paused ? '$(debug-pause) recording paused' : `$(record) recording${fallback ? ' (timer only)' : ''}${last}`;
  const tip = new vscode.MarkdownString(undefined, true);
  tip.appendMarkdown(`**Incident Replay: ${paused ? 'recording paused' : 'recording'}**\n\n`);
  for (const s of all) {
    const st = s.status;
    const what = st.lastCapture
      ? `last snapshot ${st.lastCapture.snapshotId} (${st.lastCapture.reason}) ${formatAge(st.lastCapture.at, now)}`
      : 'no automatic snapshot yet';
    const size = st.storeBytes !== null ? `, store ${formatBytes(st.storeBytes)}` : '';
    const auto = st.autoSnapshots ? '' : ' (automatic snapshots off: the workspace is over incidentReplay.recorder.maxFiles)';
    tip.appendText(
      `${all.length > 1 ? `${s.folder}: ` : ''}${what}; ${plural(st.eventsRecorded, 'file event')}, ${plural(st.commandsRecorded, 'command')}${size}${auto}\n`,
    );
    tip.appendMarkdown('\n\n');
  }
  tip.appendMarkdown(`Click to ${paused ? 'resume' : 'pause'} recording.`);
  item.tooltip = tip;
  item.accessibilityInformation = {
    label: `Incident Replay ${paused ? 'recording paused' : 'recording'}${latest ? `, last snapshot ${formatAge(latest.at, now)}` : ''}`,
  };
  item.show();
}
