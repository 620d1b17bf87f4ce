import { minimatch } from 'minimatch';
import type { EngineConfig } from '../config/types';
import { compileUserRegex } from '../forensics/safeRegex';
import type { LogPatternRule } from '../config/types';
import { LogScanner, type LogFinding } from '../forensics/logScanner';
import { ScanBudget } from '../forensics/scanBudget';
import { scanConstraints } from '../forensics/constraints';
import { scanSecrets } from '../forensics/secrets';
import type { ContentFile, ContentFinding } from '../forensics/scanBudget';
import { TimestampTrail } from '../forensics/logs/timestampTrail';
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
/** A line's own time is looked for in its first characters only; further in it belongs to the message. */
const TIMESTAMP_HEAD = 120;
/** The level word of a warning is looked for this far into a line. */
const WARN_HEAD = 200;

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

  let fileSet: ReadonlySet<string> | null = null;
  for (const ct of texts) {
    if (!LOG_ROLES.has(roles(ct.path)) && !isLogFile(ct.path, config)) continue;
    // One set of the workspace's paths for every log, rather than one per log's frame mapper.
    fileSet ??= new Set(workspaceFiles);
    const added = ct.addedLines;
    const firstLine = added ? 1 : ct.firstNewLine;
    const scanner = new LogScanner({ workspaceRoot, workspaceFiles: fileSet, firstLine, maxLineLength: t.maxLineLength });
    // Times are read lazily: only lines that become events need theirs, the others only
    // matter as "the last time seen" before such a line.
    const trail = new TimestampTrail(Math.min(TIMESTAMP_HEAD, t.maxLineLength));
    const mtime = ct.entry.mtimeMs;
    let lineNo = firstLine;
    const onLine = (line: string, plain: boolean): void => {
      scanner.push(line, plain);
      if (!added || added.has(lineNo)) {
        const cut = line.length > t.maxLineLength ? line.slice(0, t.maxLineLength) : line;
        let own: number | null | undefined;
        if (logLines.length < MAX_LOG_LINE_EVENTS && WARN_LINE.test(cut.length > WARN_HEAD ? cut.slice(0, WARN_HEAD) : cut)) {
          own = trail.parse(cut);
          const ts = own ?? trail.current();
          logLines.push({ file: ct.path, line: lineNo, timestamp: ts ?? mtime, estimated: ts === null, severity: 'warning', text: cut.trim().slice(0, 300) });
        }
        if (userPatterns.length) batch.add(ct.path, lineNo, cut, mtime, trail);
        if (own === undefined) trail.note(cut);
        else trail.noteParsed(cut, own);
      }
      lineNo++;
    };
    if (ct.text !== undefined) {
      const plain = ct.plain === true;
      forEachLine(ct.text, added ? 0 : offsetOfLine(ct.text, ct.firstNewLine), (line) => onLine(line, plain));
    }
    else if (ct.streamNewLines) await ct.streamNewLines(t.maxLineLength, onLine);
    batch.flush();
    for (const f of scanner.finish()) {
      if (added && !added.has(f.line)) continue;
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
  private lines: { file: string; line: number; text: string; mtime: number }[] = [];
  /** The last time seen before the batch's first line, and the trail that knows later ones. */
  private startTs: number | null = null;
  private trail: TimestampTrail | null = null;

  constructor(
    rules: readonly LogPatternRule[],
    private readonly budget: ScanBudget,
    private readonly out: DraftTrigger[],
  ) {
    this.compiled = rules.map((r, i) => ({ rule: r, regex: compileUserRegex(r.pattern, '', `triggers.logPatterns[${i}]`), off: false }));
  }

  /** A new line, given before `trail` notes it. */
  add(file: string, line: number, text: string, mtime: number, trail: TimestampTrail): void {
    if (this.lines.length === 0) {
      this.startTs = trail.current();
      this.trail = trail;
    }
    this.lines.push({ file, line, text, mtime });
    if (this.lines.length >= 5000) this.flush();
  }

  flush(): void {
    const batch = this.lines;
    this.lines = [];
    if (batch.length === 0) return;
    const times = new BatchTimes(batch, this.startTs, this.trail);
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
        const ts = times.at(m.line);
        this.out.push({
          kind: 'log_error',
          severity: c.rule.severity,
          file: l.file,
          line: l.line,
          column: (first?.index ?? 0) + 1,
          endLine: l.line,
          message: c.rule.message ?? `line matches log pattern /${c.rule.pattern}/`,
          evidence: l.text.trim().slice(0, 500),
          timestamp: ts ?? l.mtime,
          timestampEstimated: ts === null,
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

/**
 * The time of each line of a batch (its own, else the last one before it), worked out only
 * for the lines that matched: newest first from the line, stopping at the first time found
 * or at a line already worked out, so a batch costs at most one parse per line.
 */
class BatchTimes {
  private readonly own = new Map<number, number | null>();
  private readonly asOf = new Map<number, number | null>();

  constructor(
    private readonly lines: readonly { text: string }[],
    private readonly before: number | null,
    private readonly trail: TimestampTrail | null,
  ) {}

  at(i: number): number | null {
    let found = this.before;
    for (let j = i; j >= 0; j--) {
      const known = this.asOf.get(j);
      if (known !== undefined) {
        found = known;
        break;
      }
      const ms = this.parse(j);
      if (ms !== null) {
        found = ms;
        break;
      }
    }
    this.asOf.set(i, found);
    return found;
  }

  private parse(j: number): number | null {
    let ms = this.own.get(j);
    if (ms === undefined) {
      ms = this.trail?.parse(this.lines[j]?.text ?? '') ?? null;
      this.own.set(j, ms);
    }
    return ms;
  }
}

/** Calls `onLine` for each line of `text` from offset `from`, split like `split('\n')` with a trailing CR dropped. */
function forEachLine(text: string, from: number, onLine: (line: string) => void): void {
  let start = from;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl;
    onLine(text.charCodeAt(end - 1) === 0x0d && end > start ? text.slice(start, end - 1) : text.slice(start, end));
    if (nl === -1) break;
    start = nl + 1;
  }
}

/** Offset where the 1-based `line` starts, or the text's length when it has fewer lines. */
function offsetOfLine(text: string, line: number): number {
  let offset = 0;
  for (let n = 1; n < line; n++) {
    const nl = text.indexOf('\n', offset);
    if (nl === -1) return text.length;
    offset = nl + 1;
  }
  return offset;
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
