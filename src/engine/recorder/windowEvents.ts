import path from 'node:path';
import type { TimelineEvent, Trigger } from '../types';
import { Journal, type CommandRecord, type FileEventRecord } from './journal';

/** What the flight recorder saw during an analysis window. */
export interface RecordedWindow {
  fileEvents: readonly FileEventRecord[];
  commands: readonly RecordedCommand[];
}

/** A command with where its record lives in the journal, so its finding opens on it. */
export type RecordedCommand = CommandRecord & { journal?: { file: string; line: number } };

export const EMPTY_WINDOW: RecordedWindow = { fileEvents: [], commands: [] };

/** Journal records from `from` to `to` (a store without a journal gives an empty window). */
export async function recordedWindow(storeDir: string, from: number, to: number): Promise<RecordedWindow> {
  const located = await new Journal(storeDir).readLocated(from, to);
  const fileEvents: FileEventRecord[] = [];
  const commands: RecordedCommand[] = [];
  for (const { record, file, line } of located) {
    if (record.kind === 'command') commands.push({ ...record, journal: { file, line } });
    else fileEvents.push(record);
  }
  return { fileEvents, commands };
}

/**
 * The last time the watcher saw each path change within `(after, upTo]`: the real time of a
 * change, where a file's mtime can lie (tools that keep mtimes, `git checkout`, copies) and a
 * deleted file has none.
 */
export function lastEventTimes(events: readonly FileEventRecord[], after: number, upTo: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of events) if (e.t > after && e.t <= upTo) out.set(e.path, Math.max(out.get(e.path) ?? 0, e.t));
  return out;
}

/** How late a watcher may report a change (VS Code's coalesces events for up to about a second). */
export const WATCHER_LAG_MS = 2_000;

/**
 * When a change the watcher saw happened: its mtime when that lies just before the report (the
 * precise time of the write), else the report's time (an mtime far from it was set by a tool that
 * keeps or invents times: a checkout, a copy, an archive).
 */
export function watchedChangeTime(mtimeMs: number | undefined, watched: number): number {
  return mtimeMs !== undefined && mtimeMs <= watched && watched - mtimeMs <= WATCHER_LAG_MS ? mtimeMs : watched;
}

/** One timeline event per terminal command, at its end, an error when it failed. */
export function commandEvents(commands: readonly RecordedCommand[]): TimelineEvent[] {
  return commands.map((c, i) => {
    const failed = c.exitCode !== undefined && c.exitCode !== 0;
    const exit = c.exitCode === undefined ? 'exit code unknown' : `exit ${c.exitCode}`;
    const took = c.end !== undefined ? `, ${formatMs(c.end - c.start)}` : '';
    const tail = c.output ? lastLines(c.output, 3) : '';
    return {
      id: `command:${c.start}:${i}`,
      timestamp: c.end ?? c.t,
      estimated: false,
      kind: 'command',
      severity: failed ? 'error' : 'info',
      title: `$ ${c.command} (${exit}${took})`,
      detail: [c.cwd ? `in ${c.cwd}` : '', `started ${new Date(c.start).toISOString()}`, tail].filter(Boolean).join('\n'),
    };
  });
}

/**
 * A failed terminal command is a finding of its own: the command that failed, its exit code and
 * the last lines it printed. The journal line is where the record lives, so the finding links to it.
 */
export function commandTriggers(commands: readonly RecordedCommand[], workspaceRoot: string, storeDir: string): Omit<Trigger, 'id'>[] {
  const journalDir = path.join(storeDir, 'journal');
  const where = (c: RecordedCommand): { file: string; line: number } => {
    const file = c.journal?.file ?? path.join(journalDir, `${new Date(c.t).toISOString().slice(0, 10)}.jsonl`);
    return { file: path.relative(workspaceRoot, file).split(path.sep).join('/'), line: c.journal?.line ?? 1 };
  };
  return commands
    .filter((c) => c.exitCode !== undefined && c.exitCode !== 0)
    .map((c) => {
      const when = c.end ?? c.t;
      const at = where(c);
      const errorLine = c.output ? lastErrorLine(c.output) : undefined;
      return {
        kind: 'log_error',
        severity: 'error',
        file: at.file,
        line: at.line,
        column: 1,
        endLine: at.line,
        message: `terminal command failed (exit ${c.exitCode ?? '?'}): ${c.command}${errorLine ? ` — ${errorLine}` : ''}`,
        evidence: [`$ ${c.command}`, ...(c.output ? [lastLines(c.output, 12)] : []), `exit code ${c.exitCode ?? '?'}`].join('\n'),
        timestamp: when,
        timestampEstimated: false,
        rule: 'command_failed',
      };
    });
}

function lastLines(text: string, n: number): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .slice(-n)
    .join('\n');
}

const ERROR_LINE = /\b(error|exception|traceback|failed|fatal|refused|not found|denied)\b/i;

function lastErrorLine(output: string): string | undefined {
  const lines = lastLines(output, 40).split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i] as string;
    if (ERROR_LINE.test(l)) return l.trim().slice(0, 200);
  }
  return undefined;
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
