/**
 * Shared data shapes of the engine. Everything here is plain JSON-able data so that
 * the CLI, the extension, the webview and the database all speak the same language.
 * Paths are always workspace-relative with POSIX separators; times are epoch milliseconds.
 */

import type {
  ChangeStatus,
  DecisionKind,
  DecisionOutcomeStatus,
  DecisionSource,
  EntryType,
  EvidenceKind,
  FileRole,
  IncidentSeverity,
  IncidentStatus,
  RootCauseCategory,
  ScanIssueKind,
  Severity,
  TimelineKind,
  TriggerKind,
} from '../model/incident';
import type { METRIC_DIRECTIONS, METRIC_SOURCES, METRIC_VERDICTS } from '../model/incident';

// The vocabulary lives in src/model; re-exported so engine modules keep one import for shapes and words.
export { ROOT_CAUSE_CATEGORIES } from '../model/incident';
export type * from '../model/incident';

// ---------------------------------------------------------------- snapshots

/** One file of a snapshot's manifest. */
export interface ManifestEntry {
  /** Workspace-relative POSIX path; bytes that are not valid UTF-8 show as U+FFFD here (see `rawPath`). */
  path: string;
  /** Base64 of the path's raw bytes, only when the file name is not valid UTF-8, so restore can recreate it. */
  rawPath?: string;
  type: EntryType;
  /** Bytes of content (for a symlink: length of the target text). */
  size: number;
  /** Permission bits, `st.mode & 0o777`. */
  mode: number;
  /** Integer milliseconds. */
  mtimeMs: number;
  /** Git blob id (SHA-1 of `blob <len>\0<content>`); for a symlink, the id of its target text, as git does. */
  id: string;
  /** Content looked binary (NUL byte or invalid UTF-8 in the first 8 KiB); never line-diffed. */
  binary: boolean;
  /** False when the file was over the size limit: recorded by size and id only, content not kept. */
  stored: boolean;
  /** Symlink target as read by readlink; links are recorded, never followed. */
  target?: string;
}

export interface SnapshotRecord {
  id: string;
  label: string | null;
  baseline: boolean;
  createdAt: number;
  manifestId: string;
  fileCount: number;
  byteCount: number;
  /** Present when the flight recorder took it on its own: retention may drop it (a person's snapshots never). */
  origin?: 'auto';
  /** Why the recorder took it: `quiet`, `command`, `timer`, `start`. */
  reason?: string;
}

/** Something a scan noticed and reported instead of crashing on. */
export interface ScanIssue {
  path: string;
  kind: ScanIssueKind;
  message: string;
}

export interface CaptureStats {
  filesScanned: number;
  filesHashed: number;
  filesReused: number;
  bytesRead: number;
  durationMs: number;
  /** Of `filesReused`, those taken on the file-event journal's word without a stat (see JournalChanges). */
  filesTrusted?: number;
}

// ---------------------------------------------------------------- diff

export interface FileChange {
  status: ChangeStatus;
  path: string;
  /** For `renamed`: where the content was before. */
  oldPath?: string;
  before?: ManifestEntry;
  after?: ManifestEntry;
  additions: number;
  deletions: number;
  binary: boolean;
  /** Set on `modified` when the mode changed as well as the content. */
  modeChanged?: boolean;
  /** Unified diff text for text files (omitted when not asked for, binary or not stored). */
  patch?: string;
  /** Why there is no line diff (binary, over the size limit, content not stored). */
  note?: string;
}

export interface DiffSummary {
  added: number;
  removed: number;
  modified: number;
  renamed: number;
  modeChanged: number;
  additions: number;
  deletions: number;
}

export interface SnapshotDiff {
  from: SnapshotRecord;
  to: SnapshotRecord;
  changes: FileChange[];
  summary: DiffSummary;
}

// ---------------------------------------------------------------- forensics

export interface StackFrame {
  /** Workspace-relative when `inWorkspace`, else as written in the trace. */
  file: string;
  line: number;
  column?: number;
  function?: string;
  inWorkspace: boolean;
}

export interface Trigger {
  id: string;
  kind: TriggerKind;
  severity: Severity;
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  endLine: number;
  message: string;
  /** Excerpt around the finding, secrets redacted. */
  evidence: string;
  timestamp: number;
  /**
   * True when the time is approximate: a line without a timestamp of its own placed at its file's
   * mtime, or a deletion placed at the snapshot that no longer has the file.
   */
  timestampEstimated: boolean;
  /** Exception or error type when the finding names one (`ZeroDivisionError`, `TypeError`, `ECONNREFUSED`). */
  errorType?: string;
  /** Stack frames, innermost last, mapped into the workspace where possible. */
  frames?: StackFrame[];
  /** Which detector or rule produced it (`python_traceback`, `secretlint:aws`, a constraint's message...). */
  rule?: string;
  /** How many times the same error (same normalised signature, same file) occurred; absent when once. */
  count?: number;
  /** Where and when each repeat occurred, the first being the trigger's own line; capped (the first 100 and the last). */
  occurrences?: TriggerOccurrence[];
  /** Many repeats in a short span: a burst of one error rather than a steady trickle. */
  burst?: boolean;
  /** The same error (same signature) was already in the log before the window: not new with this incident. */
  recurring?: boolean;
}

/** A trigger as a detector finds it, before the analysis numbers it. */
export type DraftTrigger = Omit<Trigger, 'id'>;

/** A warning or notable line of a log, placed on the timeline without being a trigger. */
export interface LogLineEvent {
  file: string;
  line: number;
  timestamp: number;
  estimated: boolean;
  severity: 'warning' | 'info';
  text: string;
}

/** One occurrence of a repeated error. */
export interface TriggerOccurrence {
  /** 1-based. */
  line: number;
  /** The line's own time, else the nearest before it, else the file's mtime. */
  timestamp: number;
}

export interface TimelineEvent {
  id: string;
  timestamp: number;
  /** Placed by the file's mtime because the event has no timestamp of its own. */
  estimated: boolean;
  kind: TimelineKind;
  severity?: Severity;
  title: string;
  detail?: string;
  file?: string;
  line?: number;
  /** For file changes: the two snapshots to diff and the path. */
  diff?: { from: string; to: string; path: string };
  /** Id of the trigger, decision, snapshot or commit this event stands for. */
  ref?: string;
}

export interface DecisionOutcome {
  status: DecisionOutcomeStatus;
  text: string;
  /** Id of the decision (observation / tool result) that carries the outcome. */
  decisionId?: string;
}

export interface Decision {
  id: string;
  timestamp: number;
  timestampEstimated: boolean;
  kind: DecisionKind;
  text: string;
  rationale?: string;
  outcome?: DecisionOutcome;
  file: string;
  line: number;
  source: DecisionSource;
  /** Tool name for tool calls and results. */
  tool?: string;
  /** Triggers this step produced (filled in by the chain linker). */
  triggerIds?: string[];
}

export interface MetricTrend {
  /** Where the values were read. */
  file: string;
  /** Dotted key of a structured file, or the name of a `name=value` in log lines. */
  key: string;
  /** In order: one per snapshot that changed the file, or one per log line. */
  values: number[];
  source: (typeof METRIC_SOURCES)[number];
  direction: (typeof METRIC_DIRECTIONS)[number];
  /** What the name says the move means: an accuracy going down is worse, a latency going down better. */
  verdict: (typeof METRIC_VERDICTS)[number];
  /** For a log series: the 1-based line of its last value. */
  line?: number;
  /** For a snapshot series: the snapshot each value was read from. */
  at?: string[];
}

export interface EvidenceItem {
  /** What the item cites. */
  kind: EvidenceKind;
  /** Trigger id, decision id, changed path or snapshot id. */
  ref: string;
  category: RootCauseCategory;
  description: string;
  file?: string;
  line?: number;
  /** How much this item moved the score (0..1). */
  weight: number;
}

export interface TriggeringChange {
  path: string;
  status: ChangeStatus;
  role: FileRole;
  reason: string;
  /** Config keys that changed, when the file is structured config. */
  keys?: string[];
  /** The commit in the window that made the change, when git has one (the Triggering Commit). */
  commit?: { sha: string; subject: string; timestamp: number };
}

/** One change weighed as the triggering change: whether it was chosen, and the evidence (or its absence) that decided. */
export interface TriggerCandidate {
  path: string;
  chosen: boolean;
  why: string;
}

export interface RootCause {
  category: RootCauseCategory;
  confidence: number;
  description: string;
  alternatives: { category: RootCauseCategory; confidence: number }[];
  evidence: EvidenceItem[];
  contributingFactors: string[];
  triggeringChange: TriggeringChange | null;
  /** Every change weighed as the triggering change, most suspect first (at most 20). */
  candidates?: TriggerCandidate[];
}

export interface Incident {
  id: string;
  title: string;
  createdAt: number;
  severity: IncidentSeverity;
  status: IncidentStatus;
  resolvedAt: number | null;
  baselineId: string;
  postId: string;
  /** The ref the window started from (`baseline`, `git:HEAD` when there was no baseline, a `--since` ref); absent on older incidents. */
  since?: string;
  /** Every snapshot in the analysed window, oldest first. */
  snapshotIds: string[];
  rootCause: RootCause;
  triggers: Trigger[];
  timeline: TimelineEvent[];
  decisions: Decision[];
  /** Changes between baseline and post, without patch text. */
  changes: FileChange[];
  remediation: string[];
  signature: string;
  repeatOf: string | null;
  /**
   * Agent-system identifiers seen in the window's logs and transcripts (trace_id, session_id,
   * bundle_id, change_id, rollout_wave, policy_bundle, approval_mode, tool_principal), with the
   * `file:line` each was found at. Absent on incidents recorded before this existed.
   */
  artifacts?: Record<string, { value: string; source: string }>;
}

export interface PatternSummary {
  signature: string;
  category: RootCauseCategory;
  count: number;
  incidents: string[];
  firstSeen: number;
  lastSeen: number;
  example: string;
}
