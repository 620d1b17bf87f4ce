/**
 * Shell messages: `scripts/sync.sh: line 22: rotate_logs: command not found` (bash running a
 * script), `config/job.env: line 5: EU: command not found` (a sourced file with an unquoted
 * value), `/bin/sh: 1: python3.99: not found` (dash, as make and cron run commands), and
 * `bash: foo: command not found` (no script).
 */
import type { ToolHit } from './hit';

const PROBLEMS =
  'command not found|not found|No such file or directory|Permission denied|unbound variable|bad substitution|ambiguous redirect|integer expression expected|syntax error[^\\n]*|Is a directory|cannot execute[^\\n]*';
/** bash: `FILE: line N: [WHAT: ]PROBLEM` (WHAT absent for `syntax error near unexpected token`). */
const BASH_LINE = new RegExp(`^([^\\s:][^:]*?): line (\\d+): (?:(.+?): )?(${PROBLEMS})\\s*$`);
/** dash: `FILE: N: WHAT: PROBLEM`. */
const DASH_LINE = new RegExp(`^([^\\s:][^:]*?): (\\d+): (.+?): (${PROBLEMS})\\s*$`);
/** No location: `bash: foo: command not found`, `sh: 1: foo: not found` is DASH_LINE. */
const BARE = /^(?:-?(?:ba|z|k)?sh): (.+?): (command not found)\s*$/;

/** The shell binary itself is not a workspace file: `/bin/sh: 1: ...`, `bash: line 1: ...`. */
function isShellItself(file: string): boolean {
  return /^(?:\/(?:usr\/)?bin\/)?-?(?:ba|da|z|k)?sh$/.test(file);
}

export function shellMessage(text: string): ToolHit | null {
  const m = BASH_LINE.exec(text) ?? DASH_LINE.exec(text);
  if (m) {
    const file = m[1] ?? '';
    const line = Number(m[2]);
    const what = m[3];
    const problem = m[4] ?? '';
    const hit: ToolHit = {
      errorType: `shell: ${problem.startsWith('syntax error') ? 'syntax error' : problem}`,
      message: what ? `${what}: ${problem} (${file} line ${line})` : `${problem} (${file} line ${line})`,
      index: 0,
    };
    if (!isShellItself(file)) hit.locations = [{ file, line }];
    if (problem === 'command not found' || problem === 'not found') hit.exitCode = 127;
    return hit;
  }
  const b = BARE.exec(text);
  if (b) return { errorType: `shell: ${b[2] ?? ''}`, message: `${b[1] ?? ''}: ${b[2] ?? ''}`, index: 0, exitCode: 127 };
  return null;
}
