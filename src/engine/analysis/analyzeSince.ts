import { performance } from 'node:perf_hooks';
import type { SnapshotStore, SnapshotResult } from '../snapshotStore';
import { analysisStart, type AnalysisStart } from '../refs';
import type { Incident } from '../types';
import { analyzeWindow, type Analysis } from './analyze';
import { isIncident, recordIncident } from './incident';
import { LogPrescan } from './prescan';
import { abortError } from '../store/storeErrors';

/** The steps of an analysis, in order; `record` runs only when something was flagged. */
export type AnalysisStep = 'start' | 'snapshot' | 'analysis' | 'record';

export interface AnalyzeSinceOptions {
  /** Where the window starts (default the baseline; without one, git's HEAD; see analysisStart). */
  since?: string;
  /** Without `since` and without a baseline, the flight recorder's first snapshot of this session (its id) starts the window, before git's HEAD. */
  sessionStart?: string | null;
  title?: string;
  /** Checked between the steps (and passed to the capture): a cancelled analysis records no incident and releases the store lock. */
  signal?: AbortSignal;
  /** Told where the window starts, before the snapshot is taken. */
  onStart?: (start: AnalysisStart) => void;
  /** Runs under the store lock just before the snapshot (the extension flushes its file-event journal here, so buffered events land in the window). */
  beforeSnapshot?: () => Promise<void>;
  /** Told what the snapshot recorded, before the analysis. */
  onSnapshot?: (now: SnapshotResult) => void;
  /** Told what the snapshot and the analysis found, before an incident is recorded. */
  onAnalysis?: (now: SnapshotResult, analysis: Analysis) => void;
  /** Told how long each step took as it ends, before that step's own hook (onStart, onSnapshot, onAnalysis). */
  onStep?: (step: AnalysisStep, ms: number) => void;
}

export interface AnalyzeSinceResult {
  start: AnalysisStart;
  now: SnapshotResult;
  analysis: Analysis;
  /** Recorded when something was flagged. */
  incident: Incident | null;
}

/**
 * "Analyse since the baseline", the one entry point every caller uses (the CLI, the engine API,
 * the MCP tool, the extension, the bench): snapshot now (big logs scanned meanwhile), analyse the
 * window, record the incident. All of it under the store lock, so no prune removes the window's
 * snapshots before the incident pins them.
 */
export async function analyzeSince(store: SnapshotStore, opts: AnalyzeSinceOptions = {}): Promise<AnalyzeSinceResult> {
  const { signal } = opts;
  const step = async <T>(name: AnalysisStep, run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await run();
    opts.onStep?.(name, performance.now() - started);
    return result;
  };
  throwIfCancelled(signal);
  return store.withStoreLock(async () => {
    const start = await step('start', () => analysisStart(store, opts.since, { sessionStart: opts.sessionStart ?? null }));
    opts.onStart?.(start);
    throwIfCancelled(signal);
    if (opts.beforeSnapshot) {
      await opts.beforeSnapshot();
      throwIfCancelled(signal);
    }
    const prescan = new LogPrescan(store, start.from);
    const now = await step('snapshot', () =>
      store.snapshot({ label: 'post-incident', onOversizedFile: prescan.offer, ...(signal ? { signal } : {}) }),
    );
    opts.onSnapshot?.(now);
    throwIfCancelled(signal);
    const analysis = await step('analysis', () => analyzeWindow(store, start.from, now.snapshot, { prescan, since: start.since }));
    opts.onAnalysis?.(now, analysis);
    // The last check: past it the incident is recorded whole (one database write) or not at all.
    throwIfCancelled(signal);
    const incident = isIncident(analysis)
      ? await step('record', () => recordIncident(store, { ...analysis, since: start.since }, opts.title))
      : null;
    return { start, now, analysis, incident };
  });
}

/** The capture's own kind of cancellation error (an `AbortError`), which every caller already treats as a cancellation. */
function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError('analysis');
}
