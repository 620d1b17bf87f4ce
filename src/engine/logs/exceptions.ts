/**
 * `Type: message` + `at ...` stacks: Node/JavaScript errors (with the `file:line` / source /
 * caret block Node prints before an uncaught error, error properties and `[cause]`) and
 * Java/Kotlin exceptions (with `Caused by:` chains). Also V8's fatal out-of-memory report.
 */
import type { StackFrame } from '../types';
import { type FrameMapper, isJvmFrameLine, parseJsFrame, parseJvmFrame } from './stackFrames';
import { type ChainLink, type Draft, EvidenceBuffer, type FeedResult, type LogBlock, type LogRule, Weight, errnoCode } from './findings';
import { exitOrSignal } from './exitSignals';

export interface ExceptionHeader {
  type: string;
  code?: string;
  message: string;
  thread?: string;
  /** 0-based index where the type starts. */
  index: number;
  /** The line opened an error-properties object (`... {`). */
  opensProps: boolean;
  /** Written without `: message` (`java.lang.StackOverflowError`): only a header when frames follow. */
  bare: boolean;
}

const PLAIN =
  /^(Exception in thread "([^"]*)" )?(Uncaught )?((?:[A-Za-z_$][\w$]*\.)*[A-Za-z_$][\w$]*)(?: \[([A-Za-z][\w.-]*)\])?(?::(?: (.*?))?)?( \{)?\s*$/;
/** Node's inspection of an error without a stack: `[UnhandledPromiseRejection: ...] {`. */
const BRACKETED = /^\[([A-Za-z_$][\w$]*)(?: \[([A-Za-z][\w.-]*)\])?: (.*)\]( \{)?\s*$/;
/** Node before v15: `(node:1234) UnhandledPromiseRejectionWarning: Error: boom`. */
const NODE_WARNING = /^\(node:\d+\) (UnhandledPromiseRejectionWarning): (.*)$/;
const ERROR_NAME = /(?:Error|Exception|Throwable|Rejection)$/;
const JS_BUILTIN =
  /^(?:Error|TypeError|RangeError|ReferenceError|SyntaxError|EvalError|URIError|AggregateError|SystemError|AbortError|DOMException|UnhandledPromiseRejection)$/;

export function parseExceptionHeader(text: string): ExceptionHeader | null {
  const w = NODE_WARNING.exec(text);
  if (w) {
    const inner = parseExceptionHeader(w[2] ?? '');
    const index = text.indexOf(w[1] ?? '');
    if (inner) return { ...inner, index, bare: false };
    // The follow-up "Unhandled promise rejection. This error originated..." explains the one before.
    if (/^Unhandled promise rejection\b/.test(w[2] ?? '')) return null;
    return { type: 'UnhandledPromiseRejection', message: w[2] ?? '', index, opensProps: false, bare: false };
  }
  const b = BRACKETED.exec(text);
  if (b && ERROR_NAME.test(b[1] ?? '')) {
    const h: ExceptionHeader = { type: b[1] ?? '', message: b[3] ?? '', index: 1, opensProps: b[4] !== undefined, bare: false };
    if (b[2]) h.code = b[2];
    return h;
  }
  const m = PLAIN.exec(text);
  if (!m) return null;
  const type = m[4] ?? '';
  const thread = m[2];
  const simple = type.slice(type.lastIndexOf('.') + 1);
  if (!ERROR_NAME.test(simple) && thread === undefined) return null;
  const index = (m[1]?.length ?? 0) + (m[3]?.length ?? 0);
  const hasColon = /^(?: \[[^\]]*\])?:/.test(text.slice(index + type.length));
  const h: ExceptionHeader = {
    type,
    message: (m[6] ?? '').trim(),
    index,
    opensProps: m[7] !== undefined,
    bare: !hasColon && thread === undefined,
  };
  if (m[5]) h.code = m[5];
  if (thread !== undefined) {
    h.thread = thread;
    h.index = 0;
  }
  return h;
}

const NODE_LOCATION = /^((?:file:\/\/|\/|[A-Za-z]:[\\/]|node:|internal\/).*?):(\d+)\s*$/;
const CARET_LINE = /^\s*\^+\s*$/;
const ANY_FRAME = /^\s*at \S/;
/** Java's `... 3 more`, logback's `... 3 common frames omitted`, Node's `... 4 lines matching cause stack trace ...`. */
const OMITTED = /^\s*\.\.\. \d+ (?:more|common frames omitted|lines? matching cause stack trace \.\.\.)\s*$/;
const CAUSED_BY = /^Caused by: (.*)$/;
const SUPPRESSED = /^\s+Suppressed: (.*)$/;
const EMITTED = /^Emitted '[^']+' event(?: on .*)? at:\s*$/;
const PROP_CODE = /^\s+code: '([^']+)',?\s*$/;
const PROP_CAUSE = /^\s+\[cause\]: (.*)$/;
const NODE_VERSION = /^Node\.js v\d+\.\d+\.\d+\s*$/;

interface Segment {
  header: ExceptionHeader;
  relation: ChainLink['relation'];
  frames: StackFrame[];
}

/** Lines Node prints before an uncaught error: `/ws/app.js:3`, the source line, the caret. */
export interface CaretLead {
  line: number;
  evidence: EvidenceBuffer;
  frame: StackFrame | null;
}

export class ExceptionBlock implements LogBlock {
  private state: 'afterHeader' | 'frames' | 'props' | 'tail' | 'done' = 'afterHeader';
  private readonly segments: Segment[];
  private readonly evidence: EvidenceBuffer;
  private endLine: number;
  private jvm = false;
  private js = false;
  private propsCode: string | undefined;
  private propsLines = 0;
  private frameCount = 0;

  constructor(
    private readonly headerLine: number,
    private readonly header: ExceptionHeader,
    headerText: string,
    private readonly mapper: FrameMapper,
    private readonly lead?: CaretLead,
  ) {
    this.segments = [{ header, relation: 'first', frames: [] }];
    this.evidence = lead?.evidence ?? new EvidenceBuffer();
    this.evidence.add(headerLine, headerText, lead ? Weight.Key : Weight.Header);
    this.endLine = headerLine;
    if (header.thread !== undefined) this.jvm = true;
    if (lead || header.opensProps) this.js = true;
    if (header.opensProps) this.state = 'props';
  }

  private get current(): Segment {
    return this.segments[this.segments.length - 1] as Segment;
  }

  feed(text: string, no: number): FeedResult {
    if (this.state === 'done') return 'end';
    if (this.state === 'props') return this.feedProps(text, no);
    if (this.state === 'tail') {
      if (text.trim() === '') return 'consumed';
      if (NODE_VERSION.test(text)) {
        this.state = 'done';
        return 'consumed';
      }
      return 'end';
    }
    if (ANY_FRAME.test(text)) {
      this.addFrame(text, no);
      if (/\{\s*$/.test(text)) this.state = 'props';
      return 'consumed';
    }
    if (this.state === 'afterHeader') {
      // `Error: Cannot find module 'x'` is followed by "Require stack:" and "- /path" lines.
      if (/^Require stack:\s*$/.test(text) || (/^- \S/.test(text) && this.evidence.size < 40)) {
        this.evidence.add(no, text, Weight.Other);
        this.endLine = no;
        return 'consumed';
      }
      if (/^\s*\{\s*$/.test(text)) {
        this.state = 'props';
        this.js = true;
        return 'consumed';
      }
      return 'end';
    }
    // state 'frames'
    if (OMITTED.test(text)) {
      this.endLine = no;
      return 'consumed';
    }
    const caused = CAUSED_BY.exec(text);
    const causeHeader = caused ? parseExceptionHeader(caused[1] ?? '') : null;
    if (causeHeader) {
      this.jvm = true;
      this.segments.push({ header: causeHeader, relation: 'cause', frames: [] });
      this.evidence.add(no, text, Weight.Key);
      this.endLine = no;
      this.state = 'afterHeader';
      return 'consumed';
    }
    const suppressed = SUPPRESSED.exec(text);
    const suppressedHeader = suppressed ? parseExceptionHeader(suppressed[1] ?? '') : null;
    if (suppressedHeader) {
      this.segments.push({ header: suppressedHeader, relation: 'suppressed', frames: [] });
      this.evidence.add(no, text, Weight.Other);
      this.endLine = no;
      return 'consumed';
    }
    if (/^\s+Caused by: /.test(text)) {
      // A cause of a suppressed exception: part of the block, not of the main chain.
      this.evidence.add(no, text, Weight.Other);
      this.endLine = no;
      return 'consumed';
    }
    if (EMITTED.test(text)) {
      this.js = true;
      this.evidence.add(no, text, Weight.Other);
      this.endLine = no;
      return 'consumed';
    }
    if (/^\s*\{\s*$/.test(text)) {
      this.state = 'props';
      this.js = true;
      return 'consumed';
    }
    if (text.trim() === '' && this.js) {
      this.state = 'tail';
      return 'consumed';
    }
    return 'end';
  }

  private addFrame(text: string, no: number): void {
    this.endLine = no;
    this.frameCount++;
    let frame: StackFrame | null;
    if (isJvmFrameLine(text)) {
      this.jvm = true;
      frame = parseJvmFrame(text, this.mapper);
    } else {
      this.js = true;
      frame = parseJsFrame(text, this.mapper);
    }
    // A suppressed exception's frames describe a side story; the main chain keeps its own.
    const seg = this.current;
    if (frame && seg.relation !== 'suppressed' && seg.frames.length < 200) seg.frames.push(frame);
    this.evidence.add(no, text, frame?.inWorkspace ? Weight.WorkspaceFrame : Weight.Frame);
    this.state = 'frames';
  }

  private feedProps(text: string, no: number): FeedResult {
    this.js = true;
    this.endLine = no;
    if (++this.propsLines > 80 || /^\}\s*$/.test(text)) {
      this.state = 'tail';
      return 'consumed';
    }
    const code = PROP_CODE.exec(text);
    if (code && this.segments.length === 1) {
      this.propsCode = code[1];
      this.evidence.add(no, text, Weight.Key);
      return 'consumed';
    }
    const cause = PROP_CAUSE.exec(text);
    const causeHeader = cause ? parseExceptionHeader((cause[1] ?? '').replace(/ \{\s*$/, '')) : null;
    if (causeHeader) {
      this.segments.push({ header: causeHeader, relation: 'cause', frames: [] });
      this.evidence.add(no, text, Weight.Key);
      return 'consumed';
    }
    if (ANY_FRAME.test(text)) {
      const frame = parseJsFrame(text, this.mapper);
      if (frame && this.current.frames.length < 200) this.current.frames.push(frame);
      this.evidence.add(no, text, frame?.inWorkspace ? Weight.WorkspaceFrame : Weight.Noise);
      return 'consumed';
    }
    this.evidence.add(no, text, Weight.Noise);
    return 'consumed';
  }

  finish(): Draft | null {
    const first = this.segments[0] as Segment;
    const standalone = this.frameCount === 0 && !this.lead && this.segments.length === 1 && this.propsCode === undefined;
    if (standalone && first.header.bare) return null;
    const main = this.segments.filter((s) => s.relation !== 'suppressed');
    const root = main[main.length - 1] as Segment;

    let rule: LogRule;
    if (this.jvm && !this.js) rule = 'java_exception';
    else if (this.js) rule = 'node_error';
    else if (standalone) rule = standaloneRule(first.header);
    else rule = 'node_error';

    const chain: ChainLink[] = this.segments.map((s) => ({
      errorType: s.header.type,
      message: s.header.message,
      relation: s.relation,
    }));
    let errorType: string;
    let message: string;
    if (rule === 'java_exception') {
      // The root cause names what really went wrong; the outer exception says where it surfaced.
      errorType = root.header.type;
      message = describe(first.header);
      if (root !== first) message += `; root cause ${describe(root.header)}`;
    } else {
      errorType = jsErrorType(first.header, this.propsCode);
      message = first.header.message || first.header.type;
      if (root !== first) message += ` (cause: ${describe(root.header)})`;
    }
    // `Error: Process completed with exit code 1.` is a runner reporting an exit, not a crash.
    const exit = standalone ? exitOrSignal(first.header.message) : null;
    if (exit) rule = exit.rule;

    const frames = main.flatMap((s) => [...s.frames].reverse());
    if (this.lead?.frame) {
      const lf = this.lead.frame;
      if (!frames.some((f) => f.file === lf.file && f.line === lf.line)) frames.push(lf);
    }
    const draft: Draft = {
      rule,
      severity: 'error',
      line: this.lead?.line ?? this.headerLine,
      column: this.lead ? 1 : this.header.index + 1,
      endLine: this.endLine,
      errorType,
      message,
      frames,
      evidence: this.evidence,
    };
    if (exit) {
      if (exit.exitCode !== undefined) draft.exitCode = exit.exitCode;
      if (exit.signal !== undefined) draft.signal = exit.signal;
    }
    if (chain.length > 1) draft.chain = chain;
    return draft;
  }
}

/** A `Type: message` line with no stack: name the rule by what the type looks like. */
function standaloneRule(h: ExceptionHeader): LogRule {
  if (errnoCode(h.message) || JS_BUILTIN.test(h.type) || h.code) return 'node_error';
  if (h.type.includes('.')) return 'java_exception';
  return 'level_error';
}

function jsErrorType(h: ExceptionHeader, propsCode: string | undefined): string {
  // `Error: connect ECONNREFUSED ...`: the errno code says more than the generic class.
  const errno = errnoCode(h.message) ?? (propsCode && /^E[A-Z0-9_]{2,}$/.test(propsCode) ? propsCode : undefined);
  if (errno) return errno;
  const code = h.code ?? propsCode;
  if (code && (h.type === 'Error' || h.type === 'SystemError')) return code;
  return h.type;
}

function describe(h: ExceptionHeader): string {
  return h.message ? `${h.type}: ${h.message}` : h.type;
}

export function isNodeLocationLine(text: string): boolean {
  return NODE_LOCATION.test(text);
}

/**
 * Cheap necessary condition of {@link isNodeLocationLine}, true for any text that ends like
 * one (`:<digits>` then white space), whatever precedes it. Every character from U+0080 up is
 * skipped like white space: a superset of `\s` keeps the check from ever missing a location.
 */
export function endsLikeNodeLocation(text: string): boolean {
  let i = text.length - 1;
  for (let c = text.charCodeAt(i); i >= 0 && (c <= 0x20 || c >= 0x80); c = text.charCodeAt(--i));
  const lastDigit = i;
  for (let c = text.charCodeAt(i); i >= 0 && c >= 0x30 && c <= 0x39; c = text.charCodeAt(--i));
  return i >= 0 && i < lastDigit && text.charCodeAt(i) === 0x3a;
}

/**
 * The caret block Node prints before an uncaught error. Tentative: if no error header
 * follows the caret, the block aborts and its lines are scanned again.
 */
export class NodeCaretBlock implements LogBlock {
  readonly buffered: { text: string; no: number }[] = [];
  private state: 'source' | 'caret' | 'gap' | 'inner' = 'source';
  private inner: ExceptionBlock | null = null;
  private readonly evidence = new EvidenceBuffer();
  private readonly location: { file: string; line: number };
  private frame: StackFrame | null = null;

  constructor(
    private readonly startLine: number,
    text: string,
    private readonly mapper: FrameMapper,
  ) {
    const m = NODE_LOCATION.exec(text);
    this.location = { file: m?.[1] ?? '', line: Number(m?.[2] ?? 0) };
    this.evidence.add(startLine, text, Weight.Header);
  }

  feed(text: string, no: number): FeedResult {
    if (this.state === 'inner' && this.inner) return this.inner.feed(text, no);
    this.buffered.push({ text, no });
    switch (this.state) {
      case 'source':
        this.evidence.add(no, text, Weight.Key);
        this.state = 'caret';
        return 'consumed';
      case 'caret': {
        if (!CARET_LINE.test(text)) return 'abort';
        this.evidence.add(no, text, Weight.Noise);
        const column = text.indexOf('^') + 1;
        if (!this.location.file.startsWith('node:') && !this.location.file.startsWith('internal/')) {
          this.frame = this.mapper.frame(this.location.file, this.location.line, column);
        }
        this.state = 'gap';
        return 'consumed';
      }
      case 'gap': {
        if (text.trim() === '' && this.buffered.length <= 5) return 'consumed';
        const header = parseExceptionHeader(text);
        if (!header) return 'abort';
        this.inner = new ExceptionBlock(no, header, text, this.mapper, {
          line: this.startLine,
          evidence: this.evidence,
          frame: this.frame,
        });
        this.state = 'inner';
        return 'consumed';
      }
      default:
        return 'abort';
    }
  }

  finish(): Draft | null {
    return this.inner ? this.inner.finish() : null;
  }
}

const V8_FATAL = /^FATAL ERROR: (.+)$/;

export function isV8FatalStart(text: string): boolean {
  return text.startsWith('FATAL ERROR: ') && V8_FATAL.test(text);
}

/** V8's `FATAL ERROR: ... JavaScript heap out of memory` with its native stack. */
export class V8FatalBlock implements LogBlock {
  private readonly evidence = new EvidenceBuffer();
  private endLine: number;
  private readonly message: string;

  constructor(
    private readonly startLine: number,
    text: string,
  ) {
    this.message = V8_FATAL.exec(text)?.[1]?.trim() ?? text;
    this.evidence.add(startLine, text, Weight.Header);
    this.endLine = startLine;
  }

  feed(text: string, no: number): FeedResult {
    if (/^-+ Native stack trace -+\s*$/.test(text) || /^\s*\d+: 0x[0-9a-f]+/.test(text) || text.trim() === '') {
      this.evidence.add(no, text, Weight.Noise);
      if (text.trim() !== '') this.endLine = no;
      return 'consumed';
    }
    return 'end';
  }

  finish(): Draft {
    const oom = /heap out of memory|allocation failed/i.test(this.message);
    return {
      rule: 'node_error',
      severity: 'error',
      line: this.startLine,
      column: 1,
      endLine: this.endLine,
      errorType: oom ? 'HeapOutOfMemory' : 'V8FatalError',
      message: this.message,
      frames: [],
      evidence: this.evidence,
    };
  }
}
