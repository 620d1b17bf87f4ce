/**
 * Timestamps written in log lines, parsed to epoch milliseconds.
 *
 * Only date-and-time forms count: a bare `14:02:03` could as well be a duration or a
 * `line:col:offset` triple, and `1.2.3` a version, so neither is ever read as a time.
 * Times without a zone are taken as local time of the machine that wrote the log
 * unless the caller says the logs are written in UTC.
 */

export interface TimestampContext {
  /** Year for formats that omit it (syslog, logcat, klog); defaults to the current year. */
  year?: number;
  /**
   * The latest time a line can carry (the log's mtime): a time without a year that would fall
   * more than a day after it belongs to the year before (a December line read in January).
   */
  notAfter?: number;
  /** How to read times that carry no zone; default 'local'. */
  defaultZone?: 'local' | 'utc';
}

export interface LineTimestamp {
  ms: number;
  /** The text carried a zone or offset (or was an epoch value), so `ms` does not depend on a guess. */
  zoned: boolean;
  /** Offsets of the timestamp text in the line (`end` exclusive). */
  start: number;
  end: number;
}

const DAY_MS = 86_400_000;
/** Positional timestamps must begin within this many characters of the line start. */
const EARLY = 64;
/** Field values (`"time":`, `ts=`) are looked for this far into a line. */
const FIELD_SEARCH = 4000;

const MONTHS: Record<string, number> = {
  Jan: 1,
  Feb: 2,
  Mar: 3,
  Apr: 4,
  May: 5,
  Jun: 6,
  Jul: 7,
  Aug: 8,
  Sep: 9,
  Oct: 10,
  Nov: 11,
  Dec: 12,
};
const MONTH_ALT = 'Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec';

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Fraction digits as written (`123456`), truncated to milliseconds later. */
  fraction: string;
  /** Minutes east of UTC when the text names a zone, else null. */
  offsetMinutes: number | null;
  /** The year was not written, it came from the context. */
  yearless?: boolean;
}

interface Matcher {
  re: RegExp;
  toParts(m: RegExpExecArray, ctx: TimestampContext): Parts | null;
}

function offsetOf(zone: string | undefined): number | null | undefined {
  // undefined: no zone written; null: a zone we cannot read (the match is rejected).
  if (zone === undefined || zone === '') return undefined;
  if (zone === 'Z' || zone === 'UTC' || zone === 'GMT') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (!m) return null;
  const h = Number(m[2]);
  const min = Number(m[3] ?? '0');
  if (h > 23 || min > 59) return null;
  return (m[1] === '-' ? -1 : 1) * (h * 60 + min);
}

/** Sets the offset of `parts` from the zone text; null when the zone cannot be read. */
function withZone(parts: Parts, zone: string | undefined): Parts | null {
  const off = offsetOf(zone);
  if (off === null) return null;
  parts.offsetMinutes = off ?? null;
  return parts;
}

// ISO 8601 / RFC 3339 and the common variants: space instead of T, comma fraction (Python
// logging), no seconds (`[2024-05-20 14:02]`), slashes (Go's log package, nginx error log).
// A space before an offset is allowed only for the unambiguous four-digit forms, so
// `2024-05-20 14:02:03 -1 retries` does not grow a zone.
const ISO: Matcher = {
  re: /(?<![\d.:/-])(\d{4})([-/])(\d{2})\2(\d{2})(?:[Tt]| {1,2})(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:(Z|z|[+-]\d{2}(?::?\d{2})?)|\s(UTC|GMT|[+-]\d{2}:?\d{2}))?(?![\d:]|[.,]\d)/,
  toParts(m) {
    return withZone(
      {
        year: Number(m[1]),
        month: Number(m[3]),
        day: Number(m[4]),
        hour: Number(m[5]),
        minute: Number(m[6]),
        second: Number(m[7] ?? '0'),
        fraction: m[8] ?? '',
        offsetMinutes: null,
      },
      (m[9] ?? m[10])?.toUpperCase(),
    );
  },
};

// Apache / nginx common log format: `[20/May/2024:14:02:03 +0000]`.
const CLF: Matcher = {
  re: new RegExp(`(?<!\\d)(\\d{2})/(${MONTH_ALT})/(\\d{4}):(\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,9}))?(?: ([+-]\\d{4}))?(?!\\d)`),
  toParts(m) {
    return withZone(
      {
        year: Number(m[3]),
        month: MONTHS[m[2] ?? ''] ?? 0,
        day: Number(m[1]),
        hour: Number(m[4]),
        minute: Number(m[5]),
        second: Number(m[6]),
        fraction: m[7] ?? '',
        offsetMinutes: null,
      },
      m[8],
    );
  },
};

// BSD syslog `May 20 14:02:03` (no year), also ctime-like `May 20 14:02:03.123456 2024` (Apache error log).
const SYSLOG: Matcher = {
  re: new RegExp(`(?<![\\w])(${MONTH_ALT}) {1,2}(\\d{1,2}) (\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,9}))?(?: (\\d{4}))?(?![\\d:])`),
  toParts(m, ctx) {
    return withZone(
      {
        year: m[7] ? Number(m[7]) : (ctx.year ?? new Date().getFullYear()),
        month: MONTHS[m[1] ?? ''] ?? 0,
        day: Number(m[2]),
        hour: Number(m[3]),
        minute: Number(m[4]),
        second: Number(m[5]),
        fraction: m[6] ?? '',
        offsetMinutes: null,
        ...(m[7] ? {} : { yearless: true }),
      },
      undefined,
    );
  },
};

/** Hours of a 12-hour clock with its AM/PM marker, as 0-23; null when out of range. */
function hour24(hour: string | undefined, half: string | undefined): number | null {
  const h = Number(hour);
  if (h < 1 || h > 12) return null;
  return (h % 12) + (half?.toUpperCase() === 'PM' ? 12 : 0);
}

function yearless(ctx: TimestampContext, month: number, day: number, clock: RegExpExecArray, from: number): Parts {
  return {
    year: ctx.year ?? new Date().getFullYear(),
    month,
    day,
    hour: Number(clock[from]),
    minute: Number(clock[from + 1]),
    second: Number(clock[from + 2]),
    fraction: clock[from + 3] ?? '',
    offsetMinutes: null,
    yearless: true,
  };
}

// Android logcat (threadtime, time): `03-17 16:13:46.764`; the fraction keeps it apart from other numbers.
const MONTH_DAY: Matcher = {
  re: /(?<![\w.:/-])(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{3,6})(?![\d:])/,
  toParts: (m, ctx) => yearless(ctx, Number(m[1]), Number(m[2]), m, 3),
};

// Kubernetes klog: `E0520 14:02:03.123456    1 file.go:12] msg` (level letter, month, day).
const KLOG: Matcher = {
  re: /(?<![\w.:/-])[IWEF](\d{2})(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{6})(?![\d:])/,
  toParts: (m, ctx) => yearless(ctx, Number(m[1]), Number(m[2]), m, 3),
};

// Bracketed month.day without a year, as Proxifier writes: `[10.30 16:49:06]`.
const BRACKET_MONTH_DAY: Matcher = {
  re: /\[(\d{2})\.(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?\]/,
  toParts: (m, ctx) => yearless(ctx, Number(m[1]), Number(m[2]), m, 3),
};

// java.util.logging's SimpleFormatter: `May 20, 2024 2:02:03 PM` (JDK 20+ puts U+202F before PM).
const JUL: Matcher = {
  re: new RegExp(`(?<![\\w])(${MONTH_ALT}) (\\d{1,2}), (\\d{4}),? (\\d{1,2}):(\\d{2}):(\\d{2})[ \\u202f]?([AP]M)\\b`),
  toParts(m) {
    const hour = hour24(m[4], m[7]);
    if (hour === null) return null;
    return {
      year: Number(m[3]),
      month: MONTHS[m[1] ?? ''] ?? 0,
      day: Number(m[2]),
      hour,
      minute: Number(m[5]),
      second: Number(m[6]),
      fraction: '',
      offsetMinutes: null,
    };
  },
};

// Windows Event Viewer's CSV export (en-US): `5/20/2024 2:02:03 PM`; without AM/PM day and month could be either way round.
const US_DATE: Matcher = {
  re: /(?<![\d/.])(\d{1,2})\/(\d{1,2})\/(\d{4}),? (\d{1,2}):(\d{2}):(\d{2})[ \u202f]?([AP]M)\b/,
  toParts(m) {
    const hour = hour24(m[4], m[7]);
    if (hour === null) return null;
    return {
      year: Number(m[3]),
      month: Number(m[1]),
      day: Number(m[2]),
      hour,
      minute: Number(m[5]),
      second: Number(m[6]),
      fraction: '',
      offsetMinutes: null,
    };
  },
};

// IBM's dashed form (BlueGene/L RAS, DB2): `2005-06-03-15.42.50.675872`.
const DASHED: Matcher = {
  re: /(?<![\d.-])(\d{4})-(\d{2})-(\d{2})-(\d{2})\.(\d{2})\.(\d{2})(?:\.(\d{1,9}))?(?![\d.])/,
  toParts(m) {
    return {
      year: Number(m[1]),
      month: Number(m[2]),
      day: Number(m[3]),
      hour: Number(m[4]),
      minute: Number(m[5]),
      second: Number(m[6]),
      fraction: m[7] ?? '',
      offsetMinutes: null,
    };
  },
};

const POSITIONAL: Matcher[] = [ISO, CLF, SYSLOG, MONTH_DAY, KLOG, BRACKET_MONTH_DAY, JUL, US_DATE, DASHED];

/** Epoch seconds (10 digits, optional fraction) or milliseconds (13 digits) opening a line, optionally bracketed. */
const EPOCH_AT_START = /^\s*\[?(\d{10}(?:\.\d{1,9})?|\d{13})(?![\d:/-]|\.\d)/;

/** JSON and logfmt time fields: `"timestamp": "..."`, `"time": 1716213723123`, `ts=...`, `time="..."`. */
const JSON_FIELD =
  /"(?:@?timestamp|time|ts|datetime|asctime|__REALTIME_TIMESTAMP)"\s*:\s*(?:"([^"]{1,64})"|(\d{9,20}(?:\.\d{1,9})?)(?![\d.]))/;
const LOGFMT_FIELD = /(?:^|[\s,;])(?:ts|time|timestamp)=(?:"([^"]{1,64})"|([^\s"]+))/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function toMs(p: Parts, ctx: TimestampContext): number | null {
  if (p.month < 1 || p.month > 12) return null;
  if (p.day < 1 || p.day > daysInMonth(p.year, p.month)) return null;
  // Second 60 is a leap second (RFC 3339 allows it); Date folds it into the next minute.
  if (p.hour > 23 || p.minute > 59 || p.second > 60) return null;
  const ms = Number((p.fraction + '000').slice(0, 3));
  if (p.offsetMinutes !== null) {
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second, ms) - p.offsetMinutes * 60_000;
  }
  if (ctx.defaultZone === 'utc') return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second, ms);
  const d = new Date(2000, 0, 1);
  d.setFullYear(p.year, p.month - 1, p.day);
  d.setHours(p.hour, p.minute, p.second, ms);
  return d.getTime();
}

/**
 * Epoch digits as written, to milliseconds. Works on the digit string, not a float, so
 * `1716213723.123` is exactly ...123 ms rather than ...122.9999.
 */
function epochDigitsToMs(text: string): number | null {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) return null;
  const int = m[1] ?? '';
  const frac = m[2] ?? '';
  const n = Number(int);
  // Below 1e9 s (Sept 2001) a number is more likely a count or a duration than a time.
  if (n < 1e9) return null;
  if (n < 1e11) return n * 1000 + Number((frac + '000').slice(0, 3));
  if (n < 1e12) return null; // 1e11 s is year 5138, 1e11 ms is 1973: neither is a log time
  if (n < 1e14) return n;
  if (n < 1e17) return Math.floor(n / 1e3);
  if (n < 1e20) return Math.floor(n / 1e6);
  return null;
}

function matchPositional(text: string, ctx: TimestampContext, maxStart: number): LineTimestamp | null {
  let best: LineTimestamp | null = null;
  for (const matcher of POSITIONAL) {
    const m = matcher.re.exec(text);
    if (!m || m.index > maxStart || (best && m.index >= best.start)) continue;
    const parts = matcher.toParts(m, ctx);
    if (!parts) continue;
    let ms = toMs(parts, ctx);
    if (ms !== null && parts.yearless && ctx.notAfter !== undefined && ms > ctx.notAfter + DAY_MS) {
      ms = toMs({ ...parts, year: parts.year - 1 }, ctx);
    }
    if (ms === null) continue;
    best = { ms, zoned: parts.offsetMinutes !== null, start: m.index, end: m.index + m[0].length };
    // Later matchers only win by starting earlier, and nothing starts before 0.
    if (best.start === 0) break;
  }
  return best;
}

function fieldValue(line: string, ctx: TimestampContext): LineTimestamp | null {
  const text = line.length > FIELD_SEARCH ? line.slice(0, FIELD_SEARCH) : line;
  for (const re of [JSON_FIELD, LOGFMT_FIELD]) {
    const m = re.exec(text);
    if (!m) continue;
    const raw = m[1] ?? m[2] ?? '';
    const start = m.index + m[0].length - raw.length - (m[1] !== undefined ? 1 : 0);
    const parsed = parseValue(raw, ctx);
    if (parsed) return { ms: parsed.ms, zoned: parsed.zoned, start, end: start + raw.length };
  }
  return null;
}

function parseValue(raw: string, ctx: TimestampContext): { ms: number; zoned: boolean } | null {
  const text = raw.trim();
  if (/^\d+(?:\.\d+)?$/.test(text)) {
    const ms = epochDigitsToMs(text);
    return ms === null ? null : { ms, zoned: true };
  }
  const hit = matchPositional(text, ctx, 0);
  return hit ? { ms: hit.ms, zoned: hit.zoned } : null;
}

/**
 * The timestamp a log line starts with or carries early on (after a level, a bracket, a
 * process name), or in a JSON / logfmt time field. Null when the line has none.
 */
export function parseLineTimestamp(line: string, ctx: TimestampContext = {}): LineTimestamp | null {
  const trimmedStart = line.length - line.trimStart().length;
  // JSON lines: only the time field counts, dates inside the message are not the line's time.
  if (line.charCodeAt(trimmedStart) === 0x7b /* { */) return fieldValue(line, ctx);

  const epoch = EPOCH_AT_START.exec(line);
  if (epoch) {
    const digits = epoch[1] ?? '';
    const ms = epochDigitsToMs(digits);
    if (ms !== null) {
      const start = epoch.index + epoch[0].length - digits.length;
      return { ms, zoned: true, start, end: start + digits.length };
    }
  }
  const head = line.length > EARLY + 48 ? line.slice(0, EARLY + 48) : line;
  return matchPositional(head, ctx, EARLY) ?? fieldValue(line, ctx);
}

/**
 * A timestamp given as a JSON value: an ISO (or other supported) date string, or epoch
 * seconds / milliseconds (micro- and nanoseconds are recognised by magnitude too).
 */
export function parseTimestampValue(value: string | number, ctx: TimestampContext = {}): number | null {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value <= 0) return null;
    // String(n) is the shortest exact decimal form, so the digit parser keeps ms exact.
    const text = Number.isInteger(value) ? BigInt(value).toString() : String(value);
    return /e/i.test(text) ? null : epochDigitsToMs(text);
  }
  return parseValue(value, ctx)?.ms ?? null;
}
