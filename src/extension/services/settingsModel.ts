import type { StorageLocation } from './storeLocation';
import { deepFreeze } from '../../model/freeze';

/** Prefix of every setting and command id. */
export const SETTINGS_SECTION = 'incidentReplay';

/**
 * An editor setting that mirrors a key of `incident-replay.json`: `incidentReplay.triggers.ignore`
 * is the file's `triggers.ignore`. Settings sit under the workspace file, which wins.
 */
export interface EngineSettingDef {
  /** The name after `incidentReplay.`, which is also the key path in the config file. */
  key: string;
  /**
   * Its workspace values could weaken detection, replace advice or run regexes, so in an
   * untrusted workspace they may be refused (the engine judges each value; package.json's
   * `restrictedConfigurations` lists these keys for VS Code's Settings editor).
   */
  restricted: boolean;
}

export const ENGINE_SETTINGS: readonly EngineSettingDef[] = Object.freeze([
  { key: 'include', restricted: true },
  { key: 'exclude', restricted: true },
  // Its default (true) is the strict side: a workspace can only widen what is snapshotted.
  { key: 'respectGitignore', restricted: false },
  { key: 'maxFileSizeBytes', restricted: true },
  { key: 'keepSnapshots', restricted: true },
  { key: 'triggers.logPatterns', restricted: true },
  { key: 'triggers.deletionAllow', restricted: true },
  { key: 'triggers.configGlobs', restricted: true },
  { key: 'triggers.outputGlobs', restricted: true },
  { key: 'triggers.sizeGrowthFactor', restricted: true },
  { key: 'triggers.sizeGrowthMinBytes', restricted: true },
  { key: 'triggers.secretPatterns', restricted: true },
  { key: 'triggers.secretlint', restricted: true },
  { key: 'triggers.constraints', restricted: true },
  { key: 'triggers.ignore', restricted: true },
  { key: 'triggers.maxLineLength', restricted: true },
  { key: 'triggers.scanTimeBudgetMs', restricted: true },
  { key: 'rootCauseCategories', restricted: true },
  { key: 'decisionMarkers', restricted: true },
  { key: 'logFiles', restricted: true },
  // Paths are not a question of trust: a workspace's value always stays inside the workspace.
  { key: 'reportDir', restricted: false },
  { key: 'learningsFile', restricted: false },
]);

/** Settings of the extension itself (not passed to the engine). */
export const STORAGE_LOCATION_KEY = 'storage.location';
export const STORAGE_FOLDER_KEY = 'storage.folder';
export const DEFAULT_STORAGE_FOLDER = '.incident-replay';

/** What `WorkspaceConfiguration.inspect` reports, reduced to what we read. */
export interface InspectedValue {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/** What the user set in their own settings; undefined when only the default applies (defaults stay the engine's own). */
export function userValue(inspected: InspectedValue | undefined): unknown {
  return inspected?.globalValue;
}

/**
 * What the workspace sets (`.vscode/settings.json`, the `.code-workspace` file), the most
 * specific scope first. It is workspace content: the engine applies it like the workspace's
 * `incident-replay.json`, refusing what an untrusted workspace may not decide.
 */
export function workspaceValue(inspected: InspectedValue | undefined): unknown {
  return inspected?.workspaceFolderValue ?? inspected?.workspaceValue;
}

/** Settings as one immutable snapshot, read once per use. */
export interface ExtensionSettings {
  readonly storage: { readonly location: StorageLocation; readonly folder: string };
  /** The engine settings from the user's own settings, shaped like `incident-replay.json`, for loadConfig's `overrides`. */
  readonly overrides: Readonly<Record<string, unknown>> | undefined;
  /** The engine settings the workspace sets, for loadConfig's `workspaceOverrides`. */
  readonly workspaceOverrides: Readonly<Record<string, unknown>> | undefined;
}

export function buildSettings(inspect: (key: string) => InspectedValue | undefined): ExtensionSettings {
  const layer = (pick: (i: InspectedValue | undefined) => unknown): Record<string, unknown> | undefined => {
    const out: Record<string, unknown> = {};
    let any = false;
    for (const def of ENGINE_SETTINGS) {
      const value = pick(inspect(def.key));
      if (value === undefined) continue;
      setPath(out, def.key.split('.'), value);
      any = true;
    }
    return any ? out : undefined;
  };
  const mostSpecific = (key: string): unknown => workspaceValue(inspect(key)) ?? userValue(inspect(key));
  const location = mostSpecific(STORAGE_LOCATION_KEY) === 'workspaceFolder' ? 'workspaceFolder' : 'workspaceStorage';
  const folder = mostSpecific(STORAGE_FOLDER_KEY);
  return deepFreeze({
    storage: { location, folder: typeof folder === 'string' && folder.trim() !== '' ? folder : DEFAULT_STORAGE_FOLDER },
    overrides: layer(userValue),
    workspaceOverrides: layer(workspaceValue),
  });
}

function setPath(target: Record<string, unknown>, keys: string[], value: unknown): void {
  let node = target;
  for (const k of keys.slice(0, -1)) {
    const next = node[k];
    if (next !== null && typeof next === 'object' && !Array.isArray(next)) node = next as Record<string, unknown>;
    else node = node[k] = {};
  }
  node[keys[keys.length - 1] as string] = structuredClone(value);
}
