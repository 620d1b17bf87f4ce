import { promises as fsp } from 'node:fs';
import path from 'node:path';

/** A file event as a watcher reported it, workspace-relative with `/` separators. */
export interface FileEventRecord {
  /** Epoch milliseconds when the watcher saw it. */
  t: number;
  kind: 'create' | 'change' | 'delete';
  path: string;
}

/** A command run in a terminal (by a person or an agent), from the editor's shell integration. */
export interface CommandRecord {
  /** When it ended (or was seen, when the end is unknown). */
  t: number;
  kind: 'command';
  command: string;
  cwd?: string;
  start: number;
  end?: number;
  /** Absent when the shell did not report one (the terminal was closed, or no shell integration). */
  exitCode?: number;
  /** The tail of what it printed, when the editor gave it. */
  output?: string;
}

export type JournalRecord = FileEventRecord | CommandRecord;

export const JOURNAL_DIRNAME = 'journal';
/** Output kept per command: enough for the error lines at its end, never a whole build log. */
export const MAX_COMMAND_OUTPUT = 16 * 1024;
const DAY_FILE = /^(\d{4}-\d{2}-\d{2})\.jsonl$/;
const DAY_MS = 86_400_000;

/**
 * The flight recorder's journal: one newline-delimited JSON file per UTC day in the store.
 * Several processes (the extension, `incident-replay watch`) may append at once: each batch is
 * one write to a file opened with O_APPEND, which the kernel places whole at the end. A crash
 * can leave a torn last record; readers skip it, and the first append of a process starts on a
 * fresh line so the next record is not glued to it.
 */
export class Journal {
  readonly dir: string;
  private checkedTail = new Set<string>();

  constructor(storeDir: string) {
    this.dir = path.join(storeDir, JOURNAL_DIRNAME);
  }

  async append(records: readonly JournalRecord[]): Promise<void> {
    if (records.length === 0) return;
    const byDay = new Map<string, string[]>();
    for (const r of records) {
      const day = dayOf(r.t);
      let lines = byDay.get(day);
      if (!lines) byDay.set(day, (lines = []));
      lines.push(JSON.stringify(clip(r)));
    }
    await fsp.mkdir(this.dir, { recursive: true });
    for (const [day, lines] of byDay) {
      const file = path.join(this.dir, `${day}.jsonl`);
      const lead = this.checkedTail.has(file) ? '' : await tornTailFix(file);
      this.checkedTail.add(file);
      await fsp.appendFile(file, lead + lines.join('\n') + '\n');
    }
  }

  /** Records with `from <= t <= to`, in time order; torn or foreign lines are skipped. */
  async read(from: number, to: number): Promise<JournalRecord[]> {
    return (await this.readLocated(from, to)).map((l) => l.record);
  }

  /** {@link read}, each record with the file and 1-based line it was read from (a finding links there). */
  async readLocated(from: number, to: number): Promise<LocatedRecord[]> {
    const out: LocatedRecord[] = [];
    for (const { file, day } of await this.files()) {
      if (day + DAY_MS <= from || day > to) continue;
      let text: string;
      try {
        text = await fsp.readFile(file, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw e;
      }
      for (const { record, line } of parseJournalLines(text)) if (record.t >= from && record.t <= to) out.push({ record, file, line });
    }
    return out
      .map((r, i) => ({ r, i }))
      .sort((a, b) => a.r.record.t - b.r.record.t || a.i - b.i)
      .map(({ r }) => r);
  }

  /**
   * Removes whole day files that end before `before` (the oldest snapshot retention kept):
   * events no remaining window can show. The day being written is never removed.
   */
  async trim(before: number): Promise<number> {
    let removed = 0;
    for (const { file, day } of await this.files()) {
      if (day + DAY_MS > before || dayOf(Date.now()) === dayOf(day)) continue;
      await fsp.rm(file, { force: true });
      removed++;
    }
    return removed;
  }

  private async files(): Promise<{ file: string; day: number }[]> {
    let names: string[];
    try {
      names = await fsp.readdir(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const out: { file: string; day: number }[] = [];
    for (const name of names.sort()) {
      const m = DAY_FILE.exec(name);
      if (m) out.push({ file: path.join(this.dir, name), day: Date.parse(`${m[1] as string}T00:00:00Z`) });
    }
    return out;
  }
}

export interface LocatedRecord {
  record: JournalRecord;
  file: string;
  line: number;
}

/** Every whole, well-formed record of a journal file's text; a line cut off by a crash is skipped. */
export function parseJournal(text: string): JournalRecord[] {
  return parseJournalLines(text).map((l) => l.record);
}

function parseJournalLines(text: string): { record: JournalRecord; line: number }[] {
  const out: { record: JournalRecord; line: number }[] = [];
  const lines = text.split('\n');
  // Without a final newline the last line may be half written.
  if (!text.endsWith('\n')) lines.pop();
  lines.forEach((line, i) => {
    if (line.length === 0) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return;
    }
    const record = asRecord(value);
    if (record) out.push({ record, line: i + 1 });
  });
  return out;
}

function asRecord(v: unknown): JournalRecord | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  if (typeof o['t'] !== 'number' || !Number.isFinite(o['t'])) return null;
  const t = o['t'];
  if (o['kind'] === 'create' || o['kind'] === 'change' || o['kind'] === 'delete') {
    return typeof o['path'] === 'string' ? { t, kind: o['kind'], path: o['path'] } : null;
  }
  if (o['kind'] === 'command' && typeof o['command'] === 'string' && typeof o['start'] === 'number') {
    const r: CommandRecord = { t, kind: 'command', command: o['command'], start: o['start'] };
    if (typeof o['cwd'] === 'string') r.cwd = o['cwd'];
    if (typeof o['end'] === 'number') r.end = o['end'];
    if (typeof o['exitCode'] === 'number') r.exitCode = o['exitCode'];
    if (typeof o['output'] === 'string') r.output = o['output'];
    return r;
  }
  return null;
}

function clip(r: JournalRecord): JournalRecord {
  if (r.kind !== 'command' || r.output === undefined || r.output.length <= MAX_COMMAND_OUTPUT) return r;
  return { ...r, output: r.output.slice(-MAX_COMMAND_OUTPUT) };
}

function dayOf(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

/** A newline when the file ends mid-record (a crash while appending), so the next record stands alone. */
async function tornTailFix(file: string): Promise<string> {
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw e;
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) return '';
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] === 0x0a ? '' : '\n';
  } finally {
    await handle.close();
  }
}
