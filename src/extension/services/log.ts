import * as vscode from '../vscodeApi';
import { formatDuration } from '../../model/format';

/** The "Incident Replay" output channel: what the engine did and how long it took. */
export class Log implements vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel('Incident Replay', { log: true });

  info(message: string): void {
    this.channel.info(message);
  }

  warn(message: string): void {
    this.channel.warn(message);
  }

  error(message: string, err?: unknown): void {
    this.channel.error(err instanceof Error && err.stack ? `${message}\n${err.stack}` : message);
  }

  show(): void {
    this.channel.show(true);
  }

  /** Runs `fn` and logs `what` with its duration (and `describe(result)` when given). */
  async timed<T>(what: string, fn: () => Promise<T>, describe?: (result: T) => string): Promise<T> {
    const started = performance.now();
    try {
      const result = await fn();
      const detail = describe ? `: ${describe(result)}` : '';
      this.info(`${what} in ${formatDuration(performance.now() - started)}${detail}`);
      return result;
    } catch (err) {
      this.warn(`${what} failed after ${formatDuration(performance.now() - started)}: ${err instanceof Error ? err.message : String(err)}`);
      throw err;
    }
  }

  dispose(): void {
    this.channel.dispose();
  }
}
