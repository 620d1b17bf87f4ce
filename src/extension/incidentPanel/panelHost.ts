import type * as vscode from 'vscode';
import type { BlameFinding } from '../../engine/postmortem/blameless';
import type { Postmortem } from '../../engine/postmortem/types';
import type { Incident } from '../../engine/types';

/**
 * What the incident panel needs from the rest of the extension. The panel (webview host) only
 * talks to this interface; `host.ts` implements it over the workspace services. A workspace folder
 * is identified by its URI string, since each folder has its own store.
 */
export interface IncidentPanelHost {
  getIncident(folder: string, incidentId: string): Promise<Incident>;
  /** Runs Analyze Since Baseline again for the folder; the new incident, or null when nothing was flagged. */
  reanalyze(folder: string): Promise<Incident | null>;
  resolve(folder: string, incidentId: string): Promise<Incident>;
  /** Writes the markdown report into the repository, opens it, and returns its path. */
  exportReport(folder: string, incidentId: string): Promise<string | undefined>;
  /** Opens every change of the incident in the multi-file diff editor. */
  openChanges(folder: string, incidentId: string): Promise<void>;
  /** Opens a workspace file at a 1-based line (and column). */
  openLocation(folder: string, file: string, line: number, column?: number): Promise<void>;
  /** Opens the native diff of one path between two snapshots. */
  openDiff(folder: string, fromSnapshot: string, toSnapshot: string, path: string): Promise<void>;
  getPostmortem(folder: string, incidentId: string): Promise<Postmortem>;
  savePostmortem(folder: string, postmortem: Postmortem): Promise<void>;
  /**
   * The engine's blameless check (`findBlame(text, field)` for each text), loaded like the rest of
   * the engine on first use. Optional: without it the postmortem tab says the check is unavailable.
   */
  checkBlame?(texts: readonly { field: string; text: string }[]): Promise<BlameFinding[]>;
  /** Where the extension's bundles and media live (for localResourceRoots). */
  readonly extensionUri: vscode.Uri;
}
