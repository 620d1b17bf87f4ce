import type { EngineConfig } from '../config/types';
import { ScanBudget } from '../content/scanBudget';
import { scanConstraints } from '../content/constraints';
import { scanSecrets } from '../content/secrets';
import { gitleaksSources, loadGitleaksSources } from '../content/gitleaksRules';
import type { ContentFile, ContentFinding } from '../content/scanBudget';
import type { DraftTrigger, FileRole, LogLineEvent } from '../types';
import type { BigText, ChangedText } from './changedText';
import { isScannedAsLog } from '../logs/logFiles';
import { LogScan, type LogScanOutput, logScanSettings, mergeLogOutputs, textLines } from '../logs/logScan';
import { type BigLogScan, DEFAULT_WORKER_SCRIPT, type LogThreadResult, scanStreamedLogs } from '../logs/logThread';
import type { LogPrescan } from './prescan';

export interface ContentScanResult {
  triggers: DraftTrigger[];
  logLines: LogLineEvent[];
  /** Raw secret values found, for the redactor only; never serialised. */
  secretValues: string[];
  skipped: string[];
}

export interface ContentScanOptions {
  /** The log scan worker's script; null scans big logs on this thread (default: the bundled worker, when present). */
  logWorker?: string | null;
  /** Big logs scanned while the post snapshot was taken. */
  prescan?: LogPrescan;
}

/**
 * Scans the new lines of changed text files: log errors in log-like files, secrets and
 * constraint violations in every file. User regexes run through SafeRegex under the budget.
 * Big logs streamed from disk are scanned in a worker thread meanwhile.
 */
export async function scanChangedContent(
  texts: readonly ChangedText[],
  roles: (path: string) => FileRole,
  config: EngineConfig,
  workspaceRoot: string,
  /** The post snapshot's paths, so Java-style frames (file name only) map to the right source. */
  workspaceFiles: readonly string[],
  opts: ContentScanOptions = {},
): Promise<ContentScanResult> {
  const t = config.triggers;
  const budget = new ScanBudget(t.scanTimeBudgetMs);
  const logs = scanChangedLogs(texts, roles, config, workspaceRoot, workspaceFiles, budget, opts);
  // Until the logs are awaited, a failure there must not surface as an unhandled rejection.
  logs.catch(() => undefined);
  const skipped: string[] = [];
  const files: ContentFile[] = texts
    .filter((ct) => ct.text !== undefined)
    .map((ct) => ({
      path: ct.path,
      text: ct.text,
      ...(ct.addedLines ? { addedLines: ct.addedLines } : { firstNewLine: ct.firstNewLine }),
    }));
  for (const ct of texts) if (ct.text === undefined) skipped.push(`${ct.path}: too large to scan for secrets and constraints`);

  // The user's gitleaks rules (GITLEAKS_CONFIG) and the workspace's .gitleaks.toml, which may only add detection unless trusted.
  const ruleFiles = await gitleaksSources(workspaceRoot, process.env, {
    patterns: config.trustWorkspacePatterns,
    config: config.trustWorkspaceConfig,
  });
  const gitleaks = await loadGitleaksSources(ruleFiles.sources);
  skipped.push(...ruleFiles.notes, ...gitleaks.notes);
  const secretFindings = await scanSecrets(files, {
    extraPatterns: config.trustWorkspacePatterns ? t.secretPatterns : [],
    useSecretlint: t.secretlint,
    maxLineLength: t.maxLineLength,
    budget,
    ...(gitleaks.set ? { gitleaks: gitleaks.set } : {}),
  });
  const constraintFindings = config.trustWorkspacePatterns
    ? scanConstraints(files, t.constraints, { maxLineLength: t.maxLineLength, budget })
    : [];
  const secretValues: string[] = [];
  const mtimeOf = new Map(texts.map((ct) => [ct.path, ct.entry.mtimeMs]));
  const found = await logs;
  const triggers = [...found.triggers];
  for (const f of [...secretFindings, ...constraintFindings]) {
    if (f.secretValue) secretValues.push(f.secretValue);
    triggers.push(contentFindingToTrigger(f, mtimeOf.get(f.file) ?? Date.now()));
  }
  skipped.push(...new Set([...found.skipped, ...budget.skipped]));
  return { triggers, logLines: found.logLines, secretValues, skipped };
}

/**
 * The new lines of every changed log, read as logs, in the order of `texts`: big logs in a
 * worker thread (or taken from the scan made while the snapshot was taken), the others here
 * meanwhile.
 */
async function scanChangedLogs(
  texts: readonly ChangedText[],
  roles: (path: string) => FileRole,
  config: EngineConfig,
  workspaceRoot: string,
  workspaceFiles: readonly string[],
  budget: ScanBudget,
  opts: ContentScanOptions,
): Promise<LogScanOutput & { skipped: string[] }> {
  const settings = logScanSettings(config, workspaceRoot);
  const logs = texts.filter((ct) => isScannedAsLog(ct.path, roles, config));
  const bigs: { at: number; ct: BigText; early: Promise<LogThreadResult> | null }[] = [];
  for (const [at, ct] of logs.entries()) {
    if (ct.text !== undefined) continue;
    const taken = opts.prescan ? await opts.prescan.take(ct.big, workspaceFiles) : null;
    bigs.push({ at, ct, early: taken?.result ?? null });
  }
  const worker = opts.logWorker === undefined ? DEFAULT_WORKER_SCRIPT : opts.logWorker;
  const job = (list: readonly BigText[]): Promise<LogThreadResult> =>
    scanStreamedLogs({ settings, workspaceFiles, budgetMs: budget.remainingMs, logs: list.map((ct) => ct.big) }, worker);
  const fresh = bigs.filter((b) => b.early === null);
  const far = job(fresh.map((b) => b.ct));

  const outputs: LogScanOutput[] = [];
  let scan: LogScan | null = null;
  for (const [at, ct] of logs.entries()) {
    if (ct.text === undefined) continue;
    scan ??= new LogScan(settings, new Set(workspaceFiles), budget);
    const added = ct.addedLines;
    outputs[at] = await scan.scan({
      path: ct.path,
      mtimeMs: ct.entry.mtimeMs,
      ...(added ? { added } : {}),
      read: textLines(ct.text, ct.firstNewLine, added !== undefined, ct.plain),
    });
  }

  const skipped: string[] = [];
  const results = new Map<BigText, BigLogScan>();
  const farDone = await far;
  fresh.forEach((b, k) => results.set(b.ct, farDone.scans[k] ?? { kind: 'failed', message: 'no result' }));
  skipped.push(...farDone.skipped);
  // A scan made during the snapshot that did not read what the snapshot recorded is made again.
  const again: BigText[] = [];
  for (const b of bigs) {
    if (!b.early) continue;
    const done = await b.early;
    const first = done.scans[0];
    if (first?.kind === 'scanned' && readAsRecorded(first, b.ct)) {
      results.set(b.ct, first);
      skipped.push(...done.skipped);
    } else again.push(b.ct);
  }
  if (again.length) {
    const redone = await job(again);
    again.forEach((ct, k) => results.set(ct, redone.scans[k] ?? { kind: 'failed', message: 'no result' }));
    skipped.push(...redone.skipped);
  }
  for (const b of bigs) {
    const r = results.get(b.ct);
    if (r?.kind === 'scanned' && readAsRecorded(r, b.ct)) outputs[b.at] = r.output;
    else if (r?.kind === 'failed') skipped.push(`${b.ct.path}: could not be read: ${r.message}`);
    else skipped.push(`${b.ct.path}: changed again after the snapshot and too large to keep: not scanned`);
  }
  return { ...mergeLogOutputs(outputs.filter((o) => o !== undefined)), skipped };
}

/** Whether a big log's scan read the bytes the snapshot recorded (see readNewLines). */
function readAsRecorded(scan: { id: string | null }, ct: BigText): boolean {
  return scan.id === null ? ct.big.size === ct.entry.size && ct.big.mtimeMs === ct.entry.mtimeMs : scan.id === ct.entry.id;
}

function contentFindingToTrigger(f: ContentFinding, mtime: number): DraftTrigger {
  return {
    kind: f.kind,
    severity: f.severity,
    file: f.file,
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    message: f.message,
    evidence: f.evidence,
    // The line has no time of its own: it was written by the file's last modification at the latest.
    timestamp: mtime,
    timestampEstimated: true,
    rule: f.rule,
  };
}
