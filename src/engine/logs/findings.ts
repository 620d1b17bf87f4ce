/**
 * What the log detectors produce, and the bounded buffer that keeps the lines a finding
 * may quote as evidence (a 5,000-frame stack must not grow without bound).
 */
import type { Severity, StackFrame } from '../types';

export type LogRule =
  | 'python_traceback'
  | 'node_error'
  | 'java_exception'
  | 'go_panic'
  | 'rust_panic'
  | 'level_error'
  /** A command-line tool's own message (bash, curl, sqlite3, a test runner), see logs/tools/. */
  | 'tool_message'
  | 'exit_code'
  | 'signal'
  | 'user_pattern';

/** One exception of a chain, in the order the log printed them. */
export interface ChainLink {
  errorType: string;
  message: string;
  /** How this link relates to the one printed before it. */
  relation: 'first' | 'cause' | 'context' | 'suppressed';
}

export interface LogFinding {
  rule: LogRule;
  severity: Severity;
  /** 1-based, absolute in the file. */
  line: number;
  /** 1-based. */
  column: number;
  endLine: number;
  errorType?: string;
  message: string;
  /** The header line and the most useful following lines, at most 15 lines / 2,000 characters. */
  evidence: string;
  /** Innermost last, mapped to workspace-relative paths where they point into the workspace. */
  frames: StackFrame[];
  /** The line's own timestamp, else the nearest timestamp before it (or inside its block). */
  timestamp?: number;
  timestampZoned?: boolean;
  /** The timestamp was read from a neighbouring line (the log line before a trace, a line inside the block). */
  timestampInherited?: boolean;
  /** Every exception of a chained trace (Python `from`/context, Java `Caused by`, Node `[cause]`). */
  chain?: ChainLink[];
  /** For exit_code / signal findings. */
  exitCode?: number;
  signal?: string;
  /** Set when the same error (same signature) fired more than once in the file: how many times. */
  count?: number;
  /** With `count`: each occurrence, the first being this finding's own line (capped, see grouping). */
  occurrences?: LogOccurrence[];
  /** With `count`: many of the repeats fell within a short span. */
  burst?: boolean;
}

export interface LogOccurrence {
  line: number;
  /** The occurrence's time as the finding's own is found (its line, or the nearest before it). */
  timestamp?: number;
}

/** A finding as a detector sees it: evidence still as lines, no timestamp yet. */
export interface Draft {
  rule: LogRule;
  severity: Severity;
  line: number;
  /** 1-based column in the text the detector was given (the scanner adds any stripped prefix). */
  column: number;
  endLine: number;
  errorType?: string;
  message: string;
  frames: StackFrame[];
  chain?: ChainLink[];
  exitCode?: number;
  signal?: string;
  /** Epoch ms the detector read from a field of its own (journal entries), in place of the line's. */
  timestamp?: number;
  evidence: EvidenceBuffer;
}

export type FeedResult = 'consumed' | 'end' | 'abort';

/** A multi-line detector that owns the lines it consumes (so they fire nothing else). */
export interface LogBlock {
  /** `consumed`: the line belongs to the block; `end`: it does not and the block is over; `abort`: the block was a false start. */
  feed(text: string, no: number): FeedResult;
  /** The finding, once the block is over (or the input ended inside it). */
  finish(): Draft | null;
  /** For blocks that can abort: the lines after the opening one, scanned again. */
  readonly buffered?: readonly { text: string; no: number }[];
  /**
   * False for a report that never continues the log line right before it (a logger's message
   * before its trace): that line belongs to something else, as a test's captured output does.
   */
  readonly takesLineBefore?: boolean;
}

/** Lower is more worth quoting. */
export const Weight = {
  Header: 0,
  Key: 1,
  WorkspaceFrame: 2,
  Frame: 3,
  Other: 4,
  Noise: 6,
} as const;
export type Weight = (typeof Weight)[keyof typeof Weight];

interface EvidenceLine {
  no: number;
  text: string;
  weight: Weight;
}

const MAX_LINES = 15;
const MAX_CHARS = 2000;
const MAX_LINE_CHARS = 400;
/** Kept in full; beyond it only header, key and workspace-frame lines are kept. */
const KEEP_ALL = 150;
const KEEP_MAX = 400;

export class EvidenceBuffer {
  private readonly lines: EvidenceLine[] = [];

  add(no: number, text: string, weight: Weight): void {
    if (this.lines.length >= KEEP_MAX) return;
    if (this.lines.length >= KEEP_ALL && weight > Weight.WorkspaceFrame) return;
    this.lines.push({ no, text, weight });
  }

  /** Change the weight of the most recent line (a Python source line turns out to follow a workspace frame). */
  reweighLast(weight: Weight): void {
    const last = this.lines[this.lines.length - 1];
    if (last) last.weight = weight;
  }

  get size(): number {
    return this.lines.length;
  }

  /**
   * Picks the most useful lines: the header first, then exception/cause lines (the last ones
   * printed first, they name what finally failed), then workspace frames, then other frames.
   */
  render(): string {
    const order = this.lines
      .map((l, i) => ({ l, i }))
      .sort((a, b) => (a.l.weight !== b.l.weight ? a.l.weight - b.l.weight : a.l.weight === Weight.Key ? b.i - a.i : a.i - b.i));
    const chosen: { l: EvidenceLine; i: number }[] = [];
    let chars = 0;
    for (const c of order) {
      if (chosen.length >= MAX_LINES) break;
      const len = Math.min(c.l.text.length, MAX_LINE_CHARS) + 1;
      if (chars + len > MAX_CHARS) continue;
      chosen.push(c);
      chars += len;
    }
    // Log order; line numbers also place lines added out of order (an absorbed log line before its trace).
    chosen.sort((a, b) => a.l.no - b.l.no || a.i - b.i);
    return chosen.map((c) => (c.l.text.length > MAX_LINE_CHARS ? c.l.text.slice(0, MAX_LINE_CHARS - 1) + '…' : c.l.text)).join('\n');
  }
}

export function singleLineEvidence(no: number, text: string): EvidenceBuffer {
  const e = new EvidenceBuffer();
  e.add(no, text, Weight.Header);
  return e;
}

/** Well-known errno codes named in messages (`connect ECONNREFUSED 127.0.0.1:5432`). */
const ERRNO =
  /\b(E(?:CONNREFUSED|CONNRESET|CONNABORTED|TIMEDOUT|HOSTUNREACH|NETUNREACH|NOTFOUND|AI_AGAIN|ADDRINUSE|ADDRNOTAVAIL|PIPE|NOENT|ACCES|PERM|EXIST|ISDIR|NOTDIR|NOTEMPTY|NOSPC|DQUOT|MFILE|NFILE|NOMEM|ROFS|BUSY|AGAIN|INVAL|BADF|XDEV|LOOP|NAMETOOLONG|PROTO|CANCELED|SOCKETTIMEOUT))\b/;

export function errnoCode(text: string): string | undefined {
  return ERRNO.exec(text)?.[1];
}
