import * as vscode from '../vscodeApi';
import { describeIgnoreRule, ignoreRuleFor } from './ignoreRule';
import type { WorkspaceServices } from '../services/workspace';
import { workspaceFileUri } from '../diffs/uris';
import { COMMAND_IDS } from '../commands/ids';

/** Quick fixes on the Problems-panel entries of an incident. */
class IncidentQuickFixes implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly services: WorkspaceServices) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      const ref = this.services.diagnostics.refOf(document.uri, d);
      if (!ref) continue;
      const { folder, incidentId, trigger } = ref;

      const diff = new vscode.CodeAction(`Show diff since baseline (${trigger.file})`, vscode.CodeActionKind.QuickFix);
      diff.diagnostics = [d];
      diff.command = { command: COMMAND_IDS.compareWithBaseline, title: diff.title, arguments: [workspaceFileUri(folder, trigger.file)] };

      const open = new vscode.CodeAction(`Open incident ${incidentId}`, vscode.CodeActionKind.QuickFix);
      open.diagnostics = [d];
      open.command = { command: COMMAND_IDS.openIncident, title: open.title, arguments: [{ folder: folder.uri.toString(), incidentId }] };

      const ignore = new vscode.CodeAction(
        `Ignore this pattern (${describeIgnoreRule(ignoreRuleFor(trigger))})`,
        vscode.CodeActionKind.QuickFix,
      );
      ignore.diagnostics = [d];
      ignore.command = {
        command: COMMAND_IDS.ignoreTrigger,
        title: ignore.title,
        arguments: [{ folder: folder.uri.toString(), incidentId, triggerId: trigger.id }],
      };

      actions.push(diff, open, ignore);
    }
    return actions;
  }
}

export function registerQuickFixes(context: vscode.ExtensionContext, services: WorkspaceServices): void {
  context.subscriptions.push(
    // Diagnostics land on any file type, and on snapshot copies of deleted files.
    vscode.languages.registerCodeActionsProvider([{ scheme: 'file' }, { scheme: 'incident-replay' }], new IncidentQuickFixes(services), {
      providedCodeActionKinds: IncidentQuickFixes.kinds,
    }),
  );
}
