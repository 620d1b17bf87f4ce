import * as vscode from '../vscodeApi';
import { buildSettings, type ExtensionSettings, SETTINGS_SECTION } from './settingsModel';

/** Reads the settings that apply to one workspace folder into an immutable snapshot. */
export function readSettings(folder: vscode.WorkspaceFolder): ExtensionSettings {
  const cfg = vscode.workspace.getConfiguration(SETTINGS_SECTION, folder.uri);
  // Trust is the engine's to apply: the workspace's values are passed apart from the user's.
  return buildSettings((key) => cfg.inspect(key));
}
