import { InputError } from '../errors';

/** What the flight recorder does on its own: when it snapshots and what it keeps. */
export interface RecorderSettings {
  /** Snapshot after file changes have been quiet this long (ms). */
  quietMs: number;
  /** Before a terminal command, snapshot when the last snapshot is older than this (ms); 0 = never. */
  beforeCommandMs: number;
  /** Snapshot on a timer this often (ms); 0 = off. */
  intervalMs: number;
  /** Never two automatic snapshots closer than this (ms). */
  minIntervalMs: number;
  /** Workspaces with more files than this are not recorded until the user opts in. */
  maxFiles: number;
  /** The user opted in for a workspace over `maxFiles`. */
  largeWorkspaceOptIn: boolean;
  retention: RetentionPolicy;
}

export interface RetentionPolicy {
  /** Automatic snapshots kept, newest first. */
  keepAutomatic: number;
  /** Automatic snapshots older than this many days go. */
  maxAgeDays: number;
  /** The whole store (objects, database, journal) stays under this many bytes on disk. */
  maxStoreBytes: number;
}

export const DEFAULT_RECORDER_SETTINGS: RecorderSettings = Object.freeze({
  quietMs: 5_000,
  beforeCommandMs: 60_000,
  intervalMs: 0,
  minIntervalMs: 30_000,
  maxFiles: 20_000,
  largeWorkspaceOptIn: false,
  retention: Object.freeze({ keepAutomatic: 200, maxAgeDays: 14, maxStoreBytes: 1024 ** 3 }),
});

/**
 * Settings from a partial object (VS Code settings, CLI flags), each checked; `where` names the
 * source in the one-line error (`--quiet`, `incidentReplay.recorder.quietSeconds`).
 */
export function recorderSettings(
  p: Partial<Omit<RecorderSettings, 'retention'>> & { retention?: Partial<RetentionPolicy> } = {},
  where: (key: string) => string = (k) => k,
): RecorderSettings {
  const d = DEFAULT_RECORDER_SETTINGS;
  const r = { ...d.retention, ...p.retention };
  const s: RecorderSettings = { ...d, ...p, retention: r };
  atLeast(s.quietMs, 0, where('quietMs'));
  atLeast(s.beforeCommandMs, 0, where('beforeCommandMs'));
  atLeast(s.intervalMs, 0, where('intervalMs'));
  atLeast(s.minIntervalMs, 0, where('minIntervalMs'));
  atLeast(s.maxFiles, 1, where('maxFiles'));
  atLeast(r.keepAutomatic, 1, where('keepAutomatic'));
  atLeast(r.maxAgeDays, 0, where('maxAgeDays'));
  atLeast(r.maxStoreBytes, 1024 * 1024, where('maxStoreBytes'));
  return s;
}

function atLeast(v: number, min: number, name: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw new InputError(`${name} must be a number ≥ ${min} (got ${String(v)})`);
}

/** `1g`, `500m`, `2048k` or plain bytes, for the CLI's size flags. */
export function parseByteSize(text: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$/i.exec(text);
  if (!m) throw new InputError(`${flag} takes a size like 500m or 1g (got ${text})`);
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[(m[2] ?? '').toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return Math.round(Number(m[1]) * unit);
}
