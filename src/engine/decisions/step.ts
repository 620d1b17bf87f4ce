/**
 * The parsers' common output: steps of one file, in file order, before they are merged
 * with other files, placed in time and given ids.
 */
import type { DecisionKind, DecisionOutcome, DecisionSource } from '../types';
import { clip, extractRationale, firstParagraph, proseOnly } from './text';

export type TranscriptFormat = 'aider' | 'claude-jsonl' | 'codex-jsonl' | 'chat-jsonl';
export type SourceFormat = 'markers' | TranscriptFormat;
export type StepStatus = DecisionOutcome['status'];

export interface RawStep {
  kind: DecisionKind;
  text: string;
  rationale?: string;
  /** 1-based line of the file where the step starts. */
  line: number;
  /** The step's own time, or null when the file does not say. */
  time: number | null;
  /** Best guess for a step without its own time (a session's start); else neighbours or the mtime are used. */
  timeHint?: number;
  tool?: string;
  /** For observations and tool results: whether they report a success or a failure. */
  status?: StepStatus;
  /** Index, in the same file's step list, of the observation or result that carries this step's outcome. */
  outcomeIndex?: number;
  /** An outcome known without a step of its own (a command whose output was not recorded). */
  outcome?: Omit<DecisionOutcome, 'decisionId'>;
}

export interface ParsedFile {
  format: SourceFormat;
  source: DecisionSource;
  steps: RawStep[];
  /** Lines that could not be read (malformed JSONL records). */
  skippedLines: number;
}

/** Parses a timestamp written as ISO text or epoch seconds / milliseconds; null when it is not one. */
export function parseRecordTime(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) {
    // Epoch seconds until the year 5138; anything larger is milliseconds.
    return value < 1e11 ? Math.round(value * 1000) : Math.round(value);
  }
  if (typeof value === 'string' && value.trim() !== '') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}

const RESULT_KINDS: readonly DecisionKind[] = ['observation', 'tool_result'];
const ACTION_KINDS: readonly DecisionKind[] = ['action', 'tool_call'];
const THINKING_KINDS: readonly DecisionKind[] = ['decision', 'plan'];

/**
 * Gives steps without an outcome the next observation or tool result of the file:
 * an action's before another action or call, a decision's or plan's before another
 * decision or plan. Tool calls are left alone: their results are paired by id.
 */
export function linkSequentialOutcomes(steps: RawStep[]): void {
  steps.forEach((step, i) => {
    if (step.kind === 'tool_call' || RESULT_KINDS.includes(step.kind)) return;
    if (step.outcomeIndex !== undefined || step.outcome) return;
    const isAction = ACTION_KINDS.includes(step.kind);
    const stopAt = isAction ? ACTION_KINDS : THINKING_KINDS;
    // A decision owns the result of the one action that carries it out; when several actions
    // follow before any result, the result answers the last of them, not the decision.
    let actions = 0;
    for (let j = i + 1; j < steps.length; j++) {
      const next = steps[j]!;
      if (RESULT_KINDS.includes(next.kind)) {
        step.outcomeIndex = j;
        return;
      }
      if (stopAt.includes(next.kind)) return;
      if (!isAction && ACTION_KINDS.includes(next.kind) && ++actions > 1) return;
    }
  });
}

// Text a harness injects into the user's turn (slash-command wrappers, reminders, interruptions,
// Codex's environment and instruction preambles) is not a request of the user.
const NOT_A_REQUEST =
  /^\s*(?:<(?:command-name|command-message|command-args|local-command-stdout|local-command-stderr|system-reminder|user-prompt-submit-hook|bash-input|bash-stdout|bash-stderr|environment_context|user_instructions|user_shell_command|turn_aborted)>|Caveat: The messages below were generated|\[Request interrupted by user|# AGENTS\.md instructions for )/;

/** A user's request as a plan step. */
export function pushRequest(steps: RawStep[], text: string, line: number, time: number | null): void {
  if (text.trim() === '' || NOT_A_REQUEST.test(text)) return;
  const step: RawStep = { kind: 'plan', text: clip(text.replace(/\s+/g, ' ')), line, time };
  const rationale = extractRationale(proseOnly(text));
  if (rationale) step.rationale = rationale;
  steps.push(step);
}

/** The assistant's prose or reasoning as a decision step: its first paragraph, and the reason it gives. */
export function pushProse(steps: RawStep[], text: string, line: number, time: number | null): void {
  // Reasoning summaries open with a bold title ("**Running the migration**"); the paragraph after it says more.
  const untitled = text.replace(/^\s*\*\*[^*\n]+\*\*\s*\n\s*\n(?=\s*\S)/, '');
  const plain = untitled.replace(/\*\*/g, '');
  const summary = firstParagraph(plain);
  if (summary === '') return;
  const step: RawStep = { kind: 'decision', text: summary, line, time };
  const rationale = extractRationale(proseOnly(plain));
  if (rationale) step.rationale = rationale;
  steps.push(step);
}
