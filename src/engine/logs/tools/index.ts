/**
 * Messages of common command-line tools, which carry no log level: bash and sh, curl, sqlite3
 * and psql, test runners (TAP, pytest, jest, JUnit, Gradle), compilers, make, docker, pip. Each
 * becomes one finding with the file:line the tool names as a frame, so the root-cause engine can
 * tie the failure to the script, data file or test it ran.
 */
import { type Draft, type FeedResult, type LogBlock, singleLineEvidence } from '../findings';
import { buildMessage } from './build';
import { curlMessage } from './curl';
import { databaseMessage } from './database';
import type { FrameOf, ToolHit } from './hit';
import { shellMessage } from './shell';
import { TapFailureBlock, isTapFailure, testRunnerMessage } from './tests';

/**
 * Every recognised message contains one of these; a line with none takes the scanner's quiet
 * path. Kept as plain substrings and a few anchored shapes so the check stays cheap.
 */
const HINT =
  /not found|No such file|Permission denied|unbound variable|syntax error|bad substitution|ambiguous redirect|expression expected|Is a directory|cannot execute|curl: \(|error near line|^Error: |INSERT failed|expected \d+ columns|^psql:|^not ok |^\s+not ok |^FAILED |^ERROR |\u25cf|FAILED$|Tests run: |: error: |\*\*\* |Error response from daemon|ERROR: /;

export function mayBeToolMessage(text: string): boolean {
  return HINT.test(text);
}

function toolHit(text: string): ToolHit | null {
  return curlMessage(text) ?? shellMessage(text) ?? databaseMessage(text) ?? testRunnerMessage(text) ?? buildMessage(text);
}

/** A one-line finding, as a block so it takes the scanner's block path (and its timestamp search). */
class ToolLineBlock implements LogBlock {
  constructor(private readonly draft: Draft) {}

  feed(): FeedResult {
    return 'end';
  }

  finish(): Draft {
    return this.draft;
  }
}

/** The block for a tool's message starting at this line, or null when the line is none. */
export function startToolBlock(text: string, no: number, frameOf: FrameOf): LogBlock | null {
  if (!mayBeToolMessage(text)) return null;
  if (isTapFailure(text)) return new TapFailureBlock(no, text, frameOf);
  const hit = toolHit(text);
  if (!hit) return null;
  const draft: Draft = {
    rule: 'tool_message',
    severity: 'error',
    line: no,
    column: hit.index + 1,
    endLine: no,
    errorType: hit.errorType,
    message: hit.message,
    frames: (hit.locations ?? []).map((l) => frameOf(l.file, l.line, l.column)),
    evidence: singleLineEvidence(no, text),
  };
  if (hit.exitCode !== undefined) draft.exitCode = hit.exitCode;
  return new ToolLineBlock(draft);
}
