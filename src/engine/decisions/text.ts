/**
 * Text helpers shared by the decision-chain parsers: shortening, reading a reason out of a
 * sentence, telling a failure from a success, and rendering a tool's input as one short line.
 */

const TEXT_LIMIT = 400;

/** Cuts `text` to `max` characters on one line-normalised string. */
export function clip(text: string, max = TEXT_LIMIT): string {
  const t = text.trim();
  return t.length <= max ? t : `${t.slice(0, max - 1).trimEnd()}…`;
}

/**
 * Shortens tool output keeping both ends: a traceback names the error on its last line,
 * so the tail is worth more than the middle.
 */
export function clipKeepTail(text: string, head = 240, tail = 560): string {
  const t = text.trim();
  if (t.length <= head + tail + 5) return t;
  return `${t.slice(0, head).trimEnd()}\n…\n${t.slice(t.length - tail).trimStart()}`;
}

/** The first paragraph of markdown prose, skipping code fences and headings. */
export function firstParagraph(text: string, max = TEXT_LIMIT): string {
  const out: string[] = [];
  let inFence = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (/^(```|~~~)/.test(line)) {
      inFence = !inFence;
      if (out.length > 0) break;
      continue;
    }
    if (inFence) continue;
    if (line === '') {
      if (out.length > 0) break;
      continue;
    }
    if (/^#{1,6}\s/.test(line) && out.length === 0) continue;
    out.push(line);
  }
  return clip(out.join(' '), max);
}

/** Prose of a markdown text without its fenced code, for reading reasons out of it. */
export function proseOnly(text: string): string {
  const out: string[] = [];
  let inFence = false;
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*(```|~~~)/.test(raw)) {
      inFence = !inFence;
      continue;
    }
    if (!inFence) out.push(raw);
  }
  return out.join('\n');
}

// "since" also introduces a point in time ("failing since May"), which is not a reason.
const SINCE_TIME =
  /^since\s+(?:\d|then\b|yesterday\b|today\b|last\b|early\b|the\s+(?:start|beginning|last|previous)\b|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|v?\d)/i;
const REASON = /\b(because|since|so that|due to|given that|in order to|as a result of)\b/gi;
const EXPLICIT_REASON = /\b(?:reason|rationale|why)\s*:\s*(.+)/i;

/**
 * The reason a step states for itself, from its connective ("because ...", "since ...",
 * "so that ...", "due to ...") to the end of that sentence; undefined when none is stated.
 */
export function extractRationale(text: string): string | undefined {
  const flat = text.replace(/\s+/g, ' ').trim();
  const explicit = EXPLICIT_REASON.exec(flat);
  if (explicit?.[1]) return clip(endOfSentence(explicit[1]), 300);
  REASON.lastIndex = 0;
  for (let m = REASON.exec(flat); m; m = REASON.exec(flat)) {
    const rest = flat.slice(m.index);
    if (m[1]?.toLowerCase() === 'since' && SINCE_TIME.test(rest)) continue;
    const reason = endOfSentence(rest);
    // A connective with nothing after it ("... because.") states no reason.
    if (reason.split(' ').length >= 3) return clip(reason, 300);
  }
  return undefined;
}

function endOfSentence(text: string): string {
  // A full stop ends the sentence only when followed by space and not inside a file name.
  const m = /[.!?](?=\s|$)/.exec(text);
  return (m ? text.slice(0, m.index) : text).trim();
}

// Phrases that mention errors while reporting that there were none.
const NO_ERROR =
  /\b(?:no|0|zero|without(?:\s+any)?)\s+(?:errors?|failures?|exceptions?|problems?|issues?|warnings?)\b|\berror[- ]free\b|\b0 failed\b|\bfailed:?\s*0\b|\berrors?:\s*0\b|\bsucceeded\b/gi;
const FAILURE =
  /\bTraceback \(most recent call last\)|\b[A-Z]\w*(?:Error|Exception)\b|\berror\b|\bexception\b|\bfail(?:ed|s|ure|ing)?\b|\bfatal\b|\bpanic(?:ked)?\b|\bdenied\b|\brefused\b|\bnot found\b|\bno such file\b|\bcannot\b|\bcan't\b|\bunable to\b|\btimed? ?out\b|\bexit(?:ed)?(?: with)? (?:code|status):? ?[1-9]\d*\b|\bnon-zero exit\b|\bsegmentation fault\b|\bcrash(?:ed)?\b|\baborted\b/i;

/** Whether a free-text observation reads as a failure ("export failed with KeyError"). */
export function looksLikeFailure(text: string): boolean {
  return FAILURE.test(text.replace(NO_ERROR, ' '));
}

const COMMAND_FAILURE =
  /Traceback \(most recent call last\)|^\s*(?:[\w.]+\.)?[A-Z]\w*(?:Error|Exception)\b|^\s*Error:|^\s*error(?:\[\w+\])?:|\bcommand not found\b|\bexit(?:ed)?(?: with)? (?:code|status):? ?[1-9]\d*\b|^Exit code:? [1-9]|\bProcess exited with code [1-9]|\bnpm ERR!|^FAILED\b|^\s*fatal:|\bSegmentation fault\b|\bPermission denied\b|\bNo such file or directory\b|\b[1-9]\d* (?:failed|errors?)\b/im;

/**
 * Whether a command's output shows that it failed. Stricter than `looksLikeFailure`
 * because ordinary output often contains the word "error" (a file named errors.py, a log).
 */
export function looksLikeCommandFailure(text: string): boolean {
  return COMMAND_FAILURE.test(text.replace(NO_ERROR, ' '));
}

const ERROR_LINE = /\b[A-Z]\w*(?:Error|Exception)\b|\berror\b|\bfail|\bfatal\b|not found|denied|refused|exit code|exited/i;

/**
 * One line standing for an output: for a failure the line that best says what went wrong
 * (the last error-looking one, where tracebacks put the exception), otherwise the first line.
 */
export function summaryLine(text: string, failed: boolean, max = 200): string {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && l !== '…');
  for (let i = lines.length - 1; failed && i >= 0; i--) {
    const line = lines[i];
    if (line !== undefined && ERROR_LINE.test(line) && !/^File "/.test(line)) return clip(line, max);
  }
  return clip(lines[0] ?? '', max);
}

const SHELL_TOOLS =
  /^(?:bash|shell|sh|zsh|exec_command|local_shell|run_terminal_cmd|run_command|run_shell(?:_command)?|shell_exec|execute_bash|terminal|execute_command|container\.exec)$/i;

/** Whether a tool runs shell commands, so that its output can be judged by exit codes and error text. */
export function isShellTool(name: string): boolean {
  return SHELL_TOOLS.test(name);
}

const PATH_KEYS = ['file_path', 'path', 'notebook_path', 'filename', 'file', 'target_file'];
const COMMAND_KEYS = ['command', 'cmd', 'script'];

/**
 * One short line for a tool's input: the command line for shell tools, the file (and
 * pattern) for file tools, otherwise compact JSON.
 */
export function renderToolInput(input: unknown): string {
  if (typeof input === 'string') return clip(firstLines(input), 240);
  if (!isRecord(input)) return '';
  for (const key of COMMAND_KEYS) {
    const cmd = renderCommand(input[key]);
    if (cmd) return clip(cmd, 240);
  }
  for (const key of PATH_KEYS) {
    const p = input[key];
    if (typeof p === 'string' && p !== '') {
      const pattern = typeof input['pattern'] === 'string' ? `${input['pattern']} in ` : '';
      return clip(pattern + p, 240);
    }
  }
  let json: string;
  try {
    json = JSON.stringify(input);
  } catch {
    json = '';
  }
  return clip(json, 160);
}

/**
 * A command given as a string or an argv array; `bash -lc "<script>"` wrappers (as Codex
 * records its shell calls) render as the script itself.
 */
export function renderCommand(cmd: unknown): string | undefined {
  if (typeof cmd === 'string') return cmd.trim() === '' ? undefined : firstLines(cmd);
  if (Array.isArray(cmd) && cmd.every((a): a is string => typeof a === 'string') && cmd.length > 0) {
    const [exe, flag, script] = cmd;
    if (cmd.length === 3 && exe && /(?:^|\/)(?:ba|z|da)?sh$/.test(exe) && flag && /^-\w*c$/.test(flag) && script) {
      return firstLines(script);
    }
    return cmd.map((a) => (/[\s"']/.test(a) ? JSON.stringify(a) : a)).join(' ');
  }
  return undefined;
}

function firstLines(text: string): string {
  const lines = text.trim().split(/\r?\n/);
  return lines.length <= 3 ? lines.join(' ; ') : `${lines.slice(0, 3).join(' ; ')} ; …`;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Text of a message content that is a string or an array of `{type:'text'|'input_text'|..., text}` parts. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const parts: string[] = [];
  for (const part of content) {
    if (typeof part === 'string') parts.push(part);
    else if (isRecord(part) && typeof part['text'] === 'string') parts.push(part['text']);
  }
  return parts.join('\n');
}

export interface ToolResultFacts {
  /** The transcript's own error flag (`is_error`, `success: false`). */
  isError?: boolean;
  /** Exit code from the result's metadata. */
  exitCode?: number;
}

const EXIT_CODE = /^(?:Exit code:?|Process exited with code)\s*(-?\d+)/im;

/** An exit code written into a result's text (`Exit code: 1`, `Process exited with code 2`). */
export function exitCodeInText(text: string): number | undefined {
  const m = EXIT_CODE.exec(text);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

const TOOL_ERROR_START = /^\s*(?:error\b|failed\b|failure\b|fatal\b|exception\b|[\w.]*(?:Error|Exception):)|\bverification failed\b/i;

/**
 * Whether a tool result is a failure: the transcript's flag or an exit code decide when
 * present; otherwise a shell tool's output is read for error text, and any other tool's
 * result only counts when it starts by saying so (a file that was read may well mention errors).
 */
export function judgeToolResult(tool: string | undefined, text: string, facts: ToolResultFacts): StepStatusLike {
  if (facts.isError === true) return 'error';
  const exit = facts.exitCode ?? exitCodeInText(text);
  if (exit !== undefined) return exit === 0 ? 'success' : 'error';
  if (facts.isError === false && tool !== undefined && !isShellTool(tool)) return 'success';
  if (tool === undefined || isShellTool(tool)) return looksLikeCommandFailure(text) ? 'error' : 'success';
  return TOOL_ERROR_START.test(text) ? 'error' : 'success';
}

type StepStatusLike = 'success' | 'error';
