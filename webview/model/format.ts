/** Number formatting for the incident view; times and durations come from src/model. */
import { formatPreciseDuration } from '../../src/model/format';

/** The gap to the previous event, as the timeline's delta column shows it. */
export function formatDelta(ms: number): string {
  return `+${formatPreciseDuration(ms)}`;
}

export function formatPercent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

/** `config_error` → `config error`: category and kind ids read as words. */
export function humanize(id: string): string {
  return id.replace(/_/g, ' ');
}
