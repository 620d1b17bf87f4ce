/** Ends the CLI with a given exit code and no message: the wrapped command's own code. */
export class CommandExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}
