/**
 * pytest's report of a failing test. Its short summary line (`FAILED tests/test_x.py::test_y -
 * assert 1.5 == 2`) names the test but no line; the section pytest prints for the test further up
 * (`____ test_y ____`, the source with `>` at the failing line, `E` lines with the error, and
 * `tests/test_x.py:7: AssertionError` for each frame) says where it failed. That section becomes
 * the finding, with its frames; the summary line of a test already reported so is dropped, and a
 * summary line without a section (`--tb=no`) is still reported on its own (tests.ts).
 */
import type { StackFrame } from '../../types';
import { type Draft, EvidenceBuffer, type FeedResult, type LogBlock, Weight } from '../findings';
import type { FrameOf } from './hit';

/** A section title between runs of underscores: `____ test_y ____`, `____ ERROR at setup of test_y ____`. */
const SECTION = /^_{3,} (.+?) _{3,}$/;
/** pytest's rules between the parts of its report: `==== short test summary info ====`. */
const RULE = /^={3,}(?: .* ={3,})?$/;
/** Captured output under a section (`---- Captured stdout call ----`): the program's own lines, scanned as usual. */
const CAPTURED = /^-{3,} Captured .+ -{3,}$/;
/** A frame: `tests/test_x.py:7: AssertionError` (long), `tests/test_x.py:7: in test_y` (short), `src/a.py:2: ` (not last). */
const FRAME = /^(\S+?\.py):(\d+): ?(.*)$/;
/** An error line: `E       assert 1.5 == 2`. */
const ERROR_LINE = /^E {2,}(.*)$/;
/** `File "tests/test_io.py", line 3` in the error lines of a module that does not parse. */
const PYTHON_FILE = /^File "(.+?)", line (\d+)/;
/** An exception's line: `ModuleNotFoundError: No module named 'x'`, `requests.exceptions.ConnectionError: ...`. */
const EXCEPTION_LINE = /^[A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Failure|Failed)\b/;
const SETUP = /^ERROR at (setup|teardown) of (.+)$/;
const COLLECTING = /^ERROR collecting (.+)$/;
/** A section holds at most this many lines before it is taken to be something else. */
const MAX_LINES = 2000;

/** Whether a line may open a pytest section (cheap enough for every line: most do not start with `_`). */
export function mayBePytestSection(text: string): boolean {
  return text.charCodeAt(0) === 0x5f && SECTION.test(text);
}

/** Keys (see keyOf) of the tests whose failure a section reported, so their summary lines are not reported twice. */
export type ReportedTests = Set<string>;

/** A test's name and its parameters: `test_x[a-1.5]` → `test_x`, `[a-1.5]` (dots in parameters are not separators). */
function splitParams(test: string): [string, string] {
  const bracket = test.indexOf('[');
  return bracket < 0 ? [test, ''] : [test.slice(0, bracket), test.slice(bracket)];
}

/**
 * The key both the section and the summary line of one test give: `F` or `E` (a failure, or an
 * error in setup, teardown or collection) and pytest's head line (`TestCalc.test_avg`, or the
 * collected file).
 */
function keyOf(kind: 'F' | 'E', headLine: string): string {
  return `${kind}:${headLine}`;
}

/** The key of a summary line's node id (`tests/t.py::TestCalc::test_avg`): pytest heads the section `TestCalc.test_avg`. */
export function summaryKey(outcome: 'FAILED' | 'ERROR', file: string, test: string | undefined): string {
  if (test === undefined) return keyOf('E', file);
  const [name, params] = splitParams(test);
  return keyOf(outcome === 'FAILED' ? 'F' : 'E', name.replaceAll('::', '.') + params);
}

export class PytestSectionBlock implements LogBlock {
  /** The line before a section is the previous test's captured output, not this failure's message. */
  readonly takesLineBefore = false;
  private readonly evidence = new EvidenceBuffer();
  private readonly frames: StackFrame[] = [];
  private readonly errors: string[] = [];
  /** The first frame's file: the test's own module. */
  private testFile: string | null = null;
  private lastFrameText = '';
  private end: number;
  private lines = 0;
  private readonly kind: 'F' | 'E';
  private readonly head: string;
  private readonly collecting: boolean;
  /** `setup` or `teardown` for an error in a fixture. */
  private readonly phase: string;

  constructor(
    private readonly no: number,
    text: string,
    private readonly frameOf: FrameOf,
    private readonly reported: ReportedTests,
  ) {
    const title = SECTION.exec(text)?.[1] ?? '';
    const setup = SETUP.exec(title);
    const collecting = COLLECTING.exec(title);
    this.kind = setup || collecting ? 'E' : 'F';
    this.collecting = collecting !== null;
    this.head = setup?.[2] ?? collecting?.[1] ?? title;
    this.phase = setup?.[1] ?? '';
    this.end = no;
    this.evidence.add(no, text, Weight.Header);
  }

  feed(text: string, no: number): FeedResult {
    if (SECTION.test(text) || RULE.test(text) || CAPTURED.test(text) || ++this.lines > MAX_LINES) return 'end';
    this.end = no;
    const error = ERROR_LINE.exec(text);
    if (error) {
      const body = (error[1] ?? '').trim();
      // A SyntaxError quotes where the parser stopped as Python's traceback would: the innermost frame.
      const file = PYTHON_FILE.exec(body);
      if (file) {
        const f = this.frameOf(file[1] ?? '', Number(file[2]));
        this.frames.push(f);
        this.evidence.add(no, text, f.inWorkspace ? Weight.WorkspaceFrame : Weight.Frame);
      } else {
        this.errors.push(body);
        this.evidence.add(no, text, Weight.Key);
      }
      return 'consumed';
    }
    const frame = FRAME.exec(text);
    if (frame) {
      const file = frame[1] ?? '';
      const f = this.frameOf(file, Number(frame[2]));
      this.frames.push(f);
      this.testFile ??= file;
      this.lastFrameText = (frame[3] ?? '').trim();
      this.evidence.add(no, text, f.inWorkspace ? Weight.WorkspaceFrame : Weight.Frame);
      return 'consumed';
    }
    // The source pytest quotes; `>` marks the line that raised.
    if (text.startsWith('>')) this.evidence.add(no, text, Weight.Other);
    return 'consumed';
  }

  finish(): Draft | null {
    // A section without an error or a frame is some other report (passes, or not pytest at all).
    if (this.errors.length === 0 || this.frames.length === 0) return null;
    this.reported.add(keyOf(this.kind, this.head));
    // The exception's own line when one names it (`SyntaxError: invalid syntax` under the source it
    // quotes), else the first, as pytest's summary quotes it; the others stay in the evidence.
    const error = (this.errors.find((e) => EXCEPTION_LINE.test(e)) ?? this.errors.find((e) => e !== '') ?? '').slice(0, 300);
    // The exception pytest names at the last frame (`src/a.py:2: ZeroDivisionError`), when the
    // error lines do not already say it; a failed assert reads as pytest's own summary does.
    const raised = /^[A-Za-z_][\w.]*$/.test(this.lastFrameText) ? this.lastFrameText : '';
    const named = raised && !error.includes(raised) && !error.startsWith('assert ') ? `${raised}: ` : '';
    return {
      rule: 'tool_message',
      severity: 'error',
      line: this.no,
      column: 1,
      endLine: this.end,
      errorType: this.kind === 'F' ? 'test failed' : 'test error',
      message: `${this.nodeId()} - ${named}${error}`,
      frames: this.frames,
      evidence: this.evidence,
    };
  }

  /** pytest's node id for the section, as its summary line prints it (`tests/t.py::TestCalc::test_avg[1]`), or its title. */
  private nodeId(): string {
    if (this.collecting) return this.head;
    // The first frame of a setup error is the fixture's file, not the test's: pytest's own title says it.
    if (this.kind === 'E') return `ERROR at ${this.phase} of ${this.head}`;
    const [name, params] = splitParams(this.head);
    return `${this.testFile ?? ''}::${name.replaceAll('.', '::')}${params}`;
  }
}
