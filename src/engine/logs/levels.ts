/**
 * Lines logged at ERROR / FATAL / CRITICAL. A level word counts only where loggers put it:
 * a JSON or logfmt level field, inside brackets, right after a timestamp, at the start of the
 * line as `ERROR:`, in upper case among the leading prefix tokens (time, thread, pid,
 * host, `name:`), or as a column of a record whose columns are all upper case (BlueGene/L RAS).
 * Formats that state the level in a fixed place (logcat, klog, syslog priorities, Windows
 * events) are read by their own rules first. The word "error" in ordinary prose ("0 errors",
 * "error handling") is not a level.
 */
import { formatLevel } from './formats/lineFormats';

const ERROR_LEVELS = new Set(['ERROR', 'ERR', 'EROR', 'FATAL', 'CRITICAL', 'CRIT', 'SEVERE', 'EMERG', 'EMERGENCY', 'ALERT', 'PANIC']);

/** Lower levels: once the prefix names one of these, the line's level is known and not an error. */
const QUIET_LEVELS = new Set([
  'INFO',
  'INFORMATION',
  'DEBUG',
  'DBUG',
  'TRACE',
  'TRCE',
  'NOTICE',
  'VERBOSE',
  'WARN',
  'WARNING',
  'FINE',
  'FINER',
  'FINEST',
  'CONFIG',
]);

export interface LevelHit {
  level: string;
  /** 0-based index of the level word (or field). */
  index: number;
  /** The log message, without the prefix and level. */
  message: string;
}

const JSON_LEVEL = /"(?:level|severity|levelname|lvl|log\.level|loglevel)"\s*:\s*(?:"([A-Za-z]+)"|(\d{1,3})\b)/i;
/** journald's JSON (`journalctl -o json`): the syslog severity as a string, `"PRIORITY":"3"`. */
const JSON_PRIORITY = /"PRIORITY"\s*:\s*"?([0-7])\b/;
const SYSLOG_SEVERITY = ['EMERG', 'ALERT', 'CRIT', 'ERR'];
const JSON_MESSAGE = /"(?:msg|message|MESSAGE|error|err|error\.message)"\s*:\s*"((?:[^"\\]|\\.){0,2000})"/;
const LOGFMT_LEVEL = /(?:^|\s)(?:level|lvl|severity)=("?)([A-Za-z]+)\1(?=\s|$)/i;
const LOGFMT_MESSAGE = /(?:^|\s)(?:msg|message|error|err)=(?:"((?:[^"\\]|\\.)*)"|(\S+))/;
/** Timestamp-ish prefix tokens: `2024-05-20T14:02:03.123Z`, `14:02:03,123`, `2024/05/20`. */
const TIMEISH = /^[[(]?\d[\d.,TZ+]*[:\-/][\d:.,TZ+\-/]*[\])]?,?$/;
/** Pids, thread ids, syslog days: allowed before a level but not a timestamp themselves. */
const NUMBER = /^[[(]?#?\d+[\])]?:?,?$/;
const MONTH = /^(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Mon|Tue|Wed|Thu|Fri|Sat|Sun)\w*,?$/;
const TOKEN = /\S+/g;
const MAX_PREFIX_TOKENS = 7;
const HEAD = 200;

function unescapeJson(s: string): string {
  try {
    return JSON.parse(`"${s}"`) as string;
  } catch {
    return s;
  }
}

function jsonLevel(line: string): LevelHit | null {
  const m = JSON_LEVEL.exec(line) ?? JSON_PRIORITY.exec(line);
  if (!m) return null;
  let level: string | undefined;
  if (m[0].startsWith('"PRIORITY"')) level = SYSLOG_SEVERITY[Number(m[1])];
  else if (m[1]) level = m[1].toUpperCase();
  else if (m[2]) {
    // pino / bunyan numeric levels: 50 error, 60 fatal.
    const n = Number(m[2]);
    level = n >= 60 && n < 100 ? 'FATAL' : n >= 50 && n < 60 ? 'ERROR' : undefined;
  }
  if (!level || !ERROR_LEVELS.has(level)) return null;
  const msg = JSON_MESSAGE.exec(line);
  return { level, index: m.index, message: msg ? unescapeJson(msg[1] ?? '') : line.trim() };
}

function logfmtLevel(line: string): LevelHit | null {
  const m = LOGFMT_LEVEL.exec(line);
  if (!m) return null;
  const level = (m[2] ?? '').toUpperCase();
  if (!ERROR_LEVELS.has(level)) return null;
  const msg = LOGFMT_MESSAGE.exec(line);
  const message = msg ? (msg[1] !== undefined ? unescapeJson(msg[1]) : (msg[2] ?? '')) : line.trim();
  return { level, index: m.index + (m[0].length - m[0].trimStart().length), message };
}

/** The level word a token starts with (`ERROR`, `ERROR:root:msg`, `error[E0425]:`), else null. */
function leadingWord(core: string): { word: string; rest: string } | null {
  const m = /^([A-Za-z]+)(\[[\w-]+\])?(?=$|[:\]|>),])/.exec(core);
  if (!m) return null;
  return { word: m[1] ?? '', rest: core.slice(m[0].length) };
}

function isOpen(c: string | undefined): boolean {
  return c === '[' || c === '<' || c === '(';
}

/** Strips leading brackets and trailing brackets plus one `:`, `,` or `|` (`[ERROR]:` -> `ERROR`). */
function tokenCore(token: string): { core: string; opens: boolean; closes: boolean } {
  let start = 0;
  while (start < token.length && isOpen(token[start])) start++;
  let end = token.length;
  const last = token[end - 1];
  if (last === ':' || last === ',' || last === '|') end--;
  const closing = end;
  while (end > start && (token[end - 1] === ']' || token[end - 1] === '>' || token[end - 1] === ')')) end--;
  return { core: token.slice(start, end), opens: start > 0, closes: end < closing };
}

function prefixLevel(line: string): LevelHit | null {
  const head = line.length > HEAD ? line.slice(0, HEAD) : line;
  TOKEN.lastIndex = 0;
  let inBracket = false;
  let afterTime = false;
  let sawTime = false;
  for (let i = 0; i < MAX_PREFIX_TOKENS; i++) {
    const m = TOKEN.exec(head);
    if (!m) return null;
    const token = m[0];
    const { core, opens, closes } = tokenCore(token);
    const bracketed = inBracket || opens;
    if (opens && !closes) inBracket = true;

    // `VERBOSE ERROR noise`, `[INFO] ... FATAL`: the first level word is the line's level.
    if ((bracketed || afterTime || core === core.toUpperCase()) && QUIET_LEVELS.has(core.toUpperCase())) return null;
    const parts = bracketed ? core.split(/[:|,/]/) : [core];
    for (const part of parts) {
      const lw = leadingWord(part);
      if (!lw) continue;
      const upper = lw.word.toUpperCase();
      if (!ERROR_LEVELS.has(upper)) continue;
      const isUpper = lw.word === upper;
      const startsLine = i === 0 && /^[A-Za-z]+(?:\[[\w-]+\])?:/.test(token);
      // Proxifier and others set the level off with a lone colon after the prefix: `... error : Could not connect`.
      const colonAfter = sawTime && core === lw.word && /^\s+:\s/.test(head.slice(m.index + token.length));
      if (isUpper || bracketed || afterTime || startsLine || colonAfter) {
        const index = m.index + token.indexOf(lw.word);
        return { level: upper, index, message: messageAfter(line, m.index + token.length, lw.rest) };
      }
    }
    if (closes) inBracket = false;

    // Only tokens a logger writes before the level may precede it; prose ends the search.
    const timeish = TIMEISH.test(token);
    afterTime = timeish;
    if (timeish) sawTime = true;
    const lastChar = token[token.length - 1];
    const prefixLike =
      timeish ||
      bracketed ||
      lastChar === ':' ||
      token === '|' ||
      token === '-' ||
      NUMBER.test(token) ||
      MONTH.test(token) ||
      (sawTime && /^[\w.@-]+(?::\d{1,5})?$/.test(token));
    if (!prefixLike) return null;
  }
  return null;
}

/** Columns looked at for a record's level; BlueGene/L RAS puts it ninth. */
const MAX_COLUMNS = 12;
const LOWER = /[a-z]/;

/**
 * A level word standing as a column of a record whose columns before it are all free of lower
 * case (ids, times, locations, component names): `- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11
 * 2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS KERNEL FATAL data TLB error interrupt`.
 * At least three columns, one with a digit, must come before it, so upper-case prose does not count.
 */
function columnLevel(line: string): LevelHit | null {
  const head = line.length > HEAD ? line.slice(0, HEAD) : line;
  TOKEN.lastIndex = 0;
  let digits = false;
  for (let i = 0; i < MAX_COLUMNS; i++) {
    const m = TOKEN.exec(head);
    if (!m) return null;
    const token = m[0];
    if (i >= 3 && digits && ERROR_LEVELS.has(token)) {
      return { level: token, index: m.index, message: line.slice(m.index + token.length).trim() || line.trim() };
    }
    if (LOWER.test(token) || QUIET_LEVELS.has(token)) return null;
    if (!digits && /\d/.test(token)) digits = true;
  }
  return null;
}

function messageAfter(line: string, end: number, restOfToken: string): string {
  const rest = (restOfToken.replace(/^[:\]|>),]+/, '') + ' ' + line.slice(end).trimStart()).trim();
  return rest.replace(/^[-:|]\s*/, '').trim() || line.trim();
}

/** Cheap pre-check: a level word standing alone ("errors" and "error_count" do not count) or a numeric JSON level. */
export const LEVEL_HINT =
  /\b(?:err(?:or)?|eror|fatal|crit(?:ical)?|severe|emerg(?:ency)?|alert|panic)\b|"level"\s*:\s*[56]\d|"PRIORITY"\s*:\s*"?[0-3]\b/i;

export function detectErrorLevel(line: string): LevelHit | null {
  const start = line.length - line.trimStart().length;
  if (line.charCodeAt(start) === 0x7b /* { */) return jsonLevel(line);
  const format = formatLevel(line);
  if (format !== null) return format === 'quiet' ? null : format;
  return prefixLevel(line) ?? logfmtLevel(line) ?? columnLevel(line);
}
