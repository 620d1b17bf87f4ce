// What every end-to-end suite shares: one workbench window per suite file, steps that name
// themselves in failures (with a screenshot), and the fixture's failing job.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { TestContext } from 'node:test';
import type { E2EEnv } from './env';
import { Workbench } from './workbench';

const slug = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);

export class Session {
  wb: Workbench | undefined;
  anyFailed = false;

  constructor(readonly env: E2EEnv) {}

  /** Opens the window on the run's workspace; resolves once the explorer lists `expectInExplorer`. */
  async open(t: TestContext, expectInExplorer: string): Promise<Workbench> {
    const t0 = Date.now();
    try {
      this.wb = await Workbench.open(this.env, expectInExplorer);
      t.diagnostic(`workbench ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      await this.wb.context.tracing.start({ screenshots: true, snapshots: true });
      return this.wb;
    } catch (err) {
      this.anyFailed = true;
      const log = path.relative(process.cwd(), path.join(this.env.artifacts, 'code-server.log'));
      throw new Error(`step "open the workbench" failed: ${err instanceof Error ? err.message : String(err)} (code-server log: ${log})`, {
        cause: err,
      });
    }
  }

  /**
   * One user-visible step. On failure: a screenshot named after the step, and an error that
   * names the step first, so the report reads "step X failed: why (screenshot: where)".
   */
  async step<T>(name: string, fn: (w: Workbench) => Promise<T>): Promise<T> {
    if (!this.wb) throw new Error(`step "${name}" cannot run: the workbench did not open`);
    const w = this.wb;
    try {
      return await fn(w);
    } catch (err) {
      this.anyFailed = true;
      const shot = await w.screenshot(`FAILED-${slug(name)}`).catch(() => undefined);
      const why = err instanceof Error ? err.message : String(err);
      throw new Error(`step "${name}" failed: ${why}${shot ? `\n    screenshot: ${path.relative(process.cwd(), shot)}` : ''}`, {
        cause: err,
      });
    }
  }

  /** Keeps the browser console's errors (and a trace after a failure), then closes the window. */
  async close(): Promise<void> {
    const wb = this.wb;
    if (!wb) return;
    if (wb.consoleErrors.length > 0)
      writeFileSync(path.join(this.env.artifacts, 'browser-console-errors.log'), wb.consoleErrors.join('\n') + '\n');
    if (this.anyFailed) await wb.context.tracing.stop({ path: path.join(this.env.artifacts, 'trace.zip') }).catch(() => undefined);
    await wb.close();
  }
}

/** A loopback port with nothing listening: bound by the OS, then released. */
export function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export interface FailedJob {
  port: number;
  /** 1-based line of logs/job.log holding the refused connection. */
  errorLine: number;
}

/**
 * Points the fixture's job in `folder` at a closed port (config/app.json) and runs it: it
 * fails for real, logging the refused connection and its stack, and leaves its export empty.
 */
export async function runFailingJob(folder: string): Promise<FailedJob> {
  const cfgFile = path.join(folder, 'config', 'app.json');
  const cfg = JSON.parse(readFileSync(cfgFile, 'utf8')) as { database: { port: number } };
  assert.equal(cfg.database.port, 5432, 'the fixture starts on the healthy port');
  const port = await closedPort();
  cfg.database.port = port;
  writeFileSync(cfgFile, JSON.stringify(cfg, null, 2) + '\n');
  const run = spawnSync(process.execPath, [path.join(folder, 'src', 'job.js')], { cwd: folder, encoding: 'utf8', timeout: 30_000 });
  assert.equal(run.status, 1, `the job should fail: ${run.stderr}`);
  const lines = readFileSync(path.join(folder, 'logs', 'job.log'), 'utf8').split('\n');
  const index = lines.findIndex((l) => l.includes(`ECONNREFUSED 127.0.0.1:${port}`));
  assert.ok(index >= 0, `logs/job.log should hold the refused connection:\n${lines.join('\n')}`);
  assert.match(lines[index + 1] ?? '', /^\s+at /, 'the stack follows the error line');
  assert.equal(readFileSync(path.join(folder, 'output', 'export.csv'), 'utf8'), '', 'the failed run leaves the export empty');
  return { port, errorLine: index + 1 };
}
