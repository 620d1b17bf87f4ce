/**
 * Python tracebacks: one finding per top-level traceback block, chained tracebacks
 * ("During handling of the above exception..." / "The above exception was the direct
 * cause...") folded into the same finding, the final exception naming it.
 */
import type { StackFrame } from '../types';
import { type FrameMapper, parsePythonFrame } from './stackFrames';
import { type ChainLink, type Draft, EvidenceBuffer, type FeedResult, type LogBlock, Weight } from './findings';

const HEADER = /^Traceback \(most recent call last\):\s*$/;
const CONTEXT_SENTENCE = /^During handling of the above exception, another exception occurred:\s*$/;
const CAUSE_SENTENCE = /^The above exception was the direct cause of the following exception:\s*$/;
/** `KeyError: 'k'`, `json.decoder.JSONDecodeError: ...`, a bare `KeyboardInterrupt`. */
const EXCEPTION_LINE = /^([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)(?::(?: (.*))?)?\s*$/;

export function isPythonTracebackStart(text: string): boolean {
  return text.startsWith('Traceback (most recent call last):') && HEADER.test(text);
}

interface Segment {
  frames: StackFrame[];
  errorType?: string;
  message?: string;
  relation: ChainLink['relation'];
}

export class PythonTraceback implements LogBlock {
  private state: 'frames' | 'afterException' | 'beforeNext' = 'frames';
  private readonly segments: Segment[] = [{ frames: [], relation: 'first' }];
  private readonly evidence = new EvidenceBuffer();
  private endLine: number;
  private pendingRelation: ChainLink['relation'] = 'context';
  private lastFrameInWorkspace = false;

  constructor(
    private readonly startLine: number,
    private readonly startColumn: number,
    headerText: string,
    private readonly mapper: FrameMapper,
  ) {
    this.endLine = startLine;
    this.evidence.add(startLine, headerText, Weight.Header);
  }

  private get current(): Segment {
    return this.segments[this.segments.length - 1] as Segment;
  }

  feed(text: string, no: number): FeedResult {
    switch (this.state) {
      case 'frames': {
        const frame = parsePythonFrame(text, this.mapper);
        if (frame) {
          this.current.frames.push(frame);
          this.lastFrameInWorkspace = frame.inWorkspace;
          this.evidence.add(no, text, frame.inWorkspace ? Weight.WorkspaceFrame : Weight.Frame);
          this.endLine = no;
          return 'consumed';
        }
        if (/^\s/.test(text)) {
          // Source lines, caret lines (`~~^^~~`) and "[Previous line repeated N more times]".
          const caret = /^\s*[~^]+\s*$/.test(text);
          const weight = caret ? Weight.Noise : this.lastFrameInWorkspace ? Weight.WorkspaceFrame : Weight.Other;
          this.evidence.add(no, text, weight);
          this.endLine = no;
          return 'consumed';
        }
        const m = EXCEPTION_LINE.exec(text);
        if (!m) return 'end';
        this.current.errorType = m[1];
        this.current.message = (m[2] ?? '').trim();
        this.evidence.add(no, text, Weight.Key);
        this.endLine = no;
        this.state = 'afterException';
        return 'consumed';
      }
      case 'afterException':
      case 'beforeNext': {
        if (text.trim() === '') return 'consumed';
        if (this.state === 'afterException' && (CONTEXT_SENTENCE.test(text) || CAUSE_SENTENCE.test(text))) {
          this.pendingRelation = CAUSE_SENTENCE.test(text) ? 'cause' : 'context';
          this.evidence.add(no, text, Weight.Other);
          this.state = 'beforeNext';
          return 'consumed';
        }
        if (this.state === 'beforeNext' && HEADER.test(text)) {
          this.segments.push({ frames: [], relation: this.pendingRelation });
          this.evidence.add(no, text, Weight.Other);
          this.state = 'frames';
          return 'consumed';
        }
        return 'end';
      }
    }
  }

  finish(): Draft {
    const last = [...this.segments].reverse().find((s) => s.errorType !== undefined);
    const chain: ChainLink[] = this.segments
      .filter((s) => s.errorType !== undefined)
      .map((s) => ({ errorType: s.errorType ?? '', message: s.message ?? '', relation: s.relation }));
    let message = last ? describe(last.errorType ?? '', last.message ?? '') : 'Python traceback without an exception line';
    const earlier = chain.slice(0, -1);
    if (last && earlier.length > 0) {
      // The chain reads outward: the final exception was raised from / while handling the earlier ones.
      const link = chain[chain.length - 1]?.relation === 'cause' ? 'caused by' : 'while handling';
      message += ` (${link} ${earlier
        .map((c) => describe(c.errorType, c.message))
        .reverse()
        .join(' <- ')})`;
    }
    const draft: Draft = {
      rule: 'python_traceback',
      severity: 'error',
      line: this.startLine,
      column: this.startColumn,
      endLine: this.endLine,
      message,
      frames: this.segments.flatMap((s) => s.frames),
      evidence: this.evidence,
    };
    if (last?.errorType) draft.errorType = last.errorType;
    if (chain.length > 1) draft.chain = chain;
    return draft;
  }
}

function describe(type: string, message: string): string {
  return message ? `${type}: ${message}` : type;
}
