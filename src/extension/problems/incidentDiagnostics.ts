import { existsSync } from 'node:fs';
import * as vscode from '../vscodeApi';
import type { Incident, Severity, Trigger } from '../../engine/types';
import { CONFIG_FILE_NAME } from '../../model/config';
import { type DiagnosticSpec, type DiagnosticTarget, incidentDiagnostics, type Span } from './diagnosticModel';
import { snapshotFileUri, workspaceFileUri } from '../diffs/uris';

export const DIAGNOSTIC_SOURCE = 'Incident Replay';

/** What a quick fix needs to know about the trigger behind a diagnostic. */
export interface TriggerRef {
  folder: vscode.WorkspaceFolder;
  incidentId: string;
  trigger: Trigger;
}

interface Shown {
  collection: vscode.DiagnosticCollection;
  incidentId: string | null;
  /** Our diagnostics with their triggers, per document URI, to answer quick-fix requests. */
  byUri: Map<string, { diagnostic: vscode.Diagnostic; ref: TriggerRef }[]>;
}

/**
 * The Problems-panel entries of the latest analysis, one collection per workspace folder.
 * A new analysis replaces them; resolving the incident they show clears them.
 */
export class IncidentDiagnostics implements vscode.Disposable {
  private readonly shown = new Map<string, Shown>();

  show(folder: vscode.WorkspaceFolder, incident: Incident): void {
    const entry = this.entryFor(folder);
    entry.collection.clear();
    entry.byUri.clear();
    entry.incidentId = incident.id;
    const root = folder.uri.fsPath;
    const specs = incidentDiagnostics(incident, {
      exists: (p) => existsSync(workspaceFileUri(folder, p).fsPath),
      configFile: existsSync(`${root}/${CONFIG_FILE_NAME}`) ? CONFIG_FILE_NAME : null,
    });
    const triggers = new Map(incident.triggers.map((t) => [t.id, t]));
    const grouped = new Map<string, { uri: vscode.Uri; list: vscode.Diagnostic[] }>();
    for (const spec of specs) {
      const uri = targetUri(folder, spec.target);
      const diagnostic = toDiagnostic(folder, spec, incident.id);
      const key = uri.toString();
      const group = grouped.get(key) ?? { uri, list: [] };
      group.list.push(diagnostic);
      grouped.set(key, group);
      const trigger = triggers.get(spec.triggerId);
      if (trigger) {
        const refs = entry.byUri.get(key) ?? [];
        refs.push({ diagnostic, ref: { folder, incidentId: incident.id, trigger } });
        entry.byUri.set(key, refs);
      }
    }
    entry.collection.set([...grouped.values()].map((g) => [g.uri, g.list]));
  }

  /** Clears a folder's diagnostics; with `incidentId`, only when they show that incident. */
  clear(folder: vscode.WorkspaceFolder, incidentId?: string): void {
    const entry = this.shown.get(folder.uri.toString());
    if (!entry || (incidentId !== undefined && entry.incidentId !== incidentId)) return;
    entry.collection.clear();
    entry.byUri.clear();
    entry.incidentId = null;
  }

  shownIncident(folder: vscode.WorkspaceFolder): string | null {
    return this.shown.get(folder.uri.toString())?.incidentId ?? null;
  }

  /** The trigger behind one of our diagnostics, matched by place and text (the host may hand back copies). */
  refOf(uri: vscode.Uri, d: vscode.Diagnostic): TriggerRef | undefined {
    if (d.source !== DIAGNOSTIC_SOURCE) return undefined;
    for (const entry of this.shown.values()) {
      const hit = entry.byUri
        .get(uri.toString())
        ?.find((x) => x.diagnostic === d || (x.diagnostic.range.isEqual(d.range) && x.diagnostic.message === d.message));
      if (hit) return hit.ref;
    }
    return undefined;
  }

  /** Drops the diagnostics of triggers that `ignored` says are now ignored. */
  removeWhere(folder: vscode.WorkspaceFolder, ignored: (t: Trigger) => boolean): void {
    const entry = this.shown.get(folder.uri.toString());
    if (!entry) return;
    for (const [key, refs] of entry.byUri) {
      const keep = refs.filter((r) => !ignored(r.ref.trigger));
      entry.byUri.set(key, keep);
      entry.collection.set(
        vscode.Uri.parse(key),
        keep.map((r) => r.diagnostic),
      );
    }
  }

  /** A folder left the workspace: its diagnostics go with it. */
  forget(folder: vscode.WorkspaceFolder): void {
    const key = folder.uri.toString();
    this.shown.get(key)?.collection.dispose();
    this.shown.delete(key);
  }

  dispose(): void {
    for (const e of this.shown.values()) e.collection.dispose();
    this.shown.clear();
  }

  private entryFor(folder: vscode.WorkspaceFolder): Shown {
    const key = folder.uri.toString();
    let entry = this.shown.get(key);
    if (!entry) {
      entry = { collection: vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE), incidentId: null, byUri: new Map() };
      this.shown.set(key, entry);
    }
    return entry;
  }
}

function targetUri(folder: vscode.WorkspaceFolder, t: DiagnosticTarget): vscode.Uri {
  return t.kind === 'workspace' ? workspaceFileUri(folder, t.path) : snapshotFileUri(folder, t.snapshotId, t.path);
}

function range(s: Span): vscode.Range {
  return new vscode.Range(s.startLine, s.startCharacter, s.endLine, s.endCharacter);
}

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

function toDiagnostic(folder: vscode.WorkspaceFolder, spec: DiagnosticSpec, incidentId: string): vscode.Diagnostic {
  const d = new vscode.Diagnostic(range(spec.span), `${spec.message} [${incidentId}]`, SEVERITY[spec.severity]);
  d.source = DIAGNOSTIC_SOURCE;
  d.code = spec.code;
  if (spec.related.length > 0) {
    d.relatedInformation = spec.related.map(
      (r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(targetUri(folder, r.target), range(r.span)), r.message),
    );
  }
  return d;
}
