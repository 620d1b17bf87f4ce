import path from 'node:path';
import { LogScan, type LogScanSettings } from '../logs/logScan';
import { ScanBudget } from '../content/scanBudget';
import type { Decision, DraftTrigger, LogLineEvent, TimelineEvent, Trigger } from '../types';
import { commandLine, readRunLog, runLogFiles, type RunSummary } from './runLog';

export interface RunWindowFindings {
  runs: RunSummary[];
  triggers: DraftTrigger[];
  /** One "run CMD" step per run, its outcome the exit. */
  decisions: Decision[];
  /** The start and the end of each run. */
  events: TimelineEvent[];
  /** Warning lines of the runs' output, for the timeline. */
  logLines: LogLineEvent[];
}

export interface RunFindingsOptions {
  storeDir: string;
  workspaceRoot: string;
  fromMs: number;
  toMs: number;
  /** The post snapshot's paths, so stack frames map to workspace files. */
  workspaceFiles: Iterable<string>;
  /** As for the window's logs: line length, and the user's log patterns when the workspace is trusted. */
  settings: LogScanSettings;
  scanTimeBudgetMs: number;
}

/** Lines of a failing run's stderr quoted when no line of it was recognised as an error. */
const TAIL_LINES = 10;

/**
 * What the runs of `incident-replay run` that started in the window add to an analysis: their
 * output read as any log is (same detectors, repeats grouped, the user's patterns, warnings),
 * each finding dated by the time its line arrived; the exit of a failing command; and the
 * command itself as a step of the decision chain.
 */
export async function runFindings(opts: RunFindingsOptions): Promise<RunWindowFindings> {
  const out: RunWindowFindings = { runs: [], triggers: [], decisions: [], events: [], logLines: [] };
  const scan = new LogScan(opts.settings, new Set(opts.workspaceFiles), new ScanBudget(opts.scanTimeBudgetMs));
  for (const file of runLogFiles(opts.storeDir, opts.fromMs, opts.toMs)) {
    const run = readRunLog(file);
    if (!run) continue;
    out.runs.push(run);
    const where = displayPath(opts.workspaceRoot, file);
    const cmd = commandLine(run.command);
    const failed = run.end !== null && (run.exitCode !== 0 || run.signal !== null || run.error !== null);
    const ending = endingText(run);

    // The scan numbers the output's lines from 1; each maps back to its line of the run log and its arrival time.
    const found = await scan.scan({
      path: where,
      mtimeMs: run.end ?? run.start,
      read: (_max, begin) => {
        const onLine = begin(1);
        for (const o of run.output) onLine(o.text, false);
      },
    });
    const at = (n: number): { line: number; t: number } => run.output[n - 1] ?? { line: run.endLine ?? 1, t: run.end ?? run.start };
    const drafts: DraftTrigger[] = found.triggers.map((d) => ({
      ...d,
      line: at(d.line).line,
      endLine: at(d.endLine).line,
      timestamp: at(d.line).t,
      timestampEstimated: false,
      ...(d.occurrences ? { occurrences: d.occurrences.map((o) => ({ line: at(o.line).line, timestamp: at(o.line).t })) } : {}),
    }));
    out.logLines.push(...found.logLines.map((l) => ({ ...l, line: at(l.line).line, timestamp: at(l.line).t, estimated: false })));
    if (failed && run.end !== null && !drafts.some((d) => d.severity === 'error')) {
      const tail = run.output.filter((o) => o.stream === 'stderr').slice(-TAIL_LINES);
      const lastWords = [...tail]
        .reverse()
        .find((o) => o.text.trim() !== '')
        ?.text.trim();
      drafts.push({
        kind: 'log_error',
        severity: 'error',
        file: where,
        line: run.endLine ?? 1,
        column: 1,
        endLine: run.endLine ?? 1,
        message: `${cmd} ${ending}${lastWords ? `: ${lastWords.slice(0, 300)}` : ''}`,
        evidence: tail.length ? tail.map((o) => o.text).join('\n') : '(no output on stderr)',
        timestamp: run.end,
        timestampEstimated: false,
        rule: run.signal !== null ? 'signal' : 'exit_code',
        ...(run.signal !== null ? { errorType: run.signal } : {}),
      });
    }
    out.triggers.push(...drafts);

    const stepId = `run:${run.id}`;
    out.decisions.push({
      id: stepId,
      timestamp: run.start,
      timestampEstimated: false,
      kind: 'action',
      text: `run ${cmd}`,
      ...(run.end !== null ? { outcome: { status: failed ? ('error' as const) : ('success' as const), text: ending } } : {}),
      file: where,
      line: 1,
      source: 'jsonl',
      tool: 'run',
    });
    out.events.push({
      id: `${stepId}:start`,
      timestamp: run.start,
      estimated: false,
      kind: 'command',
      severity: 'info',
      title: `run started: ${cmd}`,
      detail: `in ${run.cwd}`,
      file: where,
      line: 1,
      ref: stepId,
    });
    if (run.end !== null) {
      out.events.push({
        id: `${stepId}:end`,
        timestamp: run.end,
        estimated: false,
        kind: 'command',
        severity: failed ? 'error' : 'info',
        title: `run ended: ${cmd} ${ending} after ${seconds(run.end - run.start)}`,
        file: where,
        line: run.endLine ?? 1,
        ref: stepId,
      });
    }
  }
  return out;
}

/** Gives each run's step the triggers its own output produced, whatever the generic linker chose. */
export function linkRunSteps(decisions: readonly Decision[], triggers: readonly Trigger[], runs: RunWindowFindings): Decision[] {
  const stepFiles = new Map(runs.decisions.map((d) => [d.id, d.file]));
  return decisions.map((d) => {
    const file = stepFiles.get(d.id);
    if (file === undefined) return d;
    const ids = triggers.filter((t) => t.file === file).map((t) => t.id);
    return ids.length ? { ...d, triggerIds: ids } : d;
  });
}

export function endingText(run: Pick<RunSummary, 'exitCode' | 'signal' | 'error' | 'end'>): string {
  if (run.error !== null) return `could not start (${run.error})`;
  if (run.signal !== null) return `was killed by ${run.signal}`;
  if (run.end === null) return 'did not finish (no end recorded)';
  return `exited with code ${run.exitCode ?? '?'}`;
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function displayPath(root: string, file: string): string {
  const rel = path.relative(root, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel.split(path.sep).join('/');
}
