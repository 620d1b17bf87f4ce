/**
 * What a tool-message recogniser reports for one line: the messages of common command-line
 * tools (bash, curl, sqlite3, test runners, compilers, package managers), which carry no log
 * level, so the level detector never sees them.
 */
import type { StackFrame } from '../../types';

export interface ToolHit {
  /** The tool and its kind of failure, as a reader would say it (`curl (7)`, `bash: command not found`). */
  errorType: string;
  message: string;
  /** 0-based index in the line where the message starts. */
  index: number;
  /** Files the message names with a line: the script bash was running, the test that failed. */
  locations?: { file: string; line: number; column?: number }[];
  exitCode?: number;
  /** A test runner's summary line: the key of its test, which a fuller report further up may have taken (see pytest.ts). */
  testKey?: string;
}

/** Maps tool locations to frames, innermost last (the line the tool itself points at). */
export type FrameOf = (file: string, line: number, column?: number) => StackFrame;
