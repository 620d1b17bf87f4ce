/**
 * What the content scanners (secrets, constraints) share: their input and output shapes,
 * the time budget of one analysis, and the line bookkeeping of a scanned file.
 */
import { performance } from 'node:perf_hooks';
import type { Severity } from '../types';
import { redactLikelySecrets } from './redact';

/** Longest a single call of a user regex may run, unless the budget has less left. */
export const DEFAULT_REGEX_TIMEOUT_MS = 250;

/**
 * A changed text file. Lines are 1-based. Only lines `>= firstNewLine` are scanned, or only
 * `addedLines` when given (it wins over `firstNewLine`); with neither, every line is.
 */
export interface ContentFile {
  path: string;
  text: string;
  firstNewLine?: number;
  addedLines?: ReadonlySet<number>;
}

export interface ContentFinding {
  kind: 'secret' | 'constraint';
  /** `secretlint:<rule>`, `pattern:<name>` or the constraint's message. */
  rule: string;
  severity: Severity;
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
  endLine: number;
  /** Secrets redacted. */
  message: string;
  /** The line(s) of the finding, secrets redacted. */
  evidence: string;
  /** Raw secret, ONLY for feeding the analysis' Redactor; never serialise it. */
  secretValue?: string;
}

export interface ScanBudgetOptions {
  /** Cap of one user-regex call (a batch of lines); a line that alone exceeds it is reported as timed out. */
  regexTimeoutMs?: number;
}

/**
 * The time content scanning may take in one analysis, shared by every scanner, and the list
 * of what was left out because of it. Scanners check `expired` between files and patterns;
 * a user-regex call runs at most `regexTimeoutMs` (or what is left, if less), so one hostile
 * pattern cannot spend the whole budget.
 */
export class ScanBudget {
  readonly skipped: string[] = [];
  readonly regexTimeoutMs: number;
  private readonly deadline: number;
  private readonly seen = new Set<string>();

  constructor(ms: number, options: ScanBudgetOptions = {}) {
    this.deadline = performance.now() + Math.max(0, ms);
    this.regexTimeoutMs = Math.max(1, options.regexTimeoutMs ?? DEFAULT_REGEX_TIMEOUT_MS);
  }

  get expired(): boolean {
    return this.remainingMs <= 0;
  }

  get remainingMs(): number {
    return Math.max(0, this.deadline - performance.now());
  }

  /** Record something that was not (fully) scanned, in words a user can act on. Repeats are recorded once. */
  skip(what: string): void {
    if (this.seen.has(what)) return;
    this.seen.add(what);
    this.skipped.push(what);
  }
}

// ---------------------------------------------------------------- lines of a scanned file

/** Offsets of line starts, for turning a text offset into line and column. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** 1-based line of a 0-based offset. */
  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** Offset where a 1-based line starts. */
  startOf(line: number): number {
    return this.starts[line - 1] ?? this.text.length;
  }

  /** Offset where a 1-based line ends, before its line break (and a CR of a CRLF). */
  endOf(line: number): number {
    const next = this.starts[line];
    if (next === undefined) return this.text.length;
    return this.text[next - 2] === '\r' ? next - 2 : next - 1;
  }

  lineText(line: number): string {
    return this.text.slice(this.startOf(line), this.endOf(line));
  }
}

/** Whether a 1-based line of the file is to be scanned. */
export function isScannedLine(file: ContentFile, line: number): boolean {
  if (file.addedLines) return file.addedLines.has(line);
  return file.firstNewLine === undefined || line >= file.firstNewLine;
}

/** The scanned lines of a file, in order: 1-based number and text. */
export function scannedLines(file: ContentFile, index: LineIndex): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  const push = (line: number): void => {
    if (line >= 1 && line <= index.lineCount) out.push({ line, text: index.lineText(line) });
  };
  if (file.addedLines) {
    for (const line of [...file.addedLines].sort((a, b) => a - b)) push(line);
  } else {
    for (let line = Math.max(1, file.firstNewLine ?? 1); line <= index.lineCount; line++) push(line);
  }
  return out;
}

// ---------------------------------------------------------------- evidence

const EVIDENCE_BEFORE = 80;
const EVIDENCE_MAX = 240;

/**
 * An excerpt of `text` around `[start, end)`, from the start of its first line to the end of
 * its last, with that span replaced by `replacement` (a redacted secret, or itself), cut to a
 * readable length, passed through the generic secret safety net, and with control characters
 * (binary-looking content) shown as U+FFFD so the excerpt stays printable.
 */
export function excerpt(index: LineIndex, start: number, end: number, replacement: string): string {
  const first = index.lineOf(start);
  const last = index.lineOf(Math.max(start, end - 1));
  const lineStart = index.startOf(first);
  const lineEnd = Math.max(end, index.endOf(last));
  const before = index.text.slice(lineStart, start);
  const after = index.text.slice(end, lineEnd);
  const middle = replacement.length > EVIDENCE_MAX ? replacement.slice(0, EVIDENCE_MAX) + '…' : replacement;
  let head = before;
  if (head.length > EVIDENCE_BEFORE) head = '…' + head.slice(head.length - EVIDENCE_BEFORE);
  let tail = after;
  const room = Math.max(0, EVIDENCE_MAX - head.length - middle.length);
  if (tail.length > room) tail = tail.slice(0, room) + '…';
  const shown = redactLikelySecrets(head + middle + tail);
  return shown.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '\uFFFD');
}
