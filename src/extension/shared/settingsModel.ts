import type { StorageLocation } from './storeLocation';

/** Prefix of every setting and command id. */
export const SETTINGS_SECTION = 'incidentReplay';

/**
 * An editor setting that mirrors a key of `incident-replay.json`: `incidentReplay.triggers.ignore`
 * is the file's `triggers.ignore`. Settings sit under the workspace file, which wins.
 */
export interface EngineSettingDef {
  /** The name after `incidentReplay.`, which is also the key path in the config file. */
  key: string;
  /** Holds regexes: its workspace values are not used in an untrusted workspace. */
  regex: boolean;
}

export const ENGINE_SETTINGS: readonly EngineSettingDef[] = Object.freeze([
  { key: 'include', regex: false },
  { key: 'exclude', regex: false },
  { key: 'respectGitignore', regex: false },
  { key: 'maxFileSizeBytes', regex: false },
  { key: 'keepSnapshots', regex: false },
  { key: 'triggers.logPatterns', regex: true },
  { key: 'triggers.deletionAllow', regex: false },
  { key: 'triggers.configGlobs', regex: false },
  { key: 'triggers.outputGlobs', regex: false },
  { key: 'triggers.sizeGrowthFactor', regex: false },
  { key: 'triggers.sizeGrowthMinBytes', regex: false },
  { key: 'triggers.secretPatterns', regex: true },
  { key: 'triggers.secretlint', regex: false },
  { key: 'triggers.constraints', regex: true },
  { key: 'triggers.ignore', regex: true },
  { key: 'triggers.maxLineLength', regex: false },
  { key: 'triggers.scanTimeBudgetMs', regex: false },
  { key: 'rootCauseCategories', regex: false },
  { key: 'decisionMarkers', regex: true },
  { key: 'logFiles', regex: false },
  { key: 'reportDir', regex: false },
  { key: 'learningsFile', regex: false },
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

/**
 * The value the user actually set, most specific scope first, or undefined when only the
 * default applies (defaults stay the engine's own, so the file and settings layer cleanly).
 * In an untrusted workspace, regex settings count only from user settings: VS Code's
 * `restrictedConfigurations` declares the same, and this keeps it true whatever the host does.
 */
export function userSetValue(inspected: InspectedValue | undefined, trusted: boolean, regex: boolean): unknown {
  if (!inspected) return undefined;
  if (trusted || !regex) {
    if (inspected.workspaceFolderValue !== undefined) return inspected.workspaceFolderValue;
    if (inspected.workspaceValue !== undefined) return inspected.workspaceValue;
  }
  return inspected.globalValue;
}

/** Settings as one immutable snapshot, read once per use. */
export interface ExtensionSettings {
  readonly storage: { readonly location: StorageLocation; readonly folder: string };
  /** The engine settings the user set, shaped like `incident-replay.json`, for loadConfig's `overrides`. */
  readonly overrides: Readonly<Record<string, unknown>> | undefined;
}

export function buildSettings(read: (key: string, regex: boolean) => unknown): ExtensionSettings {
  const overrides: Record<string, unknown> = {};
  let any = false;
  for (const def of ENGINE_SETTINGS) {
    const value = read(def.key, def.regex);
    if (value === undefined) continue;
    setPath(overrides, def.key.split('.'), value);
    any = true;
  }
  const location = read(STORAGE_LOCATION_KEY, false) === 'workspaceFolder' ? 'workspaceFolder' : 'workspaceStorage';
  const folder = read(STORAGE_FOLDER_KEY, false);
  return deepFreeze({
    storage: { location, folder: typeof folder === 'string' && folder.trim() !== '' ? folder : DEFAULT_STORAGE_FOLDER },
    overrides: any ? overrides : undefined,
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

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
