/**
 * Decision steps from aider's `.aider.chat.history.md`.
 *
 * aider writes (see `InputOutput` in aider/io.py): `# aider chat started at <local time>` per
 * session, each user input line prefixed `#### `, assistant replies as plain markdown, and its
 * own messages, prompts and (in older versions, or for lint) command output as `> ` quotes,
 * each line ending in two spaces. Mapping:
 *   `#### <request>`                        -> plan (slash commands that only configure aider are skipped)
 *   `#### /run <cmd>`, `#### !<cmd>`,
 *   `> Running <cmd>`                       -> tool_call (tool `shell`); `/test` -> tool `test`
 *   `> ## Running: <lint cmd>`              -> tool_call (tool `lint`), its report -> tool_result (error)
 *   quoted lines after a command            -> tool_result, error when they read as a failed command
 *   assistant prose                         -> decision (first paragraph; reason from the prose)
 *   `> Applied edit to <file>`              -> action (tool `edit`); `> Commit <sha> <msg>` -> action (tool `git`)
 *   aider's own error messages              -> observation (error)
 * `Attempt to fix test/lint errors?` marks the command before it as failed. The history has
 * no per-message times: steps carry their session's start time, marked estimated.
 */
import { parseLineTimestamp } from '../logs/timestamps';
import { linkSequentialOutcomes, type ParsedFile, type RawStep } from './step';
import { clip, clipKeepTail, extractRationale, firstParagraph, looksLikeCommandFailure, proseOnly } from './text';

export interface AiderContext {
  year?: number;
  defaultZone?: 'local' | 'utc';
}

const SESSION = /^# aider chat started at (.+)$/;
const USER = /^####(?: (.*))?$/;
const QUOTE = /^>(?: (.*))?$/;
const FENCE = /^\s*(?:```|~~~)/;

// aider's own status lines: they end a command's output and are never part of it.
const AIDER_STATUS =
  /^(?:Add (?:the |command )?output to the chat\?|Add .* of (?:command )?output to the chat\?|Added \d+ lines? of output to the chat|Attempt to fix (?:lint|test) errors\?|Fix lint errors in |Tokens: |Applied edit to |Commit [0-9a-f]{7,40}\b|Running |## Running: |# Fix any errors below|Run shell commands?\?|You can use \/undo|Create new file\?|Allow edits to file|Add file to the chat\?|Added .* to the chat|Git repo: |Repo-map: |Main model: |Weak model: |Aider v\d|Only \d+ reflections allowed)/;
const AIDER_ERROR =
  /^(?:The LLM did not conform to the edit format|# \d+ SEARCH\/REPLACE blocks? failed to match|Failed to apply edit|Unable to |Error running command|Error: |.*\b(?:litellm|openai)\.\w*Error\b|.*: (?:unable to (?:read|write)|file not found error)\b|Malformed (?:response|edit))/i;
const CONFIG_COMMANDS =
  /^\/(?:add|drop|read-only|model|models|editor-model|weak-model|chat-mode|ask|code|architect|context|help|clear|reset|tokens|map|map-refresh|settings|multiline-mode|copy|copy-context|paste|voice|web|ls|diff|commit|git|exit|quit|report|save|load|think-tokens|reasoning-effort|editor|edit|lint|test|run|undo)\b/i;

type CallKind = 'shell' | 'test' | 'lint';

interface OpenCall {
  index: number;
  kind: CallKind;
  output: string[];
  outputLine: number;
  resultIndex?: number;
}

export function parseAiderHistory(text: string, ctx: AiderContext): ParsedFile {
  const lines = text.split(/\r?\n/);
  const steps: RawStep[] = [];
  let session: number | undefined;
  let assistant: { start: number; lines: string[] } | null = null;
  let inFence = false;
  let user: { start: number; lines: string[] } | null = null;
  let call: OpenCall | null = null;
  let lastCall: OpenCall | null = null;
  let errorGroup: { index: number } | null = null;
  // aider quotes only the first line of a multi-line message (a shell command's subject),
  // so unquoted lines straight after a quote still belong to it.
  let afterQuote = false;

  const push = (step: Omit<RawStep, 'time'>): number => {
    const full: RawStep = { ...step, time: null };
    if (session !== undefined) full.timeHint = session;
    steps.push(full);
    return steps.length - 1;
  };

  const closeCall = (): void => {
    if (!call) return;
    const output = call.output.join('\n').trim();
    if (output !== '') {
      const failed = call.kind === 'lint' || looksLikeCommandFailure(output);
      call.resultIndex = push({
        kind: 'tool_result',
        tool: call.kind,
        text: clipKeepTail(output),
        line: call.outputLine,
        status: failed ? 'error' : 'success',
      });
      steps[call.index]!.outcomeIndex = call.resultIndex;
    }
    lastCall = call;
    call = null;
  };

  const markFailed = (target: OpenCall | null, why: string): void => {
    if (!target) return;
    if (target.resultIndex !== undefined) steps[target.resultIndex]!.status = 'error';
    else steps[target.index]!.outcome = { status: 'error', text: why };
  };

  const openCall = (kind: CallKind, command: string, line: number): void => {
    closeCall();
    call = { index: push({ kind: 'tool_call', tool: kind, text: clip(command, 240), line }), kind, output: [], outputLine: line + 1 };
  };

  const flushAssistant = (): void => {
    if (!assistant) return;
    const body = assistant.lines.join('\n');
    const prose = proseOnly(body);
    const summary = firstParagraph(body);
    if (summary !== '') {
      const step: Omit<RawStep, 'time'> = { kind: 'decision', text: summary, line: assistant.start };
      const rationale = extractRationale(prose);
      if (rationale) step.rationale = rationale;
      push(step);
    }
    assistant = null;
    inFence = false;
  };

  const flushUser = (): void => {
    if (!user) return;
    const start = user.start;
    const message = user.lines
      .filter((l) => l.trim() !== '<blank>')
      .join('\n')
      .trim();
    user = null;
    if (message === '' || /\(Y\)es\/\(N\)o/.test(message)) return;
    const run = /^(?:\/run\s+|!)([\s\S]+)$/.exec(message);
    const test = /^\/test\s+([\s\S]+)$/.exec(message);
    const lint = /^\/lint\b\s*([\s\S]*)$/.exec(message);
    if (run?.[1]) openCall('shell', run[1].trim(), start);
    else if (test?.[1]) openCall('test', test[1].trim(), start);
    else if (lint) openCall('lint', lint[1]?.trim() || 'lint', start);
    else if (/^\/undo\b/.test(message)) push({ kind: 'action', tool: 'git', text: 'Undo the last aider commit', line: start });
    else {
      const chat = /^\/(?:ask|code|architect|context)\s+([\s\S]+)$/.exec(message);
      const request = chat?.[1] ?? (CONFIG_COMMANDS.test(message) || /^\/\S+$/.test(message) ? '' : message);
      if (request.trim() === '') return;
      const step: Omit<RawStep, 'time'> = { kind: 'plan', text: clip(request.replace(/\s+/g, ' ')), line: start };
      const rationale = extractRationale(request);
      if (rationale) step.rationale = rationale;
      push(step);
    }
  };

  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    const line = raw.replace(/\s+$/, '');

    if (assistant && inFence) {
      assistant.lines.push(line);
      if (FENCE.test(line)) inFence = false;
      return;
    }

    const sessionMatch = SESSION.exec(line);
    if (sessionMatch) {
      afterQuote = false;
      flushUser();
      flushAssistant();
      closeCall();
      lastCall = null;
      errorGroup = null;
      const ts = parseLineTimestamp(sessionMatch[1] ?? '', ctx);
      session = ts ? ts.ms : undefined;
      return;
    }

    const userMatch = USER.exec(line);
    if (userMatch) {
      afterQuote = false;
      flushAssistant();
      closeCall();
      errorGroup = null;
      if (!user) user = { start: lineNo, lines: [] };
      user.lines.push(userMatch[1] ?? '');
      return;
    }
    flushUser();

    const quote = QUOTE.exec(line);
    if (quote) {
      flushAssistant();
      afterQuote = true;
      handleQuote((quote[1] ?? '').trim(), lineNo);
      return;
    }
    if (afterQuote && line.trim() !== '') {
      if (call) call.output.push(line.trim());
      return;
    }
    afterQuote = false;

    if (line.trim() === '' && !assistant) return;
    closeCall();
    errorGroup = null;
    if (!assistant) assistant = { start: lineNo, lines: [] };
    assistant.lines.push(line);
    if (FENCE.test(line)) inFence = true;
  });

  function handleQuote(content: string, lineNo: number): void {
    if (call && !AIDER_STATUS.test(content)) {
      if (call.output.length === 0 && content === '') return;
      if (call.output.length === 0) call.outputLine = lineNo;
      call.output.push(content);
      return;
    }
    let m: RegExpExecArray | null;
    if ((m = /^Running (.+)$/.exec(content))) {
      openCall('shell', m[1]!, lineNo);
      return;
    }
    if ((m = /^## Running: (.+)$/.exec(content))) {
      openCall('lint', m[1]!, lineNo);
      return;
    }
    if (content === '' || /^# Fix any errors below/.test(content)) return;
    closeCall();
    if ((m = /^Applied edit to (.+)$/.exec(content))) {
      errorGroup = null;
      push({ kind: 'action', tool: 'edit', text: `Applied edit to ${m[1]!.trim()}`, line: lineNo });
      return;
    }
    if ((m = /^Commit ([0-9a-f]{7,40}) (.+)$/.exec(content))) {
      errorGroup = null;
      push({ kind: 'action', tool: 'git', text: `Commit ${m[1]!} ${m[2]!.trim()}`, line: lineNo });
      return;
    }
    if ((m = /^Attempt to fix (lint|test) errors\?/.exec(content))) {
      markFailed(lastCall, `aider reported ${m[1]!} errors`);
      return;
    }
    if ((m = /^Added (\d+) lines? of output to the chat/.exec(content))) {
      // `/test` only adds its output when the command exited non-zero.
      if (lastCall?.kind === 'test') markFailed(lastCall, 'the test command exited with a non-zero status');
      return;
    }
    if (AIDER_ERROR.test(content)) {
      if (errorGroup) {
        const step = steps[errorGroup.index]!;
        step.text = clip(`${step.text}\n${content}`, 600);
      } else {
        errorGroup = { index: push({ kind: 'observation', text: content, line: lineNo, status: 'error' }) };
      }
      return;
    }
    errorGroup = null;
  }

  flushUser();
  flushAssistant();
  closeCall();
  linkSequentialOutcomes(steps);
  return { format: 'aider', source: 'aider', steps, skippedLines: 0 };
}
