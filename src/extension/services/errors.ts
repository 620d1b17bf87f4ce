import * as vscode from '../vscodeApi';
import type { Engine } from './engineLoader';
import type { Log } from './log';

/** Something the user can act on (no folder open, nothing to compare): shown as is, not as a failure. */
export class UserError extends Error {
  override readonly name = 'UserError';
}

export function isCancellation(err: unknown): boolean {
  return err instanceof vscode.CancellationError || (err instanceof Error && err.name === 'AbortError');
}

/**
 * How a command's failure reaches the user: a cancellation is a status-bar note; a `UserError` an
 * information message; a config error a warning in the log and a message that opens the settings
 * or the file. Any other failure is logged with its stack and offers Show Output; the engine's
 * errors carry messages written for people (they say what to fix), so those are shown as they
 * are, anything else as "<command> failed: …".
 * What it logs is written before the first await; the promise settles only when the user
 * answers the notification, so commands do not wait for it (`commands/failures.ts`).
 */
export async function reportError(log: Log, engine: Engine | undefined, commandTitle: string, err: unknown): Promise<void> {
  if (isCancellation(err)) {
    log.info(`${commandTitle}: cancelled`);
    vscode.window.setStatusBarMessage(`Incident Replay: ${commandTitle} cancelled`, 4000);
    return;
  }
  if (err instanceof UserError) {
    await vscode.window.showInformationMessage(`Incident Replay: ${err.message}`);
    return;
  }
  // Class identity through the loaded engine (the extension imports no engine values), so
  // subclasses match too: every InputError, ConfigError included, is an IncidentReplayError.
  if (engine && err instanceof engine.ConfigError) {
    log.warn(`${commandTitle}: ${err.message}`);
    const fromSettings = err.file === 'settings';
    const action = fromSettings ? 'Open Settings' : 'Open Config File';
    const choice = await vscode.window.showErrorMessage(`Incident Replay: ${err.message}`, action);
    if (choice === action) {
      if (fromSettings) await vscode.commands.executeCommand('workbench.action.openSettings', 'incidentReplay');
      else await vscode.window.showTextDocument(vscode.Uri.file(err.file));
    }
    return;
  }
  const known = engine !== undefined && err instanceof engine.IncidentReplayError;
  log.error(`${commandTitle} failed`, err);
  const message = err instanceof Error ? err.message : String(err);
  const choice = await vscode.window.showErrorMessage(
    known ? `Incident Replay: ${message}` : `Incident Replay: ${commandTitle} failed: ${message}`,
    'Show Output',
  );
  if (choice === 'Show Output') log.show();
}
