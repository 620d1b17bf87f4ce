import { minimatch } from 'minimatch';
import type { EngineConfig } from '../config/types';
import { diffManifests } from '../diff/snapshotDiff';
import { damagedInWindow } from '../store/damage';
import { configKeyChanges } from '../rootCause/configKeys';
import { detectTranscriptFormat, extractDecisions, type DecisionInputFile } from '../decisions/index';
import { linkDecisionsToTriggers } from '../decisions/link';
import { fileRole, holdsJsonRecords, type RoleConfig } from '../rootCause/fileRoles';
import { compileUserRegex, type SafeRegex } from '../content/safeRegex';
import { Redactor, redactLikelySecrets } from '../content/redact';
import { remediationFor } from '../rootCause/remediation';
import { extractArtifacts } from '../postmortem/artifacts';
import { classifyRootCause, type ClassifyInput } from '../rootCause/index';
import type { SnapshotStore } from '../snapshotStore';
import { BlobCache } from '../store/blobCache';
import type {
  Decision,
  DraftTrigger,
  FileChange,
  FileRole,
  ManifestEntry,
  RootCause,
  SnapshotRecord,
  TimelineEvent,
  Trigger,
} from '../types';
import { changedTexts, type ChangedText, type HeldText } from './changedText';
import { frameSources } from './frameSource';
import { scanChangedContent } from './contentScan';
import { isScannedAsLog } from '../logs/logFiles';
import { logScanSettings } from '../logs/logScan';
import { logTrends, structuredTrends } from './metricTrends';
import { outputRecordCounts, storedText } from './outputRecords';
import { fileTriggers, matchesAny, type KeyChanges } from './fileTriggers';
import { gitHistory, headMoveEvents, withTriggeringCommit } from './gitCommits';
import { linkRunSteps, runFindings } from '../run/runFindings';
import type { LogPrescan } from './prescan';
import { buildTimeline, type WindowStep } from './timeline';
import { commandTriggers, lastEventTimes, recordedWindow, watchedChangeTime, type RecordedWindow } from '../recorder/windowEvents';

/** Everything one analysis of a window of snapshots found. Secrets are already redacted. */
export interface Analysis {
  from: SnapshotRecord;
  to: SnapshotRecord;
  snapshots: SnapshotRecord[];
  changes: FileChange[];
  triggers: Trigger[];
  decisions: Decision[];
  timeline: TimelineEvent[];
  rootCause: RootCause;
  remediation: string[];
  /** Agent-system identifiers (trace_id, session_id...) found in the new text, with where. */
  artifacts: Record<string, { value: string; source: string }>;
  /** What was not scanned and why (time budget, unreadable files...). */
  skipped: string[];
}

/** Config files above this are not parsed for key changes. */
const MAX_CONFIG_BYTES = 2 * 1024 * 1024;

/** What flags an incident between two snapshots, without the decision chain or git history (CLI `triggers`, the engine API). */
export async function triggersBetween(
  store: SnapshotStore,
  from: SnapshotRecord,
  to: SnapshotRecord,
): Promise<{ triggers: Trigger[]; skipped: string[] }> {
  const a = await analyzeWindow(store, from, to, { decisions: false, commits: false });
  return { triggers: a.triggers, skipped: a.skipped };
}

export interface WindowOptions {
  decisions?: boolean;
  commits?: boolean;
  /** Big logs scanned while `to` was being taken (see LogPrescan). */
  prescan?: LogPrescan;
  /** `from` is where the same job last worked (see ClassifyInput). */
  knownGood?: ClassifyInput['knownGood'];
  /** The ref `from` was named by (see ClassifyInput.since). */
  since?: string;
}

/**
 * Analyses the window from `from` to `to`: the overall change, every step between the
 * snapshots in between, triggers, decisions, timeline and root cause.
 */
export function analyzeWindow(store: SnapshotStore, from: SnapshotRecord, to: SnapshotRecord, opts: WindowOptions = {}): Promise<Analysis> {
  // A missing or damaged object names the snapshot it belongs to, and fsck.
  return analyzeWindowUnchecked(store, from, to, opts).catch(async (e: unknown) =>
    Promise.reject(await damagedInWindow(store, e, from, to)),
  );
}

async function analyzeWindowUnchecked(
  store: SnapshotStore,
  from: SnapshotRecord,
  to: SnapshotRecord,
  opts: WindowOptions,
): Promise<Analysis> {
  const config = store.config;
  const all = await store.list();
  const snapshots = all.filter((s) => s.id === from.id || s.id === to.id || (s.createdAt > from.createdAt && s.createdAt < to.createdAt));
  const manifests = new Map<string, readonly ManifestEntry[]>();
  for (const s of snapshots) manifests.set(s.id, await store.manifest(s));
  const manifestOf = (s: SnapshotRecord): readonly ManifestEntry[] => manifests.get(s.id) ?? [];

  const blobs = new BlobCache(store.objects);
  const addedByPath = new Map<string, readonly number[]>();
  const changes = await diffManifests(manifestOf(from), manifestOf(to), blobs, {
    keepPatch: true,
    onAdded: (c, added) => addedByPath.set(c.path, added),
  });
  const steps: WindowStep[] = [];
  if (snapshots.length <= 2) {
    steps.push({ from, to, changes });
  } else {
    for (let i = 1; i < snapshots.length; i++) {
      const a = snapshots[i - 1] as SnapshotRecord;
      const b = snapshots[i] as SnapshotRecord;
      steps.push({ from: a, to: b, changes: await diffManifests(manifestOf(a), manifestOf(b), blobs, { lines: false }) });
    }
  }
  const recorded = await recordedWindow(store.dir, from.createdAt, to.createdAt);
  const watchedAt = lastEventTimes(recorded.fileEvents, from.createdAt, to.createdAt);
  const removedAt = new Map<string, number>();
  for (const step of steps)
    for (const c of step.changes) if (c.status === 'removed' && !removedAt.has(c.path)) removedAt.set(c.path, step.to.createdAt);
  // The watcher saw deletions happen: their real time replaces "by the next snapshot".
  for (const p of removedAt.keys()) {
    const t = watchedAt.get(p);
    if (t !== undefined) removedAt.set(p, t);
  }

  const roleCfg = { configGlobs: config.triggers.configGlobs, outputGlobs: config.triggers.outputGlobs, logFiles: config.logFiles };
  const roles = await rolesOfChanges(changes, blobs, roleCfg);
  const configKeys = await configKeyMap(changes, roles, blobs);

  const skipped: string[] = [];
  const outputRecords = await outputRecordCounts(changes, config.triggers.outputGlobs, blobs);
  const drafts: DraftTrigger[] = fileTriggers({
    changes,
    post: to,
    removedAt,
    watched: watchedAt,
    configKeys,
    outputRecords,
    roles,
    config,
  });
  drafts.push(...commandTriggers(recorded.commands, store.workspaceRoot, store.dir));
  const texts = await changedTexts(changes, blobs, store.workspaceRoot, (p, why) => skipped.push(`${p}: ${why}`), addedByPath);
  const scanning = scanChangedContent(
    texts,
    roles,
    config,
    store.workspaceRoot,
    manifestOf(to).map((e) => e.path),
    opts.prescan ? { prescan: opts.prescan } : {},
  );
  // Read while big logs are scanned in their worker thread; linked to triggers once those are known.
  const extracted = opts.decisions === false ? null : extractDecisions(decisionInputs(texts, config), { markers: config.decisionMarkers });
  const content = await scanning;
  drafts.push(...content.triggers);
  // Runs of `incident-replay run` in the window: the error lines of their output, each at the time it arrived.
  const runs = await runFindings({
    storeDir: store.dir,
    workspaceRoot: store.workspaceRoot,
    fromMs: from.createdAt,
    toMs: to.createdAt,
    workspaceFiles: manifestOf(to).map((e) => e.path),
    settings: logScanSettings(config, store.workspaceRoot),
    scanTimeBudgetMs: config.triggers.scanTimeBudgetMs,
  });
  drafts.push(...runs.triggers);
  skipped.push(...content.skipped);

  const redactor = new Redactor();
  for (const v of content.secretValues) redactor.add(v);
  const clean = (s: string): string => redactLikelySecrets(redactor.redact(s));

  const triggers = assignIds(applyIgnoreRules(drafts, config)).map((t) => ({
    ...t,
    message: clean(t.message),
    evidence: clean(t.evidence),
  }));

  let decisions: Decision[] = [];
  if (extracted) {
    decisions = linkRunSteps(linkDecisionsToTriggers([...extracted.decisions, ...runs.decisions], triggers), triggers, runs).map((d) => ({
      ...d,
      text: clean(d.text),
      ...(d.rationale ? { rationale: clean(d.rationale) } : {}),
      ...(d.outcome ? { outcome: { ...d.outcome, text: clean(d.outcome.text) } } : {}),
    }));
  }
  const { commits, headMoves } =
    opts.commits === false ? { commits: [], headMoves: [] } : await gitHistory(store.workspaceRoot, from.createdAt, to.createdAt);
  const timeline = buildTimeline({
    snapshots,
    steps,
    triggers,
    decisions,
    commits,
    events: [...runs.events.map((e) => ({ ...e, title: clean(e.title) })), ...headMoveEvents(headMoves)],
    logLines: [...content.logLines, ...runs.logLines].map((l) => ({ ...l, text: clean(l.text) })),
    recorded: cleanRecorded(recorded, clean),
  });

  const held = texts.filter((ct): ct is HeldText => ct.text !== undefined);
  const metricTrends = [
    ...(await structuredTrends(steps, blobs, roles)),
    ...logTrends(held, (p) => roles(p) === 'log' || isScannedAsLog(p, roles, config)),
  ];
  const frameSource = await frameSources(triggers, manifestOf(to), blobs);
  const classifyInput: ClassifyInput = {
    triggers,
    changes: withWatchedTimes(changes, watchedAt),
    steps: steps.map((s) => ({
      from: s.from.id,
      to: s.to.id,
      changes: withWatchedTimes(s.changes, lastEventTimes(recorded.fileEvents, s.from.createdAt, s.to.createdAt)),
    })),
    decisions,
    configKeys,
    roles,
    metricTrends,
    categoryText: config.rootCauseCategories,
    ...(opts.knownGood ? { knownGood: opts.knownGood } : {}),
    ...(opts.since !== undefined ? { since: opts.since } : {}),
    ...(frameSource.size > 0 ? { frameSource } : {}),
  };
  const classified = classifyRootCause(classifyInput);
  const failureAt = triggers.find((t) => t.severity === 'error')?.timestamp ?? null;
  const rootCause = { ...classified, triggeringChange: withTriggeringCommit(classified.triggeringChange, commits, failureAt) };
  const remediation = remediationFor(rootCause, classifyInput).map(clean);

  return {
    from,
    to,
    snapshots,
    changes: changes.map(({ patch: _patch, ...c }) => c),
    triggers,
    decisions,
    timeline,
    rootCause: {
      ...rootCause,
      evidence: rootCause.evidence.map((e) => ({ ...e, description: clean(e.description) })),
      contributingFactors: rootCause.contributingFactors.map(clean),
      ...(rootCause.triggeringChange
        ? { triggeringChange: { ...rootCause.triggeringChange, reason: clean(rootCause.triggeringChange.reason) } }
        : {}),
    },
    remediation,
    artifacts: extractArtifacts(texts.filter((ct) => ct.text !== undefined).map((ct) => ({ path: ct.path, text: clean(ct.text) }))),
    skipped,
  };
}

/**
 * Changes placed at the time the watcher saw them rather than their mtime, which tools that copy or
 * check out files set to anything: which file changed first is decided by the journal when it has it.
 */
function withWatchedTimes<T extends FileChange>(changes: readonly T[], watched: ReadonlyMap<string, number>): T[] {
  if (watched.size === 0) return [...changes];
  return changes.map((c) => {
    const t = watched.get(c.path);
    return t === undefined || !c.after ? c : { ...c, after: { ...c.after, mtimeMs: watchedChangeTime(c.after.mtimeMs, t) } };
  });
}

/** Terminal output and command lines can carry secrets like any log. */
function cleanRecorded(r: RecordedWindow, clean: (s: string) => string): RecordedWindow {
  return {
    fileEvents: r.fileEvents,
    commands: r.commands.map((c) => ({ ...c, command: clean(c.command), ...(c.output !== undefined ? { output: clean(c.output) } : {}) })),
  };
}

async function configKeyMap(
  changes: readonly FileChange[],
  roles: (p: string) => FileRole,
  blobs: BlobCache,
): Promise<Map<string, KeyChanges>> {
  const out = new Map<string, KeyChanges>();
  const textOf = (e: ManifestEntry | undefined): Promise<string | null> => storedText(blobs, e, MAX_CONFIG_BYTES);
  for (const c of changes) {
    if (roles(c.path) !== 'config' || c.status === 'mode_changed' || c.status === 'renamed') continue;
    if (
      (c.before && (c.before.binary || c.before.size > MAX_CONFIG_BYTES)) ||
      (c.after && (c.after.binary || c.after.size > MAX_CONFIG_BYTES))
    )
      continue;
    const keys = configKeyChanges(c.path, await textOf(c.before), await textOf(c.after));
    if (keys.length) out.set(c.path, keys);
  }
  return out;
}

function decisionInputs(texts: readonly ChangedText[], config: EngineConfig): DecisionInputFile[] {
  const out: DecisionInputFile[] = [];
  for (const ct of texts) {
    if (ct.text === undefined) continue;
    const configured = config.logFiles.some((g) => minimatch(ct.path, g, { dot: true, matchBase: !g.includes('/') }));
    if (!configured && !detectTranscriptFormat(ct.path, ct.text.slice(0, 64 * 1024))) continue;
    out.push({
      path: ct.path,
      text: ct.text,
      mtimeMs: ct.entry.mtimeMs,
      firstNewLine: ct.addedLines ? firstOf(ct.addedLines) : ct.firstNewLine,
    });
  }
  return out;
}

/** JSON read to see whether it holds records (see holdsJsonRecords); larger ones keep the role their path gives. */
const MAX_SNIFFED_JSON_BYTES = 8 * 1024 * 1024;

/**
 * The role of each file by its path (fileRole), except a changed `.json` file that path makes
 * config while its content, before or after, is an array of records: data, so a truncated
 * `items.json` reads as corrupted data, not as a configuration whose keys vanished.
 */
async function rolesOfChanges(changes: readonly FileChange[], blobs: BlobCache, cfg: RoleConfig): Promise<(p: string) => FileRole> {
  const records = new Set<string>();
  for (const c of changes) {
    if (fileRole(c.path, cfg) !== 'config' || !/\.json$/i.test(c.path)) continue;
    for (const e of [c.after, c.before]) {
      const text = await storedText(blobs, e ?? undefined, MAX_SNIFFED_JSON_BYTES);
      if (text !== null && holdsJsonRecords(c.path, text, cfg)) {
        records.add(c.path);
        break;
      }
    }
  }
  return (p) => (records.has(p) ? 'data' : fileRole(p, cfg));
}

/** The smallest added line (1 when none); a loop, since spreading a huge set overflows the argument limit. */
function firstOf(lines: ReadonlySet<number>): number {
  let min = Number.POSITIVE_INFINITY;
  for (const l of lines) if (l < min) min = l;
  return Number.isFinite(min) ? min : 1;
}

function applyIgnoreRules(drafts: readonly DraftTrigger[], config: EngineConfig): DraftTrigger[] {
  const rules = config.triggers.ignore;
  if (rules.length === 0) return [...drafts];
  const compiled = rules.map((r, i) => ({
    kind: r.kind,
    file: r.file,
    message: r.message && config.trustWorkspacePatterns ? compileUserRegex(r.message, '', `triggers.ignore[${i}].message`) : null,
  }));
  return drafts.filter(
    (d) =>
      !compiled.some(
        (r) =>
          (r.kind === undefined || r.kind === d.kind) &&
          (r.file === undefined || matchesAny(d.file, [r.file])) &&
          (r.message === null || matchesSafely(r.message, d.message)) &&
          (r.kind !== undefined || r.file !== undefined || r.message !== null),
      ),
  );
}

/** A hostile ignore regex that times out simply does not ignore. */
function matchesSafely(regex: SafeRegex, message: string): boolean {
  try {
    return regex.test(message.slice(0, 10_000));
  } catch {
    return false;
  }
}

function assignIds(drafts: readonly DraftTrigger[]): Trigger[] {
  return [...drafts]
    .map((d, i) => ({ d, i }))
    .sort((a, b) => a.d.timestamp - b.d.timestamp || a.i - b.i)
    .map(({ d }, i) => ({ id: `T${i + 1}`, ...d }));
}

export { matchesAny };
