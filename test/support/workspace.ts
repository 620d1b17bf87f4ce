import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const CLI = path.join(ROOT, 'dist', 'cli.js');

/** A temporary workspace built from a map of relative paths to contents; removed by `dispose`. */
export class TempWorkspace {
  readonly dir: string;

  constructor(files: Record<string, string | Buffer> = {}) {
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'ir-ws-'));
    this.write(files);
  }

  write(files: Record<string, string | Buffer>): this {
    for (const [rel, content] of Object.entries(files)) {
      const abs = path.join(this.dir, rel);
      mkdirSync(path.dirname(abs), { recursive: true });
      writeFileSync(abs, content);
    }
    return this;
  }

  remove(...rels: string[]): this {
    for (const rel of rels) rmSync(path.join(this.dir, rel), { force: true, recursive: true });
    return this;
  }

  path(rel: string): string {
    return path.join(this.dir, rel);
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as users do: a separate process. */
export function cli(ws: TempWorkspace | string, ...args: string[]): CliResult {
  const dir = typeof ws === 'string' ? ws : ws.dir;
  const r = spawnSync(process.execPath, [CLI, '--workspace', dir, ...args], {
    encoding: 'utf8',
    cwd: existsSync(dir) ? dir : os.tmpdir(),
    maxBuffer: 64 << 20,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function cliAsync(ws: TempWorkspace, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, '--workspace', ws.dir, ...args], { cwd: ws.dir });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Sleeps past the racy-timestamp window so the next write gets a distinct mtime. */
export function settle(ms = 20): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
