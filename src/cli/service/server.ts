import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { servedCommand } from '../argv';
import type { CliIo } from '../io';
import { serviceAddress } from './address';
import { StorePool } from './storePool';
import {
  ALIVE_MS,
  environmentOfConcern,
  frameLine,
  LATE_MARGIN_MS,
  launchedBuild,
  MAX_REQUEST_BYTES,
  PROTOCOL_VERSION,
  readLines,
  type ServiceFrame,
  type ServiceRequest,
} from './protocol';

/** Runs one CLI command line in this process (program.ts's runCli). */
export type RunCli = (argv: readonly string[], io: CliIo) => Promise<number>;

export interface ServeOptions {
  storeDir: string;
  run: RunCli;
  /** This process's build; the launcher's by default. */
  build?: string;
  /** Told about every problem (never fatal: clients then run their commands themselves). */
  log?: (message: string) => void;
}

/** A listening service. */
export interface CliService {
  readonly address: string;
  /** Commands run for clients so far. */
  readonly served: number;
  close(): Promise<void>;
}

/**
 * Serves the command lines scripts and agents run at every step (`snapshot`, `hooks run`: see
 * servedCommand) for CLI processes of the same user, build and environment on this store: a
 * long-lived process (`watch`, `mcp`) has the CLI compiled and the store open, so it runs them in
 * a fraction of a fresh process's time. The command runs exactly as the client would have run it
 * (its arguments, working folder, standard input, same environment), through the same code, under
 * the same store lock; the service changes where it runs, never what it does.
 *
 * Null when nothing is served: on Windows, a folder that is not private, or another live process
 * already serving this store (one is enough; the first keeps it).
 */
export async function serveCli(opts: ServeOptions): Promise<CliService | null> {
  const build = opts.build ?? launchedBuild();
  const address = serviceAddress(opts.storeDir, true);
  if (build === undefined || address === null) return null;
  if (await answers(address)) return null;
  // A socket file nobody answers on is left by a process that died: this one takes its place.
  removeSocket(address);
  let served = 0;
  const running = new Set<Promise<void>>();
  const stores = new StorePool();
  const server = net.createServer((socket) => {
    const job = serveOne(socket, opts.run, build, stores).then(
      (ran) => {
        if (ran) served++;
      },
      (e: unknown) => opts.log?.(`serving a CLI command failed: ${(e as Error).message}`),
    );
    running.add(job);
    void job.finally(() => running.delete(job));
  });
  const listening = await new Promise<boolean>((resolve) => {
    server.once('error', (e) => {
      opts.log?.(`not serving CLI commands: ${e.message}`);
      resolve(false);
    });
    server.listen(address, () => resolve(true));
  });
  if (!listening) return null;
  server.on('error', (e) => opts.log?.(`CLI service: ${e.message}`));
  return {
    address,
    get served() {
      return served;
    },
    async close() {
      // libuv removes the socket file as the server closes.
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all(running);
      stores.closeAll();
    },
  };
}

/** Whether a live process listens at `address`. */
function answers(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.connect(address);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

/** Removes what is at `address` if it is a socket (never a file or folder planted there). */
function removeSocket(address: string): void {
  try {
    if (fs.lstatSync(address).isSocket()) fs.rmSync(address, { force: true });
  } catch {
    // Nothing there.
  }
}

/** Reads one request and answers it; true when it ran the command. */
function serveOne(socket: net.Socket, run: RunCli, build: string, stores: StorePool): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const send = (frame: ServiceFrame): void => {
      if (!socket.destroyed) socket.write(frameLine(frame));
    };
    const decline = (why: string): void => {
      send({ t: 'declined', why });
      socket.end();
      resolve(false);
    };
    socket.on('error', () => undefined);
    // Gone before asking (a probe: see answers): nothing to run. Once running, the command finishes anyway.
    let accepted = false;
    socket.on('close', () => {
      if (!accepted) resolve(false);
    });
    // A client that connects and says nothing is not waited for.
    socket.setTimeout(ALIVE_MS, () => decline('no request'));
    readLines(
      socket,
      (line) => {
        socket.setTimeout(0);
        const request = line === null ? null : parseRequest(line);
        const refusal = request === null ? 'not a request' : refusalOf(request, build);
        if (refusal !== null || request === null) {
          decline(refusal ?? 'not a request');
          return false;
        }
        accepted = true;
        send({ t: 'accepted' });
        const alive = setInterval(() => send({ t: 'alive' }), ALIVE_MS);
        const io: CliIo = {
          out: (text) => send({ t: 'out', text }),
          err: (text) => send({ t: 'err', text }),
          cwd: request.cwd,
          stores,
          ...(request.stdin !== undefined ? { stdin: request.stdin } : {}),
        };
        run(request.argv, io).then(
          (code) => {
            clearInterval(alive);
            send({ t: 'exit', code });
            socket.end();
            resolve(true);
          },
          (e: unknown) => {
            clearInterval(alive);
            // The client hears nothing more and runs the command itself.
            socket.destroy();
            reject(e instanceof Error ? e : new Error(String(e)));
          },
        );
        return false;
      },
      MAX_REQUEST_BYTES,
    );
  });
}

function parseRequest(line: string): ServiceRequest | null {
  try {
    const r = JSON.parse(line) as Partial<ServiceRequest>;
    const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
    const env = r.env;
    if (
      r.v !== PROTOCOL_VERSION ||
      !strings(r.argv) ||
      typeof r.cwd !== 'string' ||
      typeof r.build !== 'string' ||
      typeof r.until !== 'number' ||
      (r.stdin !== undefined && typeof r.stdin !== 'string') ||
      typeof env !== 'object' ||
      env === null ||
      !Object.values(env).every((v) => typeof v === 'string')
    ) {
      return null;
    }
    return r as ServiceRequest;
  } catch {
    return null;
  }
}

/** Why this process must not run `request` as the client would have; null when it may. */
function refusalOf(request: ServiceRequest, build: string): string | null {
  if (Date.now() > request.until - LATE_MARGIN_MS) return 'too late: the client runs it itself';
  if (request.build !== build) return 'another build of the CLI';
  if (!path.isAbsolute(request.cwd)) return 'no working folder';
  const command = servedCommand(request.argv);
  if (command === null) return 'not a command this service runs';
  if (command.readsInput !== (request.stdin !== undefined)) return 'standard input missing or unexpected';
  if (!isDeepStrictEqual(environmentOfConcern(request.env), environmentOfConcern(process.env))) return 'another environment';
  return null;
}
