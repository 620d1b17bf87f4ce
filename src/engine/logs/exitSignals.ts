/**
 * Process ends reported in logs: non-zero exit codes (runners, shells, make, IDEs, systemd)
 * and deaths by signal (the shell's "Killed", "Segmentation fault (core dumped)", exit codes
 * 128+N). Exit codes above 128 are explained as the signal they stand for.
 */
import type { LogRule } from './findings';

/** Linux signal numbers. */
const SIGNAL_NAMES: Record<number, string> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  3: 'SIGQUIT',
  4: 'SIGILL',
  5: 'SIGTRAP',
  6: 'SIGABRT',
  7: 'SIGBUS',
  8: 'SIGFPE',
  9: 'SIGKILL',
  10: 'SIGUSR1',
  11: 'SIGSEGV',
  12: 'SIGUSR2',
  13: 'SIGPIPE',
  14: 'SIGALRM',
  15: 'SIGTERM',
  24: 'SIGXCPU',
  25: 'SIGXFSZ',
};

const SIGNAL_MEANING: Record<string, string> = {
  SIGKILL: 'killed by SIGKILL, typically the out-of-memory killer or a timeout',
  SIGSEGV: 'segmentation fault (invalid memory access)',
  SIGABRT: 'aborted (SIGABRT), e.g. a failed assertion or a runtime giving up such as a heap exhaustion',
  SIGTERM: 'terminated by SIGTERM, it was asked to stop',
  SIGINT: 'interrupted by SIGINT (Ctrl-C)',
  SIGBUS: 'bus error (SIGBUS)',
  SIGFPE: 'arithmetic fault (SIGFPE)',
  SIGILL: 'illegal instruction (SIGILL)',
  SIGPIPE: 'broken pipe (SIGPIPE)',
  SIGHUP: 'hung up (SIGHUP)',
  SIGQUIT: 'quit (SIGQUIT)',
  SIGXCPU: 'CPU time limit exceeded (SIGXCPU)',
  SIGXFSZ: 'file size limit exceeded (SIGXFSZ)',
};

/** The words a shell prints for a child that died by a signal (strsignal texts). */
const SHELL_SIGNAL_WORDS: Record<string, string> = {
  Killed: 'SIGKILL',
  'Segmentation fault': 'SIGSEGV',
  Aborted: 'SIGABRT',
  'Bus error': 'SIGBUS',
  'Illegal instruction': 'SIGILL',
  'Floating point exception': 'SIGFPE',
  Terminated: 'SIGTERM',
  Hangup: 'SIGHUP',
  Quit: 'SIGQUIT',
  'Trace/breakpoint trap': 'SIGTRAP',
  'CPU time limit exceeded': 'SIGXCPU',
  'File size limit exceeded': 'SIGXFSZ',
};
const SHELL_WORDS_ALT = Object.keys(SHELL_SIGNAL_WORDS)
  .map((w) => w.replace(/[/]/g, '\\/'))
  .join('|');

/**
 * `Killed`, `Segmentation fault (core dumped)`, `bash: line 1:  1234 Killed    cmd`,
 * `[1]+  Killed   cmd`: the word alone or after a shell's `name: line N: pid` prefix, with the
 * command after a wide gap. Prose such as "Killed 3 stale workers" has no such shape.
 */
const SHELL_SIGNAL = new RegExp(
  `^(?:[\\w./-]+: (?:line \\d+: +)?(?:\\d+ +)?|\\[\\d+\\][+-]? +|\\d+ +)?(${SHELL_WORDS_ALT})(?: \\(core dumped\\))?(?: {2,}\\S.*)?\\s*$`,
);
/** `make: *** [Makefile:4: three] Error 3` / `make[1]: *** [all] Killed`. */
const MAKE = new RegExp(`^g?make(?:\\[\\d+\\])?: \\*\\*\\* \\[(.+?)\\] (?:Error (\\d+)|(${SHELL_WORDS_ALT}))(?: \\(core dumped\\))?`);
const SIGNAL_PHRASES: RegExp[] = [
  /\b(?:terminated|killed|exited|stopped|died|interrupted) (?:by|due to|with|on) signal:? ?(SIG[A-Z0-9]+|\d{1,2})\b/i,
  /\bsignal: (killed|terminated|segmentation fault|aborted|interrupt)\b/, // Go's os/exec ExitError
  /\bdied with <Signals\.(SIG[A-Z0-9]+): \d+>/, // Python's CalledProcessError
  /\bcode=(?:killed|dumped), status=(\d{1,2})\/[A-Z]+/, // systemd
];
const GO_SIGNAL_WORDS: Record<string, string> = {
  killed: 'SIGKILL',
  terminated: 'SIGTERM',
  'segmentation fault': 'SIGSEGV',
  aborted: 'SIGABRT',
  interrupt: 'SIGINT',
};
const EXIT_PHRASES: RegExp[] = [
  /\bexit(?:ed)? with (?:exit |return )?(?:code|status)[ :=]*(-?\d+)/i,
  /\b(?:exit|return) (?:code|status)\b[ :=]*(-?\d+)/i,
  /\breturned non-zero exit status (-?\d+)/i,
  /\bcode=exited, status=(\d+)/,
];

export interface ExitReport {
  rule: Extract<LogRule, 'exit_code' | 'signal'>;
  /** 0-based. */
  index: number;
  message: string;
  errorType?: string;
  exitCode?: number;
  signal?: string;
}

function signalName(token: string): string | undefined {
  if (/^\d+$/.test(token)) return SIGNAL_NAMES[Number(token)];
  const upper = token.toUpperCase();
  return upper.startsWith('SIG') ? upper : undefined;
}

function signalReport(index: number, signal: string, text: string, exitCode?: number): ExitReport {
  const meaning = SIGNAL_MEANING[signal] ?? `killed by ${signal}`;
  const r: ExitReport = { rule: 'signal', index, message: `${text.trim()} (${meaning})`, errorType: signal, signal };
  if (exitCode !== undefined) r.exitCode = exitCode;
  return r;
}

function exitReport(index: number, code: number, text: string): ExitReport | null {
  if (code === 0) return null;
  // Shells report death by signal N as 128+N (Docker and CI runners too), Python as -N.
  const signal = code > 128 && code < 160 ? SIGNAL_NAMES[code - 128] : code < 0 ? SIGNAL_NAMES[-code] : undefined;
  if (signal)
    return signalReport(
      index,
      signal,
      `${text.trim()}: exit code ${code} = ${code < 0 ? '-' : '128 + '}${Math.abs(code < 0 ? code : code - 128)}`,
      code,
    );
  return { rule: 'exit_code', index, message: text.trim(), exitCode: code };
}

/** Exit and signal reports in one line, or null. */
export function exitOrSignal(text: string): ExitReport | null {
  const make = MAKE.exec(text);
  if (make) {
    if (make[2] !== undefined) return exitReport(0, Number(make[2]), text);
    const signal = SHELL_SIGNAL_WORDS[make[3] ?? ''];
    if (signal) return signalReport(0, signal, text);
  }
  const shell = SHELL_SIGNAL.exec(text);
  if (shell) {
    const signal = SHELL_SIGNAL_WORDS[shell[1] ?? ''];
    if (signal) return signalReport(text.indexOf(shell[1] ?? ''), signal, text);
  }
  for (const re of SIGNAL_PHRASES) {
    const m = re.exec(text);
    if (!m) continue;
    const token = m[1] ?? '';
    const signal = GO_SIGNAL_WORDS[token] ?? signalName(token);
    if (signal) return signalReport(m.index, signal, text);
  }
  for (const re of EXIT_PHRASES) {
    const m = re.exec(text);
    if (m) return exitReport(m.index, Number(m[1]), text);
  }
  return null;
}

/**
 * Substrings one of which every line {@link mayReportExit} accepts contains: its own, and the
 * shell's signal words (which it only takes in the anchored shell shape). Lets a caller fold
 * this pre-check into one of its own.
 */
export const EXIT_HINTS: readonly string[] = ['xit', 'XIT', 'tatus', 'ignal', 'eturn code', '***', ...Object.keys(SHELL_SIGNAL_WORDS)];

/**
 * Cheap pre-check so most log lines skip the regexes above: every phrase contains one of these
 * substrings, and the shell's signal words only count in the anchored shell shape.
 */
export function mayReportExit(text: string): boolean {
  return (
    text.includes('xit') ||
    text.includes('XIT') ||
    text.includes('tatus') ||
    text.includes('ignal') ||
    text.includes('eturn code') ||
    text.includes('***') ||
    SHELL_SIGNAL.test(text)
  );
}
