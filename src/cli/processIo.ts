import type { CliIo } from './io';

/**
 * The process's own streams, one line per call. A module of its own so the launcher can write a
 * served command's output without loading what `io.ts` brings (the export redaction).
 */
export const processIo: CliIo = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : t + '\n'),
};
