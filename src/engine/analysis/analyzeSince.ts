import type { SnapshotStore, SnapshotResult } from '../snapshotStore';
import { analysisStart, type AnalysisStart } from '../refs';
import type { Incident } from '../types';
import { analyzeWindow, type Analysis } from './analyze';
import { isIncident, recordIncident } from './incident';
import { LogPrescan } from './prescan';

export interface AnalyzeSinceOptions {
  /** Where the window starts (default the baseline; without one, git's HEAD; see analysisStart). */
  since?: string;
  title?: string;
  /** Told where the window starts, before the snapshot is taken. */
  onStart?: (start: AnalysisStart) => void;
  /** Told what the snapshot and the analysis found, before an incident is recorded. */
  onAnalysis?: (now: SnapshotResult, analysis: Analysis) => void;
}

export interface AnalyzeSinceResult {
  start: AnalysisStart;
  now: SnapshotResult;
  analysis: Analysis;
  /** Recorded when something was flagged. */
  incident: Incident | null;
}

/**
 * "Analyse since the baseline", the one use case the CLI, the engine API and the MCP server share:
 * snapshot now (big logs scanned meanwhile), analyse the window, record the incident. All of it
 * under the store lock, so no prune removes the window's snapshots before the incident pins them.
 */
export function analyzeSince(store: SnapshotStore, opts: AnalyzeSinceOptions = {}): Promise<AnalyzeSinceResult> {
  return store.withStoreLock(async () => {
    const start = await analysisStart(store, opts.since);
    opts.onStart?.(start);
    const prescan = new LogPrescan(store, start.from);
    const now = await store.snapshot({ label: 'post-incident', onOversizedFile: prescan.offer });
    const analysis = await analyzeWindow(store, start.from, now.snapshot, { prescan });
    opts.onAnalysis?.(now, analysis);
    const incident = isIncident(analysis) ? await recordIncident(store, { ...analysis, since: start.since }, opts.title) : null;
    return { start, now, analysis, incident };
  });
}
