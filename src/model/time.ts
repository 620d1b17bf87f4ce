/** Times as the incident view and the postmortem show them, and as people type them back. */

/** Which clock a time without an offset is read on: the webview's display setting; the CLI reads local time, as it prints. */
export type Zone = 'utc' | 'local';

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Whether `text` is a real calendar date written `YYYY-MM-DD` (no 2024-02-30). */
export function isCalendarDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() + 1 === Number(m[2]) && d.getUTCDate() === Number(m[3]);
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * A time as people type it: ISO 8601 (`2024-05-20T14:00:00Z`, `…+02:00`) or as the form shows it
 * (`2024-05-20 14:00:00.000`); seconds, fraction and time of day may be left out. Without an
 * offset it is read in `zone`. A date that does not exist (31 February) is refused, not rolled over.
 */
export function parseDateTime(text: string, zone: Zone): number | undefined {
  const m = DATE_TIME.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [number, number, number, number, number, number];
  const ms = Number((m[7] ?? '0').slice(0, 3).padEnd(3, '0'));
  if (!isCalendarDate(`${m[1]}-${m[2]}-${m[3]}`) || h > 23 || mi > 59 || s > 59) return undefined;
  const offset = m[8];
  if (offset !== undefined) {
    const o = /^([+-])(\d{2}):?(\d{2})$/.exec(offset);
    const minutes = o ? (o[1] === '-' ? -1 : 1) * (Number(o[2]) * 60 + Number(o[3])) : 0;
    return Date.UTC(y, mo - 1, d, h, mi, s, ms) - minutes * 60_000;
  }
  if (zone === 'utc') return Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const local = new Date(y, mo - 1, d, h, mi, s, ms);
  // A local time skipped by a daylight-saving jump does not exist either.
  return local.getHours() === h && local.getMinutes() === mi ? local.getTime() : undefined;
}

/** `2026-11-22 04:32:14.373` in `zone`: how the incident view shows a time, and what `parseDateTime` reads back. */
export function formatDateTime(ms: number, zone: Zone): string {
  const t = new Date(ms);
  const utc = zone === 'utc';
  const [y, mo, d, h, mi, s, f] = utc
    ? [
        t.getUTCFullYear(),
        t.getUTCMonth() + 1,
        t.getUTCDate(),
        t.getUTCHours(),
        t.getUTCMinutes(),
        t.getUTCSeconds(),
        t.getUTCMilliseconds(),
      ]
    : [t.getFullYear(), t.getMonth() + 1, t.getDate(), t.getHours(), t.getMinutes(), t.getSeconds(), t.getMilliseconds()];
  return `${y}-${pad(mo)}-${pad(d)} ${pad(h)}:${pad(mi)}:${pad(s)}.${pad(f, 3)}`;
}

/** `04:32:14.373`: the timeline's clock, always to the millisecond. */
export function formatClock(ms: number, zone: Zone): string {
  return formatDateTime(ms, zone).slice(11);
}
