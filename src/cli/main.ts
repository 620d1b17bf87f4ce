import { processIo } from './io';
import { runCli } from './program';

/**
 * Exits once the command is done and what it printed is written. Every command awaits its own
 * work; left to drain by itself, the event loop of a warm snapshot idled 5-10 ms more while V8
 * finished a garbage collection it had started, for a heap about to be thrown away.
 */
function exitWhenWritten(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const written = (): void => {
    pending -= 1;
    if (pending === 0) process.exit();
  };
  process.stdout.write('', written);
  process.stderr.write('', written);
}

runCli(process.argv.slice(2), processIo).then(exitWhenWritten, (e: unknown) => {
  process.stderr.write(`incident-replay: ${String(e)}\n`);
  exitWhenWritten(1);
});
