/**
 * Test-runner failures: pytest's `FAILED tests/test_x.py::test_y - assert 12 == 3`, jest's
 * `● Suite › test`, Gradle's `FooTest > bar FAILED`, JUnit / Maven Surefire's `Tests run: 3,
 * Failures: 1`, and TAP's `not ok 4 - name` (node --test, tap, prove) whose YAML block is read
 * for the error, its type and where it was raised.
 */
import type { StackFrame } from '../../types';
import { type Draft, EvidenceBuffer, type FeedResult, type LogBlock, singleLineEvidence, Weight } from '../findings';
import type { FrameOf, ToolHit } from './hit';
import { summaryKey } from './pytest';

const PYTEST = /^(FAILED|ERROR) (\S+?\.py)(?:::(\S+))?(?: - (.+))?$/;
const JEST = /^\s*\u25cf (.+ \u203a .+)$/;
const GRADLE = /^([\w.$]+) > (.+) FAILED$/;
const JUNIT =
  /^(?:\[ERROR\] )?Tests run: \d+, Failures: (\d+), Errors: (\d+)(?:, Skipped: \d+)?.*?(?:<<< (?:FAILURE|ERROR)!)?(?: - in (\S+))?$/;
/** `not ok 4 - name`, indented for subtests; TODO and SKIP directives are not failures. */
const TAP_NOT_OK = /^(\s*)not ok (\d+)(?: -)? ?(.*?)\s*$/;
const TAP_DIRECTIVE = /#\s*(?:TODO|SKIP)\b/i;
/** A frame in a V8 stack or a TAP `location:` field: `(path:line:col)` or bare `path:line:col`. */
const LOCATION = /(?:\(|\s|^|')((?:\/|[A-Za-z]:\\|file:\/\/)[^\s()']+|[\w.-]+(?:\/[\w.-]+)+):(\d+):(\d+)\)?'?\s*$/;

export function testRunnerMessage(text: string): ToolHit | null {
  const p = PYTEST.exec(text);
  if (p) {
    const what = p[3] ? `${p[2]}::${p[3]}` : (p[2] ?? '');
    const outcome = p[1] === 'FAILED' ? 'FAILED' : 'ERROR';
    return {
      errorType: outcome === 'FAILED' ? 'test failed' : 'test error',
      message: `${what}${p[4] ? ` - ${p[4]}` : ''}`,
      index: 0,
      testKey: summaryKey(outcome, p[2] ?? '', p[3]),
    };
  }
  const j = JEST.exec(text);
  if (j) return { errorType: 'test failed', message: (j[1] ?? '').trim(), index: text.indexOf('●') };
  const g = GRADLE.exec(text);
  if (g) return { errorType: 'test failed', message: `${g[1]} > ${g[2]}`, index: 0 };
  const u = JUNIT.exec(text);
  if (u && (Number(u[1]) > 0 || Number(u[2]) > 0)) {
    return { errorType: 'test failed', message: text.replace(/^\[ERROR\] /, '').trim(), index: 0 };
  }
  return null;
}

export function isTapFailure(text: string): boolean {
  const m = TAP_NOT_OK.exec(text);
  return m !== null && !TAP_DIRECTIVE.test(m[3] ?? '');
}

/**
 * `not ok N - name` and the YAML diagnostics block under it (`---` ... `...`). The block's
 * `error`, `name` and `location` / `stack` give the message, type and frames. A parent whose
 * failure is only that a subtest failed is dropped: the subtest is the failure.
 */
export class TapFailureBlock implements LogBlock {
  private readonly evidence: EvidenceBuffer;
  private readonly indent: number;
  private readonly name: string;
  private state: 'header' | 'yaml' | 'done' = 'header';
  private end: number;
  private errorType = 'test failed';
  private error: string[] = [];
  private field = '';
  private subtestsOnly = false;
  private readonly frames: StackFrame[] = [];
  private location: StackFrame | null = null;

  constructor(
    private readonly no: number,
    text: string,
    private readonly frameOf: FrameOf,
  ) {
    const m = TAP_NOT_OK.exec(text);
    this.indent = m?.[1]?.length ?? 0;
    this.name = (m?.[3] ?? '').trim();
    this.end = no;
    this.evidence = singleLineEvidence(no, text);
  }

  feed(text: string, no: number): FeedResult {
    if (this.state === 'done') return 'end';
    const indent = text.length - text.trimStart().length;
    const body = text.trim();
    if (this.state === 'header') {
      if (body === '---' && indent > this.indent) {
        this.state = 'yaml';
        this.end = no;
        return 'consumed';
      }
      return 'end';
    }
    this.end = no;
    if (body === '...') {
      this.state = 'done';
      return 'consumed';
    }
    const field = /^([A-Za-z_]+):\s?(.*)$/.exec(body);
    const fieldIndent = this.indent + 2;
    if (field && indent <= fieldIndent + 2 && !(this.field === 'error' && indent > fieldIndent)) {
      this.field = field[1] ?? '';
      const value = (field[2] ?? '').replace(/^'(.*)'$/, '$1');
      if (this.field === 'failureType' && value === 'subtestsFailed') this.subtestsOnly = true;
      if (this.field === 'name' && value) this.errorType = value;
      if (this.field === 'error' && value && value !== '|-' && value !== '|') this.error.push(value);
      if (this.field === 'location') this.location = this.frameAt(value);
      if (this.field === 'error' || this.field === 'name' || this.field === 'code') this.evidence.add(no, text, Weight.Key);
      return 'consumed';
    }
    if (this.field === 'error' && body) {
      this.error.push(body);
      this.evidence.add(no, text, Weight.Key);
    } else if (this.field === 'stack' && body) {
      const f = this.frameAt(body);
      if (f) {
        this.frames.push(f);
        this.evidence.add(no, text, f.inWorkspace ? Weight.WorkspaceFrame : Weight.Frame);
      }
    }
    return 'consumed';
  }

  private frameAt(text: string): StackFrame | null {
    const m = LOCATION.exec(text);
    if (!m || (m[1] ?? '').startsWith('node:')) return null;
    return this.frameOf((m[1] ?? '').replace(/^file:\/\//, ''), Number(m[2]), Number(m[3]));
  }

  finish(): Draft | null {
    if (this.subtestsOnly) return null;
    // V8 prints the innermost frame first; findings keep it last.
    const frames = this.frames.length ? [...this.frames].reverse() : this.location ? [this.location] : [];
    const error = this.error
      .filter((l) => l !== '')
      .join(' ')
      .slice(0, 300);
    return {
      rule: 'tool_message',
      severity: 'error',
      line: this.no,
      column: this.indent + 1,
      endLine: this.end,
      errorType: this.errorType,
      message: `test failed: ${this.name}${error ? ` (${error})` : ''}`,
      frames,
      evidence: this.evidence,
    };
  }
}
