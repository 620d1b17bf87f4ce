/**
 * User regexes (constraints, extra secret patterns, log patterns) come from config files and
 * may backtrack for ever (`(a+)+$`). A regex exec cannot be interrupted from its own thread,
 * but V8 does honour a termination request in the middle of backtracking, and `vm` raises one
 * when a script's `timeout` elapses. So every match runs inside a `vm` script with a timeout,
 * over a batch of lines per call to keep the cost of the watchdog low.
 */
import vm from 'node:vm';
import { InputError } from '../errors';
import { DEFAULT_REGEX_TIMEOUT_MS } from './scanBudget';

export interface RegexMatch {
  /** 0-based UTF-16 offset of the match in the line. */
  index: number;
  text: string;
  /** Capture groups 1..n (`undefined` when a group did not take part). */
  groups: (string | undefined)[];
  /** `[start, end)` of each capture group, parallel to `groups`. */
  groupSpans: ([number, number] | undefined)[];
}

export type ScanMode = 'test' | 'first' | 'all';

export interface LineScanOptions {
  /** `test`: one empty-handed match per matching line; `first`: first match; `all`: every match. */
  mode: ScanMode;
  /** Cap of one call; a line that alone runs this long is reported as timed out. */
  timeoutMs?: number;
  /** Time left overall (the scan budget); no call runs past it. */
  remainingMs?: () => number;
  /** Cap on matches per line in `all` mode. */
  maxMatchesPerLine?: number;
}

export interface LineScanResult {
  /** Matches by index into the input array, in line order; lines without a match are absent. */
  matches: { line: number; matches: RegexMatch[] }[];
  /**
   * Set when the scan stopped early: `timeout` when the line at `line` alone ran past the
   * per-call timeout (the pattern is to blame), `budget` when the overall time ran out first.
   */
  stopped?: { line: number; reason: 'timeout' | 'budget' };
}

/** A pattern ran past its time limit on one line. */
export class RegexTimeoutError extends Error {
  constructor(
    readonly source: string,
    readonly timeoutMs: number,
  ) {
    super(`regex /${source}/ timed out after ${timeoutMs} ms`);
    this.name = 'RegexTimeoutError';
  }
}

/** Raw match as the sandboxed scanner records it: [line, index, text, groups, spans]. */
type RawMatch = [number, number, string, (string | undefined)[], ([number, number] | undefined)[]];

/** Shared between this realm and the scanner: written by the scanner as it goes, so progress survives a timeout. */
interface ScanState {
  re: RegExp;
  lines: readonly string[];
  from: number;
  to: number;
  mode: ScanMode;
  max: number;
  at: number;
  out: RawMatch[];
}

// Runs inside the vm context. It only reads the state handed over and calls the regex; no user text is ever evaluated as code.
const SCANNER_SOURCE = `
'use strict';
(function (s) {
  const re = s.re;
  for (let i = s.from; i < s.to; i++) {
    s.at = i;
    const line = s.lines[i];
    if (s.mode === 'test') {
      if (re.test(line)) s.out.push([i, 0, '', [], []]);
      continue;
    }
    re.lastIndex = 0;
    let n = 0;
    let m;
    while (n < s.max && (m = re.exec(line)) !== null) {
      const groups = [];
      const spans = [];
      for (let g = 1; g < m.length; g++) {
        groups.push(m[g]);
        const d = m.indices && m.indices[g];
        spans.push(d ? [d[0], d[1]] : undefined);
      }
      s.out.push([i, m.index, m[0], groups, spans]);
      n++;
      if (s.mode === 'first') break;
      if (m[0].length === 0) re.lastIndex++;
    }
  }
  s.at = s.to;
})(state);
`;

let sandbox: { context: vm.Context; script: vm.Script } | undefined;

function getSandbox(): { context: vm.Context; script: vm.Script } {
  // Code generation is off inside the sandbox: nothing in there needs eval.
  sandbox ??= {
    context: vm.createContext(Object.create(null) as object, { codeGeneration: { strings: false, wasm: false } }),
    script: new vm.Script(SCANNER_SOURCE, { filename: 'incident-replay-regex-sandbox.js' }),
  };
  return sandbox;
}

/** Batches are cut by size so that a legitimate pattern finishes a batch far inside the timeout. */
const BATCH_CHARS = 256 * 1024;
const BATCH_LINES = 4096;

const ALLOWED_FLAGS = /^[dgimsuvy]*$/;

export class SafeRegex {
  /** For `test`: no `g`, so no `lastIndex` state between lines. */
  private readonly plain: RegExp;
  /** For `exec` / `matchAll`: global with indices, for group positions. */
  private readonly global: RegExp;

  constructor(
    readonly source: string,
    readonly flags: string,
  ) {
    const base = [...new Set(flags.replace(/[gyd]/g, ''))].join('');
    this.plain = new RegExp(source, base);
    this.global = new RegExp(source, base + 'gd');
  }

  /** Whether the line matches; throws `RegexTimeoutError` when the pattern runs too long. */
  test(line: string, timeoutMs = DEFAULT_REGEX_TIMEOUT_MS): boolean {
    return this.single(line, 'test', timeoutMs, 1).length > 0;
  }

  /** First match in the line, or null; throws `RegexTimeoutError` when the pattern runs too long. */
  exec(line: string, timeoutMs = DEFAULT_REGEX_TIMEOUT_MS): RegexMatch | null {
    return this.single(line, 'first', timeoutMs, 1)[0] ?? null;
  }

  /** Every match in the line (at most `limit`); throws `RegexTimeoutError` when the pattern runs too long. */
  matchAll(line: string, timeoutMs = DEFAULT_REGEX_TIMEOUT_MS, limit = 1000): RegexMatch[] {
    return this.single(line, 'all', timeoutMs, limit);
  }

  /**
   * Match many lines, a batch per sandbox call. When a call times out, the lines it finished
   * are kept and the scan resumes at the line it was on, in a fresh call; only a line that
   * times out at the start of a call is blamed, so a slow batch never blames an innocent line.
   */
  scanLines(lines: readonly string[], options: LineScanOptions): LineScanResult {
    const timeoutMs = Math.max(1, options.timeoutMs ?? DEFAULT_REGEX_TIMEOUT_MS);
    const max = options.mode === 'all' ? Math.max(1, options.maxMatchesPerLine ?? 1000) : 1;
    const raw: RawMatch[] = [];
    let stopped: LineScanResult['stopped'];
    let from = 0;
    while (from < lines.length) {
      const remaining = options.remainingMs ? options.remainingMs() : Infinity;
      if (remaining <= 0) {
        stopped = { line: from, reason: 'budget' };
        break;
      }
      const limit = Math.max(1, Math.floor(Math.min(timeoutMs, remaining)));
      const to = batchEnd(lines, from);
      const state = this.run(lines, from, to, options.mode, max, limit);
      raw.push(...state.out);
      if (state.at >= to) {
        from = to;
        continue;
      }
      if (state.at > from) {
        from = state.at; // progress was made: give the line it was on a call of its own
        continue;
      }
      stopped = { line: from, reason: limit < timeoutMs ? 'budget' : 'timeout' };
      break;
    }
    return stopped ? { matches: groupByLine(raw), stopped } : { matches: groupByLine(raw) };
  }

  private single(line: string, mode: ScanMode, timeoutMs: number, max: number): RegexMatch[] {
    const limit = Math.max(1, Math.floor(timeoutMs));
    const state = this.run([line], 0, 1, mode, max, limit);
    if (state.at < 1) throw new RegexTimeoutError(this.source, limit);
    return state.out.map(toMatch);
  }

  /** One sandbox call; returns the state as far as the call got (`at` < `to` means it was stopped). */
  private run(lines: readonly string[], from: number, to: number, mode: ScanMode, max: number, timeoutMs: number): ScanState {
    const { context, script } = getSandbox();
    const state: ScanState = { re: mode === 'test' ? this.plain : this.global, lines, from, to, mode, max, at: from, out: [] };
    context['state'] = state;
    try {
      script.runInContext(context, { timeout: timeoutMs, breakOnSigint: false });
    } catch (err) {
      if (!isTimeout(err)) throw err;
      // The line being matched when the call was stopped may have recorded matches already; they are incomplete.
      state.out = state.out.filter((m) => m[0] < state.at);
    } finally {
      context['state'] = undefined;
    }
    return state;
  }
}

function isTimeout(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT';
}

function batchEnd(lines: readonly string[], from: number): number {
  let chars = 0;
  let to = from;
  while (to < lines.length && to - from < BATCH_LINES) {
    chars += (lines[to] ?? '').length;
    to++;
    if (chars >= BATCH_CHARS) break;
  }
  return to;
}

/** Rebuilt in this realm: arrays made inside the sandbox have the sandbox's prototypes. */
function toMatch(raw: RawMatch): RegexMatch {
  return {
    index: raw[1],
    text: raw[2],
    groups: Array.from(raw[3]),
    groupSpans: Array.from(raw[4], (span): [number, number] | undefined => (span ? [span[0], span[1]] : undefined)),
  };
}

function groupByLine(raw: RawMatch[]): LineScanResult['matches'] {
  const out: LineScanResult['matches'] = [];
  for (const m of raw) {
    const last = out[out.length - 1];
    if (last && last.line === m[0]) last.matches.push(toMatch(m));
    else out.push({ line: m[0], matches: [toMatch(m)] });
  }
  return out;
}

/**
 * Compile a regex from configuration. Syntax errors become an `InputError` naming the pattern
 * (`what`, e.g. `constraint "no eval"`) so the user knows which entry to fix. `g`, `y` and `d`
 * are accepted and ignored: matching is always per line.
 */
export function compileUserRegex(source: string, flags = '', what = 'pattern'): SafeRegex {
  if (!ALLOWED_FLAGS.test(flags)) {
    throw new InputError(`invalid regex flags "${flags}" in ${what} /${source}/: use only d, g, i, m, s, u, v, y`);
  }
  try {
    return new SafeRegex(source, flags);
  } catch (err) {
    const raw = err instanceof Error ? err.message : String(err);
    // V8 repeats the pattern in its message; keep only the reason.
    const reason = raw.replace(/^Invalid regular expression: \/[\s\S]*\/[a-z]*: /, '');
    throw new InputError(`invalid regex in ${what} /${source}/: ${reason}; fix the pattern in the config file`);
  }
}

/** Cut lines to `maxLineLength` before user patterns see them; returns how many were cut. */
export function cutLongLines(lines: readonly string[], maxLineLength: number): { lines: string[]; cut: number } {
  let cut = 0;
  const out = lines.map((line) => {
    if (line.length <= maxLineLength) return line;
    cut++;
    return line.slice(0, maxLineLength);
  });
  return { lines: out, cut };
}
