import { spawn } from 'node:child_process';
import os from 'node:os';
import { StringDecoder } from 'node:string_decoder';
import type { Readable, Writable } from 'node:stream';
import { RunLogWriter, shellExitCode } from './runLog';

export interface RunJobOptions {
  storeDir: string;
  /** The run's id (see newRunId). */
  id: string;
  /** Program and arguments, run without a shell. */
  command: readonly string[];
  cwd: string;
  label: string;
  /** The snapshot taken before the command (the run's baseline). */
  before: string;
  /** Where the command's output is passed through as it arrives. */
  stdout: Writable;
  stderr: Writable;
  /**
   * Signals this process passes on to the command while it runs (see wrapperSignals); none by
   * default, since a host such as the extension must keep its own signal handling.
   */
  forward?: readonly NodeJS.Signals[];
}

export interface RunOutcome {
  id: string;
  file: string;
  start: number;
  end: number;
  exitCode: number | null;
  signal: string | null;
  /** Why the command could not be started. */
  error: string | null;
  /** What a shell would exit with: the command's code, 128 + signal, 127 not found, 126 not executable. */
  shellCode: number;
}

/**
 * What a command-line wrapper passes on: SIGTERM and SIGHUP (a CI cancel, a closed session), and
 * SIGINT unless this process runs in a terminal, where Ctrl-C already reaches the whole
 * foreground process group, the command included, and a second one would interrupt its clean-up.
 */
export function wrapperSignals(): NodeJS.Signals[] {
  return process.stdin.isTTY ? ['SIGTERM', 'SIGHUP'] : ['SIGINT', 'SIGTERM', 'SIGHUP'];
}

/** An output line longer than this is written in pieces (a progress bar that never prints a newline). */
const MAX_LINE = 64 * 1024;

/**
 * Runs a command with its output passed through and recorded line by line, with the time each
 * line's end arrived, in a run log of the store. Signals sent to this process are passed on,
 * so a CI cancel or a Ctrl-C ends the job and the run is still recorded.
 */
export function runJob(opts: RunJobOptions): Promise<RunOutcome> {
  const start = Date.now();
  const log = RunLogWriter.create(opts.storeDir, start, opts.id);
  log.append({ type: 'start', t: start, id: log.id, command: [...opts.command], cwd: opts.cwd, label: opts.label, before: opts.before });
  const [program, ...args] = opts.command;
  const child = spawn(program ?? '', args, { cwd: opts.cwd, stdio: ['inherit', 'pipe', 'pipe'] });
  const out = new LineRecorder('stdout', log);
  const err = new LineRecorder('stderr', log);
  passThrough(child.stdout, opts.stdout, out);
  passThrough(child.stderr, opts.stderr, err);
  const forward = (signal: NodeJS.Signals): void => {
    child.kill(signal);
  };
  const signals = opts.forward ?? [];
  // Our own SIGINT must not end the wrapper before the run is recorded, whoever delivers it.
  const keepAlive = (): void => undefined;
  const guardInterrupt = signals.length > 0 && !signals.includes('SIGINT');
  if (guardInterrupt) process.on('SIGINT', keepAlive);
  for (const s of signals) process.on(s, forward);

  return new Promise((resolve) => {
    let done = false;
    const finish = (exitCode: number | null, signal: string | null, error: string | null, shellCode: number): void => {
      if (done) return;
      done = true;
      for (const s of signals) process.off(s, forward);
      if (guardInterrupt) process.off('SIGINT', keepAlive);
      const end = Date.now();
      out.flush(end);
      err.flush(end);
      log.append({ type: 'end', t: end, exitCode, signal, ...(error ? { error } : {}) });
      log.close();
      resolve({ id: log.id, file: log.file, start, end, exitCode, signal, error, shellCode });
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') finish(null, null, `command not found: ${program ?? ''}`, 127);
      else if (e.code === 'EACCES') finish(null, null, `permission denied: ${program ?? ''} is not executable`, 126);
      else finish(null, null, `cannot start ${program ?? ''}: ${e.message}`, 126);
    });
    child.on('close', (code, signal) => finish(code, signal, null, shellExitCode({ exitCode: code, signal }, os.constants.signals)));
  });
}

/**
 * Copies a command's output to ours as it arrives, pausing the command when ours is slow (a
 * pager, a CI log), and records it. A closed terminal (EPIPE) stops the copy, never the run.
 */
function passThrough(from: Readable, to: Writable, record: LineRecorder): void {
  let open = true;
  to.on('error', () => {
    open = false;
    from.resume();
  });
  from.on('data', (chunk: Buffer) => {
    record.push(chunk, Date.now());
    if (open && !to.write(chunk)) {
      from.pause();
      to.once('drain', () => from.resume());
    }
  });
}

/** Splits one output stream into lines, decoding UTF-8 across chunk boundaries. */
class LineRecorder {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';

  constructor(
    private readonly stream: 'stdout' | 'stderr',
    private readonly log: RunLogWriter,
  ) {}

  push(chunk: Buffer, t: number): void {
    const text = this.partial + this.decoder.write(chunk);
    const parts = text.split('\n');
    this.partial = parts.pop() ?? '';
    while (this.partial.length > MAX_LINE) {
      parts.push(this.partial.slice(0, MAX_LINE));
      this.partial = this.partial.slice(MAX_LINE);
    }
    this.log.append(...parts.map((line) => ({ t, stream: this.stream, line: line.endsWith('\r') ? line.slice(0, -1) : line })));
  }

  flush(t: number): void {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    if (rest !== '') this.log.append({ t, stream: this.stream, line: rest });
  }
}
