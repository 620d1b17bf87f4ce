/**
 * A command's body with its failures reported once: the returned function resolves to what `run`
 * returns, or, when `run` throws, to undefined as soon as `report` has started. The report is not
 * awaited: its notification waits for the user, and a caller of `executeCommand` (a script, a
 * test, another command) must not wait with it. vscode-free, so it is tested in plain Node.
 */
export function reportingFailures(
  run: (...args: unknown[]) => Promise<unknown>,
  report: (err: unknown) => Promise<void>,
  reportFailed: (err: unknown) => void,
): (...args: unknown[]) => Promise<unknown> {
  return async (...args) => {
    try {
      return await run(...args);
    } catch (err) {
      void report(err).catch(reportFailed);
      return undefined;
    }
  };
}
