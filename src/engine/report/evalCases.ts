import type { Outcome } from '../postmortem/types';
import type { ChangeStatus, Decision, DecisionKind, RootCauseCategory, Severity, TriggerKind } from '../types';
import type { SummaryEntry } from './incidentSummary';
import { redactDeep } from './redactExport';
import { isoTime } from './timeText';

export const EVAL_SCHEMA = 'incident-replay.eval/1';

/** Bounds that keep one case a readable prompt-sized record whatever the incident's size. */
const MAX_TRIGGERS = 20;
const MAX_CHANGES = 50;
const MAX_DECISIONS = 12;
const MAX_EVIDENCE_CHARS = 2000;

export interface EvalDecision {
  id: string;
  at: string;
  kind: DecisionKind;
  text: string;
  rationale?: string;
  tool?: string;
  outcome?: { status: 'success' | 'error' | 'unknown'; text: string };
  source: string;
}

/**
 * One JSONL line of `export-evals`: what an agent (or a classifier) would have seen, and what
 * the investigation concluded, so incidents flow back into an evaluation set.
 */
export interface EvalCase {
  schema: typeof EVAL_SCHEMA;
  id: string;
  title: string;
  createdAt: string;
  input: {
    triggers: {
      kind: TriggerKind;
      severity: Severity;
      file: string;
      line: number;
      message: string;
      errorType?: string;
      evidence: string;
    }[];
    changes: { status: ChangeStatus; path: string; oldPath?: string; additions: number; deletions: number }[];
    /** The steps up to and including the one that failed (or the last steps, when none is known to have). */
    decisions: EvalDecision[];
    /** How many of each were left out by the caps. */
    omitted: { triggers: number; changes: number; decisions: number };
  };
  expected: {
    rootCauseCategory: RootCauseCategory;
    confidence: number;
    triggeringChange: { path: string; status: ChangeStatus; keys?: string[] } | null;
    /** The step that led to the failure: the first that produced a trigger, else the first with an error outcome. */
    failedDecision: EvalDecision | null;
    remediation: string[];
  };
  /** The person's annotation of how it ended, when there is one. */
  outcome: { outcome: Outcome; note: string | null; at: string } | null;
  signature: string;
  repeatOf: string | null;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function evalDecision(d: Decision): EvalDecision {
  return {
    id: d.id,
    at: isoTime(d.timestamp),
    kind: d.kind,
    text: d.text,
    ...(d.rationale ? { rationale: d.rationale } : {}),
    ...(d.tool ? { tool: d.tool } : {}),
    ...(d.outcome ? { outcome: { status: d.outcome.status, text: d.outcome.text } } : {}),
    source: `${d.file}:${d.line}`,
  };
}

export function failedDecisionIndex(decisions: readonly Decision[]): number {
  const produced = decisions.findIndex((d) => (d.triggerIds?.length ?? 0) > 0);
  return produced >= 0 ? produced : decisions.findIndex((d) => d.outcome?.status === 'error');
}

export function evalCase({ incident, postmortem }: SummaryEntry): EvalCase {
  const failed = failedDecisionIndex(incident.decisions);
  const end = failed >= 0 ? failed + 1 : incident.decisions.length;
  const steps = incident.decisions.slice(Math.max(0, end - MAX_DECISIONS), end);
  const tc = incident.rootCause.triggeringChange;
  const failedStep = failed >= 0 ? incident.decisions[failed] : undefined;
  const record: EvalCase = {
    schema: EVAL_SCHEMA,
    id: incident.id,
    title: incident.title,
    createdAt: isoTime(incident.createdAt),
    input: {
      triggers: incident.triggers.slice(0, MAX_TRIGGERS).map((t) => ({
        kind: t.kind,
        severity: t.severity,
        file: t.file,
        line: t.line,
        message: t.message,
        ...(t.errorType ? { errorType: t.errorType } : {}),
        evidence: cut(t.evidence, MAX_EVIDENCE_CHARS),
      })),
      changes: incident.changes.slice(0, MAX_CHANGES).map((c) => ({
        status: c.status,
        path: c.path,
        ...(c.oldPath ? { oldPath: c.oldPath } : {}),
        additions: c.additions,
        deletions: c.deletions,
      })),
      decisions: steps.map(evalDecision),
      omitted: {
        triggers: Math.max(0, incident.triggers.length - MAX_TRIGGERS),
        changes: Math.max(0, incident.changes.length - MAX_CHANGES),
        decisions: incident.decisions.length - steps.length,
      },
    },
    expected: {
      rootCauseCategory: incident.rootCause.category,
      confidence: incident.rootCause.confidence,
      triggeringChange: tc ? { path: tc.path, status: tc.status, ...(tc.keys?.length ? { keys: tc.keys } : {}) } : null,
      failedDecision: failedStep ? evalDecision(failedStep) : null,
      remediation: incident.remediation,
    },
    outcome: postmortem.annotation
      ? { outcome: postmortem.annotation.outcome, note: postmortem.annotation.note, at: isoTime(postmortem.annotation.at) }
      : null,
    signature: incident.signature,
    repeatOf: incident.repeatOf,
  };
  return redactDeep(record);
}

/** One JSON object per line, oldest incident first; empty text for no incidents. */
export function evalCasesJsonl(entries: readonly SummaryEntry[]): string {
  return entries.map((e) => JSON.stringify(evalCase(e)) + '\n').join('');
}
