/**
 * `incident-replay watch` with automatic snapshots held off, run so that the CLI's snapshots are
 * taken by it (src/cli/service/): the bench's served rows and the collection race use it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { CLI } from './paths';

export class ServingWatch {
  private stderr = '';
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    child.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) => child.on('close', () => resolve()));
  }

  /** Started and recording (so serving); `args` are the global options before `watch`. */
  static async start(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ServingWatch> {
    const child = spawn(process.execPath, [CLI, ...args, 'watch', '--quiet', '3600', '--min-interval', '3600'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const watch = new ServingWatch(child);
    const deadline = Date.now() + 120_000;
    while (!watch.stderr.includes('(Ctrl-C to stop)')) {
      if (Date.now() > deadline || child.exitCode !== null) {
        child.kill('SIGKILL');
        throw new Error(`watch did not start: ${watch.stderr}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    return watch;
  }

  /** Stops it; how many CLI commands it ran for other processes, as it says on stopping. */
  async stop(): Promise<number> {
    this.child.kill('SIGINT');
    await this.exited;
    return Number(/; ran (\d+) CLI commands? for other processes/.exec(this.stderr)?.[1] ?? 0);
  }

  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  get output(): string {
    return this.stderr;
  }
}
