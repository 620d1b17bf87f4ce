/**
 * Decision steps from plain agent logs and memory notes, found by marker regexes
 * (`Decision:`, `Plan:`, `Thought:`, `Action:`, `Observation:` ...).
 *
 * Kind of a step, from the first marker word in the regex's `marker` group (the default
 * markers name it), else in the whole match:
 *   plan / goal / task / todo / next step            -> plan
 *   decision / decided / chose / thought / reasoning  -> decision (the agent's reasoning is its decision)
 *   action / act / execute / run / tool / command     -> action
 *   observation / result / outcome                    -> observation
 *   anything else (a custom marker)                   -> decision
 *
 * Text: the regex's `text` group when it has one; otherwise what follows the marker when the
 * marker ends in a separator (`Decision: X` -> `X`), and for a phrase marker the phrase is kept
 * (`Decided to use X`). A log prefix before the marker
 * (timestamp, level, logger) is never part of the text. Following lines join the step when
 * they are indented deeper, continue a markdown bullet, or (in a timestamped log) carry no
 * timestamp of their own, like a traceback under `Observation:`.
 *
 * Marker regexes come from configuration, so they run through `SafeRegex` with a time limit;
 * a marker that runs out of time on a line finds nothing from that line on.
 *
 * Outcome: an action's outcome is the next observation before another action; a decision's
 * or plan's is the next observation before another decision or plan. An observation is an
 * error when its text reads as a failure.
 */
import { compileUserRegex, type SafeRegex } from '../content/safeRegex';
import { parseLineTimestamp, type LineTimestamp } from '../logs/timestamps';
import type { DecisionKind } from '../types';
import { linkSequentialOutcomes, type ParsedFile, type RawStep } from './step';
import { extractRationale, looksLikeFailure } from './text';

export interface MarkerContext {
  year?: number;
  defaultZone?: 'local' | 'utc';
}

// Regexes run on cut lines so that a pathological line cannot stall the scan.
const MAX_LINE = 2000;
const MAX_CONTINUATION = 60;

const KIND_WORDS: [DecisionKind, RegExp][] = [
  ['plan', /\b(?:plan(?:ning|ned)?|goal|task|todo|next steps?)\b/i],
  ['decision', /\b(?:decision|decid(?:e|ed|ing)|chose|choos(?:e|ing)|thought|think(?:ing)?|reason(?:ing)?|rationale)\b/i],
  ['action', /\b(?:action|act(?:ing)?|execut(?:e|ing|ed)|run(?:ning)?|tool(?:[ _]call)?|command)\b/i],
  ['observation', /\b(?:observation|observed|result|outcome)\b/i],
];

const LOG_PREFIX =
  /^\s*[\])]?\s*(?:[|,-]\s*)?(?:\[?(?:TRACE|DEBUG|INFO|NOTICE|WARN(?:ING)?|ERROR|ERR|CRITICAL|FATAL)\]?\s*[:|-]?\s*)?(?:\[[\w.:/\-]+\]\s*|[\w.\-]+(?:\[\d+\])?:\s+|[\w.\-]+\s+-\s+)?/;
const BULLET = /^\s*(?:[-*+]|\d+[.)])\s+/;
const BLOCK_START = /^\s*(?:[-*+]\s|\d+[.)]\s|#{1,6}\s|>|```|~~~|\||---)/;
const SEPARATOR = /^[\s*_]*(?:[:=|>\u2013\u2014-]+)[\s*_]*/;
const CODE_LIKE = /^(?:File "|Traceback\b|at\s|[\w.]*(?:Error|Exception)\b|[-*+]\s|\d+[.)]\s)/;

export interface Marker {
  /** Runs the scan with a time limit. */
  safe: SafeRegex;
  /** Re-run only on a line the safe scan matched in time, to read its named groups. */
  native: RegExp;
}

export function compileMarkers(sources: readonly string[]): Marker[] {
  return sources.map((source, i) => ({
    safe: compileUserRegex(source, 'i', `decisionMarkers[${i}]`),
    native: new RegExp(source, 'i'),
  }));
}

interface MarkerHit {
  kind: DecisionKind;
  text: string;
}

interface Hit {
  start: number;
  marker: number;
  /** Where the matched subject starts in the line (after the log prefix for body matches). */
  offset: number;
}

/** Per line: its timestamp, where the text after the log prefix starts, and the first marker match. */
class MarkerIndex {
  readonly stamps: (LineTimestamp | null)[];
  private readonly bodyStarts: number[];
  private readonly full: (Hit | undefined)[];
  private readonly body: (Hit | undefined)[];

  constructor(
    readonly lines: readonly string[],
    private readonly markers: readonly Marker[],
    ctx: MarkerContext,
  ) {
    this.stamps = lines.map((l) => parseLineTimestamp(l, ctx));
    this.bodyStarts = lines.map((l, i) => bodyStart(l, this.stamps[i] ?? null));
    this.full = earliestMatches(lines, markers, () => 0);
    // Markers written with `^` only match once the log prefix is gone, so the body is tried too.
    this.body = earliestMatches(
      lines.map((l, i) => (this.bodyStarts[i]! > 0 ? l.slice(this.bodyStarts[i]) : '')),
      markers,
      (i) => this.bodyStarts[i]!,
    );
  }

  hit(i: number): MarkerHit | null {
    const line = this.lines[i] ?? '';
    const full = this.full[i];
    // A match inside the prefix (a logger named "agent.plan") loses to one in the body;
    // when the body has none, the prefix guess was wrong and the first match stands.
    const hit = full && full.start >= this.bodyStarts[i]! ? full : (this.body[i] ?? full);
    if (!hit) return null;
    const m = this.markers[hit.marker]!.native.exec(line.slice(hit.offset));
    if (!m) return null;
    // Markers may name their parts (the defaults do): `marker` for the kind, `text` for the step.
    const named = m.groups ?? {};
    const start = hit.offset + m.index;
    const kind = kindOf(named['marker'] ?? m[0]);
    const text = named['text'] !== undefined ? cleanText(named['text']) : textAfter(line, start, start + m[0].length, m[0]);
    return { kind, text };
  }
}

function bodyStart(line: string, ts: LineTimestamp | null): number {
  if (!ts || ts.start > leadingSpace(line) + 1) return 0;
  const prefix = LOG_PREFIX.exec(line.slice(ts.end));
  return ts.end + (prefix ? prefix[0].length : 0);
}

function earliestMatches(lines: readonly string[], markers: readonly Marker[], offset: (line: number) => number): (Hit | undefined)[] {
  const out: (Hit | undefined)[] = new Array<Hit | undefined>(lines.length);
  markers.forEach((marker, index) => {
    for (const { line, matches } of marker.safe.scanLines(lines, { mode: 'first' }).matches) {
      const m = matches[0];
      if (!m || m.text === '') continue;
      const at = offset(line);
      const start = at + m.index;
      const prev = out[line];
      if (!prev || start < prev.start) out[line] = { start, marker: index, offset: at };
    }
  });
  return out;
}

export function parseMarkerFile(text: string, markers: readonly Marker[], ctx: MarkerContext): ParsedFile {
  const lines = text.split(/\r?\n/).map((l) => l.slice(0, MAX_LINE));
  const index = new MarkerIndex(lines, markers, ctx);
  const steps: RawStep[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? '';
    const hit = index.hit(i);
    if (!hit) {
      i++;
      continue;
    }
    const ts = index.stamps[i] ?? null;
    const indent = leadingSpace(line);
    const bullet = BULLET.test(line);
    const parts: string[] = [hit.text];
    // Wrapped prose joins with a space; once output or a list starts, lines keep their breaks.
    let keepBreaks = false;
    let j = i + 1;
    for (; j < lines.length && j - i <= MAX_CONTINUATION; j++) {
      if (!continues(index, j, indent, ts !== null, bullet)) break;
      const raw = lines[j] ?? '';
      const t = raw.trim();
      keepBreaks ||= CODE_LIKE.test(t) || leadingSpace(raw) <= indent;
      parts.push((keepBreaks ? '\n' : ' ') + t);
    }
    const full = parts.join('').trim();
    if (full !== '') {
      const step: RawStep = { kind: hit.kind, text: full, line: i + 1, time: ts ? ts.ms : null };
      const rationale = hit.kind === 'observation' ? undefined : extractRationale(full);
      if (rationale) step.rationale = rationale;
      if (hit.kind === 'observation') step.status = looksLikeFailure(full) ? 'error' : 'success';
      steps.push(step);
    }
    i = j;
  }
  linkSequentialOutcomes(steps);
  return { format: 'markers', source: 'marker', steps, skippedLines: 0 };
}

function textAfter(line: string, start: number, end: number, marker: string): string {
  const rest = line.slice(end);
  const sep = SEPARATOR.exec(rest);
  let text: string;
  if (sep && /[:=|>\u2013\u2014-]/.test(sep[0])) text = rest.slice(sep[0].length);
  else if (/[:=|>\u2013\u2014-]\s*$/.test(marker)) text = rest;
  else text = line.slice(start);
  return cleanText(text);
}

function cleanText(text: string): string {
  return text
    .replace(/\*\*|__/g, '')
    .replace(/^[\s*_:]+/, '')
    .trim();
}

function kindOf(marker: string): DecisionKind {
  let best: DecisionKind = 'decision';
  let bestAt = Infinity;
  for (const [kind, re] of KIND_WORDS) {
    const m = re.exec(marker);
    if (m && m.index < bestAt) {
      best = kind;
      bestAt = m.index;
    }
  }
  return best;
}

function continues(index: MarkerIndex, i: number, indent: number, timestamped: boolean, bullet: boolean): boolean {
  const line = index.lines[i] ?? '';
  if (line.trim() === '') return false;
  const ts = index.stamps[i];
  if (ts && ts.start <= leadingSpace(line) + 1) return false;
  if (index.hit(i)) return false;
  if (leadingSpace(line) > indent) return true;
  if (BLOCK_START.test(line)) return false;
  return timestamped || bullet;
}

function leadingSpace(line: string): number {
  return line.length - line.trimStart().length;
}
