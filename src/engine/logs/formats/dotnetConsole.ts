/**
 * .NET's console logger (Microsoft.Extensions.Logging): `fail: Category[eventId]` or
 * `crit: ...` on one line, the message indented on the lines after it, an exception's type and
 * `at` frames among them. `info:`, `warn:`, `dbug:` and `trce:` entries never fire.
 */
import { parseExceptionHeader } from '../exceptions';
import { type Draft, EvidenceBuffer, type FeedResult, type LogBlock, Weight } from '../findings';

const HEAD = /^(fail|crit): (\S+?)\[(\d+)\]\s*$/;
/** Message lines kept at most; a long stack is consumed but not quoted beyond the evidence limit. */
const MAX_LINES = 2000;

export function isDotnetErrorStart(text: string): boolean {
  return (text.startsWith('fail: ') || text.startsWith('crit: ')) && HEAD.test(text);
}

export class DotnetLogBlock implements LogBlock {
  private readonly evidence = new EvidenceBuffer();
  private readonly category: string;
  private message = '';
  private errorType: string | undefined;
  private lines = 0;
  private endLine: number;

  constructor(
    private readonly startLine: number,
    text: string,
  ) {
    this.category = HEAD.exec(text)?.[2] ?? '';
    this.endLine = startLine;
    this.evidence.add(startLine, text, Weight.Header);
  }

  feed(text: string, no: number): FeedResult {
    if (!/^\s/.test(text) || text.trim() === '' || this.lines >= MAX_LINES) return 'end';
    const body = text.trim();
    this.lines++;
    this.endLine = no;
    if (!this.message) {
      this.message = body;
      this.evidence.add(no, text, Weight.Header);
      return 'consumed';
    }
    const header = this.errorType === undefined && !body.startsWith('at ') ? parseExceptionHeader(body) : null;
    if (header) {
      this.errorType = header.type;
      this.evidence.add(no, text, Weight.Key);
    } else this.evidence.add(no, text, body.startsWith('at ') ? Weight.Frame : Weight.Other);
    return 'consumed';
  }

  finish(): Draft {
    const draft: Draft = {
      rule: 'level_error',
      severity: 'error',
      line: this.startLine,
      column: 1,
      endLine: this.endLine,
      message: this.message ? `${this.category}: ${this.message}` : this.category,
      frames: [],
      evidence: this.evidence,
    };
    if (this.errorType) draft.errorType = this.errorType;
    return draft;
  }
}
