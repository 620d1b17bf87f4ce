/**
 * Log formats whose level sits in a fixed place of the line, written by a known program: the
 * format, once recognised, says the level outright, so its info, debug and verbose lines never
 * fire on an "ERROR" inside their message, and its single-letter levels (`E`, `F`) count.
 */
import type { LevelHit } from '../levels';

/** What a recognised format says of a line: an error-level hit, or `quiet` (a known lower level). */
export type FormatVerdict = LevelHit | 'quiet';

/** The shapes of error-level lines of these formats and of the block formats' first lines. */
const FORMAT_HINT =
  /^(?:<\d{1,3}>|(?:\d{4}-)?\d\d-\d\d \d\d:\d\d:\d\d\.\d+ +(?:(?:\w+ +)?\d+ +\d+ [EFA] |[EFA]\/)|[EFA]\/[^(]*\(|[EF]\d{4} \d\d:\d\d:\d\d\.\d+ |(?:fail|crit): |__CURSOR=|__REALTIME_TIMESTAMP=|Event\[\d+\]:|(?:Error|Critical),\d)/;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * Whether a line may be an error-level line of these formats (or open a journal, .NET or
 * Windows event entry). Runs on every line of a log, so the first characters pick out the
 * candidates and only those meet the regex: an ISO-dated line costs a few comparisons.
 */
export function mayBeFormatError(text: string): boolean {
  const c = text.charCodeAt(0);
  let candidate: boolean;
  if (isDigit(c)) {
    // `03-17 16:13:46` (logcat) or `2024-03-17 16:13:46` (logcat with its year); not `2024-03-17T...`.
    candidate =
      (text.charCodeAt(2) === 0x2d && text.charCodeAt(5) === 0x20) ||
      (text.charCodeAt(4) === 0x2d && text.charCodeAt(7) === 0x2d && text.charCodeAt(10) === 0x20);
  } else {
    switch (c) {
      case 0x3c /* < */:
        candidate = isDigit(text.charCodeAt(1));
        break;
      case 0x45 /* E */:
      case 0x46 /* F */:
      case 0x41 /* A */:
      case 0x43 /* C */:
      case 0x66 /* f */:
      case 0x63 /* c */:
      case 0x5f /* _ */:
        candidate = true;
        break;
      default:
        candidate = false;
    }
  }
  return candidate && FORMAT_HINT.test(text);
}

// Android logcat: threadtime (`03-17 16:13:46.764  2227  2794 E Tag: msg`, optionally with a
// year or a uid column), time (`03-17 16:13:46.764 E/Tag( 2227): msg`) and brief (`E/Tag( 2227): msg`).
const LOGCAT_THREADTIME = /^(?:\d{4}-)?\d\d-\d\d \d\d:\d\d:\d\d\.\d+ +(?:[\w]+ +)?\d+ +\d+ ([VDIWEFAS]) (.*)$/;
const LOGCAT_TAGGED = /^(?:(?:\d{4}-)?\d\d-\d\d \d\d:\d\d:\d\d\.\d+ +)?([VDIWEFAS])\/([^(]*?)\s*\(\s*\d+\):\s?(.*)$/;
const LOGCAT_ERROR: Record<string, string> = { E: 'ERROR', F: 'FATAL', A: 'FATAL' };

// Kubernetes klog: `E0520 14:02:03.123456    1234 file.go:123] msg`.
const KLOG = /^([IWEF])\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ [^\]\s]+\] ?(.*)$/;
const KLOG_ERROR: Record<string, string> = { E: 'ERROR', F: 'FATAL' };

// Syslog with its priority: RFC 5424 `<11>1 2024-05-20T14:02:03Z host app 12 ID47 - msg`, RFC 3164
// `<11>May 20 14:02:03 host app[12]: msg`. Severity is PRI % 8: 0 emerg, 1 alert, 2 crit, 3 err.
const SYSLOG_PRI = /^<(\d{1,3})>/;
const SYSLOG_5424 = /^<\d{1,3}>\d{1,2} \S+ \S+ \S+ \S+ \S+ (?:-|(?:\[(?:[^\]\\]|\\.)*\])+)(?: (.*))?$/;
const SYSLOG_3164 = /^<\d{1,3}>(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d|\S+) \S+ (.*)$/;
const SYSLOG_SEVERITY = ['EMERG', 'ALERT', 'CRIT', 'ERR'];

// Windows Event Viewer's CSV export: `Error,5/20/2024 2:02:03 PM,Source,7000,None,"description"`.
const EVENT_CSV =
  /^(Error|Critical|Warning|Information|Verbose),(\d{1,2}\/\d{1,2}\/\d{4},? [\d:]+(?: ?[AP]M)?),("[^"]*"|[^,]*),(\d+),("[^"]*"|[^,]*),(.*)$/;

// .NET's console logger with `SingleLine = true`: `fail: Category[13] message` (the multi-line form is a block, see dotnetConsole).
const DOTNET_SINGLE = /^(fail|crit): (\S+?)\[\d+\] (.+)$/;

function dotnetSingle(line: string): FormatVerdict | null {
  const m = DOTNET_SINGLE.exec(line);
  return m ? hit(m[1] === 'fail' ? 'ERROR' : 'CRITICAL', 0, `${m[2] ?? ''}: ${m[3] ?? ''}`) : null;
}

function unquoteCsv(field: string): string {
  return field.startsWith('"') && field.endsWith('"') && field.length >= 2 ? field.slice(1, -1).replace(/""/g, '"') : field;
}

function hit(level: string, index: number, message: string): LevelHit {
  return { level, index, message: message.trim() };
}

function logcat(line: string): FormatVerdict | null {
  const t = LOGCAT_THREADTIME.exec(line);
  if (t) {
    const level = LOGCAT_ERROR[t[1] ?? ''];
    const body = t[2] ?? '';
    return level ? hit(level, line.length - body.length - 2, body) : 'quiet';
  }
  const b = LOGCAT_TAGGED.exec(line);
  if (!b) return null;
  const level = LOGCAT_ERROR[b[1] ?? ''];
  if (!level) return 'quiet';
  return hit(level, line.indexOf(`${b[1] ?? ''}/`), `${(b[2] ?? '').trim()}: ${b[3] ?? ''}`);
}

function klog(line: string): FormatVerdict | null {
  const m = KLOG.exec(line);
  if (!m) return null;
  const level = KLOG_ERROR[m[1] ?? ''];
  return level ? hit(level, 0, m[2] ?? '') : 'quiet';
}

function syslog(line: string): FormatVerdict | null {
  const p = SYSLOG_PRI.exec(line);
  if (!p) return null;
  const pri = Number(p[1]);
  // 191 is the largest priority (facility 23, severity 7); anything else is not a syslog header.
  if (pri > 191) return null;
  const body = SYSLOG_5424.exec(line)?.[1] ?? SYSLOG_3164.exec(line)?.[1];
  if (body === undefined) return null;
  const level = SYSLOG_SEVERITY[pri % 8];
  return level ? hit(level, 1, body || line) : 'quiet';
}

function eventCsv(line: string): FormatVerdict | null {
  const m = EVENT_CSV.exec(line);
  if (!m) return null;
  if (m[1] !== 'Error' && m[1] !== 'Critical') return 'quiet';
  return hit(m[1] === 'Error' ? 'ERROR' : 'CRITICAL', 0, `${unquoteCsv(m[3] ?? '')} (event ${m[4] ?? ''}): ${unquoteCsv(m[6] ?? '')}`);
}

/**
 * The verdict of the format `line` is written in, or null when it is none of these. Cheap
 * first-character checks pick the one candidate, so most lines cost a comparison or two.
 */
export function formatLevel(line: string): FormatVerdict | null {
  const c = line.charCodeAt(0);
  if (c === 0x3c /* < */) return syslog(line);
  if (c >= 0x30 && c <= 0x39) return logcat(line);
  if (line[1] === '/') return logcat(line);
  if (c === 0x66 /* f */ || c === 0x63 /* c */) return dotnetSingle(line);
  if ((c === 0x49 || c === 0x57 || c === 0x45 || c === 0x46) /* I W E F */ && line.charCodeAt(1) >= 0x30 && line.charCodeAt(1) <= 0x39)
    return klog(line);
  if (c === 0x45 /* E */ || c === 0x43 /* C */ || c === 0x57 /* W */ || c === 0x49 /* I */ || c === 0x56 /* V */) return eventCsv(line);
  return null;
}
