import type { Decision, FileChange, LogLineEvent, SnapshotRecord, TimelineEvent, Trigger } from '../types';
import type { GitCommit } from './gitCommits';
import { commandEvents, lastEventTimes, watchedChangeTime, type RecordedWindow } from '../recorder/windowEvents';

export interface WindowStep {
  from: SnapshotRecord;
  to: SnapshotRecord;
  changes: readonly FileChange[];
}

/** A timestamped log line worth showing on its own (warnings and the like), beyond the triggers. */
export interface TimelineInput {
  snapshots: readonly SnapshotRecord[];
  steps: readonly WindowStep[];
  triggers: readonly Trigger[];
  decisions: readonly Decision[];
  commits: readonly GitCommit[];
  logLines: readonly LogLineEvent[];
  /** Events made elsewhere (the runs of `incident-replay run`, HEAD moves), placed in time order with the rest. */
  events?: readonly TimelineEvent[];
  /** File events and terminal commands the flight recorder journaled during the window. */
  recorded?: RecordedWindow;
}

const KIND_ORDER: Record<TimelineEvent['kind'], number> = {
  snapshot: 0,
  commit: 1,
  command: 1,
  decision: 2,
  file_change: 3,
  log: 4,
  trigger: 5,
};

/**
 * Every event of the window in time order, millisecond precision. Each links to a file and
 * line or to a diff between two snapshots. Ties keep a stable, readable order: snapshot,
 * commit, decision, change, log, trigger (a decision precedes the change it made at the same ms).
 */
export function buildTimeline(input: TimelineInput): TimelineEvent[] {
  const events: TimelineEvent[] = [];
  for (const s of input.snapshots) {
    events.push({
      id: `snapshot:${s.id}`,
      timestamp: s.createdAt,
      estimated: false,
      kind: 'snapshot',
      title: `Snapshot ${s.id}${s.label ? ` (${s.label})` : ''}${s.baseline ? ' — baseline' : ''}: ${s.fileCount} files`,
      ref: s.id,
    });
  }
  for (const step of input.steps) {
    const seen = input.recorded
      ? lastEventTimes(input.recorded.fileEvents, step.from.createdAt, step.to.createdAt)
      : new Map<string, number>();
    for (const c of step.changes) {
      const removed = c.status === 'removed';
      const watched = seen.get(c.path) ?? (c.oldPath !== undefined ? seen.get(c.oldPath) : undefined);
      const when =
        watched !== undefined
          ? watchedChangeTime(c.after?.mtimeMs, watched)
          : removed
            ? step.to.createdAt
            : (c.after?.mtimeMs ?? step.to.createdAt);
      const counts = c.additions || c.deletions ? ` (+${c.additions} -${c.deletions})` : '';
      const name = c.status === 'renamed' ? `${c.oldPath} → ${c.path}` : c.path;
      events.push({
        id: `change:${step.to.id}:${c.path}`,
        timestamp: when,
        // A deletion has no time of its own unless the watcher saw it: it happened by the snapshot that no longer has the file.
        estimated: removed && watched === undefined,
        kind: 'file_change',
        severity: removed ? 'warning' : 'info',
        title: `${c.status.replace('_', ' ')} ${name}${counts}`,
        file: c.path,
        line: 1,
        diff: { from: step.from.id, to: step.to.id, path: c.path },
      });
    }
  }
  if (input.recorded) events.push(...commandEvents(input.recorded.commands));
  for (const l of input.logLines) {
    events.push({
      id: `log:${l.file}:${l.line}`,
      timestamp: l.timestamp,
      estimated: l.estimated,
      kind: 'log',
      severity: l.severity,
      title: l.text,
      file: l.file,
      line: l.line,
    });
  }
  for (const t of input.triggers) {
    events.push({
      id: `trigger:${t.id}`,
      timestamp: t.timestamp,
      estimated: t.timestampEstimated,
      kind: 'trigger',
      severity: t.severity,
      title: `${t.kind}: ${t.message}`,
      detail: t.evidence,
      file: t.file,
      line: t.line,
      ref: t.id,
    });
  }
  for (const d of input.decisions) {
    events.push({
      id: `decision:${d.id}`,
      timestamp: d.timestamp,
      estimated: d.timestampEstimated,
      kind: 'decision',
      ...(d.outcome?.status === 'error' ? { severity: 'error' as const } : {}),
      title: `${d.kind.replace('_', ' ')}: ${d.text}`,
      ...(d.rationale && !d.text.includes(d.rationale) ? { detail: d.rationale } : {}),
      file: d.file,
      line: d.line,
      ref: d.id,
    });
  }
  for (const c of input.commits) {
    events.push({
      id: `commit:${c.sha}`,
      timestamp: c.timestamp,
      estimated: false,
      kind: 'commit',
      title: `commit ${c.sha.slice(0, 7)}: ${c.subject}`,
      ...(c.files[0] ? { file: c.files[0], line: 1 } : {}),
      ref: c.sha,
    });
  }
  if (input.events) events.push(...input.events);
  return events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.timestamp - b.e.timestamp || KIND_ORDER[a.e.kind] - KIND_ORDER[b.e.kind] || a.i - b.i)
    .map(({ e }) => e);
}
