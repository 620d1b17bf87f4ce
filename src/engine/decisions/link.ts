/**
 * Links the agent's failing steps to the triggers (errors) they most plausibly produced.
 *
 * Candidates are failing steps only, each failure counted once: an action or tool call
 * whose outcome is an error (read together with that outcome), else a decision or plan whose
 * outcome is an error, else an observation or tool result that failed on its own.
 * Successful steps are never linked.
 *
 * A trigger is scored against every candidate:
 *   +3  the trigger's error type (`ZeroDivisionError`, `ECONNREFUSED`) appears in the step
 *   +3  the trigger's message appears in the step (+2 when most of its significant words do)
 *   +2  a file the step names (edited file, command's script, traceback frame) is the
 *       trigger's file or one of its stack frames' files (+1 when only the base name agrees)
 *   +1  time order: the trigger comes after the step (2 s clock slack) and before the step's
 *       next action in the same transcript, within 10 minutes;
 *   -3  the trigger happened before the step; -1 it came more than 10 minutes later
 *       (time only counts when neither side's time is estimated).
 * A link needs at least one content signal (type, message or file) and a score of 3, so time
 * alone never links. Each trigger goes to its best candidate (ties: the action over the
 * decision over the bare result, then the closest in time); a step may collect several.
 */
import type { Decision, DecisionKind, Trigger } from '../types';

const WINDOW_MS = 10 * 60_000;
const SKEW_MS = 2_000;
const MIN_SCORE = 3;

interface Candidate {
  decision: Decision;
  order: number;
  evidence: string;
  paths: string[];
  start: number;
  end: number;
  timed: boolean;
  priority: number;
}

export function linkDecisionsToTriggers(decisions: readonly Decision[], triggers: readonly Trigger[]): Decision[] {
  const candidates = failingSteps(decisions);
  const links = new Map<string, string[]>();
  for (const trigger of triggers) {
    let best: { c: Candidate; score: number; distance: number } | null = null;
    for (const c of candidates) {
      const score = scoreLink(c, trigger);
      if (score === null) continue;
      const distance = c.timed && !trigger.timestampEstimated ? Math.abs(trigger.timestamp - c.start) : Infinity;
      if (
        !best ||
        score > best.score ||
        (score === best.score &&
          (c.priority < best.c.priority ||
            (c.priority === best.c.priority && (distance < best.distance || (distance === best.distance && c.order < best.c.order)))))
      ) {
        best = { c, score, distance };
      }
    }
    if (best) links.set(best.c.decision.id, [...(links.get(best.c.decision.id) ?? []), trigger.id]);
  }
  return decisions.map((d) => {
    const { triggerIds: _previous, ...rest } = d;
    const copy: Decision = { ...rest };
    if (d.outcome) copy.outcome = { ...d.outcome };
    const ids = links.get(d.id);
    if (ids) copy.triggerIds = ids;
    return copy;
  });
}

const ACTIONS: readonly DecisionKind[] = ['action', 'tool_call'];
const THOUGHTS: readonly DecisionKind[] = ['decision', 'plan'];

function failingSteps(decisions: readonly Decision[]): Candidate[] {
  const byId = new Map(decisions.map((d, i) => [d.id, i]));
  const covered = new Set<string>();
  const out: Candidate[] = [];

  const add = (i: number, priority: number): void => {
    const d = decisions[i]!;
    const resultIndex = d.outcome?.decisionId !== undefined ? byId.get(d.outcome.decisionId) : undefined;
    const result = resultIndex === undefined ? undefined : decisions[resultIndex];
    if (result) covered.add(result.id);
    covered.add(d.id);
    const evidence = [d.text, d.outcome?.text ?? '', result?.text ?? ''].join('\n');
    const after = resultIndex ?? i;
    let end = d.timestamp + WINDOW_MS;
    for (let j = after + 1; j < decisions.length; j++) {
      const next = decisions[j]!;
      if (next.file === d.file && ACTIONS.includes(next.kind)) {
        end = Math.min(end, next.timestamp);
        break;
      }
    }
    out.push({
      decision: d,
      order: i,
      evidence,
      paths: pathsIn(evidence),
      start: d.timestamp,
      end,
      timed: !d.timestampEstimated,
      priority,
    });
  };

  decisions.forEach((d, i) => {
    if (ACTIONS.includes(d.kind) && d.outcome?.status === 'error') add(i, 0);
  });
  decisions.forEach((d, i) => {
    const result = d.outcome?.decisionId;
    if (THOUGHTS.includes(d.kind) && d.outcome?.status === 'error' && !(result && covered.has(result))) add(i, 1);
  });
  decisions.forEach((d, i) => {
    if (!ACTIONS.includes(d.kind) && !THOUGHTS.includes(d.kind) && d.outcome?.status === 'error' && !covered.has(d.id)) {
      add(i, 2);
    }
  });
  return out;
}

function scoreLink(c: Candidate, t: Trigger): number | null {
  let score = 0;
  let content = false;
  const evidence = normalise(c.evidence);

  if (t.errorType && new RegExp(`(?<![\\w])${escapeRegex(t.errorType.toLowerCase())}(?![\\w])`).test(evidence)) {
    score += 3;
    content = true;
  }

  const core = messageCore(t);
  if (core.length >= 6 && evidence.includes(core)) {
    score += 3;
    content = true;
  } else {
    const words = significantWords(core);
    const present = words.filter((w) => evidence.includes(w)).length;
    if (words.length >= 2 && present / words.length >= 0.6) {
      score += 2;
      content = true;
    }
  }

  const fileScore = Math.max(0, ...triggerFiles(t).map((f) => Math.max(0, ...c.paths.map((p) => pathMatch(p, f)))));
  if (fileScore > 0) {
    score += fileScore;
    content = true;
  }

  if (c.timed && !t.timestampEstimated) {
    if (t.timestamp < c.start - SKEW_MS) score -= 3;
    else if (t.timestamp <= c.end + SKEW_MS) score += 1;
    else if (t.timestamp > c.start + WINDOW_MS) score -= 1;
  }
  return content && score >= MIN_SCORE ? score : null;
}

function normalise(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ');
}

/** The trigger message's first line without its leading error type ("ZeroDivisionError: division by zero" -> "division by zero"). */
function messageCore(t: Trigger): string {
  let msg = (t.message.split(/\r?\n/)[0] ?? '').trim();
  if (t.errorType) {
    const at = msg.indexOf(t.errorType);
    if (at >= 0) msg = msg.slice(at + t.errorType.length).replace(/^[\s:,-]+/, '');
  }
  return normalise(msg).slice(0, 200).trim();
}

// Words every error message has; agreeing on them says nothing.
const STOP_WORDS = new Set([
  'error',
  'errors',
  'failed',
  'failure',
  'fail',
  'exception',
  'warning',
  'fatal',
  'with',
  'from',
  'that',
  'this',
  'line',
  'file',
  'when',
  'while',
  'could',
  'cannot',
  'unable',
  'found',
  'have',
  'been',
  'into',
  'there',
  'their',
  'none',
  'null',
  'true',
  'false',
  'most',
  'recent',
  'call',
  'last',
  'traceback',
]);

function significantWords(text: string): string[] {
  return [...new Set(text.split(/[^a-z0-9_.]+/).filter((w) => w.length >= 4 && !STOP_WORDS.has(w)))];
}

function triggerFiles(t: Trigger): string[] {
  const files = [t.file];
  for (const frame of t.frames ?? []) if (frame.inWorkspace) files.push(frame.file);
  return files.filter((f) => f !== '');
}

// Something with a name and an extension, optionally with directories (`src/app.py`, `/home/u/p/app.py`, `C:\p\app.py`).
const PATH_TOKEN = /(?:[A-Za-z]:)?(?:[\w.~@+-]*[\\/])*[\w@+-][\w.@+-]*\.[A-Za-z][A-Za-z0-9]{0,7}(?![\w])/g;

function pathsIn(text: string): string[] {
  return [...new Set(text.match(PATH_TOKEN) ?? [])].map(cleanPath);
}

function cleanPath(p: string): string {
  return p.replace(/\\/g, '/').replace(/^\.\//, '');
}

/** 2 when the step's path is the workspace file (absolute paths end with it), 1 when only base names agree. */
function pathMatch(stepPath: string, workspaceFile: string): number {
  const w = cleanPath(workspaceFile);
  if (stepPath === w || stepPath.endsWith(`/${w}`)) return 2;
  return baseName(stepPath) === baseName(w) ? 1 : 0;
}

function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
