import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { globalOptionValue, servedCommand } from '../argv';
import type { CliIo } from '../io';
import { processIo } from '../processIo';
import { readAllStdin, stashStdin } from '../stdin';
import { storeFolder } from '../storeFolder';
import { serviceAddress } from './address';
import {
  CLIENT_PATIENCE_MS,
  environmentOfConcern,
  frameLine,
  MAX_STDIN_BYTES,
  PROTOCOL_VERSION,
  readLines,
  type ServiceFrame,
  type ServiceRequest,
} from './protocol';

/** Where a served command's output goes; the process's own streams unless a test says otherwise. */
export type ClientOutput = Pick<CliIo, 'out' | 'err'>;

export interface ClientOptions {
  output?: ClientOutput;
  /** The command's standard input (default: the process's, read whole, and left for a local run if the server declines). */
  input?: () => Promise<string>;
}

/**
 * Asks the process serving this command's store (`watch`, `mcp`) to run the command, which it does
 * warm, in a fraction of a fresh process's time. Null, at once and without touching the network,
 * when there is nobody to ask (no socket, a command line that is not served, a terminal on the
 * standard input of a command that reads it, INCIDENT_REPLAY_NO_SERVICE set); else a promise of the
 * exit code, or of null when the server declined, vanished or stopped answering: the caller then
 * runs the command itself. The output is written only once the command has finished, so a fallback
 * never follows half an answer.
 */
export function askService(argv: readonly string[], build: string, opts: ClientOptions = {}): Promise<number | null> | null {
  if (process.env.INCIDENT_REPLAY_NO_SERVICE) return null;
  const command = servedCommand(argv);
  if (command === null || (command.readsInput && opts.input === undefined && process.stdin.isTTY)) return null;
  const cwd = process.cwd();
  const where = storeFolder(cwd, path.resolve(cwd, globalOptionValue(argv, '--workspace') ?? '.'), globalOptionValue(argv, '--store'));
  if ('refused' in where) return null;
  const address = serviceAddress(where.dir);
  if (address === null || !fs.existsSync(address)) return null;
  const input = command.readsInput ? (opts.input ?? readAllStdin)() : Promise.resolve(undefined);
  return input.then(async (stdin) => {
    const code =
      stdin !== undefined && Buffer.byteLength(stdin) > MAX_STDIN_BYTES
        ? null
        : await exchange(
            address,
            {
              v: PROTOCOL_VERSION,
              argv: [...argv],
              cwd,
              env: environmentOfConcern(process.env),
              build,
              until: Date.now() + CLIENT_PATIENCE_MS,
              ...(stdin !== undefined ? { stdin } : {}),
            },
            opts.output ?? processIo,
          );
    // Read from this process's own input: the command run here instead needs it.
    if (code === null && stdin !== undefined && opts.input === undefined) stashStdin(stdin);
    return code;
  });
}

/** Sends `request` and waits for the command's exit code; null when the server does not run it to the end. */
function exchange(address: string, request: ServiceRequest, output: ClientOutput): Promise<number | null> {
  return new Promise((resolve) => {
    const socket = net.connect(address);
    const written: ServiceFrame[] = [];
    let settled = false;
    const finish = (code: number | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (code !== null) for (const f of written) if (f.t === 'out' || f.t === 'err') output[f.t](f.text);
      resolve(code);
    };
    let timer = setTimeout(() => finish(null), CLIENT_PATIENCE_MS);
    socket.on('error', () => finish(null));
    socket.on('close', () => finish(null));
    socket.on('connect', () => socket.write(frameLine(request)));
    readLines(socket, (line) => {
      const frame = parseFrame(line);
      if (frame === null || frame.t === 'declined') {
        finish(null);
        return false;
      }
      clearTimeout(timer);
      timer = setTimeout(() => finish(null), CLIENT_PATIENCE_MS);
      if (frame.t === 'exit') {
        finish(frame.code);
        return false;
      }
      if (frame.t === 'out' || frame.t === 'err') written.push(frame);
      return true;
    });
  });
}

function parseFrame(line: string | null): ServiceFrame | null {
  if (line === null) return null;
  try {
    const f = JSON.parse(line) as ServiceFrame;
    if (f.t === 'exit') return Number.isInteger(f.code) ? f : null;
    if (f.t === 'out' || f.t === 'err') return typeof f.text === 'string' ? f : null;
    return f.t === 'accepted' || f.t === 'alive' || f.t === 'declined' ? f : null;
  } catch {
    return null;
  }
}
