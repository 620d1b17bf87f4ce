/**
 * Streaming error detection over the new lines of a log file. Lines are pushed one at a
 * time, so a 200 MB log never sits in memory whole; multi-line reports (tracebacks, stacks,
 * panics) are owned by one block detector at a time, so their lines never fire twice.
 */
import type { Severity } from '../types';
import { type Draft, type LogBlock, type LogFinding, singleLineEvidence, Weight } from './findings';
import {
  ExceptionBlock,
  NodeCaretBlock,
  V8FatalBlock,
  endsLikeNodeLocation,
  isNodeLocationLine,
  isV8FatalStart,
  parseExceptionHeader,
} from './exceptions';
import { EXIT_HINTS, exitOrSignal, mayReportExit } from './exitSignals';
import { DotnetLogBlock, isDotnetErrorStart } from './formats/dotnetConsole';
import { JournalExportBlock, isJournalExportStart } from './formats/journalExport';
import { mayBeFormatError } from './formats/lineFormats';
import { WindowsEventBlock, isWindowsEventStart } from './formats/windowsEvents';
import { FindingGroups } from './grouping';
import { LEVEL_HINT, detectErrorLevel } from './levels';
import { LineSplitter } from './lineSplitter';
import { NpmErrorBlock, isNpmErrorStart } from './npm';
import { GoPanicBlock, RustPanicBlock, isGoPanicStart, isRustPanicStart } from './panics';
import { PythonTraceback, isPythonTracebackStart } from './python';
import { mayBeAnchoredToolMessage, mayBeToolMessage, startToolBlock } from './tools/index';
import type { ReportedTests } from './tools/pytest';
import { FrameMapper } from './stackFrames';
import { type LineTimestamp, type TimestampContext, parseLineTimestamp } from './timestamps';

export type { ChainLink, LogFinding, LogOccurrence, LogRule } from './findings';
export { errorSignature } from './signature';

export interface UserLogPattern {
  regex: RegExp;
  severity: Severity;
  message?: string;
}

export interface LogScannerOptions {
  workspaceRoot: string;
  /** 1-based number, in the whole file, of the first line pushed (the first new line of an appended log). */
  firstLine?: number;
  /**
   * Already compiled and vetted: regex time budgets are enforced by the caller; this module only
   * guarantees that no line longer than `maxLineLength` reaches them.
   */
  userPatterns?: UserLogPattern[];
  /** Longer lines are cut before any matching; default 10,000. */
  maxLineLength?: number;
  /** Year for timestamps that omit it (syslog, logcat, klog). */
  year?: number;
  /** The latest time the log can hold (its mtime): a year-less time past it belongs to the year before. */
  notAfter?: number;
  /** How to read timestamps without a zone; default 'local' (the machine that wrote the log). */
  defaultZone?: 'local' | 'utc';
  /** Workspace-relative paths of the workspace's files (the snapshot manifest): lets Java frames and relative paths be mapped safely. */
  workspaceFiles?: Iterable<string>;
  /** Findings kept at most; later ones are only counted in `omittedFindings`. Default 5,000. */
  maxFindings?: number;
  /**
   * Repeats of one error (same rule, type and message template) become one finding with
   * `count` and `occurrences`; then `maxFindings` bounds the distinct errors. Default false.
   */
  group?: boolean;
  /** Only findings starting on lines this accepts are reported (the added lines of a rewritten log). */
  reports?: (line: number) => boolean;
}

const DEFAULT_MAX_LINE = 10_000;
const DEFAULT_MAX_FINDINGS = 5_000;
/**
 * How far back a finding without its own timestamp looks for one. Kept short, and a blank
 * line ends the search: further back, the time more likely belongs to something else.
 */
const LOOKBACK = 5;
/** A block without a timestamp so far looks for one in this many of its own lines. */
const BLOCK_TS_LINES = 50;

/** ANSI colour/cursor sequences: coloured logs must match like plain ones. */
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g;
const NEEDS_CLEANING = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;
/** Prefixes other tools put before every line of a program's output: docker compose (`web-1  | `), `kubectl logs --timestamps`. */
const LINE_PREFIX = /^(?:[\w.-]+ *\| ?|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d) )/;
/** `src/app.c:3:5: error: ...` from compilers (gcc, clang, tsc --pretty false uses `(3,5)`). */
const COMPILER_ERROR = /^(.+?)(?::(\d+):(\d+)|\((\d+),(\d+)\)): (?:fatal )?error(?: [A-Z]+\d+)?: (.+)$/;
const HEADER_WORDS = ['Error', 'Exception', 'Throwable', 'Rejection'];
const HEADER_HINT = new RegExp(HEADER_WORDS.join('|'));
/**
 * What a clean line must contain for any detector to care about it, outside a block: the
 * start checks of every block kind (Python, Go and Rust panics, V8, npm, exception headers)
 * and the exit-report hints. With LEVEL_HINT and the location-line check this covers every
 * detector, so a line containing none of them takes the quiet path; most lines of a healthy
 * log do, and these few passes cost far less than the detectors one by one.
 */
const START_HINTS = ['Traceback', 'panic', 'fatal error', 'FATAL ERROR', 'npm ERR!', 'npm error', ...HEADER_WORDS, ...EXIT_HINTS];
// Two alternations split by the case of the first letter run markedly faster in V8's regex engine than one.
const MAY_MATTER_UPPER = anyOf(START_HINTS.filter((h) => /^[A-Z]/.test(h)));
const MAY_MATTER_OTHER = anyOf(START_HINTS.filter((h) => !/^[A-Z]/.test(h)));

function anyOf(literals: readonly string[]): RegExp {
  return new RegExp(literals.map((l) => l.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|'));
}

/** Whether a clean line outside a block may start a block or be reported; false means no detector fires on it. */
function mayMatter(text: string): boolean {
  return (
    mayBeFormatError(text) ||
    MAY_MATTER_UPPER.test(text) ||
    MAY_MATTER_OTHER.test(text) ||
    LEVEL_HINT.test(text) ||
    endsLikeNodeLocation(text) ||
    mayBeToolMessage(text) ||
    anchoredAfterTimestamp(text)
  );
}

/**
 * The anchored tool shapes (`FAILED tests/...`, `not ok 3`, pytest's `____ test ____`) after the
 * ISO timestamp `kubectl logs --timestamps` and GitHub Actions put before every line, which the
 * scanner strips (LINE_PREFIX) before its detectors. Checked by character first: nearly every line
 * of such a log has the prefix, and almost none has one of those shapes after it.
 */
function anchoredAfterTimestamp(text: string): boolean {
  if (text.charCodeAt(10) !== 0x54 /* T */) return false;
  const space = text.indexOf(' ', 19);
  if (space < 0 || space > 40 || !mayBeAnchoredToolMessage(text, space + 1)) return false;
  return LINE_PREFIX.exec(text)?.[0].length === space + 1;
}

/** A timestamp for a finding; `inherited` when it was read from another line than the finding's first. */
type Inherited = LineTimestamp & { inherited?: boolean };

interface PendingLevel {
  draft: Draft;
  raw: string;
  ts: Inherited | null;
}

function prefixShape(prefix: string): string {
  return prefix.replace(/\d+/g, '0');
}

export class LogScanner {
  private readonly first: number;
  private readonly maxLen: number;
  private readonly maxFindings: number;
  private readonly mapper: FrameMapper;
  private readonly patterns: UserLogPattern[];
  private readonly tsCtx: TimestampContext;
  private readonly groups: FindingGroups | null;
  private readonly reports: ((line: number) => boolean) | null;
  private seen = 0;
  private finished = false;
  private readonly findings: LogFinding[] = [];
  /** Tests a pytest section reported, whose summary lines are not reported again. */
  private readonly reportedTests: ReportedTests = new Set();
  /** Findings beyond `maxFindings`, counted but not kept. */
  omittedFindings = 0;

  private block: LogBlock | null = null;
  private blockFirst: { raw: string; no: number } = { raw: '', no: 0 };
  private blockPrefix = '';
  private blockShape: string | null = null;
  private blockTs: Inherited | null = null;
  private blockLinesSinceTs = 0;
  private blockAbsorbed: PendingLevel | null = null;
  private pending: PendingLevel | null = null;

  /** Ring of the last LOOKBACK raw lines, for timestamps of findings whose own line has none. */
  private readonly recent: string[] = new Array<string>(LOOKBACK).fill('');
  private recentNext = 0;
  private recentCount = 0;

  constructor(opts: LogScannerOptions) {
    this.first = opts.firstLine ?? 1;
    this.maxLen = opts.maxLineLength ?? DEFAULT_MAX_LINE;
    this.maxFindings = opts.maxFindings ?? DEFAULT_MAX_FINDINGS;
    this.mapper = new FrameMapper(opts.workspaceRoot, opts.workspaceFiles);
    this.patterns = opts.userPatterns ?? [];
    this.tsCtx = {};
    if (opts.year !== undefined) this.tsCtx.year = opts.year;
    if (opts.defaultZone !== undefined) this.tsCtx.defaultZone = opts.defaultZone;
    if (opts.notAfter !== undefined) this.tsCtx.notAfter = opts.notAfter;
    this.groups = opts.group ? new FindingGroups() : null;
    this.reports = opts.reports ?? null;
  }

  get linesSeen(): number {
    return this.seen;
  }

  /**
   * The next line. `plain` says the caller already knows it holds no control character but
   * TAB and CR (its bytes were checked in bulk, see hasControlBytes), which spares a per-line check.
   */
  push(line: string, plain = false): void {
    if (this.finished) throw new Error('LogScanner.push after finish');
    const no = this.first + this.seen++;
    let text = line.length > this.maxLen ? line.slice(0, this.maxLen) : line;
    if (text.endsWith('\r')) text = text.slice(0, -1);
    const clean = plain || !NEEDS_CLEANING.test(text);
    if (clean && this.block === null && !mayMatter(text)) {
      // Nothing can start or fire on this line: of the full flow only the release of a held level line remains.
      this.matchUserPatterns(text, no);
      this.flushPending();
    } else {
      if (!clean) {
        if (text.includes('\x1b')) text = text.replace(ANSI, '');
        text = text.replace(CONTROL, '');
      }
      this.matchUserPatterns(text, no);
      this.process(text, no, false);
    }
    this.recent[this.recentNext] = text;
    this.recentNext = (this.recentNext + 1) % LOOKBACK;
    this.recentCount++;
  }

  finish(): LogFinding[] {
    if (!this.finished) {
      this.finished = true;
      if (this.block) this.closeBlock(this.block.finish());
      this.flushPending();
      this.groups?.finish();
      this.findings.sort((a, b) => a.line - b.line);
    }
    return this.findings;
  }

  // ------------------------------------------------------------------ line flow

  private process(text: string, no: number, noTentative: boolean): void {
    const block = this.block;
    if (block) {
      const fed = this.feedBlock(block, text, no);
      if (fed === 'consumed') return;
      this.block = null;
      if (fed === 'abort') {
        // A false start: the absorbed level line stands alone again and the lines are scanned anew.
        if (this.blockAbsorbed) this.emit(this.blockAbsorbed.draft, this.blockAbsorbed.ts);
        this.blockAbsorbed = null;
        this.process(this.blockFirst.raw, this.blockFirst.no, true);
        for (const b of block.buffered ?? []) this.process(b.text, b.no, false);
        return;
      }
      this.closeBlock(block.finish());
    }

    const prefix = LINE_PREFIX.exec(text)?.[0] ?? '';
    const body = prefix ? text.slice(prefix.length) : text;
    const started = this.startBlock(body, no, noTentative);
    if (started) {
      this.block = started;
      this.blockFirst = { raw: text, no };
      this.blockPrefix = prefix;
      this.blockShape = prefix ? prefixShape(prefix) : null;
      const adjacent = started.takesLineBefore !== false && this.pending && this.pending.draft.endLine === no - 1 ? this.pending : null;
      if (!adjacent) this.flushPending();
      this.blockAbsorbed = adjacent;
      this.pending = null;
      this.blockTs = this.lineTs(text) ?? (adjacent?.ts ? { ...adjacent.ts, inherited: true } : this.precedingTs());
      this.blockLinesSinceTs = 0;
      return;
    }
    this.flushPending();
    const single = this.detectSingle(text, no) ?? (prefix ? this.detectSingle(body, no, prefix.length) : null);
    if (!single) return;
    const ts = this.lineTs(text) ?? this.precedingTs();
    // A level line may be the message a logger writes right before a trace: hold it one line.
    if (single.rule === 'level_error') this.pending = { draft: single, raw: text, ts };
    else this.emit(single, ts);
  }

  private feedBlock(block: LogBlock, text: string, no: number): ReturnType<LogBlock['feed']> {
    let fedText = text;
    if (this.blockShape !== null) {
      const prefix = LINE_PREFIX.exec(text)?.[0];
      if (prefix !== undefined && prefixShape(prefix) === this.blockShape) fedText = text.slice(prefix.length);
    }
    const fed = block.feed(fedText, no);
    if (fed === 'consumed' && this.blockTs === null && this.blockLinesSinceTs++ < BLOCK_TS_LINES) {
      const ts = this.lineTs(text);
      if (ts) this.blockTs = { ...ts, inherited: true };
    }
    return fed;
  }

  private startBlock(body: string, no: number, noTentative: boolean): LogBlock | null {
    if (isPythonTracebackStart(body)) return new PythonTraceback(no, 1, body, this.mapper);
    if (isRustPanicStart(body)) return new RustPanicBlock(no, body, this.mapper);
    if (isGoPanicStart(body)) return new GoPanicBlock(no, body, this.mapper);
    if (isV8FatalStart(body)) return new V8FatalBlock(no, body);
    if (isNpmErrorStart(body)) return new NpmErrorBlock(no, body);
    if (isDotnetErrorStart(body)) return new DotnetLogBlock(no, body);
    if (isJournalExportStart(body)) return new JournalExportBlock(no, body);
    if (isWindowsEventStart(body)) return new WindowsEventBlock(no, body);
    // Tools' own messages (bash, curl, sqlite3, test runners...) before the generic shapes that would half-read them.
    const tool = startToolBlock(body, no, (file, line, column) => this.mapper.frame(file, line, column), this.reportedTests);
    if (tool) return tool;
    if (!noTentative && isNodeLocationLine(body)) return new NodeCaretBlock(no, body, this.mapper);
    if (HEADER_HINT.test(body)) {
      const header = parseExceptionHeader(body);
      if (header) return new ExceptionBlock(no, header, body, this.mapper);
    }
    return null;
  }

  private closeBlock(draft: Draft | null): void {
    const absorbed = this.blockAbsorbed;
    this.blockAbsorbed = null;
    if (!draft) {
      if (absorbed) this.emit(absorbed.draft, absorbed.ts);
      return;
    }
    draft.column += this.blockPrefix.length;
    // Only a real multi-line report takes in the log line before it; a lone `Error: ...` line is its own event.
    if (absorbed && draft.endLine > draft.line) draft.evidence.add(absorbed.draft.line, absorbed.raw, Weight.Header);
    else if (absorbed) this.emit(absorbed.draft, absorbed.ts);
    this.emit(draft, this.blockTs);
  }

  private flushPending(): void {
    if (this.pending) this.emit(this.pending.draft, this.pending.ts);
    this.pending = null;
  }

  // ------------------------------------------------------------------ single lines

  private detectSingle(text: string, no: number, columnOffset = 0): Draft | null {
    if (mayReportExit(text)) {
      const exit = exitOrSignal(text);
      if (exit) {
        const d: Draft = {
          rule: exit.rule,
          severity: 'error',
          line: no,
          column: exit.index + 1 + columnOffset,
          endLine: no,
          message: exit.message,
          frames: [],
          evidence: singleLineEvidence(no, text),
        };
        if (exit.errorType) d.errorType = exit.errorType;
        if (exit.exitCode !== undefined) d.exitCode = exit.exitCode;
        if (exit.signal) d.signal = exit.signal;
        return d;
      }
    }
    if (!LEVEL_HINT.test(text) && !mayBeFormatError(text)) return null;
    const compiler = COMPILER_ERROR.exec(text);
    if (compiler && !/\s/.test(compiler[1] ?? ' ')) {
      const line = Number(compiler[2] ?? compiler[4]);
      const column = Number(compiler[3] ?? compiler[5]);
      return {
        rule: 'level_error',
        severity: 'error',
        line: no,
        column: 1 + columnOffset,
        endLine: no,
        message: compiler[6] ?? text,
        frames: [this.mapper.frame(compiler[1] ?? '', line, column)],
        evidence: singleLineEvidence(no, text),
      };
    }
    const level = detectErrorLevel(text);
    if (!level) return null;
    return {
      rule: 'level_error',
      severity: 'error',
      line: no,
      column: level.index + 1 + columnOffset,
      endLine: no,
      message: level.message,
      frames: [],
      evidence: singleLineEvidence(no, text),
    };
  }

  private matchUserPatterns(text: string, no: number): void {
    for (const p of this.patterns) {
      p.regex.lastIndex = 0;
      const m = p.regex.exec(text);
      if (!m) continue;
      const draft: Draft = {
        rule: 'user_pattern',
        severity: p.severity,
        line: no,
        column: m.index + 1,
        endLine: no,
        message: p.message ?? text.trim().slice(0, 300),
        frames: [],
        evidence: singleLineEvidence(no, text),
      };
      this.emit(draft, this.lineTs(text) ?? this.precedingTs());
    }
  }

  // ------------------------------------------------------------------ timestamps and output

  private lineTs(text: string): LineTimestamp | null {
    return parseLineTimestamp(text, this.tsCtx);
  }

  /** The nearest timestamp among the last LOOKBACK lines already seen, up to a blank line. */
  private precedingTs(): Inherited | null {
    const n = Math.min(this.recentCount, LOOKBACK);
    for (let i = 1; i <= n; i++) {
      const text = this.recent[(this.recentNext - i + LOOKBACK) % LOOKBACK] ?? '';
      if (text.trim() === '') return null;
      const ts = this.lineTs(text);
      if (ts) return { ...ts, inherited: true };
    }
    return null;
  }

  private emit(draft: Draft, ts: Inherited | null): void {
    if (this.reports && !this.reports(draft.line)) return;
    const f: LogFinding = {
      rule: draft.rule,
      severity: draft.severity,
      line: draft.line,
      column: draft.column,
      endLine: draft.endLine,
      message: draft.message,
      evidence: draft.evidence.render(),
      frames: draft.frames,
    };
    if (draft.errorType !== undefined) f.errorType = draft.errorType;
    if (draft.timestamp !== undefined) {
      f.timestamp = draft.timestamp;
      f.timestampZoned = true;
    } else if (ts) {
      f.timestamp = ts.ms;
      f.timestampZoned = ts.zoned;
      if (ts.inherited) f.timestampInherited = true;
    }
    if (draft.chain) f.chain = draft.chain;
    if (draft.exitCode !== undefined) f.exitCode = draft.exitCode;
    if (draft.signal !== undefined) f.signal = draft.signal;
    const room = this.findings.length < this.maxFindings;
    if (this.groups?.add(f, room) === 'repeat') return;
    if (!room) {
      this.omittedFindings++;
      return;
    }
    this.findings.push(f);
  }
}

/** Scans text already in memory (short logs, tests). */
export function scanLogText(text: string, opts: LogScannerOptions): LogFinding[] {
  const scanner = new LogScanner(opts);
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    if (nl === -1) {
      scanner.push(text.slice(start));
      break;
    }
    scanner.push(text.slice(start, nl));
    start = nl + 1;
  }
  return scanner.finish();
}

/**
 * Scans a byte or text stream (a file read stream from the new part of a log) line by line;
 * memory stays bounded by one cut line plus the findings.
 */
export async function scanLogStream(
  source: AsyncIterable<Uint8Array | string>,
  opts: LogScannerOptions,
): Promise<{ findings: LogFinding[]; linesSeen: number; omittedFindings: number }> {
  const scanner = new LogScanner(opts);
  const splitter = new LineSplitter(opts.maxLineLength ?? DEFAULT_MAX_LINE, (line, plain) => scanner.push(line, plain));
  for await (const chunk of source) splitter.write(chunk);
  splitter.end();
  const findings = scanner.finish();
  return { findings, linesSeen: scanner.linesSeen, omittedFindings: scanner.omittedFindings };
}
