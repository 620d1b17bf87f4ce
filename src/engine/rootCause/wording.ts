import type { RootCauseCategory } from '../types';

export const CATEGORY_LABEL: Record<RootCauseCategory, string> = {
  config_error: 'Configuration error',
  data_corruption: 'Data corruption',
  drift: 'Drift',
  external_failure: 'External failure',
  logic_error: 'Logic error',
  resource_exhaustion: 'Resource exhaustion',
};

/** The category as it reads mid-sentence ("is typical of a configuration error"). */
export const CATEGORY_PHRASE: Record<RootCauseCategory, string> = {
  config_error: 'a configuration error',
  data_corruption: 'data corruption',
  drift: 'drift',
  external_failure: 'an external failure',
  logic_error: 'a logic error',
  resource_exhaustion: 'resource exhaustion',
};

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function listSome(items: readonly string[], max = 3): string {
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}
