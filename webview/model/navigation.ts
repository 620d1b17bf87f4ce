/**
 * Where a click goes: every clickable thing in the view (timeline event, trigger, changed file,
 * evidence item, chain step) resolves here to a file location, a snapshot diff, or another event.
 */
import type { Decision, EvidenceItem, IncidentView, TimelineEvent, Trigger } from '../../src/protocol/incidentView';

export type NavTarget =
  | { type: 'location'; file: string; line: number; column?: number }
  | { type: 'diff'; from: string; to: string; path: string }
  | { type: 'event'; eventId: string };

export interface EventTargets {
  /** What Enter or a click does. */
  primary: NavTarget | null;
  /** The other view of the same thing (Shift+Enter): the file for a change, the diff for a finding in a changed file. */
  secondary: NavTarget | null;
}

function location(file: string, line: number | undefined, column?: number): NavTarget {
  const t: NavTarget = { type: 'location', file, line: Math.max(1, Math.floor(line ?? 1)) };
  if (column !== undefined && column >= 1) t.column = Math.floor(column);
  return t;
}

export class IncidentIndex {
  readonly triggers: Map<string, Trigger>;
  readonly decisions: Map<string, Decision>;
  private readonly changedPaths: Set<string>;
  private readonly removedPaths: Set<string>;
  /** Snapshot times from the timeline, oldest first. */
  private readonly snapshots: { id: string; t: number }[];
  private readonly eventIds: Set<string>;

  constructor(readonly incident: IncidentView) {
    this.triggers = new Map(incident.triggers.map((t) => [t.id, t]));
    this.decisions = new Map(incident.decisions.map((d) => [d.id, d]));
    this.changedPaths = new Set(incident.changes.map((c) => c.path));
    this.removedPaths = new Set(incident.changes.filter((c) => c.status === 'removed').map((c) => c.path));
    this.snapshots = incident.timeline
      .filter((e) => e.kind === 'snapshot' && e.ref !== undefined)
      .map((e) => ({ id: e.ref as string, t: e.timestamp }))
      .sort((a, b) => a.t - b.t);
    this.eventIds = new Set(incident.timeline.map((e) => e.id));
  }

  changeDiff(path: string): NavTarget {
    return { type: 'diff', from: this.incident.baselineId, to: this.incident.postId, path };
  }

  isChanged(path: string): boolean {
    return this.changedPaths.has(path);
  }

  /** The last snapshot at or before `t` and the first after it; the baseline and post snapshots when there is no such pair. */
  snapshotsAround(t: number): { from: string; to: string } {
    let from = this.incident.baselineId;
    let to = this.incident.postId;
    for (const s of this.snapshots) {
      if (s.t <= t) from = s.id;
      else {
        to = s.id;
        break;
      }
    }
    // Before the first snapshot there is nothing earlier to compare with: use the whole window.
    return from === to ? { from: this.incident.baselineId, to: this.incident.postId } : { from, to };
  }

  eventTargets(e: TimelineEvent): EventTargets {
    if (e.diff) {
      const fileStillThere = e.file !== undefined && !this.removedPaths.has(e.file);
      return { primary: { type: 'diff', ...e.diff }, secondary: fileStillThere && e.file ? location(e.file, e.line) : null };
    }
    if (e.file !== undefined) {
      const aroundDiff = (): NavTarget | null => {
        if (!this.isChanged(e.file as string)) return null;
        const { from, to } = this.snapshotsAround(e.timestamp);
        return from === to ? null : { type: 'diff', from, to, path: e.file as string };
      };
      // A deleted file cannot be opened; its diff shows what was lost.
      if (this.removedPaths.has(e.file)) return { primary: aroundDiff(), secondary: null };
      const trigger = e.kind === 'trigger' && e.ref !== undefined ? this.triggers.get(e.ref) : undefined;
      return { primary: location(e.file, e.line, trigger?.column), secondary: aroundDiff() };
    }
    return { primary: null, secondary: null };
  }

  triggerTarget(t: Trigger): NavTarget {
    if (t.kind === 'deletion' || this.removedPaths.has(t.file)) return this.changeDiff(t.file);
    return location(t.file, t.line, t.column);
  }

  decisionTarget(d: Decision): NavTarget {
    return location(d.file, d.line);
  }

  evidenceTarget(item: EvidenceItem): NavTarget | null {
    if (item.file !== undefined && item.line !== undefined && !this.removedPaths.has(item.file)) return location(item.file, item.line);
    if (item.file !== undefined && this.isChanged(item.file)) return this.changeDiff(item.file);
    switch (item.kind) {
      case 'trigger': {
        const t = this.triggers.get(item.ref);
        if (t) return this.triggerTarget(t);
        break;
      }
      case 'decision': {
        const d = this.decisions.get(item.ref);
        if (d) return this.decisionTarget(d);
        break;
      }
      case 'change':
        return this.changeDiff(item.ref);
      case 'snapshot': {
        const id = `snapshot:${item.ref}`;
        if (this.eventIds.has(id)) return { type: 'event', eventId: id };
        break;
      }
    }
    return item.file !== undefined ? location(item.file, item.line) : null;
  }

  /** The timeline event that stands for a trigger or decision id, if the timeline has one. */
  eventFor(ref: string): string | null {
    for (const prefix of ['trigger:', 'decision:', 'snapshot:']) {
      if (this.eventIds.has(prefix + ref)) return prefix + ref;
    }
    return null;
  }
}
