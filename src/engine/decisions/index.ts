/**
 * The agent's decision chain: what it planned, decided, did and saw, in order, read from
 * agent logs and memory notes (marker lines), aider chat histories and JSONL transcripts
 * (Claude Code, Codex CLI, OpenAI-style chat).
 *
 * Outcomes: a call's or action's `outcome` is the result or observation that answered it
 * (`decisionId` points at that step when it is part of the output). Observations and tool
 * results carry their own verdict in `outcome` too (without `decisionId`), which is how a
 * failing result is told from a successful one.
 *
 * Time: a step's own timestamp when its line or record has one. Otherwise it is estimated
 * (`timestampEstimated`): its session's start when known, else the nearest earlier (or,
 * failing that, later) timed step of the same file, else the file's mtime, so that
 * estimated steps keep their file order. All steps are then ordered by time, stably.
 */
import type { Decision, DecisionOutcome } from '../types';
import { parseAiderHistory } from './aider';
import { parseChatMessages } from './chat';
import { parseClaudeSession } from './claude';
import { parseCodexRollout } from './codex';
import { readJsonl, sniffJsonl } from './jsonl';
import { compileMarkers, parseMarkerFile, type Marker } from './markers';
import type { ParsedFile, RawStep, SourceFormat, TranscriptFormat } from './step';
import { summaryLine } from './text';

export { linkDecisionsToTriggers } from './link';

export interface DecisionInputFile {
  /** Workspace-relative POSIX path. */
  path: string;
  text: string;
  mtimeMs: number;
  /** 1-based; steps starting before this line were already reported and are dropped (the text before it still gives context). */
  firstNewLine?: number;
}

export interface ExtractOptions {
  /** Regex sources of decision markers, compiled case-insensitively. */
  markers: string[];
  /** Year for timestamps that omit it (syslog style). */
  year?: number;
  /** Zone for timestamps without one. */
  defaultZone?: 'local' | 'utc';
}

export interface ExtractResult {
  decisions: Decision[];
  /** Malformed transcript lines that were skipped. */
  skippedLines: number;
  sources: { path: string; format: SourceFormat; steps: number }[];
}

const AIDER_NAME = /(?:^|\/)\.aider\.chat\.history\.md$/;
const AIDER_HEADER = /^# aider chat started at /m;

/** Which transcript dialect a file is written in, judged by its content; null for anything else. */
export function detectTranscriptFormat(path: string, text: string): TranscriptFormat | null {
  if (AIDER_NAME.test(path) || (/\.(?:md|markdown)$/i.test(path) && AIDER_HEADER.test(text))) return 'aider';
  if (/^\s*\{/.test(text)) return sniffJsonl(text);
  return null;
}

export function extractDecisions(files: DecisionInputFile[], opts: ExtractOptions): ExtractResult {
  const markers = compileMarkers(opts.markers);
  const ctx: { year?: number; defaultZone?: 'local' | 'utc' } = {};
  if (opts.year !== undefined) ctx.year = opts.year;
  if (opts.defaultZone) ctx.defaultZone = opts.defaultZone;
  let skippedLines = 0;
  const sources: ExtractResult['sources'] = [];
  const placed: Placed[] = [];

  files.forEach((file, fileIndex) => {
    const parsed = parseFile(file, markers, ctx);
    skippedLines += parsed.skippedLines;
    const times = settleTimes(parsed.steps, file.mtimeMs);
    const first = file.firstNewLine ?? 1;
    let kept = 0;
    parsed.steps.forEach((step, stepIndex) => {
      if (step.line < first) return;
      kept++;
      const t = times[stepIndex]!;
      placed.push({ fileIndex, stepIndex, step, path: file.path, parsed, time: t.time, estimated: t.estimated });
    });
    if (kept > 0 || parsed.format !== 'markers') sources.push({ path: file.path, format: parsed.format, steps: kept });
  });

  // Array.prototype.sort is stable, so equal times keep file and step order.
  placed.sort((a, b) => a.time - b.time);
  const ids = new Map<string, string>();
  placed.forEach((p, i) => ids.set(key(p.fileIndex, p.stepIndex), `D${i + 1}`));

  const decisions = placed.map((p, i): Decision => {
    const d: Decision = {
      id: `D${i + 1}`,
      timestamp: p.time,
      timestampEstimated: p.estimated,
      kind: p.step.kind,
      text: p.step.text,
      file: p.path,
      line: p.step.line,
      source: p.parsed.source,
    };
    if (p.step.rationale) d.rationale = p.step.rationale;
    if (p.step.tool) d.tool = p.step.tool;
    const outcome = outcomeOf(p, ids);
    if (outcome) d.outcome = outcome;
    return d;
  });
  return { decisions, skippedLines, sources };
}

interface Placed {
  fileIndex: number;
  stepIndex: number;
  step: RawStep;
  path: string;
  parsed: ParsedFile;
  time: number;
  estimated: boolean;
}

function key(fileIndex: number, stepIndex: number): string {
  return `${fileIndex}:${stepIndex}`;
}

function parseFile(file: DecisionInputFile, markers: readonly Marker[], ctx: { year?: number; defaultZone?: 'local' | 'utc' }): ParsedFile {
  switch (detectTranscriptFormat(file.path, file.text)) {
    case 'aider':
      return parseAiderHistory(file.text, ctx);
    case 'claude-jsonl':
      return parseClaudeSession(readJsonl(file.text));
    case 'codex-jsonl':
      return parseCodexRollout(readJsonl(file.text));
    case 'chat-jsonl':
      return parseChatMessages(readJsonl(file.text));
    case null:
      return markers.length === 0
        ? { format: 'markers', source: 'marker', steps: [], skippedLines: 0 }
        : parseMarkerFile(file.text, markers, ctx);
  }
}

/** Times for a file's steps; see the module comment for how missing ones are estimated. */
function settleTimes(steps: readonly RawStep[], mtimeMs: number): { time: number; estimated: boolean }[] {
  const out: { time: number; estimated: boolean }[] = [];
  let previous: number | undefined;
  const next: (number | undefined)[] = new Array<number | undefined>(steps.length);
  let upcoming: number | undefined;
  for (let i = steps.length - 1; i >= 0; i--) {
    next[i] = upcoming;
    const t = steps[i]!.time;
    if (t !== null) upcoming = t;
  }
  steps.forEach((step, i) => {
    if (step.time !== null) {
      previous = step.time;
      out.push({ time: step.time, estimated: false });
      return;
    }
    out.push({ time: step.timeHint ?? previous ?? next[i] ?? mtimeMs, estimated: true });
  });
  return out;
}

function outcomeOf(p: Placed, ids: ReadonlyMap<string, string>): DecisionOutcome | undefined {
  const step = p.step;
  if (step.kind === 'observation' || step.kind === 'tool_result') {
    const status = step.status ?? 'unknown';
    return { status, text: summaryLine(step.text, status === 'error') };
  }
  if (step.outcomeIndex !== undefined) {
    const target = p.parsed.steps[step.outcomeIndex];
    if (target) {
      const status = target.status ?? 'unknown';
      const outcome: DecisionOutcome = { status, text: summaryLine(target.text, status === 'error') };
      const id = ids.get(key(p.fileIndex, step.outcomeIndex));
      if (id) outcome.decisionId = id;
      return outcome;
    }
  }
  return step.outcome ? { ...step.outcome } : undefined;
}
