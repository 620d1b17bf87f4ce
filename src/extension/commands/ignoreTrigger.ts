import * as vscode from '../vscodeApi';
import { CONFIG_FILE_NAME } from '../../model/config';
import { describeIgnoreRule, ignoreRuleEdit, ignoreRuleFor } from '../problems/ignoreRule';
import { positionAt } from '../problems/jsonTree';
import { UserError } from '../services/errors';
import { targetOf, isString, optionOf } from './args';
import type { Command } from './command';
import { COMMAND_IDS } from './ids';

/**
 * The "Ignore this pattern" quick fix: adds an entry to `triggers.ignore` of the folder's
 * `incident-replay.json` (created if needed) with one edit that keeps the file's formatting,
 * and takes the trigger's kind-and-file siblings out of the Problems panel.
 */
export const ignoreTrigger: Command = {
  id: COMMAND_IDS.ignoreTrigger,
  title: 'Ignore This Pattern',
  async run(services, arg) {
    const target = targetOf(arg);
    const triggerId = optionOf(arg, 'triggerId', isString);
    if (!target.folderUri || !target.incidentId || !triggerId)
      throw new UserError('Ignore This Pattern runs from a quick fix on an Incident Replay problem');
    const folder = services.folderByUri(target.folderUri);
    const incident = await services.stores.use(folder, (store, engine) => engine.getIncidentOrThrow(store, target.incidentId as string));
    const trigger = incident.triggers.find((t) => t.id === triggerId);
    if (!trigger) throw new UserError(`${incident.id} has no trigger ${triggerId}`);
    const rule = ignoreRuleFor(trigger);

    const uri = vscode.Uri.joinPath(folder.uri, CONFIG_FILE_NAME);
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const text = open
      ? open.getText()
      : await vscode.workspace.fs.readFile(uri).then(
          (b) => new TextDecoder().decode(b),
          () => null,
        );
    const result = ignoreRuleEdit(text, rule);
    if (result.kind === 'invalid') throw new UserError(`cannot add the ignore rule to ${CONFIG_FILE_NAME}: ${result.message}`);
    if (result.kind === 'edit') {
      if (text === null) {
        await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(result.edit.text));
      } else {
        const wasDirty = open?.isDirty ?? false;
        const edit = new vscode.WorkspaceEdit();
        const start = positionAt(text, result.edit.offset);
        const end = positionAt(text, result.edit.offset + result.edit.length);
        edit.replace(uri, new vscode.Range(start.line, start.character, end.line, end.character), result.edit.text);
        if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`the edit of ${CONFIG_FILE_NAME} was rejected`);
        // Unsaved edits the user made before stay theirs to save.
        if (!wasDirty) await (await vscode.workspace.openTextDocument(uri)).save();
      }
      services.stores.invalidate(folder);
    }
    services.diagnostics.removeWhere(
      folder,
      (t) => t.kind === trigger.kind && t.file === trigger.file && (rule.message === undefined || t.errorType === trigger.errorType),
    );
    // Untrusted workspaces drop ignore rules that carry a message regex (and only those).
    const untrusted =
      vscode.workspace.isTrusted || rule.message === undefined
        ? ''
        : ' This workspace is not trusted: the rule matches messages with a regex, so it applies once you trust the workspace.';
    const show = 'Open Config File';
    void vscode.window
      .showInformationMessage(
        `Incident Replay: ${result.kind === 'present' ? 'already ignoring' : 'from the next analysis on, ignoring'} ${describeIgnoreRule(rule)} (${CONFIG_FILE_NAME}, triggers.ignore).${untrusted}`,
        show,
      )
      .then((c) => (c === show ? vscode.window.showTextDocument(uri) : undefined));
    return rule;
  },
};
