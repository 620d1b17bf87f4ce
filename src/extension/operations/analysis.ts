import * as vscode from '../vscodeApi';
import type { AnalysisStep } from '../../engine/analysis/analyzeSince';
import type { AnalysisStart } from '../../engine/refs';
import type { Incident, SnapshotRecord } from '../../engine/types';
import { formatBytes, formatDuration, plural } from '../../model/format';
import { UserError } from '../services/errors';
import type { WorkspaceServices } from '../services/workspace';

export type AnalysisOutcome =
  | { kind: 'no-baseline' }
  | { kind: 'clean'; from: SnapshotRecord; to: SnapshotRecord; changes: number }
  | { kind: 'incident'; incident: Incident };

export interface AnalyzeOptions {
  signal?: AbortSignal;
  /** Progress text: which step runs now. */
  onStep?: (message: string) => void;
  title?: string;
}

/**
 * Analyze Since Baseline without the UI around it: the engine's analyzeSince (snapshot now,
 * analyse the window from the baseline, record the incident, all under the store lock), with the
 * recorder's session snapshot as the start when there is no baseline, its journal flushed first,
 * each step timed in the log; then the incident's triggers go in the Problems panel (a clean
 * result clears them). The views hear about it either way.
 */
export async function analyzeFolder(
  services: WorkspaceServices,
  folder: vscode.WorkspaceFolder,
  opts: AnalyzeOptions = {},
): Promise<AnalysisOutcome> {
  const { log } = services;
  try {
    const result = await services.stores.use(folder, async (store, engine) => {
      const ms = new Map<AnalysisStep, number>();
      let start: AnalysisStart | null = null;
      try {
        return await engine.analyzeSince(store, {
          // Without a baseline, the flight recorder's first snapshot of this session starts the
          // window; without that either, git's HEAD, as the CLI does (the incident says which).
          sessionStart: services.recording.sessionStart(folder),
          ...(opts.title ? { title: opts.title } : {}),
          ...(opts.signal ? { signal: opts.signal } : {}),
          onStep: (step, took) => ms.set(step, took),
          onStart: (found) => {
            start = found;
            if (found.since !== 'baseline') log.info(`${folder.name}: no baseline: analysing since ${found.since}`);
          },
          beforeSnapshot: async () => {
            // Events still buffered belong in the window.
            await services.recording.flush(folder);
            opts.onStep?.('taking a snapshot');
          },
          onSnapshot: (now) => {
            const s = now.snapshot;
            log.info(
              `snapshot of ${folder.name} in ${took(ms, 'snapshot')}: ${s.id}, ${plural(s.fileCount, 'file')}, ${formatBytes(s.byteCount)} (${now.stats.filesHashed} hashed, ${now.stats.filesReused} reused)`,
            );
            for (const i of now.issues) log.warn(`${folder.name}: ${i.path}: ${i.message}`);
            opts.onStep?.('analysing');
          },
          onAnalysis: (now, a) => {
            log.info(
              `analysis of ${folder.name} from ${start?.from.id ?? ''} to ${now.snapshot.id} in ${took(ms, 'analysis')}: ` +
                `${plural(a.triggers.length, 'trigger')}, ${plural(a.changes.length, 'changed file')}, root cause ${a.rootCause.category} (${Math.round(a.rootCause.confidence * 100)}%)`,
            );
            for (const s of a.skipped) log.warn(`${folder.name}: not scanned: ${s}`);
          },
        });
      } catch (e) {
        // No start for the window: no baseline, no recorder snapshot, no git HEAD.
        if (!start && e instanceof Error && e.name === 'InputError') return null;
        throw e;
      }
    });
    if (!result) return { kind: 'no-baseline' };
    const { incident } = result;
    if (!incident) {
      services.diagnostics.clear(folder);
      return { kind: 'clean', from: result.start.from, to: result.now.snapshot, changes: result.analysis.changes.length };
    }
    log.info(
      `${folder.name}: recorded ${incident.id} (${incident.severity}): ${incident.title}${incident.repeatOf ? `, a repeat of ${incident.repeatOf}` : ''}`,
    );
    services.diagnostics.show(folder, incident);
    return { kind: 'incident', incident };
  } finally {
    services.notifyChanged(folder);
  }
}

function took(ms: ReadonlyMap<AnalysisStep, number>, step: AnalysisStep): string {
  return formatDuration(ms.get(step) ?? 0);
}

/** The incident panel's "analyse again": same run, progress in the status bar. */
export async function reanalyzeFolder(services: WorkspaceServices, folder: vscode.WorkspaceFolder): Promise<Incident | null> {
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: `Incident Replay: analysing ${folder.name}` },
    () => analyzeFolder(services, folder),
  );
  if (outcome.kind === 'no-baseline')
    throw new UserError(`${folder.name} has no baseline yet: take a snapshot and mark it as the baseline first`);
  return outcome.kind === 'incident' ? outcome.incident : null;
}
