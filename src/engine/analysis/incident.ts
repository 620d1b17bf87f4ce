import { createHash } from 'node:crypto';
import { findBySignature, insertIncident, nextIncidentId } from '../db/incidentRows';
import { errorSignals } from '../rootCause/errorSignals';
import { errorSignature } from '../logs/logScanner';
import { redactDeep } from '../report/redactExport';
import type { SnapshotStore } from '../snapshotStore';
import type { Incident, IncidentSeverity, Trigger } from '../types';
import type { Analysis } from './analyze';

/**
 * Severity from what actually happened: a leaked secret or a crash with data loss is critical,
 * any error-level trigger is high, warnings only are medium, informational findings low.
 */
export function incidentSeverity(a: Pick<Analysis, 'triggers' | 'rootCause'>): IncidentSeverity {
  const errors = a.triggers.filter((t) => t.severity === 'error');
  if (a.triggers.some((t) => t.kind === 'secret')) return 'critical';
  const crash = errors.some((t) => t.kind === 'log_error');
  const loss = errors.some((t) => t.kind === 'deletion' || t.kind === 'empty_output');
  if (crash && loss) return 'critical';
  if (errors.length > 0) return 'high';
  if (a.triggers.some((t) => t.severity === 'warning') || a.rootCause.category === 'drift') return 'medium';
  return 'low';
}

/** The first error-level trigger, else the first trigger: what the incident is "about". */
export function leadTrigger(triggers: readonly Trigger[]): Trigger | undefined {
  // An error the log already had before the window is not what this incident is about, when there is a new one.
  const logError = (t: Trigger): boolean => t.kind === 'log_error' && t.severity === 'error';
  return (
    triggers.find((t) => logError(t) && !t.recurring) ??
    triggers.find(logError) ??
    triggers.find((t) => t.severity === 'error') ??
    triggers[0]
  );
}

/**
 * Category + normalised error signature + files involved, hashed: two incidents with the same
 * failure in the same place share it, whatever pids, ports, times or paths differ.
 */
export function incidentSignature(a: Pick<Analysis, 'triggers' | 'rootCause'>): { signature: string; readable: string } {
  const lead = leadTrigger(a.triggers);
  const err = lead
    ? lead.kind === 'log_error'
      ? errorSignature(lead.errorType, lead.message)
      : `${lead.kind}:${lead.file}`
    : 'no-trigger';
  const files = new Set<string>();
  if (a.rootCause.triggeringChange) files.add(a.rootCause.triggeringChange.path);
  if (lead) files.add(lead.file);
  const readable = `${a.rootCause.category} | ${err} | ${[...files].sort().join(', ')}`;
  return { signature: createHash('sha1').update(readable).digest('hex').slice(0, 16), readable };
}

export function defaultTitle(a: Pick<Analysis, 'triggers' | 'rootCause'>): string {
  const lead = leadTrigger(a.triggers);
  const change = a.rootCause.triggeringChange;
  const what = lead
    ? lead.kind === 'log_error'
      ? `${lead.errorType ?? errorWording(lead.message) ?? 'Error'} in ${lead.file}`
      : lead.message
    : a.rootCause.category === 'drift'
      ? 'Gradual drift of the workspace'
      : 'Unexplained change';
  const after =
    change && (!lead || change.path !== lead.file)
      ? ` after ${change.path} ${change.status === 'removed' ? 'was removed' : 'changed'}`
      : '';
  return truncate(`${what}${after}`, 120);
}

/**
 * The words that say what kind of failure a log line without an exception type reports
 * (`ECONNREFUSED`, `JavaScript heap out of memory`), from the most specific error signal.
 */
function errorWording(message: string): string | null {
  const best = errorSignals(message).sort((a, b) => b.weight - a.weight)[0];
  return best && best.match.length <= 40 ? best.match : null;
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : s.slice(0, n - 1) + '…';
}

/** Whether an analysis found anything worth an incident. */
export function isIncident(a: Pick<Analysis, 'triggers' | 'rootCause'>): boolean {
  return a.triggers.length > 0 || (a.rootCause.category === 'drift' && a.rootCause.confidence >= 0.3 && a.rootCause.evidence.length > 0);
}

/** Stores the analysis as a new incident (id allocated under the database lock). */
export async function recordIncident(store: SnapshotStore, a: Analysis & { since?: string }, title?: string): Promise<Incident> {
  const { signature } = incidentSignature(a);
  return store.db.write((db) => {
    const earlier = findBySignature(db, signature);
    const incident: Incident = {
      id: nextIncidentId(db),
      title: title?.trim() || defaultTitle(a),
      createdAt: Date.now(),
      severity: incidentSeverity(a),
      status: 'open',
      resolvedAt: null,
      baselineId: a.from.id,
      postId: a.to.id,
      ...(a.since ? { since: a.since } : {}),
      snapshotIds: a.snapshots.map((s) => s.id),
      rootCause: a.rootCause,
      triggers: a.triggers,
      timeline: a.timeline,
      decisions: a.decisions,
      changes: a.changes,
      remediation: a.remediation,
      signature,
      repeatOf: earlier.length > 0 ? (earlier.sort((x, y) => x.createdAt - y.createdAt)[0]?.id ?? null) : null,
      artifacts: a.artifacts,
    };
    // The row is what every later export reads: a title typed with a key in it, or anything
    // the analysis let through, is redacted once here, with the same pass as the exports.
    const redacted = redactDeep(incident);
    insertIncident(db, redacted);
    return redacted;
  });
}
