/**
 * The recorder's settings (`incidentReplay.recorder.*`) as the engine takes them: vscode-free, so
 * the mapping is tested in plain Node. VS Code hands each key's value; missing or wrong-typed
 * values fall back to the engine's defaults.
 */
import type { RecorderSettings } from '../../engine/recorder/settings';

export const RECORDER_PREFIX = 'recorder';

/** Every recorder setting key under `incidentReplay.`, as package.json contributes them. */
export const RECORDER_SETTING_KEYS = [
  'recorder.enabled',
  'recorder.quietSeconds',
  'recorder.snapshotBeforeCommandAfterSeconds',
  'recorder.intervalMinutes',
  'recorder.minIntervalSeconds',
  'recorder.maxFiles',
  'recorder.largeWorkspace',
  'recorder.keepAutomaticSnapshots',
  'recorder.maxAgeDays',
  'recorder.maxStoreMB',
] as const;

export type RecorderSettingKey = (typeof RECORDER_SETTING_KEYS)[number];

export interface RecorderConfig {
  enabled: boolean;
  /** A partial the engine's `recorderSettings` completes and checks. */
  settings: Partial<Omit<RecorderSettings, 'retention'>> & { retention: Partial<RecorderSettings['retention']> };
}

export function recorderConfig(get: (key: RecorderSettingKey) => unknown): RecorderConfig {
  const num = (key: RecorderSettingKey, scale: number): number | undefined => {
    const v = get(key);
    return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v * scale : undefined;
  };
  const bool = (key: RecorderSettingKey): boolean | undefined => {
    const v = get(key);
    return typeof v === 'boolean' ? v : undefined;
  };
  const settings: RecorderConfig['settings'] = { retention: {} };
  const put = <K extends keyof RecorderConfig['settings']>(k: K, v: RecorderConfig['settings'][K] | undefined): void => {
    if (v !== undefined) settings[k] = v;
  };
  put('quietMs', num('recorder.quietSeconds', 1000));
  put('beforeCommandMs', num('recorder.snapshotBeforeCommandAfterSeconds', 1000));
  put('intervalMs', num('recorder.intervalMinutes', 60_000));
  put('minIntervalMs', num('recorder.minIntervalSeconds', 1000));
  put('maxFiles', num('recorder.maxFiles', 1));
  put('largeWorkspaceOptIn', bool('recorder.largeWorkspace'));
  const keep = num('recorder.keepAutomaticSnapshots', 1);
  const age = num('recorder.maxAgeDays', 1);
  const mb = num('recorder.maxStoreMB', 1024 * 1024);
  if (keep !== undefined) settings.retention.keepAutomatic = keep;
  if (age !== undefined) settings.retention.maxAgeDays = age;
  if (mb !== undefined) settings.retention.maxStoreBytes = mb;
  return { enabled: bool('recorder.enabled') ?? true, settings };
}
