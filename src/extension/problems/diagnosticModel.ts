import type { Incident, Severity, Trigger, TriggerKind } from '../../engine/types';

/** Where a diagnostic or a related location is shown. */
export type DiagnosticTarget =
  /** A file of the workspace folder (workspace-relative path). */
  | { kind: 'workspace'; path: string }
  /** A file as a snapshot holds it (for files that no longer exist). */
  | { kind: 'snapshot'; snapshotId: string; path: string };

/** 0-based, as VS Code counts; the end column may run past the line (the editor clamps it). */
export interface Span {
  startLine: number;
  startCharacter: number;
  endLine: number;
  endCharacter: number;
}

export interface RelatedSpec {
  target: DiagnosticTarget;
  span: Span;
  message: string;
}

export interface DiagnosticSpec {
  target: DiagnosticTarget;
  span: Span;
  severity: Severity;
  code: TriggerKind;
  message: string;
  related: RelatedSpec[];
  /** The trigger this diagnostic stands for. */
  triggerId: string;
}

export interface MappingContext {
  /** Whether a workspace-relative path exists in the folder now. */
  exists(path: string): boolean;
  /** The folder's `incident-replay.json` (workspace-relative) when it exists. */
  configFile: string | null;
}

const END_OF_LINE = 10_000;
const MAX_RELATED = 8;

/** Engine positions are 1-based; a missing or zero line means "the file as a whole" (its first line). */
export function spanOf(line: number, column: number, endLine = line): Span {
  const startLine = Math.max(0, line - 1);
  return {
    startLine,
    startCharacter: Math.max(0, column - 1),
    endLine: Math.max(startLine, endLine - 1),
    endCharacter: END_OF_LINE,
  };
}

const FILE_START: Span = spanOf(1, 1);

/**
 * The Problems-panel entries of an incident: one per trigger, at its file and range, with the
 * evidence around it (the triggering config change, stack frames in workspace files) as related
 * locations. A trigger on a file that no longer exists is attached to the folder's config file,
 * else to a log the incident points at, else to the file's copy in the baseline snapshot.
 */
export function incidentDiagnostics(incident: Incident, ctx: MappingContext): DiagnosticSpec[] {
  const fallback = fallbackTarget(incident, ctx);
  return incident.triggers.map((t) => {
    const present = ctx.exists(t.file);
    const target: DiagnosticTarget = present
      ? { kind: 'workspace', path: t.file }
      : (fallback ?? { kind: 'snapshot', snapshotId: incident.baselineId, path: t.file });
    const onOwnFile = target.path === t.file;
    const span = onOwnFile && target.kind === 'workspace' ? spanOf(t.line, t.column, t.endLine) : FILE_START;
    // A repeated error is one problem; the count says how often it occurred.
    const times = t.count && t.count > 1 ? ` ×${t.count}` : '';
    const message = (onOwnFile ? t.message : `${t.file}: ${t.message}`) + times;
    return {
      target,
      span,
      severity: t.severity,
      code: t.kind,
      message,
      related: relatedFor(t, incident, ctx, target),
      triggerId: t.id,
    };
  });
}

function fallbackTarget(incident: Incident, ctx: MappingContext): DiagnosticTarget | null {
  if (ctx.configFile && ctx.exists(ctx.configFile)) return { kind: 'workspace', path: ctx.configFile };
  const log = incident.triggers.find((t) => t.kind === 'log_error' && ctx.exists(t.file));
  return log ? { kind: 'workspace', path: log.file } : null;
}

function relatedFor(t: Trigger, incident: Incident, ctx: MappingContext, shownAt: DiagnosticTarget): RelatedSpec[] {
  const out: RelatedSpec[] = [];
  // A file gone from the workspace is shown as the incident's snapshots hold it: removed files
  // as they were in the baseline, the others as they were when the incident was recorded.
  const removed = new Set(incident.changes.filter((c) => c.status === 'removed').map((c) => c.path));
  const where = (path: string): DiagnosticTarget =>
    ctx.exists(path)
      ? { kind: 'workspace', path }
      : { kind: 'snapshot', snapshotId: removed.has(path) ? incident.baselineId : incident.postId, path };

  if (shownAt.path !== t.file) {
    out.push({
      target: { kind: 'snapshot', snapshotId: incident.baselineId, path: t.file },
      span: FILE_START,
      message: `${t.file} as it was in the baseline`,
    });
  }
  const last = t.occurrences?.[t.occurrences.length - 1];
  if (t.count && t.count > 1 && last && last.line !== t.line && ctx.exists(t.file)) {
    out.push({ target: { kind: 'workspace', path: t.file }, span: spanOf(last.line, 1), message: `last of ${t.count} occurrences` });
  }
  const change = incident.rootCause.triggeringChange;
  if (change && change.path !== t.file) {
    const keys = change.keys && change.keys.length > 0 ? ` (${change.keys.slice(0, 5).join(', ')})` : '';
    // The config-change trigger on that file knows the line of the first changed key.
    const onChange = incident.triggers.find((x) => x.file === change.path && x.kind === 'config_change');
    const target = where(change.path);
    const span = onChange && target.kind === 'workspace' ? spanOf(onChange.line, onChange.column, onChange.endLine) : FILE_START;
    out.push({ target, span, message: `triggering change: ${change.path} ${change.status}${keys}: ${change.reason}` });
  }
  for (const f of [...(t.frames ?? [])].reverse()) {
    if (!f.inWorkspace || !ctx.exists(f.file)) continue;
    out.push({
      target: { kind: 'workspace', path: f.file },
      span: spanOf(f.line, f.column ?? 1),
      message: `stack frame${f.function ? ` in ${f.function}` : ''}`,
    });
  }
  for (const e of incident.rootCause.evidence) {
    if (e.kind !== 'change' || !e.file || e.file === t.file || e.file === change?.path) continue;
    out.push({ target: where(e.file), span: spanOf(e.line ?? 1, 1), message: `evidence (${e.category}): ${e.description}` });
  }
  return out.slice(0, MAX_RELATED);
}
