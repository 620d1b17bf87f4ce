/**
 * npm's failure report: a run of `npm ERR! ...` (npm ≤ 9) or `npm error ...` (npm ≥ 10)
 * lines, reported once. A failed script (`code ELIFECYCLE`, `command failed`) is an exit code.
 */
import { type Draft, EvidenceBuffer, type FeedResult, type LogBlock, Weight } from './findings';

const NPM_LINE = /^npm (?:ERR!|error)(?: (.*))?$/;

export function isNpmErrorStart(text: string): boolean {
  return (text.startsWith('npm ERR!') || text.startsWith('npm error')) && NPM_LINE.test(text);
}

export class NpmErrorBlock implements LogBlock {
  private readonly evidence = new EvidenceBuffer();
  private endLine: number;
  private code: string | undefined;
  private exitStatus: number | undefined;
  private commandFailed = false;
  private command: string | undefined;
  private readonly firstText: string;

  constructor(
    private readonly startLine: number,
    text: string,
  ) {
    this.endLine = startLine;
    this.firstText = NPM_LINE.exec(text)?.[1]?.trim() ?? '';
    this.take(text, startLine, true);
  }

  private take(text: string, no: number, first: boolean): void {
    const body = NPM_LINE.exec(text)?.[1]?.trim() ?? '';
    let weight: Weight = first ? Weight.Header : Weight.Other;
    const code = /^code (\S+)$/.exec(body);
    if (code && this.code === undefined) {
      this.code = code[1];
      weight = first ? weight : Weight.Key;
    }
    const status = /^(?:Exit status|errno) (\d+)$/.exec(body);
    if (status && /^Exit/.test(body)) this.exitStatus = Number(status[1]);
    if (/^command failed$/.test(body)) this.commandFailed = true;
    const command = /^command (?!failed$)(.+)$/.exec(body) ?? /^\S+@\S+ \S+: `(.+)`$/.exec(body);
    if (command && this.command === undefined) {
      this.command = command[1];
      weight = Weight.Key;
    }
    this.evidence.add(no, text, weight);
    this.endLine = no;
  }

  feed(text: string, no: number): FeedResult {
    if (!NPM_LINE.test(text)) return 'end';
    this.take(text, no, false);
    return 'consumed';
  }

  finish(): Draft {
    const numericCode = this.code !== undefined && /^\d+$/.test(this.code) ? Number(this.code) : undefined;
    const exitCode = this.exitStatus ?? numericCode;
    const scriptFailed = this.code === 'ELIFECYCLE' || this.commandFailed || exitCode !== undefined;
    let message: string;
    if (scriptFailed) {
      message = `npm script failed${this.command ? `: ${this.command}` : ''}${exitCode !== undefined ? ` (exit code ${exitCode})` : ''}`;
    } else {
      message = `npm error${this.code ? ` ${this.code}` : ''}: ${this.firstText}`;
    }
    const draft: Draft = {
      rule: scriptFailed ? 'exit_code' : 'level_error',
      severity: 'error',
      line: this.startLine,
      column: 1,
      endLine: this.endLine,
      message,
      frames: [],
      evidence: this.evidence,
    };
    if (this.code !== undefined && numericCode === undefined) draft.errorType = this.code;
    if (exitCode !== undefined) draft.exitCode = exitCode;
    return draft;
  }
}
