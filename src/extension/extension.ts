import type * as vscode from 'vscode';
import { registerTakeSnapshot } from './commands/takeSnapshot';

/** A short list of register calls; the engine and sql.js load on first use, not here. */
export function activate(context: vscode.ExtensionContext): void {
  registerTakeSnapshot(context);
}

export function deactivate(): void {
  // Every disposable is owned by context.subscriptions.
}
