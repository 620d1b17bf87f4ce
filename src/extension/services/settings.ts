import * as vscode from '../vscodeApi';
import { buildSettings, type ExtensionSettings, SETTINGS_SECTION, userSetValue } from '../shared/settingsModel';

/** Reads the settings that apply to one workspace folder into an immutable snapshot. */
export function readSettings(folder: vscode.WorkspaceFolder): ExtensionSettings {
  const cfg = vscode.workspace.getConfiguration(SETTINGS_SECTION, folder.uri);
  const trusted = vscode.workspace.isTrusted;
  return buildSettings((key, regex) => userSetValue(cfg.inspect(key), trusted, regex));
}
