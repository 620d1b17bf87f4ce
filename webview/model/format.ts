/** Time and number formatting for the incident view. `zone` is explicit so tests run in UTC. */
import { formatPreciseDuration } from '../../src/model/format';

export type Zone = 'utc' | 'local';

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

interface Parts {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
  ms: number;
}

function parts(ms: number, zone: Zone): Parts {
  const t = new Date(ms);
  return zone === 'utc'
    ? { y: t.getUTCFullYear(), mo: t.getUTCMonth() + 1, d: t.getUTCDate(), h: t.getUTCHours(), mi: t.getUTCMinutes(), s: t.getUTCSeconds(), ms: t.getUTCMilliseconds() }
    : { y: t.getFullYear(), mo: t.getMonth() + 1, d: t.getDate(), h: t.getHours(), mi: t.getMinutes(), s: t.getSeconds(), ms: t.getMilliseconds() };
}

/** `04:32:14.373`: the timeline's clock, always to the millisecond. */
export function formatClock(ms: number, zone: Zone): string {
  const p = parts(ms, zone);
  return `${pad(p.h)}:${pad(p.mi)}:${pad(p.s)}.${pad(p.ms, 3)}`;
}

/** `2026-11-22 04:32:14.373`. */
export function formatDateTime(ms: number, zone: Zone): string {
  const p = parts(ms, zone);
  return `${p.y}-${pad(p.mo)}-${pad(p.d)} ${formatClock(ms, zone)}`;
}


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

/**
 * Parses what a person types for a postmortem time: `YYYY-MM-DD HH:MM[:SS[.mmm]]` (or with `T`),
 * read in `zone`. Empty text is `null`; anything else unreadable is `undefined`.
 */
export function parseDateTime(text: string, zone: Zone): number | null | undefined {
  const t = text.trim();
  if (t === '') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z)?$/.exec(t);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s, frac] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0', (m[7] ?? '0').padEnd(3, '0')].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
  const utc = zone === 'utc' || m[8] === 'Z';
  const date = utc ? new Date(Date.UTC(y, mo - 1, d, h, mi, s, frac)) : new Date(y, mo - 1, d, h, mi, s, frac);
  // Date rolls 31 February over into March; a person who typed that made a mistake.
  const back = utc ? date.getUTCDate() : date.getDate();
  return back === d ? date.getTime() : undefined;
}
