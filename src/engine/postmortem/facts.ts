import { DEFAULT_CONFIG } from '../config/defaults';
import { endpointsIn, errorSignals, unresolvedHostsIn } from '../rootCause/errorSignals';
import { fileRole } from '../rootCause/fileRoles';
import { firstFailure, innermostWorkspaceFrame, mentionsPath, triggerText } from '../rootCause/index';
import type { ChangeStatus, Decision, FileRole, Incident, Trigger, TriggeringChange } from '../types';

/**
 * What the postmortem drafters read from an incident, computed once. Everything here is a
 * fact recorded by the analysis (ids, paths, times), never a guess, so drafted text built from
 * it can cite its evidence.
 */
export interface IncidentFacts {
  incident: Incident;
  role: (path: string) => FileRole;
  /** The first failure (a logged error first), what Why 1 is about. */
  failure: Trigger | null;
  /** The first error-level trigger of any kind: when the problem first became visible. */
  firstError: Trigger | null;
  /** The first trigger: the earliest sign of the incident. */
  start: number | null;
  /** The last timeline event. */
  end: number | null;
  /** External endpoints and hosts that error-level triggers name. */
  endpoints: string[];
  /** Error-signal ids (`conn_refused`, `heap_oom`...) of the error-level triggers. */
  signals: Set<string>;
  change: TriggeringChange | null;
  /** Steps of the decision chain that made the triggering change, and the reasoning step before them. */
  makers: Decision[];
  /** Whether the decision chain came from an agent's logs or transcripts. */
  agentRecorded: boolean;
}

export const byTime = (a: { timestamp: number; id: string }, b: { timestamp: number; id: string }): number =>
  a.timestamp - b.timestamp || a.id.localeCompare(b.id, 'en', { numeric: true });

/** Recorded steps that check a change: tests, validation, linting, dry runs, reviews, approvals. */
const CHECK_STEP =
  /\b(?:tests?|pytest|jest|vitest|mocha|unittest|go test|cargo test|validat\w*|lint\w*|schema|dry[- ]run|verif\w*|review\w*|approv\w*|type-?check\w*|tsc)\b/i;

/** Role of a path under the default configuration: the draft has no workspace config, only the incident. */
export function defaultRole(path: string): FileRole {
  return fileRole(path, {
    configGlobs: DEFAULT_CONFIG.triggers.configGlobs,
    outputGlobs: DEFAULT_CONFIG.triggers.outputGlobs,
    logFiles: DEFAULT_CONFIG.logFiles,
  });
}

export function readFacts(incident: Incident): IncidentFacts {
  const triggers = [...incident.triggers].sort(byTime);
  const errors = triggers.filter((t) => t.severity === 'error');
  const errorText = errors.map(triggerText).join('\n');
  const change = incident.rootCause.triggeringChange;
  const decisions = [...incident.decisions].sort(byTime);
  return {
    incident,
    role: (p) => (change !== null && p === change.path ? change.role : defaultRole(p)),
    failure: firstFailure(incident.triggers),
    firstError: errors[0] ?? null,
    start: triggers[0]?.timestamp ?? null,
    end: incident.timeline.reduce<number | null>((max, e) => (max === null || e.timestamp > max ? e.timestamp : max), null),
    endpoints: [...new Set([...endpointsIn(errorText, 5), ...unresolvedHostsIn(errorText)])],
    signals: new Set(errors.flatMap((t) => errorSignals(triggerText(t), t.errorType).map((s) => s.signal))),
    change,
    makers: change === null ? [] : makersOf(change.path, decisions),
    agentRecorded: decisions.length > 0,
  };
}

/**
 * The step that changed `path` (an action or tool call naming it, else any step naming it)
 * and the decision just before it in the same file, which usually carries the reasoning.
 */
function makersOf(path: string, decisions: readonly Decision[]): Decision[] {
  const naming = decisions.filter((d) => mentionsPath(`${d.text}\n${d.rationale ?? ''}`, path));
  const maker = naming.find((d) => d.kind === 'action' || d.kind === 'tool_call') ?? naming[0];
  if (maker === undefined) return [];
  const index = decisions.indexOf(maker);
  for (let i = index - 1; i >= 0; i--) {
    const d = decisions[i];
    if (d === undefined || d.file !== maker.file) continue;
    if (d.kind === 'action' || d.kind === 'tool_call') break;
    if (d.kind === 'decision') return [d, maker];
  }
  return [maker];
}

/** Recorded check steps (tests, validation, review, approval) from `from` up to `to`. */
export function checksBetween(f: IncidentFacts, from: number, to: number): Decision[] {
  return f.incident.decisions.filter((d) => d.timestamp >= from && d.timestamp <= to && CHECK_STEP.test(`${d.text} ${d.tool ?? ''}`));
}

/** `logs/job.log:5`, or the workspace frame a trace points at (`src/total.js:1`). */
export function whereOf(t: Trigger): string {
  const frame = innermostWorkspaceFrame(t);
  return frame ? `${frame.file}:${frame.line}` : `${t.file}:${t.line}`;
}

export function statusWord(status: ChangeStatus): string {
  switch (status) {
    case 'removed':
      return 'deleted';
    case 'mode_changed':
      return 'changed mode';
    default:
      return status;
  }
}

export function oneLine(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** Who acted, as far as the evidence says: an agent when its steps were recorded, else the job. */
export function actorOf(f: IncidentFacts): string {
  return f.agentRecorded ? 'the agent' : 'the job';
}

const MEMORY_PATH = /(?:^|\/)(?:memory[^/]*\.md|memory\/.+|CLAUDE\.md|AGENTS\.md|GEMINI\.md|\.claude\/.+|\.cursor\/rules\/.+)$/i;

/** Agent memory: `memory*.md`, anything under a `memory/` folder, CLAUDE.md / AGENTS.md, `.claude/`, Cursor rules. */
export function isMemoryPath(path: string): boolean {
  return MEMORY_PATH.test(path);
}

/** How an upstream failed, by error signal, for sentences about it. */
export const UPSTREAM_FAILURE: Readonly<Record<string, string>> = {
  conn_refused: 'refused the connection',
  dns_failure: 'could not be resolved',
  unreachable: 'was unreachable',
  http_5xx: 'answered with a server error',
  rate_limited: 'rate-limited the requests',
  timeout: 'did not answer in time',
  conn_reset: 'dropped the connection',
  tls_failure: 'failed the TLS handshake',
  upstream_unavailable: 'was unavailable',
};

/** The first upstream failure signal present, in the order of UPSTREAM_FAILURE. */
export function upstreamSignal(f: IncidentFacts): string | null {
  return Object.keys(UPSTREAM_FAILURE).find((s) => f.signals.has(s)) ?? null;
}
