import { applyRetention } from '../recorder/retention';
import { DEFAULT_RECORDER_SETTINGS } from '../recorder/settings';
import type { Writable } from 'node:stream';
import { analyzeWindow } from '../analysis/analyze';
import { isIncident, leadTrigger, recordIncident } from '../analysis/incident';
import type { SnapshotStore } from '../snapshotStore';
import type { Incident, SnapshotRecord, Trigger } from '../types';
import { endingText } from './runFindings';
import { runJob, type RunOutcome } from './runJob';
import { appendRunRecord, commandLine, newRunId } from './runLog';

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
      const a = await analyzeWindow(store, before, after);
      if (!isIncident(a)) {
        result.note = 'nothing flagged, no incident recorded';
        return;
      }
      result.incident = await recordIncident(store, { ...a, since: `${label}:before` }, runTitle(summary, a.triggers, outcome.file));
      appendRunRecord(outcome.file, { type: 'incident', t: Date.now(), id: result.incident.id });
    });
  } catch (e) {
    result.note = `the run could not be ${result.after ? 'analysed' : 'snapshotted after it ended'}: ${e instanceof Error ? e.message : String(e)}`;
  }
  await applyRetention(store, DEFAULT_RECORDER_SETTINGS.retention).catch(() => undefined);
  return result;
}

/** The command and how it ended, then its first error when its own output had one. */
function runTitle(summary: string, triggers: readonly Trigger[], runLog: string): string {
  const lead = leadTrigger(triggers);
  const own = lead && runLog.endsWith(lead.file) && lead.rule !== 'exit_code' && lead.rule !== 'signal';
  const title = own ? `${summary}: ${lead.errorType ? `${lead.errorType}: ` : ''}${lead.message}` : summary;
  const flat = title.replace(/\s+/g, ' ').trim();
  return flat.length > 120 ? flat.slice(0, 119) + '…' : flat;
}
