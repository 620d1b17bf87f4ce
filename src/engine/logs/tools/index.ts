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
import { PytestSectionBlock, type ReportedTests, mayBePytestSection } from './pytest';
import { shellMessage } from './shell';
import { TapFailureBlock, isTapFailure, testRunnerMessage } from './tests';

/*
 * Every recognised message contains one of these; a line with none takes the scanner's quiet
 * path, and nearly every line of a healthy log does, so this check runs on all of them. As one
 * alternation of all the phrases it cost V8's regex engine twice the time of these parts together
 * (measured over a 50 MB log: 170-190 ms against 85 ms; past a dozen or so alternatives the
 * engine's quick first-character check stops paying off, and anchors in the mix make it worse).
 */
/** Phrases that begin with a lower-case letter. */
const LOWER_PHRASES =
  /not found|unbound variable|syntax error|bad substitution|ambiguous redirect|expression expected|cannot execute|error near line|expected \d+ columns/;
/** The others: upper-case or punctuation first. */
const OTHER_PHRASES =
  /No such file|Permission denied|Is a directory|INSERT failed|Tests run: |Error response from daemon|ERROR: |\u25cf|\*\*\* |: error: |curl: \(/;
/** Shapes anchored at the line's start. */
const LINE_START = /^(?:Error: |psql:|not ok |\s+not ok |FAILED |ERROR )/;

/** Whether LINE_START can match a line whose first UTF-16 unit is `c`: E, p, n, F or (possible) white space. */
function mayStartAnchored(c: number): boolean {
  return c === 0x45 || c === 0x70 || c === 0x6e || c === 0x46 || c <= 0x20 || c >= 0xa0;
}

export function mayBeToolMessage(text: string): boolean {
  return (
    LOWER_PHRASES.test(text) ||
    OTHER_PHRASES.test(text) ||
    (text.charCodeAt(text.length - 1) === 0x44 /* D */ && text.endsWith('FAILED')) ||
    mayBeAnchoredToolMessage(text, 0)
  );
}

/** The shapes of mayBeToolMessage anchored at a line's start, for the text from `from` on (after a prefix). */
export function mayBeAnchoredToolMessage(text: string, from: number): boolean {
  const c = text.charCodeAt(from);
  if (c === 0x5f /* _ */) return mayBePytestSection(from === 0 ? text : text.slice(from));
  return mayStartAnchored(c) && LINE_START.test(from === 0 ? text : text.slice(from));
}

function toolHit(text: string): ToolHit | null {
  return curlMessage(text) ?? shellMessage(text) ?? databaseMessage(text) ?? testRunnerMessage(text) ?? buildMessage(text);
}

/** A one-line finding, as a block so it takes the scanner's block path (and its timestamp search). */
class ToolLineBlock implements LogBlock {
  /** A null draft consumes the line and reports nothing (a summary of a failure reported in full). */
  constructor(private readonly draft: Draft | null) {}

  feed(): FeedResult {
    return 'end';
  }

  finish(): Draft | null {
    return this.draft;
  }
}

/**
 * The block for a tool's message starting at this line, or null when the line is none.
 * `reported` is the scan's record of tests reported in full (see pytest.ts).
 */
export function startToolBlock(text: string, no: number, frameOf: FrameOf, reported: ReportedTests): LogBlock | null {
  if (!mayBeToolMessage(text)) return null;
  if (isTapFailure(text)) return new TapFailureBlock(no, text, frameOf);
  if (mayBePytestSection(text)) return new PytestSectionBlock(no, text, frameOf, reported);
  const hit = toolHit(text);
  if (!hit) return null;
  if (hit.testKey !== undefined && reported.has(hit.testKey)) return new ToolLineBlock(null);
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
