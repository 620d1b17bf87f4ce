import { minimatch } from 'minimatch';
import type { EngineConfig } from '../config/types';
import { compileUserRegex } from '../forensics/safeRegex';
import type { LogPatternRule } from '../config/types';
import { LogScanner, type LogFinding } from '../forensics/logScanner';
import { ScanBudget } from '../forensics/scanBudget';
import { scanConstraints } from '../forensics/constraints';
import { scanSecrets } from '../forensics/secrets';
import type { ContentFile, ContentFinding } from '../forensics/scanBudget';
import { parseLineTimestamp } from '../forensics/timestamps';
import type { FileRole, Severity } from '../types';
import type { ChangedText } from './changedText';
import type { DraftTrigger } from './fileTriggers';
import type { LogLineEvent } from './timeline';

export interface ContentScanResult {
  triggers: DraftTrigger[];
  logLines: LogLineEvent[];
  /** Raw secret values found, for the redactor only; never serialised. */
  secretValues: string[];
  skipped: string[];
}

/** Roles whose new lines are read as logs; code, config and data are not (their "ERROR" strings are content). */
const LOG_ROLES: ReadonlySet<FileRole> = new Set(['log', 'output', 'other']);
const WARN_LINE = /(?:^|[\s[|"'=])(?:WARN(?:ING)?|warn(?:ing)?)(?:[\]\s:|"',]|$)/;
const MAX_LOG_LINE_EVENTS = 2000;

/**
 * Scans the new lines of changed text files: log errors in log-like files, secrets and
 * constraint violations in every file. User regexes run through SafeRegex under the budget.
 */
export async function scanChangedContent(
  texts: readonly ChangedText[],
  roles: (path: string) => FileRole,
  config: EngineConfig,
  workspaceRoot: string,
  /** The post snapshot's paths, so Java-style frames (file name only) map to the right source. */
  workspaceFiles: readonly string[],
): Promise<ContentScanResult> {
  const t = config.triggers;
  const budget = new ScanBudget(t.scanTimeBudgetMs);
  const triggers: DraftTrigger[] = [];
  const logLines: LogLineEvent[] = [];
  const skipped: string[] = [];
  const userPatterns = config.trustWorkspacePatterns ? t.logPatterns : [];
  const batch = new UserPatternBatch(userPatterns, budget, triggers);

  for (const ct of texts) {
    if (!LOG_ROLES.has(roles(ct.path)) && !isLogFile(ct.path, config)) continue;
    const scanner = new LogScanner({ workspaceRoot, workspaceFiles, firstLine: ct.addedLines ? 1 : ct.firstNewLine, maxLineLength: t.maxLineLength });
    let lineNo = ct.addedLines ? 1 : ct.firstNewLine;
    let lastTs: number | null = null;
    const onLine = (line: string): void => {
      scanner.push(line);
      const isNew = !ct.addedLines || ct.addedLines.has(lineNo);
      if (isNew) {
        const cut = line.length > t.maxLineLength ? line.slice(0, t.maxLineLength) : line;
        const ts = parseLineTimestamp(cut.slice(0, 120));
        if (ts) lastTs = ts.ms;
        if (logLines.length < MAX_LOG_LINE_EVENTS && WARN_LINE.test(cut.slice(0, 200))) {
          logLines.push({
            file: ct.path,
            line: lineNo,
            timestamp: ts?.ms ?? lastTs ?? ct.entry.mtimeMs,
            estimated: !ts && lastTs === null,
            severity: 'warning',
            text: cut.trim().slice(0, 300),
          });
        }
        if (userPatterns.length) batch.add(ct.path, lineNo, cut, ts?.ms ?? lastTs ?? ct.entry.mtimeMs, !ts && lastTs === null);
      }
      lineNo++;
    };
    if (ct.text !== undefined) {
      const lines = ct.text.split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      const start = ct.addedLines ? 0 : ct.firstNewLine - 1;
      for (let i = start; i < lines.length; i++) onLine((lines[i] as string).replace(/\r$/, ''));
    } else if (ct.streamLines) {
      let n = 0;
      for await (const line of ct.streamLines()) {
        n++;
        if (!ct.addedLines && n < ct.firstNewLine) continue;
        onLine(line);
      }
    }
    batch.flush();
    for (const f of scanner.finish()) {
      if (ct.addedLines && !ct.addedLines.has(f.line)) continue;
      triggers.push(logFindingToTrigger(f, ct));
    }
  }

  const files: ContentFile[] = texts
    .filter((ct) => ct.text !== undefined)
    .map((ct) => ({
      path: ct.path,
      text: ct.text as string,
      ...(ct.addedLines ? { addedLines: ct.addedLines } : { firstNewLine: ct.firstNewLine }),
    }));
  for (const ct of texts) if (ct.text === undefined) skipped.push(`${ct.path}: too large to scan for secrets and constraints`);

  const secretFindings = await scanSecrets(files, {
    extraPatterns: config.trustWorkspacePatterns ? t.secretPatterns : [],
    useSecretlint: t.secretlint,
    maxLineLength: t.maxLineLength,
    budget,
  });
  const constraintFindings = config.trustWorkspacePatterns
    ? await scanConstraints(files, t.constraints, { maxLineLength: t.maxLineLength, budget })
    : [];
  const secretValues: string[] = [];
  const mtimeOf = new Map(texts.map((ct) => [ct.path, ct.entry.mtimeMs]));
  for (const f of [...secretFindings, ...constraintFindings]) {
    if (f.secretValue) secretValues.push(f.secretValue);
    triggers.push(contentFindingToTrigger(f, mtimeOf.get(f.file) ?? Date.now()));
  }
  skipped.push(...budget.skipped);
  return { triggers, logLines, secretValues, skipped };
}

/**
 * User log patterns run over batches of new lines through SafeRegex, so a hostile pattern
 * times out (and is switched off, with a note) instead of hanging the analysis.
 */
class UserPatternBatch {
  private readonly compiled;
  private lines: { file: string; line: number; text: string; ts: number; estimated: boolean }[] = [];

  constructor(
    rules: readonly LogPatternRule[],
    private readonly budget: ScanBudget,
    private readonly out: DraftTrigger[],
  ) {
    this.compiled = rules.map((r, i) => ({ rule: r, regex: compileUserRegex(r.pattern, '', `triggers.logPatterns[${i}]`), off: false }));
  }

  add(file: string, line: number, text: string, ts: number, estimated: boolean): void {
    this.lines.push({ file, line, text, ts, estimated });
    if (this.lines.length >= 5000) this.flush();
  }

  flush(): void {
    const batch = this.lines;
    this.lines = [];
    if (batch.length === 0) return;
    const texts = batch.map((l) => l.text);
    for (const c of this.compiled) {
      if (c.off) continue;
      if (this.budget.expired) {
        this.budget.skip('budget exhausted: user log patterns not run on the rest of the logs');
        return;
      }
      const r = c.regex.scanLines(texts, { mode: 'first', timeoutMs: this.budget.regexTimeoutMs, remainingMs: () => this.budget.remainingMs });
      for (const m of r.matches) {
        const l = batch[m.line];
        const first = m.matches[0];
        if (!l) continue;
        this.out.push({
          kind: 'log_error',
          severity: c.rule.severity,
          file: l.file,
          line: l.line,
          column: (first?.index ?? 0) + 1,
          endLine: l.line,
          message: c.rule.message ?? `line matches log pattern /${c.rule.pattern}/`,
          evidence: l.text.trim().slice(0, 500),
          timestamp: l.ts,
          timestampEstimated: l.estimated,
          rule: 'user_pattern',
        });
      }
      if (r.stopped?.reason === 'timeout') {
        const at = batch[r.stopped.line];
        c.off = true;
        this.budget.skip(`log pattern /${c.rule.pattern}/ timed out on ${at?.file ?? '?'} line ${at?.line ?? '?'}: switched off for this analysis`);
      }
    }
  }
}

function isLogFile(path: string, config: EngineConfig): boolean {
  return config.logFiles.some((g) => minimatch(path, g, { dot: true, matchBase: !g.includes('/') })) && !path.endsWith('.md');
}

function logFindingToTrigger(f: LogFinding, ct: ChangedText): DraftTrigger {
  const severity: Severity = f.severity;
  return {
    kind: 'log_error',
    severity,
    file: ct.path,
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    message: f.message,
    evidence: f.evidence,
    timestamp: f.timestamp ?? ct.entry.mtimeMs,
    timestampEstimated: f.timestamp === undefined,
    ...(f.errorType ? { errorType: f.errorType } : {}),
    ...(f.frames.length ? { frames: f.frames } : {}),
    rule: f.rule,
  };
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
