import { redactDeep } from '../engine/report/redactExport';

/** Where the CLI writes. Commands take this instead of touching process streams, so tests can capture output. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

export const processIo: CliIo = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : t + '\n'),
};

/** Every JSON document the CLI prints goes through the engine's one redaction pass (`redactDeep`). */
export function printJson(io: CliIo, value: unknown): void {
  io.out(JSON.stringify(redactDeep(value), null, 2));
}
