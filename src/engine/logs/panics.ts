/**
 * Go panics (`panic: ...` / `fatal error: ...` + goroutine dump) and Rust panics
 * (`thread 'main' panicked at ...`, the pre-1.73 and current message layouts, with or
 * without a backtrace).
 */
import type { StackFrame } from '../types';
import { type FrameMapper, parseGoLocation, parseRustLocation } from './stackFrames';
import { type Draft, EvidenceBuffer, type FeedResult, type LogBlock, Weight } from './findings';

const GO_PANIC = /^(panic|fatal error): (.+)$/;
const GOROUTINE = /^goroutine \d+ \[[^\]]*\]:\s*$/;

export function isGoPanicStart(text: string): boolean {
  return (text.startsWith('panic: ') || text.startsWith('fatal error: ')) && GO_PANIC.test(text);
}

export class GoPanicBlock implements LogBlock {
  private state: 'preamble' | 'stack' | 'otherGoroutines' = 'preamble';
  private readonly evidence = new EvidenceBuffer();
  private readonly frames: StackFrame[] = [];
  private readonly kind: string;
  private readonly message: string;
  private endLine: number;
  private preambleLines = 0;
  private fnLine: string | undefined;
  private sawGoroutine = false;

  constructor(
    private readonly startLine: number,
    text: string,
    private readonly mapper: FrameMapper,
  ) {
    const m = GO_PANIC.exec(text);
    this.kind = m?.[1] ?? 'panic';
    this.message = (m?.[2] ?? text).replace(/ \[recovered\]$/, '').trim();
    this.evidence.add(startLine, text, Weight.Header);
    this.endLine = startLine;
  }

  feed(text: string, no: number): FeedResult {
    if (GOROUTINE.test(text)) {
      if (this.sawGoroutine) this.state = 'otherGoroutines';
      else {
        this.sawGoroutine = true;
        this.state = 'stack';
      }
      this.evidence.add(no, text, Weight.Other);
      this.endLine = no;
      return 'consumed';
    }
    if (this.state === 'preamble') {
      // `[signal SIGSEGV: segmentation violation ...]`, a re-panic's `\tpanic: ...`, blank lines.
      if (++this.preambleLines > 6) return 'end';
      if (text.trim() === '' || /^\[signal /.test(text) || /^\s+panic: /.test(text) || /^\[recovered\]/.test(text)) {
        if (text.trim() !== '') {
          this.evidence.add(no, text, Weight.Key);
          this.endLine = no;
        }
        return 'consumed';
      }
      return 'end';
    }
    if (text.trim() === '') return 'consumed';
    if (text.startsWith('\t')) {
      const frame = parseGoLocation(text, this.fnLine, this.mapper);
      if (frame && this.state === 'stack' && this.frames.length < 200) this.frames.push(frame);
      if (this.state === 'stack') {
        // The evidence quotes the function line together with its location line.
        this.evidence.reweighLast(frame?.inWorkspace ? Weight.WorkspaceFrame : Weight.Frame);
        this.evidence.add(no, text, frame?.inWorkspace ? Weight.WorkspaceFrame : Weight.Frame);
      }
      this.endLine = no;
      return 'consumed';
    }
    // A function line: `main.main()`, `main.(*T).m(...)`, `created by main.main in goroutine 1`.
    if (
      /^(?:created by )?[\w./*()[\]{}-]+\(.*\)(?: in goroutine \d+)?\s*$|^created by /.test(text) ||
      /^\.\.\.additional frames elided\.\.\.$/.test(text)
    ) {
      this.fnLine = text.replace(/^created by /, '').replace(/ in goroutine \d+$/, '');
      if (this.state === 'stack') this.evidence.add(no, text, Weight.Other);
      this.endLine = no;
      return 'consumed';
    }
    return 'end';
  }

  finish(): Draft {
    const errorType = this.kind === 'fatal error' ? 'fatal error' : /^runtime error: /.test(this.message) ? 'runtime error' : 'panic';
    return {
      rule: 'go_panic',
      severity: 'error',
      line: this.startLine,
      column: 1,
      endLine: this.endLine,
      errorType,
      message: this.message,
      frames: [...this.frames].reverse(),
      evidence: this.evidence,
    };
  }
}

/** Rust ≥ 1.73: `thread 'main' (1234) panicked at src/main.rs:4:5:` then the message on the next lines. */
const RUST_NEW = /^thread '([^']*)'(?: \(\d+\))? panicked at (.+?):(\d+):(\d+):\s*$/;
/** Rust < 1.73: `thread 'main' panicked at 'msg', src/main.rs:4:5`. */
const RUST_OLD = /^thread '([^']*)'(?: \(\d+\))? panicked at '(.*)', (.+?):(\d+):(\d+)\s*$/;
const RUST_NOTE = /^note: /;
const RUST_FN = /^\s+\d+: \S/;

export function isRustPanicStart(text: string): boolean {
  return text.startsWith('thread ') && (RUST_NEW.test(text) || RUST_OLD.test(text));
}

export class RustPanicBlock implements LogBlock {
  private state: 'message' | 'after' | 'backtrace' | 'done';
  private readonly evidence = new EvidenceBuffer();
  private readonly messageLines: string[] = [];
  private readonly location: StackFrame;
  private readonly backtrace: StackFrame[] = [];
  private endLine: number;
  private fnLine: string | undefined;
  private readonly column: number;

  constructor(
    private readonly startLine: number,
    text: string,
    private readonly mapper: FrameMapper,
  ) {
    this.evidence.add(startLine, text, Weight.Header);
    this.endLine = startLine;
    this.column = 1;
    const old = RUST_OLD.exec(text);
    if (old) {
      this.messageLines.push(old[2] ?? '');
      this.location = this.mapper.frame(old[3] ?? '', Number(old[4]), Number(old[5]));
      this.state = 'after';
    } else {
      const m = RUST_NEW.exec(text);
      this.location = this.mapper.frame(m?.[2] ?? '', Number(m?.[3] ?? 0), Number(m?.[4] ?? 0));
      this.state = 'message';
    }
  }

  feed(text: string, no: number): FeedResult {
    if (this.state === 'done') return 'end';
    if (this.state === 'message') {
      if (text.trim() !== '' && !RUST_NOTE.test(text) && !/^stack backtrace:/.test(text) && this.messageLines.length < 10) {
        this.messageLines.push(text);
        this.evidence.add(no, text, Weight.Key);
        this.endLine = no;
        return 'consumed';
      }
      this.state = 'after';
    }
    if (/^stack backtrace:\s*$/.test(text)) {
      this.state = 'backtrace';
      this.evidence.add(no, text, Weight.Other);
      this.endLine = no;
      return 'consumed';
    }
    if (RUST_NOTE.test(text)) {
      // `note: run with RUST_BACKTRACE=1 ...` / `note: Some details are omitted ...` close the report.
      this.evidence.add(no, text, Weight.Noise);
      this.endLine = no;
      this.state = 'done';
      return 'consumed';
    }
    if (this.state === 'backtrace') {
      if (RUST_FN.test(text)) {
        this.fnLine = text;
        this.endLine = no;
        this.evidence.add(no, text, Weight.Other);
        return 'consumed';
      }
      const frame = parseRustLocation(text, this.fnLine, this.mapper);
      if (frame) {
        if (this.backtrace.length < 200) this.backtrace.push(frame);
        const weight = frame.inWorkspace ? Weight.WorkspaceFrame : Weight.Noise;
        this.evidence.reweighLast(weight);
        this.evidence.add(no, text, weight);
        this.endLine = no;
        return 'consumed';
      }
    }
    return 'end';
  }

  finish(): Draft {
    const frames = [...this.backtrace].reverse();
    const loc = this.location;
    if (!frames.some((f) => f.file === loc.file && f.line === loc.line)) frames.push(loc);
    return {
      rule: 'rust_panic',
      severity: 'error',
      line: this.startLine,
      column: this.column,
      endLine: this.endLine,
      errorType: 'panic',
      message: this.messageLines.join('\n').trim() || 'panic',
      frames,
      evidence: this.evidence,
    };
  }
}
