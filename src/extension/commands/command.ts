import * as vscode from '../vscodeApi';
import { reportError } from '../services/errors';
import type { WorkspaceServices } from '../services/workspace';
import { reportingFailures } from './failures';
import type { CommandId } from './ids';

/**
 * One command: its id (from `ids.ts`, as contributed in package.json), the title used in
 * messages, and what it does. Arguments come from the palette (none), a view's context menu (a
 * tree node), a quick fix or another extension (plain objects), or an editor/explorer menu (a Uri).
 * Whatever `run` returns is what `executeCommand` resolves to, so scripts and tests can use it.
 */
export interface Command {
  readonly id: CommandId;
  readonly title: string;
  run(services: WorkspaceServices, ...args: unknown[]): Promise<unknown>;
}

/** Registers commands; a failure is reported to the user once, here, never thrown at VS Code. */
export function registerCommands(context: vscode.ExtensionContext, services: WorkspaceServices, commands: readonly Command[]): void {
  for (const c of commands) {
    const run = reportingFailures(
      (...args) => c.run(services, ...args),
      (err) => reportError(services.log, services.engine.ifLoaded(), c.title, err),
      (failed) => services.log.error(`${c.title}: the failure could not be shown`, failed),
    );
    context.subscriptions.push(vscode.commands.registerCommand(c.id, run));
  }
}
