/*
 * What a CLI process and the process serving its store say to each other: one JSON object per
 * line. The client sends one request; the server answers `declined` (the client then runs the
 * command itself) or `accepted`, then `alive` every few seconds while the command runs, its output
 * as the command wrote it, and its exit code last.
 */

export const PROTOCOL_VERSION = 1;

export interface ServiceRequest {
  v: typeof PROTOCOL_VERSION;
  argv: string[];
  /** The client's working folder: the command resolves its paths from there, as it would have. */
  cwd: string;
  /** The client's environment, as far as a command reads it (see {@link environmentOfConcern}). */
  env: Record<string, string>;
  /** Which build of the CLI asks (see {@link buildIdentity}): only the same build may answer. */
  build: string;
  /**
   * Epoch milliseconds after which the client no longer waits to hear `accepted` and runs the
   * command itself: a server that reads the request later (its event loop was busy) declines it,
   * so the command never runs twice.
   */
  until: number;
  /** Standard input, read whole, for a command that reads it (`hooks run`). */
  stdin?: string;
}

export type ServiceFrame =
  | { t: 'accepted' }
  | { t: 'declined'; why: string }
  | { t: 'alive' }
  | { t: 'out'; text: string }
  | { t: 'err'; text: string }
  | { t: 'exit'; code: number };

/** How often a server says it is still at work; a client that hears nothing for 5 of these gives up. */
export const ALIVE_MS = 2_000;
export const CLIENT_PATIENCE_MS = 5 * ALIVE_MS;
/** A request read later than this before its `until` is declined: the answer could arrive too late. */
export const LATE_MARGIN_MS = ALIVE_MS;
/** Largest standard input a client sends along (a hook event carries a tool's input and output); past it, it runs the command itself. */
export const MAX_STDIN_BYTES = 8 << 20;
/** Longest request a server reads: the input, JSON-escaped, and the rest. */
export const MAX_REQUEST_BYTES = 6 * MAX_STDIN_BYTES + (1 << 20);

/**
 * The variables a command's result depends on: where the user's git excludes and trusted-config
 * list are (HOME, XDG_*, GIT_*), our own settings (INCIDENT_REPLAY_*), the time zone. A server
 * runs a command only for a client whose values are the same as its own.
 */
const OF_CONCERN = /^(HOME|USERPROFILE|APPDATA|LOCALAPPDATA|TZ|XDG_.+|GIT_.+|INCIDENT_REPLAY_.+)$/;

export function environmentOfConcern(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(env).sort()) {
    const value = env[key];
    if (OF_CONCERN.test(key) && value !== undefined) out[key] = value;
  }
  return out;
}

/** The build of the CLI bundle at `stat` under this Node: two processes agree only when they run the same code. */
export function buildIdentity(stat: { size: number; mtimeMs: number }): string {
  return `${process.version}:${stat.size}:${Math.floor(stat.mtimeMs)}`;
}

/**
 * The build this process runs, as the launcher found it (see launcher.ts): the launcher and the
 * CLI are separate bundles, so it waits on the global object under a registered symbol. Undefined
 * when the CLI was not started through the launcher (tests, the extension).
 */
const BUILD = Symbol.for('incident-replay.cliBuild');

export function launchedBuild(): string | undefined {
  return (globalThis as { [BUILD]?: string })[BUILD];
}

export function markLaunchedBuild(build: string): void {
  (globalThis as { [BUILD]?: string })[BUILD] = build;
}

export function frameLine(frame: ServiceFrame | ServiceRequest): string {
  return `${JSON.stringify(frame)}\n`;
}

/**
 * Calls `onLine` for each complete line read from `source` until it returns false; with null, and
 * no more, when a line grows past `maxBytes`.
 */
export function readLines(source: NodeJS.ReadableStream, onLine: (line: string | null) => boolean, maxBytes = Infinity): void {
  let buffered = '';
  const onData = (chunk: Buffer | string): void => {
    buffered += chunk.toString();
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (!onLine(line)) {
        source.removeListener('data', onData);
        return;
      }
    }
    if (buffered.length > maxBytes) {
      source.removeListener('data', onData);
      onLine(null);
    }
  };
  source.on('data', onData);
}
