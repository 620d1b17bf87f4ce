/**
 * Calls into a VS Code API that is newer than @types/vscode 1.90 (see agents/lmApi.ts,
 * recorder/shellExecution.ts). Before an API is final, VS Code already exposes its functions, but
 * a call from an extension that did not declare the proposal throws ("CANNOT use API proposal"):
 * a present function does not prove the API is there (the terminal shell-execution API in VS Code
 * 1.90 to 1.92, for one). vscode-free, so it is tested in plain Node.
 */
export type Offered<T> = { value: T } | { proposal: string };

/** What `call` returns, or the proposal's name when this VS Code has the API only as a proposal; any other error is rethrown. */
export function unlessProposed<T>(call: () => T): Offered<T> {
  try {
    return { value: call() };
  } catch (err) {
    const m = /CANNOT use API proposal: (\w+)/.exec(err instanceof Error ? err.message : String(err));
    if (m) return { proposal: m[1] ?? 'unknown' };
    throw err;
  }
}
