/**
 * Triggers as a SARIF 2.1.0 log, so CI can upload them to code scanning and SARIF viewers can
 * open them: one rule per trigger kind and detector, one result per trigger at its file and
 * lines (relative to the workspace root, named by `uriBaseId`), repeats as one result with its
 * count, and every string through the same redaction as exports.
 */
import { pathToFileURL } from 'node:url';
import type { Location, Log, ReportingDescriptor, Result } from 'sarif';
import { errorSignature } from '../logs/signature';
import type { Severity, Trigger, TriggerKind } from '../types';
import { redactDeep } from './redactExport';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
/** The base every result's URI is relative to. */
export const WORKSPACE_BASE = 'WORKSPACE';
/** Key of the signature among a result's partial fingerprints. */
export const SIGNATURE_FINGERPRINT = 'incidentReplay/signature/v1';
/** Stack frames listed as related locations, innermost first. */
const MAX_FRAMES = 10;

const KIND_TEXT: Record<TriggerKind, string> = {
  log_error: 'An error on the new lines of a log',
  deletion: 'A file was deleted',
  config_change: 'A configuration file changed',
  empty_output: 'An output file is empty',
  size_growth: 'A file grew far beyond its earlier size',
  secret: 'A secret was written into a file',
  constraint: "A line breaks one of the workspace's constraints",
};

const LEVEL: Record<Severity, Result.level> = { error: 'error', warning: 'warning', info: 'note' };

export interface SarifOptions {
  /** Absolute path of the workspace root, given as the base of every URI. */
  workspaceRoot: string;
  toolVersion: string;
}

/**
 * The rule a trigger reports under: its kind and detector (`log_error/python_traceback`).
 * Rules that are free text (a constraint's message) are not ids: those report under the kind.
 */
export function sarifRuleId(t: Pick<Trigger, 'kind' | 'rule'>): string {
  return t.rule && /^[\w.:/-]{1,80}$/.test(t.rule) ? `${t.kind}/${t.rule}` : t.kind;
}

/** `log_error/python_traceback` → `LogErrorPythonTraceback`: SARIF viewers show a rule's name as one word. */
function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/** Percent-encodes each segment of a workspace-relative POSIX path. */
function relativeUri(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function location(path: string, startLine: number, startColumn?: number, endLine?: number): Location {
  const first = Math.max(1, startLine);
  const region: NonNullable<NonNullable<Location['physicalLocation']>['region']> = { startLine: first };
  if (startColumn !== undefined) region.startColumn = Math.max(1, startColumn);
  if (endLine !== undefined && endLine >= first) region.endLine = endLine;
  return { physicalLocation: { artifactLocation: { uri: relativeUri(path), uriBaseId: WORKSPACE_BASE }, region } };
}

function result(t: Trigger, ruleIndex: number, ruleId: string): Result {
  const r: Result = {
    ruleId,
    ruleIndex,
    level: LEVEL[t.severity],
    message: { text: t.count && t.count > 1 ? `${t.message} (×${t.count})` : t.message },
    locations: [location(t.file, t.line, t.column, t.endLine)],
    partialFingerprints: { [SIGNATURE_FINGERPRINT]: `${ruleId}: ${errorSignature(t.errorType, t.message)}` },
    properties: {
      triggerId: t.id,
      timestamp: new Date(t.timestamp).toISOString(),
      timestampEstimated: t.timestampEstimated,
      ...(t.errorType ? { errorType: t.errorType } : {}),
      ...(t.count ? { count: t.count } : {}),
      ...(t.occurrences
        ? { occurrences: t.occurrences.map((o) => ({ line: o.line, timestamp: new Date(o.timestamp).toISOString() })) }
        : {}),
      ...(t.burst ? { burst: true } : {}),
    },
  };
  const frames = [...(t.frames ?? [])]
    .reverse()
    .filter((f) => f.inWorkspace)
    .slice(0, MAX_FRAMES);
  if (frames.length) {
    r.relatedLocations = frames.map((f, i) => ({
      id: i,
      ...location(f.file, f.line, f.column),
      message: { text: f.function ? `stack frame in ${f.function}` : 'stack frame' },
    }));
  }
  return r;
}

export function triggersToSarif(triggers: readonly Trigger[], opts: SarifOptions): Log {
  const rules: ReportingDescriptor[] = [];
  const ruleIndex = new Map<string, number>();
  const results: Result[] = [];
  for (const t of triggers) {
    const id = sarifRuleId(t);
    let index = ruleIndex.get(id);
    if (index === undefined) {
      index = rules.length;
      ruleIndex.set(id, index);
      rules.push({
        id,
        name: pascalCase(id),
        shortDescription: { text: t.rule && id !== t.kind ? `${KIND_TEXT[t.kind]} (${t.rule})` : KIND_TEXT[t.kind] },
        defaultConfiguration: { level: LEVEL[t.severity] },
        properties: { kind: t.kind },
      });
    }
    results.push(result(t, index, id));
  }
  const root = pathToFileURL(opts.workspaceRoot).href;
  const log: Log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'Incident Replay', version: opts.toolVersion, semanticVersion: opts.toolVersion, rules } },
        originalUriBaseIds: { [WORKSPACE_BASE]: { uri: root.endsWith('/') ? root : `${root}/` } },
        results,
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
  return redactDeep(log);
}
