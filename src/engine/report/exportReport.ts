import path from 'node:path';
import { getIncidentOrThrow } from '../incidents';
import { getPostmortem } from '../postmortem/store';
import type { SnapshotStore } from '../snapshotStore';
import type { Incident } from '../types';
import { writeGenerated } from './generatedFile';
import { configuredOutputPath } from '../config/workspacePath';
import { reportFileName, type ReportFormat } from './reportFile';
import { reportFacts } from './reportFacts';
import { OWNERSHIP, renderReport } from './renderReport';

export interface ExportReportOptions {
  format?: ReportFormat;
  /** Where to write (relative to the workspace unless absolute); default `<reportDir>/INC-0001-<title-slug>.<format>`. */
  out?: string;
  force?: boolean;
  now?: number;
}

export interface ExportedReport {
  incidentId: string;
  format: ReportFormat;
  file: string;
}

/**
 * One incident's postmortem report as text (redacted), its links written relative to the file it is
 * meant for: `fileFor` names that file from the redacted incident.
 */
export async function reportText(
  store: SnapshotStore,
  rawId: string,
  opts: { format: ReportFormat; fileFor: (incident: Incident) => string; now: number },
): Promise<{ incidentId: string; file: string; text: string }> {
  const incident = await getIncidentOrThrow(store, rawId);
  const facts = reportFacts(incident, await getPostmortem(store, incident.id));
  const file = opts.fileFor(facts.incident);
  const text = renderReport(facts, { format: opts.format, file, workspaceRoot: store.workspaceRoot, now: opts.now });
  return { incidentId: incident.id, file, text };
}

/** Writes one incident's postmortem report, never over a file a person wrote or edited unless forced. */
export async function exportReport(store: SnapshotStore, rawId: string, opts: ExportReportOptions = {}): Promise<ExportedReport> {
  const format = opts.format ?? 'md';
  const { incidentId, file, text } = await reportText(store, rawId, {
    format,
    fileFor: (incident) =>
      opts.out
        ? path.resolve(store.workspaceRoot, opts.out)
        : path.join(configuredOutputPath(store.workspaceRoot, store.config, 'reportDir'), reportFileName(incident, format)),
    now: opts.now ?? Date.now(),
  });
  await writeGenerated(file, text, { force: opts.force ?? false, ownership: OWNERSHIP[format] });
  return { incidentId, format, file };
}
