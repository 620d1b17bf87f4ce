/**
 * Builders for corpus workspaces: real programs run in a temporary workspace, their output
 * appended to logs the way a job runner or cron wrapper does, and the agent's actions recorded
 * in the transcript dialect of one of the agents we read (or none, for a cron job).
 */
import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { TempWorkspace } from '../support/workspace';

export type AgentFormat = 'claude' | 'codex' | 'aider' | 'plain' | 'cron';

export function iso(offsetMs = 0): string {
  return new Date(Date.now() + offsetMs).toISOString();
}

/** Timestamped INFO lines, the everyday noise around a failure. */
export function infoSpam(w: TempWorkspace, log: string, service: string, n: number, what = 'processed batch'): void {
  const lines: string[] = [];
  for (let i = 1; i <= n; i++) lines.push(`${iso()} INFO ${service}: ${what} ${i} (${(i * 37) % 500} rows, ${(i * 13) % 90} ms)`);
  appendFileSync(w.path(log), lines.join('\n') + '\n');
}

export function logLine(w: TempWorkspace, log: string, level: string, service: string, text: string): void {
  appendFileSync(w.path(log), `${iso()} ${level} ${service}: ${text}\n`);
}

/** A transient failure that the job retried and got past: a real log's red herring. */
export function recoveredError(w: TempWorkspace, log: string, service: string, level: 'WARN' | 'ERROR' = 'WARN'): void {
  logLine(w, log, level, service, 'GET /internal/status failed (ECONNRESET), retrying in 1s (attempt 1/3)');
  logLine(w, log, 'INFO', service, 'GET /internal/status ok after 1 retry');
}

export interface RunResult {
  code: number;
  out: string;
}

/**
 * Runs `bash -c script` in the workspace. With `log`, stdout and stderr go to that file in the
 * order the program wrote them (one descriptor for both, as `>> log 2>&1` does).
 */
export function sh(
  w: TempWorkspace,
  script: string,
  opts: { log?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const fd = opts.log ? openSync(w.path(opts.log), 'a') : null;
    // Without NODE_TEST_CONTEXT a nested `node --test` prints TAP instead of talking to a parent test runner.
    const { NODE_TEST_CONTEXT: _inherited, ...env } = process.env;
    const child = spawn('bash', ['-c', script], {
      cwd: w.dir,
      env: { ...env, ...opts.env },
      stdio: fd === null ? ['ignore', 'pipe', 'pipe'] : ['ignore', fd, fd],
    });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (fd !== null) closeSync(fd);
      resolve({ code: code ?? (signal === 'SIGKILL' ? 137 : 1), out: fd !== null ? '' : out });
    });
  });
}

/** The exit line a cron wrapper (`run-job`) writes after the job. */
export function cronExit(w: TempWorkspace, log: string, job: string, code: number): void {
  appendFileSync(w.path(log), `${iso()} run-job[${process.pid}]: ${job} finished with exit status ${code}\n`);
}

interface Step {
  at: string;
  say?: string;
  edit?: { file: string; old: string; next: string };
  write?: { file: string; content: string };
  bash?: { command: string; output: string; code: number };
}

/**
 * An agent session: every action is done for real in the workspace and recorded, then written
 * as a transcript in one agent's dialect. Edits carry absolute paths, as the agents write them.
 */
export class AgentSession {
  private readonly steps: Step[] = [];
  private saved = 0;

  constructor(
    private readonly w: TempWorkspace,
    readonly format: AgentFormat,
    private readonly task: string,
  ) {}

  say(text: string): this {
    this.steps.push({ at: iso(), say: text });
    return this;
  }

  edit(file: string, old: string, next: string): this {
    const abs = this.w.path(file);
    const text = readFileSync(abs, 'utf8');
    if (!text.includes(old)) throw new Error(`corpus builder: ${file} does not contain ${JSON.stringify(old)}`);
    this.w.write({ [file]: text.replace(old, next) });
    this.steps.push({ at: iso(), edit: { file, old, next } });
    return this;
  }

  writeFile(file: string, content: string): this {
    this.w.write({ [file]: content });
    this.steps.push({ at: iso(), write: { file, content } });
    return this;
  }

  /** Runs the command for real; the output goes to the transcript and, when the command redirects, to its log. */
  async bash(command: string, opts: { env?: Record<string, string> } = {}): Promise<RunResult> {
    const r = await sh(this.w, command, opts);
    this.steps.push({ at: iso(), bash: { command, output: r.out, code: r.code } });
    return r;
  }

  /** Where this session's transcript lives in the workspace; null for a cron job. */
  get file(): string | null {
    switch (this.format) {
      case 'claude':
        return '.claude/sessions/4f35e220-c435-4cf7-b9b9-f40426042847.jsonl';
      case 'codex':
        return '.codex/sessions/rollout-2026-01-05T08-00-00-0199a213.jsonl';
      case 'aider':
        return '.aider.chat.history.md';
      case 'plain':
        return 'agent/agent.log';
      case 'cron':
        return null;
    }
  }

  /** Writes the steps recorded since the last save, appending as the agents do. */
  save(): void {
    const file = this.file;
    if (!file) return;
    const fresh = this.steps.slice(this.saved);
    const first = this.saved === 0;
    this.saved = this.steps.length;
    const text =
      this.format === 'claude'
        ? this.claude(fresh, first)
        : this.format === 'codex'
          ? this.codex(fresh, first)
          : this.format === 'aider'
            ? this.aider(fresh, first)
            : this.plain(fresh, first);
    mkdirSync(path.dirname(this.w.path(file)), { recursive: true });
    appendFileSync(this.w.path(file), text);
  }

  private claude(steps: Step[], first: boolean): string {
    const cwd = this.w.dir;
    const base = {
      isSidechain: false,
      userType: 'external',
      cwd,
      sessionId: '4f35e220-c435-4cf7-b9b9-f40426042847',
      version: '1.0.51',
      gitBranch: 'main',
    };
    const out: object[] = [];
    let n = this.saved * 10;
    const assistant = (at: string, content: object[]): void => {
      out.push({
        ...base,
        type: 'assistant',
        uuid: `a${++n}`,
        timestamp: at,
        message: { id: `msg_${n}`, type: 'message', role: 'assistant', model: 'claude-sonnet-4-20250514', content },
      });
    };
    const result = (at: string, id: string, content: string, isError: boolean): void => {
      out.push({
        ...base,
        type: 'user',
        uuid: `u${++n}`,
        timestamp: at,
        message: { role: 'user', content: [{ tool_use_id: id, type: 'tool_result', content, is_error: isError }] },
      });
    };
    if (first)
      out.push({ ...base, type: 'user', uuid: 'u0', timestamp: steps[0]?.at ?? iso(), message: { role: 'user', content: this.task } });
    for (const s of steps) {
      const id = `toolu_${++n}`;
      if (s.say) assistant(s.at, [{ type: 'text', text: s.say }]);
      if (s.edit) {
        assistant(s.at, [
          {
            type: 'tool_use',
            id,
            name: 'Edit',
            input: { file_path: path.join(this.w.dir, s.edit.file), old_string: s.edit.old, new_string: s.edit.next },
          },
        ]);
        result(s.at, id, `The file ${path.join(this.w.dir, s.edit.file)} has been updated.`, false);
      }
      if (s.write) {
        assistant(s.at, [
          { type: 'tool_use', id, name: 'Write', input: { file_path: path.join(this.w.dir, s.write.file), content: s.write.content } },
        ]);
        result(s.at, id, `File created successfully at: ${path.join(this.w.dir, s.write.file)}`, false);
      }
      if (s.bash) {
        assistant(s.at, [{ type: 'tool_use', id, name: 'Bash', input: { command: s.bash.command, description: 'Run the job' } }]);
        result(s.at, id, s.bash.output || `(exit ${s.bash.code})`, s.bash.code !== 0);
      }
    }
    return out.map((o) => JSON.stringify(o)).join('\n') + '\n';
  }

  private codex(steps: Step[], first: boolean): string {
    const out: object[] = [];
    let n = this.saved * 10;
    if (first) {
      out.push({
        timestamp: steps[0]?.at ?? iso(),
        type: 'session_meta',
        payload: {
          id: '0199a213-81c0-7800-8aa1-bbab2a035a53',
          timestamp: steps[0]?.at ?? iso(),
          cwd: this.w.dir,
          originator: 'codex_cli_rs',
          cli_version: '0.36.0',
        },
      });
      out.push({
        timestamp: steps[0]?.at ?? iso(),
        type: 'response_item',
        payload: { type: 'message', role: 'user', content: [{ type: 'input_text', text: this.task }] },
      });
    }
    for (const s of steps) {
      const call = `call_${++n}`;
      if (s.say)
        out.push({
          timestamp: s.at,
          type: 'response_item',
          payload: { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: s.say }] },
        });
      const patch = s.edit
        ? `*** Begin Patch\n*** Update File: ${path.join(this.w.dir, s.edit.file)}\n@@\n-${s.edit.old.split('\n').join('\n-')}\n+${s.edit.next.split('\n').join('\n+')}\n*** End Patch\n`
        : s.write
          ? `*** Begin Patch\n*** Add File: ${path.join(this.w.dir, s.write.file)}\n+${s.write.content.split('\n').join('\n+')}\n*** End Patch\n`
          : null;
      if (patch) {
        out.push({
          timestamp: s.at,
          type: 'response_item',
          payload: { type: 'custom_tool_call', status: 'completed', call_id: call, name: 'apply_patch', input: patch },
        });
        out.push({
          timestamp: s.at,
          type: 'response_item',
          payload: {
            type: 'custom_tool_call_output',
            call_id: call,
            output: JSON.stringify({ output: 'Success.', metadata: { exit_code: 0 } }),
          },
        });
      }
      if (s.bash) {
        out.push({
          timestamp: s.at,
          type: 'response_item',
          payload: {
            type: 'function_call',
            name: 'shell',
            arguments: JSON.stringify({ command: ['bash', '-lc', s.bash.command], workdir: this.w.dir }),
            call_id: call,
          },
        });
        out.push({
          timestamp: s.at,
          type: 'response_item',
          payload: {
            type: 'function_call_output',
            call_id: call,
            output: JSON.stringify({ output: s.bash.output, metadata: { exit_code: s.bash.code } }),
          },
        });
      }
    }
    return out.map((o) => JSON.stringify(o)).join('\n') + '\n';
  }

  private aider(steps: Step[], first: boolean): string {
    const parts: string[] = [];
    if (first)
      parts.push(
        `\n# aider chat started at ${(steps[0]?.at ?? iso()).slice(0, 19).replace('T', ' ')}\n\n> aider --model gpt-4o  \n> Aider v0.45.1  \n\n#### ${this.task}  \n`,
      );
    for (const s of steps) {
      if (s.say) parts.push(`\n${s.say}\n`);
      if (s.edit)
        parts.push(
          `\n${s.edit.file}\n\`\`\`\n<<<<<<< SEARCH\n${s.edit.old}\n=======\n${s.edit.next}\n>>>>>>> REPLACE\n\`\`\`\n\n> Applied edit to ${s.edit.file}  \n`,
        );
      if (s.write)
        parts.push(
          `\n${s.write.file}\n\`\`\`\n<<<<<<< SEARCH\n=======\n${s.write.content}\n>>>>>>> REPLACE\n\`\`\`\n\n> Applied edit to ${s.write.file}  \n`,
        );
      if (s.bash)
        parts.push(
          `\n#### /run ${s.bash.command}  \n${s.bash.output
            .split('\n')
            .filter(Boolean)
            .map((l) => `> ${l}  `)
            .join('\n')}\n`,
        );
    }
    return parts.join('');
  }

  private plain(steps: Step[], first: boolean): string {
    const stamp = (at: string): string => at.replace('T', ' ').replace('Z', '').replace('.', ',');
    const lines: string[] = [];
    if (first) lines.push(`${stamp(steps[0]?.at ?? iso())} INFO agent.core: Plan: ${this.task}`);
    for (const s of steps) {
      if (s.say) lines.push(`${stamp(s.at)} INFO agent.core: Decision: ${s.say}`);
      if (s.edit) lines.push(`${stamp(s.at)} INFO agent.tools: Action: edit ${path.join(this.w.dir, s.edit.file)}`);
      if (s.write) lines.push(`${stamp(s.at)} INFO agent.tools: Action: write ${path.join(this.w.dir, s.write.file)}`);
      if (s.bash) {
        lines.push(`${stamp(s.at)} INFO agent.tools: Action: run \`${s.bash.command}\``);
        lines.push(`${stamp(s.at)} INFO agent.tools: Observation: exit code ${s.bash.code}`);
      }
    }
    return lines.join('\n') + '\n';
  }
}
