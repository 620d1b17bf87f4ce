/**
 * Build and install tools: javac and other `FILE:LINE: error: MSG` compilers, make's own
 * errors, docker, pip and npm install failures (npm's `npm ERR!` blocks have their own detector).
 */
import type { ToolHit } from './hit';

/** javac, older gcc, go vet: `src/Main.java:3: error: cannot find symbol` (no column). */
const COMPILER = /^([^\s:][^:]*\.[A-Za-z]{1,6}):(\d+): (?:fatal )?error: (.+)$/;
/** make's own errors (its `*** [target] Error N` exit reports have their own detector). */
const MAKE = /^g?make(?:\[\d+\])?: \*\*\* (No rule to make target .+|.*missing separator.*)$/;
const MAKEFILE_LINE = /^([\w./-]*[Mm]akefile[\w.-]*):(\d+): \*\*\* (.+)$/;
const DOCKER = /^(?:docker: )?Error response from daemon: (.+)$|^(?:#\d+ )?ERROR: failed to (?:solve|build|compute cache key): (.+)$/;
const PIP =
  /^ERROR: (Could not find a version that satisfies the requirement .+|No matching distribution found for .+|Could not install packages due to .+|Failed building wheel for .+|ResolutionImpossible.*|Cannot install .+ because these package versions have conflicting dependencies.*)$/;

export function buildMessage(text: string): ToolHit | null {
  const c = COMPILER.exec(text);
  if (c) {
    return {
      errorType: 'compile error',
      message: `${c[1]}:${c[2]}: error: ${c[3] ?? ''}`,
      index: 0,
      locations: [{ file: c[1] ?? '', line: Number(c[2]) }],
    };
  }
  const mf = MAKEFILE_LINE.exec(text);
  if (mf) return { errorType: 'make: error', message: text.trim(), index: 0, locations: [{ file: mf[1] ?? '', line: Number(mf[2]) }] };
  const mk = MAKE.exec(text);
  if (mk) return { errorType: 'make: error', message: text.trim(), index: 0 };
  const d = DOCKER.exec(text);
  if (d) return { errorType: 'docker: error', message: `docker: ${(d[1] ?? d[2] ?? '').trim()}`, index: 0 };
  const p = PIP.exec(text);
  if (p) return { errorType: 'pip: install failed', message: `pip: ${p[1] ?? ''}`, index: 0 };
  return null;
}
