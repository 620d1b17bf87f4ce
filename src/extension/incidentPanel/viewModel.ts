/**
 * What the panel sends to its webview, and what it lets the webview ask for. The view gets the
 * incident without manifest entries or patch text (it shows status, path and +/- counts), and
 * may only open files and diffs the incident itself names: a webview is a page, and a page that
 * misbehaves must not be able to open arbitrary paths through the host.
 */
import type { Incident } from '../../engine/types';
import type { ChangeView, IncidentView } from '../../protocol/incidentView';

export function toIncidentView(incident: Incident): IncidentView {
  const { changes, ...rest } = incident;
  return {
    ...rest,
    changes: changes.map((c) => {
      const v: ChangeView = { status: c.status, path: c.path, additions: c.additions, deletions: c.deletions, binary: c.binary };
      if (c.oldPath !== undefined) v.oldPath = c.oldPath;
      if (c.note !== undefined) v.note = c.note;
      return v;
    }),
  };
}

/** A workspace-relative POSIX path that stays inside the folder. */
export function isSafeRelativePath(p: string): boolean {
  if (p === '' || p.startsWith('/') || /^[A-Za-z]:/.test(p) || p.includes('\\') || p.includes('\0')) return false;
  return !p.split('/').some((seg) => seg === '..');
}

export class TargetPolicy {
  private readonly files = new Set<string>();
  private readonly diffPaths = new Set<string>();
  private readonly snapshots: Set<string>;

  constructor(incident: Incident) {
    const addFile = (f: string | undefined): void => {
      if (f !== undefined && isSafeRelativePath(f)) this.files.add(f);
    };
    const addDiff = (p: string | undefined): void => {
      if (p !== undefined && isSafeRelativePath(p)) this.diffPaths.add(p);
    };
    for (const t of incident.triggers) {
      addFile(t.file);
      addDiff(t.file);
      for (const f of t.frames ?? []) if (f.inWorkspace) addFile(f.file);
    }
    for (const e of incident.timeline) {
      addFile(e.file);
      addDiff(e.diff?.path);
    }
    for (const d of incident.decisions) addFile(d.file);
    for (const c of incident.changes) {
      addFile(c.path);
      addDiff(c.path);
      addDiff(c.oldPath);
    }
    for (const item of incident.rootCause.evidence) {
      addFile(item.file);
      addDiff(item.file);
      if (item.kind === 'change') addDiff(item.ref);
    }
    addDiff(incident.rootCause.triggeringChange?.path);
    this.snapshots = new Set([incident.baselineId, incident.postId, ...incident.snapshotIds]);
  }

  allowsLocation(file: string): boolean {
    return this.files.has(file);
  }

  allowsDiff(from: string, to: string, path: string): boolean {
    return this.snapshots.has(from) && this.snapshots.has(to) && from !== to && this.diffPaths.has(path);
  }
}
