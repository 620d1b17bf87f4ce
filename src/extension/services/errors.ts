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
 * How a command's failure reaches the user. The engine's errors carry messages written for
 * people (they say what to fix), so those are shown as they are; anything else is a bug and
 * points at the output channel, where the stack is.
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
  // Class identity, not names: a production build minifies the engine's class names.
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
