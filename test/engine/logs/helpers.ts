/** Test helpers: temp workspaces, fixture programs run for real with output captured to a log file. */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type LogFinding, type LogScannerOptions, scanLogStream } from '../../../src/engine/logs/logScanner';

export const PROGRAMS = path.resolve(__dirname, '../../fixtures/programs');

export function tempWorkspace(): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ir-')));
}

export function removeWorkspace(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Copies a fixture program into the workspace at `rel`. */
export function installProgram(ws: string, fixture: string, rel: string): string {
  const dest = path.join(ws, rel);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.copyFileSync(path.join(PROGRAMS, fixture), dest);
  return dest;
}

export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

export interface RunResult {
  status: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Runs a command in the workspace with stdout and stderr both appended to the log file, as a
 * job runner redirecting `> log 2>&1` would (the program itself writes the file).
 */
export function runToLog(ws: string, logRel: string, cmd: string, args: string[], extra: SpawnSyncOptions = {}): RunResult {
  const logPath = path.join(ws, logRel);
  fs.mkdirSync(path.dirname(logPath), { recursive: true });
  fs.appendFileSync(logPath, `$ ${[path.basename(cmd), ...args].join(' ')}\n`);
  const fd = fs.openSync(logPath, 'a');
  try {
    const r = spawnSync(cmd, args, { cwd: ws, stdio: ['ignore', fd, fd], timeout: 60_000, ...extra });
    if (r.error) throw r.error;
    return { status: r.status, signal: r.signal };
  } finally {
    fs.closeSync(fd);
  }
}

/** Scans a log file through a read stream, from a byte offset (the new part of an appended log). */
export async function scanFile(file: string, opts: LogScannerOptions, fromByte = 0): Promise<LogFinding[]> {
  const { findings } = await scanLogStream(fs.createReadStream(file, { start: fromByte }), opts);
  return findings;
}

/** 1-based number of the first line of `text` matching `re` (fails the test when absent). */
export function lineOf(text: string, re: RegExp, after = 0): number {
  const lines = text.split('\n');
  for (let i = after; i < lines.length; i++) if (re.test(lines[i] ?? '')) return i + 1;
  throw new Error(`no line matches ${re} in:\n${text}`);
}

/** Workspace-relative POSIX paths of every file under `ws` (what a snapshot manifest lists). */
export function listFiles(ws: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else out.push(path.relative(ws, full).split(path.sep).join('/'));
    }
  };
  walk(ws);
  return out;
}

export function only<T>(items: T[], pred: (t: T) => boolean, what: string): T {
  const hits = items.filter(pred);
  if (hits.length !== 1) throw new Error(`expected exactly one ${what}, got ${hits.length}: ${JSON.stringify(items, null, 1)}`);
  return hits[0] as T;
}

/** 1-based line in a source file of the first line containing `needle`. */
export function sourceLine(file: string, needle: string): number {
  const i = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`${needle} not in ${file}`);
  return i + 1;
}
