import { applyRetention } from '../recorder/retention';
import { DEFAULT_RECORDER_SETTINGS } from '../recorder/settings';
import type { Writable } from 'node:stream';
import { analyzeWindow } from '../analysis/analyze';
import { isIncident, leadTrigger, recordIncident } from '../analysis/incident';
import type { SnapshotStore } from '../snapshotStore';
import type { Incident, SnapshotRecord, Trigger } from '../types';
import type { ClassifyInput } from '../rootCause/input';
import { errorLine } from '../rootCause/triggers';
import { endingText } from './runFindings';
import { runJob, type RunOutcome } from './runJob';
import { appendRunRecord, commandLine, newRunId, readRunLog, runLogFiles, type RunSummary } from './runLog';

export interface RecordedRunOptions {
  command: readonly string[];
  cwd: string;
  /** Names the run; its snapshots are labelled `<label>:before` and `<label>:after` (default `run-<id>`). */
  label?: string;
  /** Analyse a failed run at once (default true). */
  analyze?: boolean;
  stdout: Writable;
  stderr: Writable;
  /** Signals passed on to the command (the CLI gives wrapperSignals()); none by default. */
  forward?: readonly NodeJS.Signals[];
}

export interface RecordedRun {
  outcome: RunOutcome;
  label: string;
  /** The command and how it ended, as a person reads it (`node job.js exited with code 3`). */
  summary: string;
  before: SnapshotRecord;
  /** Absent when the command could not start. */
  after: SnapshotRecord | null;
  incident: Incident | null;
  /** Why a failed run was not analysed or recorded, when it was not. */
  note: string | null;
}

/**
 * A job run as `incident-replay run` does it: a snapshot (the run's baseline), the command with
 * its output recorded, a snapshot after, and on failure the analysis of that window recorded as
 * an incident. The job's outcome always comes back, whatever happens to the analysis: to cron or
 * CI its exit code matters more than ours.
 */
export async function runRecorded(store: SnapshotStore, opts: RecordedRunOptions): Promise<RecordedRun> {
  const id = newRunId();
  const label = opts.label?.trim() || `run-${id}`;
  // A cron job runs every few minutes: its snapshots are automatic ones, under the recorder's
  // retention, unless an incident pins them.
  const { snapshot: before } = await store.snapshot({ label: `${label}:before`, origin: 'auto' });
  const outcome = await runJob({
    storeDir: store.dir,
    id,
    command: opts.command,
    cwd: opts.cwd,
    label,
    before: before.id,
    stdout: opts.stdout,
    stderr: opts.stderr,
    ...(opts.forward ? { forward: opts.forward } : {}),
  });
  const summary = `${commandLine(opts.command)} ${endingText(outcome)}`;
  const result: RecordedRun = { outcome, label, summary, before, after: null, incident: null, note: null };
  if (outcome.error !== null) return result;
  try {
    // Under the store lock from the snapshot after to the incident, so no prune removes the window before the incident pins it.
    await store.withStoreLock(async () => {
      const after = (await store.snapshot({ label: `${label}:after`, origin: 'auto' })).snapshot;
      result.after = after;
      appendRunRecord(outcome.file, { type: 'after', t: Date.now(), snapshot: after.id });
      if (outcome.shellCode === 0 || opts.analyze === false) return;
      if (!(await store.list()).some((s) => s.id === before.id)) {
        result.note = `its snapshot before (${before.id}) was pruned while it ran, so it was not analysed; the run log keeps its output`;
        return;
      }
      const start = await lastKnownGood(store, opts, id, before, outcome.end - outcome.start);
      const a = await analyzeWindow(store, start.snapshot, after, {
        since: start.ref,
        ...(start.knownGood ? { knownGood: start.knownGood } : {}),
      });
      if (!isIncident(a)) {
        result.note = 'nothing flagged, no incident recorded';
        return;
      }
      result.incident = await recordIncident(store, { ...a, since: start.ref }, runTitle(summary, a.triggers, outcome.file));
      appendRunRecord(outcome.file, { type: 'incident', t: Date.now(), id: result.incident.id });
    });
  } catch (e) {
    result.note = `the run could not be ${result.after ? 'analysed' : 'snapshotted after it ended'}: ${e instanceof Error ? e.message : String(e)}`;
  }
  await applyRetention(store, DEFAULT_RECORDER_SETTINGS.retention).catch(() => undefined);
  return result;
}

/**
 * Where a failed run's analysis starts: the last time the job is known to have worked, so that
 * what changed before the run started (its input rewritten, its config edited since last night)
 * is in the window, not only what the run itself did. That is the end of the latest successful
 * run of the same command in the same folder, or the baseline when it is more recent, provided
 * the store still has it (retention drops a run's snapshots unless an incident pins them); else
 * the snapshot taken just before the run.
 */
async function lastKnownGood(
  store: SnapshotStore,
  opts: Pick<RecordedRunOptions, 'command' | 'cwd'>,
  runId: string,
  before: SnapshotRecord,
  failedAfterMs: number,
): Promise<{ snapshot: SnapshotRecord; ref: string; knownGood?: ClassifyInput['knownGood'] }> {
  const snapshots = new Map((await store.list()).map((s) => [s.id, s]));
  const baseline = await store.baseline();
  const floor = baseline && baseline.createdAt < before.createdAt ? baseline : null;
  // Newest first, and no further back than the baseline: a cron job's store holds many runs.
  for (const file of runLogFiles(store.dir, floor?.createdAt ?? -Infinity, before.createdAt).reverse()) {
    const run = readRunLog(file);
    const end = run?.after ? snapshots.get(run.after) : undefined;
    if (
      run &&
      end &&
      run.id !== runId &&
      worked(run) &&
      sameJob(run, opts) &&
      end.createdAt < before.createdAt &&
      (!floor || end.createdAt > floor.createdAt)
    ) {
      const durations = [...earlierDurations(store.dir, opts, run), durationOf(run)].filter((d): d is number => d !== null);
      return {
        snapshot: end,
        ref: end.label ?? end.id,
        knownGood: {
          snapshot: end.id,
          at: end.label ?? end.id,
          job: commandLine(run.command),
          runStart: before.id,
          durations,
          failedAfterMs,
        },
      };
    }
  }
  if (floor) return { snapshot: floor, ref: 'baseline' };
  return { snapshot: before, ref: before.label ?? before.id };
}

function worked(run: RunSummary): boolean {
  return run.exitCode === 0 && run.signal === null;
}

function sameJob(run: RunSummary, opts: Pick<RecordedRunOptions, 'command' | 'cwd'>): boolean {
  return run.cwd === opts.cwd && run.command.length === opts.command.length && run.command.every((arg, i) => arg === opts.command[i]);
}

function durationOf(run: RunSummary): number | null {
  return run.end === null ? null : run.end - run.start;
}

/** Runs of the job's history read for how long it took; older ones say little about today's trend. */
const HISTORY_RUNS = 7;
/** Run logs opened to find them: other jobs' runs sit in between in a shared store. */
const HISTORY_LOGS = 60;

/**
 * How long the job's successful runs before `last` took, oldest first, back to the first that
 * failed (a run that failed ended the trend it belongs to) and at most HISTORY_RUNS of them. Run
 * logs outlive the snapshots retention drops, so this history reaches further back than the window.
 */
function earlierDurations(storeDir: string, opts: Pick<RecordedRunOptions, 'command' | 'cwd'>, last: RunSummary): number[] {
  const out: number[] = [];
  const files = runLogFiles(storeDir, -Infinity, last.start).reverse().slice(0, HISTORY_LOGS);
  for (const file of files) {
    if (out.length >= HISTORY_RUNS) break;
    const run = readRunLog(file);
    if (!run || run.id === last.id || !sameJob(run, opts)) continue;
    if (!worked(run)) break;
    const d = durationOf(run);
    if (d !== null) out.push(d);
  }
  return out.reverse();
}

/** The command and how it ended, then its first error when its own output had one. */
function runTitle(summary: string, triggers: readonly Trigger[], runLog: string): string {
  const lead = leadTrigger(triggers);
  const own = lead && runLog.endsWith(lead.file) && lead.rule !== 'exit_code' && lead.rule !== 'signal';
  const title = own ? `${summary}: ${errorLine(lead)}` : summary;
  const flat = title.replace(/\s+/g, ' ').trim();
  return flat.length > 120 ? flat.slice(0, 119) + '…' : flat;
}
