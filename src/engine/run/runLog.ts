import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * A run log: one JSON record per line, appended as things happen, so a crash (of the job, of
 * the wrapper, of the machine) loses at most the line being written. Readers take every whole
 * record and drop a torn last line.
 *
 *   {"type":"start","t":…,"id":…,"command":["node","job.js"],"cwd":…,"label":…,"before":"<snapshot id>"}
 *   {"t":…,"stream":"stdout","line":"…"}            one per output line, t = when its end arrived
 *   {"type":"end","t":…,"exitCode":3,"signal":null}  or "error" when the command could not start
 *   {"type":"after","t":…,"snapshot":"<id>"}
 *   {"type":"incident","t":…,"id":"INC-0007"}
 */
export type RunRecord =
  | { type: 'start'; t: number; id: string; command: string[]; cwd: string; label: string; before: string }
  | { t: number; stream: 'stdout' | 'stderr'; line: string }
  | { type: 'end'; t: number; exitCode: number | null; signal: string | null; error?: string }
  | { type: 'after'; t: number; snapshot: string }
  | { type: 'incident'; t: number; id: string };

export type OutputRecord = Extract<RunRecord, { stream: 'stdout' | 'stderr' }>;

/** A run as its log tells it. `line` numbers are 1-based lines of the log file. */
export interface RunSummary {
  id: string;
  file: string;
  command: string[];
  cwd: string;
  label: string;
  start: number;
  /** Snapshot taken before the command started. */
  before: string;
  end: number | null;
  endLine: number | null;
  exitCode: number | null;
  signal: string | null;
  /** Why the command could not be started (`command not found`). */
  error: string | null;
  after: string | null;
  incident: string | null;
  output: { line: number; t: number; stream: 'stdout' | 'stderr'; text: string }[];
  /** Records that were not whole JSON (a torn last line, a damaged file). */
  damagedLines: number;
}

export const RUNS_DIR = 'runs';

export function runsDir(storeDir: string): string {
  return path.join(storeDir, RUNS_DIR);
}

/** Appends records to a new run log; each record is one write, so lines never interleave. */
export class RunLogWriter {
  private constructor(
    readonly id: string,
    readonly file: string,
    private readonly fd: number,
  ) {}

  static create(storeDir: string, startMs: number, id: string = newRunId()): RunLogWriter {
    const dir = runsDir(storeDir);
    fs.mkdirSync(dir, { recursive: true });
    // The start time leads the name, so a window's runs are found without opening every log.
    const file = path.join(dir, `${startMs}-${id}.jsonl`);
    return new RunLogWriter(id, file, fs.openSync(file, 'ax'));
  }

  append(...records: RunRecord[]): void {
    if (records.length === 0) return;
    fs.writeSync(this.fd, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

export function newRunId(): string {
  return randomBytes(4).toString('hex');
}

/** Adds a record to a finished run's log (the snapshot after it, its incident). */
export function appendRunRecord(file: string, record: RunRecord): void {
  fs.appendFileSync(file, JSON.stringify(record) + '\n');
}

/** Reads a run log; whole records only, a torn or damaged line is counted and skipped. */
export function readRunLog(file: string): RunSummary | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let run: RunSummary | null = null;
  let damaged = 0;
  lines.forEach((raw, i) => {
    const r = parseRecord(raw);
    if (!r) {
      damaged++;
      return;
    }
    const line = i + 1;
    if ('stream' in r) {
      run?.output.push({ line, t: r.t, stream: r.stream, text: r.line });
      return;
    }
    if (r.type === 'start') {
      run = {
        id: r.id,
        file,
        command: r.command,
        cwd: r.cwd,
        label: r.label,
        start: r.t,
        before: r.before,
        end: null,
        endLine: null,
        exitCode: null,
        signal: null,
        error: null,
        after: null,
        incident: null,
        output: [],
        damagedLines: 0,
      };
      return;
    }
    if (!run) return;
    const cur: RunSummary = run;
    if (r.type === 'end') {
      cur.end = r.t;
      cur.endLine = line;
      cur.exitCode = r.exitCode;
      cur.signal = r.signal;
      cur.error = r.error ?? null;
    } else if (r.type === 'after') cur.after = r.snapshot;
    else cur.incident = r.id;
  });
  const result = run as RunSummary | null;
  if (result) result.damagedLines = damaged;
  return result;
}

function parseRecord(raw: string): RunRecord | null {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const r = v as Record<string, unknown>;
  if (typeof r.t !== 'number') return null;
  if (r.stream === 'stdout' || r.stream === 'stderr') return typeof r.line === 'string' ? (r as RunRecord) : null;
  switch (r.type) {
    case 'start':
      return typeof r.id === 'string' &&
        Array.isArray(r.command) &&
        r.command.every((a) => typeof a === 'string') &&
        typeof r.cwd === 'string' &&
        typeof r.before === 'string'
        ? {
            type: 'start',
            t: r.t,
            id: r.id,
            command: r.command,
            cwd: r.cwd,
            label: typeof r.label === 'string' ? r.label : r.id,
            before: r.before,
          }
        : null;
    case 'end':
      return {
        type: 'end',
        t: r.t,
        exitCode: typeof r.exitCode === 'number' ? r.exitCode : null,
        signal: typeof r.signal === 'string' ? r.signal : null,
        ...(typeof r.error === 'string' ? { error: r.error } : {}),
      };
    case 'after':
      return typeof r.snapshot === 'string' ? { type: 'after', t: r.t, snapshot: r.snapshot } : null;
    case 'incident':
      return typeof r.id === 'string' ? { type: 'incident', t: r.t, id: r.id } : null;
    default:
      return null;
  }
}

/** Run logs whose run started between `fromMs` and `toMs` (both included), oldest first; every run when no bounds. */
export function runLogFiles(storeDir: string, fromMs = -Infinity, toMs = Infinity): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(runsDir(storeDir));
  } catch {
    return [];
  }
  return names
    .map((n) => ({ n, start: Number(/^(\d+)-[0-9a-f]+\.jsonl$/.exec(n)?.[1] ?? NaN) }))
    .filter((x) => Number.isFinite(x.start) && x.start >= fromMs && x.start <= toMs)
    .sort((a, b) => a.start - b.start || (a.n < b.n ? -1 : 1))
    .map((x) => path.join(runsDir(storeDir), x.n));
}

/** Every run in the store, oldest first. */
export function listRuns(storeDir: string): RunSummary[] {
  return runLogFiles(storeDir).flatMap((f) => readRunLog(f) ?? []);
}

/** How a run ended, in a shell's terms: the exit code, or 128 + the signal's number. */
export function shellExitCode(run: Pick<RunSummary, 'exitCode' | 'signal'>, signals: Record<string, number>): number {
  if (run.signal !== null) return 128 + (signals[run.signal] ?? 0);
  return run.exitCode ?? 1;
}

/** `node failing.js --x 'a b'`: the command as a person would type it. */
export function commandLine(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/**
 * Retention for run logs: a run that started before `before` (the oldest snapshot retention
 * kept) and recorded no incident goes, since no analysis can reach it any more. A run with an
 * incident keeps its log: the incident's triggers point at its lines. Returns how many went.
 */
export function trimRunLogs(storeDir: string, before: number): number {
  let removed = 0;
  for (const file of runLogFiles(storeDir, -Infinity, before - 1)) {
    const run = readRunLog(file);
    if (run === null || run.incident !== null || run.end === null) continue;
    try {
      fs.rmSync(file);
      removed++;
    } catch {
      // Removed by another retention pass meanwhile.
    }
  }
  return removed;
}
