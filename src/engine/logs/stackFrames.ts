/**
 * Stack-frame parsing and mapping: turns the file references printed in Python, Node,
 * Java/Kotlin, Go and Rust traces into `StackFrame`s whose paths are workspace-relative
 * when they point into the workspace, so a trace line can link to the source line.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StackFrame } from '../types';

function fileUrlToPath(url: string, win: boolean): string | null {
  try {
    if (!win) return fileURLToPath(url);
    // Decoded by hand so a Windows workspace maps the same whichever OS the engine runs on.
    const pathname = decodeURIComponent(new URL(url).pathname);
    return pathname
      .replace(/^\/([A-Za-z]:)/, '$1')
      .split('/')
      .join('\\');
  } catch {
    return null;
  }
}

const BUILD_OUTPUT = /(?:^|\/)(?:build|target|out|bin|dist|node_modules)\//;

/** Files a trace cannot point at on disk: interpreter internals and synthetic sources. */
const SYNTHETIC_FILE = /^(?:<[^>]*>|node:|internal\/|native$|\[native code\]|wasm:\/\/|evalmachine\.)/;

/** Where installed code lives: a frame there is a library's, even when the workspace vendors a file of the same path. */
const INSTALLED_CODE =
  /\/(?:site-packages|dist-packages|node_modules|\.cargo|pkg\/mod|\.m2|\.gradle)\/|^\/(?:usr|opt|nix|snap)\/|^[A-Za-z]:\/(?:Program Files|Windows)\//i;

/**
 * Maps trace paths onto the workspace. Knows the workspace root and, optionally, the set of
 * workspace-relative files (the snapshot manifest): with the set, relative paths are accepted only
 * when the file exists, and Java frames (which print only `App.java`) are found by package path.
 */
export class FrameMapper {
  private readonly root: string;
  private readonly win: boolean;
  /** The manifest as given; made a set on first use, since most logs never map a frame. */
  private readonly fileList: Iterable<string> | null;
  private fileSet: ReadonlySet<string> | null = null;
  /** basename -> workspace paths with that basename; built on first Java lookup. */
  private byBase: Map<string, string[]> | null = null;

  constructor(workspaceRoot: string, workspaceFiles?: Iterable<string>) {
    this.win = /^[A-Za-z]:[\\/]/.test(workspaceRoot) || workspaceRoot.startsWith('\\\\');
    const p = this.win ? path.win32 : path.posix;
    this.root = p.resolve(workspaceRoot);
    this.fileList = workspaceFiles ?? null;
  }

  private get files(): ReadonlySet<string> | null {
    if (this.fileSet === null && this.fileList !== null) {
      this.fileSet = this.fileList instanceof Set ? (this.fileList as ReadonlySet<string>) : new Set(this.fileList);
    }
    return this.fileSet;
  }

  /** Workspace-relative POSIX path for a path written in a trace, or null when it points elsewhere. */
  toWorkspacePath(raw: string): string | null {
    let file = raw.trim();
    if (file === '' || SYNTHETIC_FILE.test(file)) return null;
    if (file.startsWith('file://')) {
      const local = fileUrlToPath(file, this.win);
      if (local === null) return null;
      file = local;
    }
    const p = this.win ? path.win32 : path.posix;
    const absolute = p.isAbsolute(file) || (this.win && /^[A-Za-z]:[\\/]/.test(file));
    const full = absolute ? p.normalize(file) : p.resolve(this.root, file);
    let rel = p.relative(this.root, full);
    if (this.win && absolute && rel === p.normalize(full)) return null; // another drive
    if (rel === '' || rel === '..' || rel.startsWith('..' + p.sep) || p.isAbsolute(rel))
      return absolute ? this.checkedOutElsewhere(full) : null;
    if (this.win) rel = rel.split('\\').join('/');
    // A relative path in a trace is relative to the process's working directory, which we can only
    // assume was the workspace root; with a manifest at hand, demand that the file really exists.
    if (!absolute && this.files && !this.files.has(rel)) return null;
    return rel;
  }

  /**
   * The workspace file an absolute path outside the workspace names when the same code ran from
   * another checkout (a CI runner's `/home/ci/app/cmd/main.go`, a container's `/app/jobs/etl.py`):
   * the longest tail of at least a folder and a file that is a workspace file. Never a single file
   * name (`main.go` is everywhere), never installed code (site-packages, node_modules, /usr).
   */
  private checkedOutElsewhere(full: string): string | null {
    const files = this.files;
    if (!files || INSTALLED_CODE.test(full.split('\\').join('/'))) return null;
    const parts = full.split(this.win ? /[\\/]/ : '/').filter((x) => x !== '');
    for (let i = 1; i <= parts.length - 2; i++) {
      const tail = parts.slice(i).join('/');
      if (files.has(tail)) return tail;
    }
    return null;
  }

  /** A frame for a file reference as printed (absolute, relative or file:// URL). */
  frame(rawFile: string, line: number, column?: number, fn?: string): StackFrame {
    const rel = this.toWorkspacePath(rawFile);
    const frame: StackFrame = { file: rel ?? rawFile, line, inWorkspace: rel !== null };
    if (column !== undefined && column > 0) frame.column = column;
    if (fn) frame.function = fn;
    return frame;
  }

  /**
   * A JVM frame: the trace names the class (`com.acme.App`) and only the file's basename
   * (`App.java`), so the source is found by its package path among the workspace files.
   */
  jvmFrame(className: string, fileName: string, line: number, fn: string): StackFrame {
    const found = this.findJvmSource(className, fileName);
    const frame: StackFrame = { file: found ?? fileName, line, inWorkspace: found !== null };
    if (fn) frame.function = fn;
    return frame;
  }

  private findJvmSource(className: string, fileName: string): string | null {
    if (!this.files) return null;
    if (!this.byBase) {
      this.byBase = new Map();
      for (const f of this.files) {
        const base = f.slice(f.lastIndexOf('/') + 1);
        const list = this.byBase.get(base);
        if (list) list.push(f);
        else this.byBase.set(base, [f]);
      }
    }
    const candidates = this.byBase.get(fileName);
    if (!candidates) return null;
    const pkg = className.split('.').slice(0, -1);
    const suffix = [...pkg, fileName].join('/');
    const matching = candidates.filter((c) => c === suffix || c.endsWith('/' + suffix));
    if (matching.length === 0) return null;
    // Several roots can hold the same package path (a module and a copy under build/): prefer
    // files outside build output, then the shortest path.
    const rank = (p: string): number => (BUILD_OUTPUT.test(p) ? 1_000_000 : 0) + p.length;
    return matching.reduce((a, b) => (rank(b) < rank(a) ? b : a));
  }
}

/** `  File "/ws/app.py", line 12, in main` (the `, in` part is absent for SyntaxError). */
const PY_FRAME = /^\s*File "(.+)", line (\d+)(?:, in (.+))?\s*$/;

export function parsePythonFrame(line: string, mapper: FrameMapper): StackFrame | null {
  const m = PY_FRAME.exec(line);
  if (!m) return null;
  return mapper.frame(m[1] ?? '', Number(m[2]), undefined, m[3]?.trim());
}

/** `    at fn (/ws/app.js:2:19)`, `    at /ws/app.js:2:19`, `    at async fn (file:///ws/a.mjs:1:2)`. */
const JS_FRAME = /^\s*at (?:(.+?) \()?(.+?):(\d+):(\d+)\)?\s*(?:\{\s*)?$/;

export function parseJsFrame(line: string, mapper: FrameMapper): StackFrame | null {
  const m = JS_FRAME.exec(line);
  if (!m) return null;
  let fn = m[1];
  let loc = m[2] ?? '';
  // `at eval (eval at <anonymous> (/ws/a.js:1:1), <anonymous>:1:1)`: the location is the outer one.
  const inner = /\(([^()]+)$/.exec(loc);
  if (fn === undefined && inner) loc = inner[1] ?? loc;
  if (fn?.startsWith('async ')) fn = fn.slice(6);
  return mapper.frame(loc, Number(m[3]), Number(m[4]), fn);
}

/** `\tat com.acme.App.load(App.java:11)`, `\tat java.base/java.lang.Integer.parseInt(Integer.java:668)`. */
const JVM_FRAME = /^\s*at ((?:[\w$.-]+\/)*[\w$.<>-]+)\(([^()]*)\)\s*$/;

export function isJvmFrameLine(line: string): boolean {
  return JVM_FRAME.test(line);
}

export function parseJvmFrame(line: string, mapper: FrameMapper): StackFrame | null {
  const m = JVM_FRAME.exec(line);
  if (!m) return null;
  // Drop the module/class-loader prefix (`java.base/`, `app//`).
  const qualified = (m[1] ?? '').replace(/^.*\//, '');
  const loc = /^(.+):(\d+)$/.exec(m[2] ?? '');
  if (!loc) return null; // Native Method / Unknown Source: no line to link to
  const dot = qualified.lastIndexOf('.');
  const className = dot > 0 ? qualified.slice(0, dot) : qualified;
  const method = dot > 0 ? qualified.slice(dot + 1) : qualified;
  const topLevelClass = className.replace(/\$.*$/, '');
  const simple = className.slice(className.lastIndexOf('.') + 1);
  return mapper.jvmFrame(topLevelClass, loc[1] ?? '', Number(loc[2]), `${simple}.${method}`);
}

/** Go: `\t/ws/main.go:8 +0x1d` (the line before it names the function). */
const GO_LOCATION = /^\t(.+\.go):(\d+)(?: \+0x[0-9a-f]+)?\s*$/;

export function parseGoLocation(line: string, fnLine: string | undefined, mapper: FrameMapper): StackFrame | null {
  const m = GO_LOCATION.exec(line);
  if (!m) return null;
  const fn = fnLine?.trim().replace(/\(.*\)$/, '');
  return mapper.frame(m[1] ?? '', Number(m[2]), undefined, fn || undefined);
}

/** Rust backtrace: `             at ./src/main.rs:4:21` (the line before it is `   6: crate::main`). */
const RUST_LOCATION = /^\s+at (.+?):(\d+)(?::(\d+))?\s*$/;

export function parseRustLocation(line: string, fnLine: string | undefined, mapper: FrameMapper): StackFrame | null {
  const m = RUST_LOCATION.exec(line);
  if (!m) return null;
  const fn = fnLine ? /^\s*\d+:\s+(.+?)\s*$/.exec(fnLine)?.[1] : undefined;
  return mapper.frame(m[1] ?? '', Number(m[2]), m[3] ? Number(m[3]) : undefined, fn);
}
