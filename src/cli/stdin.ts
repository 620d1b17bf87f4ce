/*
 * Standard input, for the commands that read it (`hooks run`). The launcher may have read it
 * already, to send it to the process serving the store (see src/cli/service/client.ts); when that
 * process declines, the launcher leaves it here for the command to run with. The launcher and the
 * CLI are separate bundles, so it waits on the global object under a registered symbol.
 */
const STASHED = Symbol.for('incident-replay.stdin');

/** All of standard input, as text. */
export function readAllStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (d: string) => (data += d));
    process.stdin.on('end', () => resolve(data));
    process.stdin.on('error', reject);
  });
}

export function stashStdin(text: string): void {
  (globalThis as { [STASHED]?: string })[STASHED] = text;
}

/** Standard input as the launcher read it, once; undefined when it did not. */
export function takeStashedStdin(): string | undefined {
  const g = globalThis as { [STASHED]?: string };
  const text = g[STASHED];
  delete g[STASHED];
  return text;
}
