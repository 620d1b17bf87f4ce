/**
 * The new lines of one changed log, read as a log: errors the scanner recognises, warnings for
 * the timeline, and hits of the user's log patterns. The same code runs on the main thread for
 * logs held in memory and in a worker thread for big logs streamed from disk.
 */
import type { EngineConfig, LogPatternRule } from '../config/types';
import { LogScanner, type LogFinding, scanLogText } from './logScanner';
import { findingTemplate } from './grouping';
import type { LineHandler } from './lineSplitter';
import { TimestampTrail } from './timestampTrail';
import { compileUserRegex } from '../content/safeRegex';
import type { ScanBudget } from '../content/scanBudget';
import type { DraftTrigger, LogLineEvent, Severity } from '../types';

const WARN_LINE = /(?:^|[\s[|"'=])(?:WARN(?:ING)?|warn(?:ing)?)(?:[\]\s:|"',]|$)/;
/** Warning lines kept as timeline events, over all logs of an analysis. */
export const MAX_LOG_LINE_EVENTS = 2000;
/** A line's own time is looked for in its first characters only; further in it belongs to the message. */
const TIMESTAMP_HEAD = 120;
/** The level word of a warning is looked for this far into a line. */
const WARN_HEAD = 200;
/** How much of a log before its new lines is read to tell new errors from ones it already had. */
const EARLIER_CHARS = 1024 * 1024;

/** Plain data, so that it can cross to a worker thread. */
export interface LogScanSettings {
  workspaceRoot: string;
  maxLineLength: number;
  /** The user's log patterns; none in an untrusted workspace. */
  userPatterns: readonly LogPatternRule[];
}

/** What the log scan needs of the config: plain data, so that it can cross to a worker thread. */
export function logScanSettings(config: EngineConfig, workspaceRoot: string): LogScanSettings {
  const t = config.triggers;
  return { workspaceRoot, maxLineLength: t.maxLineLength, userPatterns: config.trustWorkspacePatterns ? t.logPatterns : [] };
}

/** One log's new lines, however they are read. */
export interface LogSource {
  path: string;
  mtimeMs: number;
  /** When given, only these lines are new (a rewritten file), and `read` delivers all lines from 1. */
  added?: ReadonlySet<number>;
  /**
   * Feeds the new lines: first tells `begin` the 1-based number of the first line it delivers
   * (which for a big log is only known once its old part was read) and, when it has them at
   * hand, the last lines before it (`earlier`), then each line to the handler `begin` returned.
   */
  read: (maxLineLength: number, begin: (firstLine: number, earlier?: string) => LineHandler) => Promise<void> | void;
}

export interface LogScanOutput {
  triggers: DraftTrigger[];
  logLines: LogLineEvent[];
}

/**
 * Scans logs one after another with shared state: a user pattern that timed out stays off for
 * the rest, and all share one time budget.
 */
export class LogScan {
  private readonly batch: UserPatternBatch;

  constructor(
    private readonly settings: LogScanSettings,
    /** The post snapshot's paths, so Java-style frames (file name only) map to the right source. */
    private readonly workspaceFiles: ReadonlySet<string>,
    readonly budget: ScanBudget,
  ) {
    this.batch = new UserPatternBatch(settings.userPatterns, budget);
  }

  async scan(src: LogSource): Promise<LogScanOutput> {
    const { maxLineLength, userPatterns, workspaceRoot } = this.settings;
    const triggers: DraftTrigger[] = [];
    const logLines: LogLineEvent[] = [];
    this.batch.out = triggers;
    const added = src.added;
    // Times are read lazily: only lines that become events need theirs, the others only
    // matter as "the last time seen" before such a line.
    const mtime = src.mtimeMs;
    // Times written without a year (syslog, logcat) are in the year the log was last written.
    const tsCtx = { year: new Date(mtime).getFullYear(), notAfter: mtime };
    const trail = new TimestampTrail(Math.min(TIMESTAMP_HEAD, maxLineLength), tsCtx);
    let scanner: LogScanner | null = null;
    let known: ReadonlySet<string> | null = null;
    await src.read(maxLineLength, (firstLine, earlier) => {
      if (earlier) known = errorTemplates(earlier, { workspaceRoot, maxLineLength, ...tsCtx });
      const s = new LogScanner({
        workspaceRoot,
        workspaceFiles: this.workspaceFiles,
        firstLine,
        maxLineLength,
        ...tsCtx,
        group: true,
        ...(added ? { reports: (line: number) => added.has(line) } : {}),
      });
      scanner = s;
      let lineNo = firstLine;
      return (line, plain) => {
        s.push(line, plain);
        if (!added || added.has(lineNo)) {
          const cut = line.length > maxLineLength ? line.slice(0, maxLineLength) : line;
          let own: number | null | undefined;
          if (logLines.length < MAX_LOG_LINE_EVENTS && WARN_LINE.test(cut.length > WARN_HEAD ? cut.slice(0, WARN_HEAD) : cut)) {
            own = trail.parse(cut);
            const ts = own ?? trail.current();
            logLines.push({
              file: src.path,
              line: lineNo,
              timestamp: ts ?? mtime,
              estimated: ts === null,
              severity: 'warning',
              text: cut.trim().slice(0, 300),
            });
          }
          if (userPatterns.length) this.batch.add(src.path, lineNo, cut, mtime, trail);
          if (own === undefined) trail.note(cut);
          else trail.noteParsed(cut, own);
        }
        lineNo++;
      };
    });
    this.batch.flush();
    for (const f of (scanner as LogScanner | null)?.finish() ?? []) {
      if (added && !added.has(f.line)) continue;
      triggers.push(logFindingToTrigger(f, src, (known as ReadonlySet<string> | null)?.has(findingTemplate(f)) ?? false));
    }
    return { triggers, logLines };
  }
}

/** The outputs of several logs in order, as one: warning events capped over all of them. */
export function mergeLogOutputs(outputs: readonly LogScanOutput[]): LogScanOutput {
  const triggers: DraftTrigger[] = [];
  const logLines: LogLineEvent[] = [];
  for (const o of outputs) {
    triggers.push(...o.triggers);
    for (const l of o.logLines) {
      if (logLines.length >= MAX_LOG_LINE_EVENTS) break;
      logLines.push(l);
    }
  }
  return { triggers, logLines };
}

/**
 * A log held in memory as text: its lines from `firstLine` on, or all of them (when only some
 * `added` lines are new). `plain`: the text is known to hold no control characters.
 */
export function textLines(text: string, firstLine: number, allLines: boolean, plain: boolean): LogSource['read'] {
  return (_max, begin) => {
    const from = allLines ? 0 : offsetOfLine(text, firstLine);
    const onLine = allLines || from === 0 ? begin(allLines ? 1 : firstLine) : begin(firstLine, earlierLines(text, from));
    forEachLine(text, from, (line) => onLine(line, plain));
  };
}

/** The whole lines of at most EARLIER_CHARS before offset `end`. */
function earlierLines(text: string, end: number): string {
  if (end <= EARLIER_CHARS) return text.slice(0, end);
  const nl = text.indexOf('\n', end - EARLIER_CHARS);
  return nl === -1 || nl + 1 >= end ? '' : text.slice(nl + 1, end);
}

/** The templates of the errors in a log's earlier lines: what an error of the new lines repeats. */
function errorTemplates(
  earlier: string,
  opts: { workspaceRoot: string; maxLineLength: number; year: number; notAfter: number },
): Set<string> {
  return new Set(scanLogText(earlier, { ...opts, group: true }).map(findingTemplate));
}

/**
 * User log patterns run over batches of new lines through SafeRegex, so a hostile pattern
 * times out (and is switched off, with a note) instead of hanging the analysis.
 */
class UserPatternBatch {
  private readonly compiled;
  private lines: { file: string; line: number; text: string; mtime: number }[] = [];
  /** The last time seen before the batch's first line, and the trail that knows later ones. */
  private startTs: number | null = null;
  private trail: TimestampTrail | null = null;

  /** Where hits go: the triggers of the file being scanned. */
  out: DraftTrigger[] = [];

  constructor(
    rules: readonly LogPatternRule[],
    private readonly budget: ScanBudget,
  ) {
    this.compiled = rules.map((r, i) => ({ rule: r, regex: compileUserRegex(r.pattern, '', `triggers.logPatterns[${i}]`), off: false }));
  }

  /** A new line, given before `trail` notes it. */
  add(file: string, line: number, text: string, mtime: number, trail: TimestampTrail): void {
    if (this.lines.length === 0) {
      this.startTs = trail.current();
      this.trail = trail;
    }
    this.lines.push({ file, line, text, mtime });
    if (this.lines.length >= 5000) this.flush();
  }

  flush(): void {
    const batch = this.lines;
    this.lines = [];
    if (batch.length === 0) return;
    const times = new BatchTimes(batch, this.startTs, this.trail);
    const texts = batch.map((l) => l.text);
    for (const c of this.compiled) {
      if (c.off) continue;
      if (this.budget.expired) {
        this.budget.skip('budget exhausted: user log patterns not run on the rest of the logs');
        return;
      }
      const r = c.regex.scanLines(texts, {
        mode: 'first',
        timeoutMs: this.budget.regexTimeoutMs,
        remainingMs: () => this.budget.remainingMs,
      });
      for (const m of r.matches) {
        const l = batch[m.line];
        const first = m.matches[0];
        if (!l) continue;
        const ts = times.at(m.line);
        this.out.push({
          kind: 'log_error',
          severity: c.rule.severity,
          file: l.file,
          line: l.line,
          column: (first?.index ?? 0) + 1,
          endLine: l.line,
          message: c.rule.message ?? `line matches log pattern /${c.rule.pattern}/`,
          evidence: l.text.trim().slice(0, 500),
          timestamp: ts ?? l.mtime,
          timestampEstimated: ts === null,
          rule: 'user_pattern',
        });
      }
      if (r.stopped?.reason === 'timeout') {
        const at = batch[r.stopped.line];
        c.off = true;
        this.budget.skip(
          `log pattern /${c.rule.pattern}/ timed out on ${at?.file ?? '?'} line ${at?.line ?? '?'}: switched off for this analysis`,
        );
      }
    }
  }
}

/**
 * The time of each line of a batch (its own, else the last one before it), worked out only
 * for the lines that matched: newest first from the line, stopping at the first time found
 * or at a line already worked out, so a batch costs at most one parse per line.
 */
class BatchTimes {
  private readonly own = new Map<number, number | null>();
  private readonly asOf = new Map<number, number | null>();

  constructor(
    private readonly lines: readonly { text: string }[],
    private readonly before: number | null,
    private readonly trail: TimestampTrail | null,
  ) {}

  at(i: number): number | null {
    let found = this.before;
    for (let j = i; j >= 0; j--) {
      const known = this.asOf.get(j);
      if (known !== undefined) {
        found = known;
        break;
      }
      const ms = this.parse(j);
      if (ms !== null) {
        found = ms;
        break;
      }
    }
    this.asOf.set(i, found);
    return found;
  }

  private parse(j: number): number | null {
    let ms = this.own.get(j);
    if (ms === undefined) {
      ms = this.trail?.parse(this.lines[j]?.text ?? '') ?? null;
      this.own.set(j, ms);
    }
    return ms;
  }
}

/** Calls `onLine` for each line of `text` from offset `from`, split like `split('\n')` with a trailing CR dropped. */
function forEachLine(text: string, from: number, onLine: (line: string) => void): void {
  let start = from;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl;
    onLine(text.charCodeAt(end - 1) === 0x0d && end > start ? text.slice(start, end - 1) : text.slice(start, end));
    if (nl === -1) break;
    start = nl + 1;
  }
}

/** Offset where the 1-based `line` starts, or the text's length when it has fewer lines. */
function offsetOfLine(text: string, line: number): number {
  let offset = 0;
  for (let n = 1; n < line; n++) {
    const nl = text.indexOf('\n', offset);
    if (nl === -1) return text.length;
    offset = nl + 1;
  }
  return offset;
}

function logFindingToTrigger(f: LogFinding, src: LogSource, recurring: boolean): DraftTrigger {
  const severity: Severity = f.severity;
  return {
    kind: 'log_error',
    severity,
    file: src.path,
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    message: f.message,
    evidence: f.evidence,
    timestamp: f.timestamp ?? src.mtimeMs,
    timestampEstimated: f.timestamp === undefined,
    ...(f.errorType ? { errorType: f.errorType } : {}),
    ...(f.frames.length ? { frames: f.frames } : {}),
    rule: f.rule,
    ...(f.count
      ? { count: f.count, occurrences: (f.occurrences ?? []).map((o) => ({ line: o.line, timestamp: o.timestamp ?? src.mtimeMs })) }
      : {}),
    ...(f.burst ? { burst: true } : {}),
    ...(recurring ? { recurring: true } : {}),
  };
}
