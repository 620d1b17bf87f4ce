import { redactDeep } from '../engine/report/redactExport';
import type { StorePool } from './service/storePool';

/** Where the CLI writes. Commands take this instead of touching process streams, so tests can capture output. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /**
   * The folder relative paths on the command line are resolved from: the process's own unless a
   * command runs for another process (see src/cli/service/).
   */
  cwd?: string;
  /** Where a process that runs commands for others keeps its open stores between them (see src/cli/service/). */
  stores?: StorePool;
  /** Standard input, already read: a command run for another process gets that process's. */
  stdin?: string;
}

export function workingFolder(io: CliIo): string {
  return io.cwd ?? process.cwd();
}

export { processIo } from './processIo';

/** Every JSON document the CLI prints goes through the engine's one redaction pass (`redactDeep`). */
export function printJson(io: CliIo, value: unknown): void {
  io.out(JSON.stringify(redactDeep(value), null, 2));
}
