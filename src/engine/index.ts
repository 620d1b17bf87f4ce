/**
 * The engine's programmatic API: what the CLI and the extension use, and what scripts can use.
 *
 *   const cap = await Capturer.open({ workspace: '.' });
 *   const before = await cap.takeSnapshot({ label: 'before', baseline: true });
 *   // ... the agent runs ...
 *   const analyzer = new Analyzer(cap);
 *   const incident = await analyzer.analyze({ title: 'Agent failed during task X' });
 */
import path from 'node:path';
import { analyzeWindow, triggersBetween, type Analysis } from './analysis/analyze';
import { loadConfig } from './config/load';
import type { EngineConfig } from './config/types';
import { getIncidentOrThrow, incidentList, patterns, resolveIncident } from './incidents';
import { analyzeSince, type AnalyzeSinceOptions } from './analysis/analyzeSince';
import { SnapshotStore, type SnapshotOptions, type SnapshotResult } from './snapshotStore';
import type { Incident, PatternSummary, SnapshotDiff, SnapshotRecord, Trigger } from './types';

export interface OpenOptions {
  /** The workspace folder (default: the current directory). */
  workspace?: string;
  /** The store folder (default: `<workspace>/.incident-replay`). */
  store?: string;
  /** A config file (default: `<workspace>/incident-replay.json` when present). */
  configFile?: string;
  /** A ready config instead of a file (the extension passes its settings this way). */
  config?: EngineConfig;
  wasmPath?: string;
}

/** Snapshots and their differences: the Python tool's `Capturer`. */
export class Capturer {
  private constructor(readonly store: SnapshotStore) {}

  static async open(opts: OpenOptions = {}): Promise<Capturer> {
    const workspace = path.resolve(opts.workspace ?? process.cwd());
    const config =
      opts.config ?? (await loadConfig({ workspaceRoot: workspace, ...(opts.configFile ? { configFile: opts.configFile } : {}) })).config;
    const store = await SnapshotStore.open({
      workspaceRoot: workspace,
      config,
      ...(opts.store ? { storeDir: opts.store } : {}),
      ...(opts.wasmPath ? { wasmPath: opts.wasmPath } : {}),
    });
    return new Capturer(store);
  }

  takeSnapshot(opts: SnapshotOptions = {}): Promise<SnapshotResult> {
    return this.store.snapshot(opts);
  }

  snapshots(): Promise<SnapshotRecord[]> {
    return this.store.list();
  }

  setBaseline(ref: string): Promise<SnapshotRecord> {
    return this.store.setBaseline(ref);
  }

  diffSnapshots(refA: string, refB: string): Promise<SnapshotDiff> {
    return this.store.diff(refA, refB);
  }

  async checkTriggers(refA: string, refB: string): Promise<Trigger[]> {
    const [a, b] = [await this.store.resolve(refA), await this.store.resolve(refB)];
    return (await triggersBetween(this.store, a, b)).triggers;
  }

  close(): void {
    this.store.close();
  }
}

/** Analyses and incidents: the Python tool's `Analyzer`. */
export class Analyzer {
  constructor(private readonly capturer: Capturer) {}

  /** Analyses a window without recording anything. */
  async analyzeBetween(refA: string, refB: string): Promise<Analysis> {
    const s = this.capturer.store;
    return analyzeWindow(s, await s.resolve(refA), await s.resolve(refB));
  }

  /** Snapshots now, analyses since `since` (default the baseline, else git's HEAD) and records an incident when something was flagged. */
  async analyze(opts: AnalyzeSinceOptions = {}): Promise<Incident | null> {
    return (await analyzeSince(this.capturer.store, opts)).incident;
  }

  incident(id: string): Promise<Incident> {
    return getIncidentOrThrow(this.capturer.store, id);
  }

  incidents(): ReturnType<typeof incidentList> {
    return incidentList(this.capturer.store);
  }

  patterns(): Promise<PatternSummary[]> {
    return patterns(this.capturer.store);
  }

  resolve(id: string): Promise<Incident> {
    return resolveIncident(this.capturer.store, id);
  }
}

export { SnapshotStore } from './snapshotStore';
export { loadConfig } from './config/load';
export { DEFAULT_CONFIG } from './config/defaults';
export { analyzeWindow, type Analysis } from './analysis/analyze';
export { LogPrescan } from './analysis/prescan';
export * from './errors';
export type * from './types';
export type { EngineConfig } from './config/types';

// What the VS Code extension reaches through dist/engine.js (it never bundles the engine itself).
export { CONFIG_FILE_NAME, parseConfigText, type ConfigWarning, type LoadedConfig } from './config/load';
export { outsideReason } from './config/workspacePath';
export { analyzeSince, type AnalysisStep, type AnalyzeSinceOptions, type AnalyzeSinceResult } from './analysis/analyzeSince';
export type { AnalysisStart } from './refs';
export { listRuns, type RunSummary } from './run/runLog';
export { runRecorded, type RecordedRun, type RecordedRunOptions } from './run/recordedRun';
export { getIncidentOrThrow, incidentList, incidentsNewestFirst, normalizeIncidentId, resolveIncident } from './incidents';
export type { IncidentListItem } from './db/incidentRows';
export { getPostmortem, savePostmortem } from './postmortem/store';
export type { Postmortem } from './postmortem/types';
export { findBlame, type BlameFinding } from './postmortem/blameless';
export { exportReport, type ExportedReport, type ExportReportOptions } from './report/exportReport';
export type { PruneResult, RestorePlan, RestoreResult, SnapshotOptions, SnapshotResult } from './snapshotStore';
export { fsck, type FsckReport, type FsckProblem } from './store/fsck';
export {
  openStoreAccess,
  Recorder,
  type RecorderHooks,
  type RecorderStatus,
  type SnapshotReason,
  type StoreAccess,
} from './recorder/recorder';
export { DEFAULT_RECORDER_SETTINGS, recorderSettings, type RecorderSettings, type RetentionPolicy } from './recorder/settings';
export { applyRetention, storeDiskBytes, type RetentionResult } from './recorder/retention';
// What agents call: the MCP server's tools, which the extension offers as language-model tools.
export { AGENT_TOOLS, callAgentTool, findAgentTool, type AgentToolResult } from '../mcp/tools/catalog';
export type { AgentTool } from '../mcp/tools/tool';
