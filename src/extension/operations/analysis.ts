import * as vscode from '../vscodeApi';
import type { Incident, SnapshotRecord } from '../../engine/types';
import { formatBytes, plural } from '../views/format';
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
 * Analyze Since Baseline without the UI around it: snapshot now, analyse the window from the
 * baseline, record the incident and put its triggers in the Problems panel (a clean result
 * clears them). The views hear about it either way.
 */
export async function analyzeFolder(services: WorkspaceServices, folder: vscode.WorkspaceFolder, opts: AnalyzeOptions = {}): Promise<AnalysisOutcome> {
  const { log } = services;
  try {
    // Under the store lock throughout, so no prune removes the window's snapshots before the incident pins them.
    return await services.stores.use(folder, (store, engine): Promise<AnalysisOutcome> => store.withStoreLock(async () => {
      const all = await store.list();
      // Without a baseline, the flight recorder's first snapshot of this session starts the window;
      // without that either, git's HEAD, as the CLI does (the incident says which).
      const sessionStart = services.recording.sessionStart(folder);
      const recorded = all.filter((s) => s.baseline).pop() ?? all.find((s) => s.id === sessionStart);
      let start: { from: typeof all[number]; since: string } | null = recorded
        ? { from: recorded, since: recorded.baseline ? 'baseline' : `${recorded.id} (the recorder's first snapshot of this session: no baseline was set)` }
        : null;
      if (!start) {
        try {
          const r = await engine.analysisStart(store);
          start = { from: r.from, since: r.since };
        } catch (e) {
          if (e instanceof Error && e.name === 'InputError') return { kind: 'no-baseline' };
          throw e;
        }
      }
      const { from: baseline, since } = start;
      if (since !== 'baseline') log.info(`${folder.name}: no baseline: analysing since ${since}`);
      // Events still buffered belong in the window.
      await services.recording.flush(folder);
      opts.onStep?.('taking a snapshot');
      // Big logs are scanned while the snapshot is taken.
      const prescan = new engine.LogPrescan(store, baseline);
      const now = await log.timed(
        `snapshot of ${folder.name}`,
        () => store.snapshot({ label: 'post-incident', onOversizedFile: prescan.offer, ...(opts.signal ? { signal: opts.signal } : {}) }),
        (r) => `${r.snapshot.id}, ${plural(r.snapshot.fileCount, 'file')}, ${formatBytes(r.snapshot.byteCount)} (${r.stats.filesHashed} hashed, ${r.stats.filesReused} reused)`,
      );
      for (const i of now.issues) log.warn(`${folder.name}: ${i.path}: ${i.message}`);
      opts.onStep?.('analysing');
      const a = await log.timed(
        `analysis of ${folder.name} from ${baseline.id} to ${now.snapshot.id}`,
        () => engine.analyzeWindow(store, baseline, now.snapshot, { prescan }),
        (r) => `${plural(r.triggers.length, 'trigger')}, ${plural(r.changes.length, 'changed file')}, root cause ${r.rootCause.category} (${Math.round(r.rootCause.confidence * 100)}%)`,
      );
      for (const s of a.skipped) log.warn(`${folder.name}: not scanned: ${s}`);
      if (!engine.isIncident(a)) {
        services.diagnostics.clear(folder);
        return { kind: 'clean', from: baseline, to: now.snapshot, changes: a.changes.length };
      }
      const incident = await engine.recordIncident(store, { ...a, since }, opts.title);
      log.info(`${folder.name}: recorded ${incident.id} (${incident.severity}): ${incident.title}${incident.repeatOf ? `, a repeat of ${incident.repeatOf}` : ''}`);
      services.diagnostics.show(folder, incident);
      return { kind: 'incident', incident };
    }));
  } finally {
    services.notifyChanged(folder);
  }
}

/** The incident panel's "analyse again": same run, progress in the status bar. */
export async function reanalyzeFolder(services: WorkspaceServices, folder: vscode.WorkspaceFolder): Promise<Incident | null> {
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: `Incident Replay: analysing ${folder.name}` },
    () => analyzeFolder(services, folder),
  );
  if (outcome.kind === 'no-baseline') throw new UserError(`${folder.name} has no baseline yet: take a snapshot and mark it as the baseline first`);
  return outcome.kind === 'incident' ? outcome.incident : null;
}
