/**
 * Test-data builders for root-cause tests: a workspace whose snapshots are real folders on disk
 * (changes, sizes, mtimes and config keys are read back from those files), and small builders for
 * the triggers and decisions other modules would produce.
 */
import { createHash } from 'node:crypto';
import { createTwoFilesPatch } from 'diff';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_CONFIG } from '../../../src/engine/config/defaults';
import { configKeyChanges } from '../../../src/engine/rootCause/configKeys';
import { roleResolver } from '../../../src/engine/rootCause/fileRoles';
import type { ClassifyInput } from '../../../src/engine/rootCause/index';
import type { Decision, FileChange, ManifestEntry, StackFrame, Trigger } from '../../../src/engine/types';

export const T0 = Date.UTC(2025, 2, 14, 9, 0, 0);
export const sec = (n: number): number => T0 + n * 1000;

type Files = Record<string, string | null>;

/** A workspace that goes through snapshots; each snapshot is a real folder under a temp dir. */
export class TempWorkspace {
  readonly root = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-'));
  private readonly snapshots: string[] = [];
  private state = new Map<string, string>();

  /** The baseline: files written at `at` (seconds after T0). */
  constructor(files: Files, at = -3600) {
    this.snapshot(files, at);
  }

  /** The next snapshot: `null` deletes a file; only the listed files change (and get mtime `at`). */
  snapshot(files: Files, at: number): this {
    const dir = path.join(this.root, `snap-${this.snapshots.length}`);
    const previous = this.snapshots[this.snapshots.length - 1];
    fs.mkdirSync(dir, { recursive: true });
    if (previous) fs.cpSync(previous, dir, { recursive: true, preserveTimestamps: true });
    for (const [rel, content] of Object.entries(files)) {
      const file = path.join(dir, rel);
      if (content === null) {
        fs.rmSync(file, { force: true });
        this.state.delete(rel);
        continue;
      }
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
      const t = new Date(sec(at));
      fs.utimesSync(file, t, t);
      this.state.set(rel, content);
    }
    this.snapshots.push(dir);
    return this;
  }

  /** The next snapshot with `rel`'s permission bits set to `mode`, its content unchanged. */
  chmod(rel: string, mode: number, at: number): this {
    this.snapshot({}, at);
    fs.chmodSync(path.join(this.snapshots[this.snapshots.length - 1] as string, rel), mode);
    return this;
  }

  cleanup(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }

  private manifest(i: number): Map<string, ManifestEntry> {
    const dir = this.snapshots[i];
    const out = new Map<string, ManifestEntry>();
    if (!dir) return out;
    const walk = (d: string): void => {
      for (const name of fs.readdirSync(d)) {
        const full = path.join(d, name);
        const st = fs.statSync(full);
        if (st.isDirectory()) {
          walk(full);
          continue;
        }
        const bytes = fs.readFileSync(full);
        const rel = path.relative(dir, full).split(path.sep).join('/');
        out.set(rel, {
          path: rel,
          type: 'file',
          size: st.size,
          mode: st.mode & 0o777,
          mtimeMs: Math.floor(st.mtimeMs),
          id: createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex'),
          binary: bytes.subarray(0, 8192).includes(0),
          stored: true,
        });
      }
    };
    walk(dir);
    return out;
  }

  private text(i: number, rel: string): string | null {
    const dir = this.snapshots[i];
    const file = dir ? path.join(dir, rel) : '';
    return dir && fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null;
  }

  private diff(a: number, b: number): FileChange[] {
    const before = this.manifest(a);
    const after = this.manifest(b);
    const out: FileChange[] = [];
    for (const p of new Set([...before.keys(), ...after.keys()])) {
      const x = before.get(p);
      const y = after.get(p);
      if (x && y && x.id === y.id && x.mode === y.mode) continue;
      const oldLines = (this.text(a, p) ?? '').split('\n');
      const newLines = (this.text(b, p) ?? '').split('\n');
      const additions = newLines.filter((l) => !oldLines.includes(l)).length;
      const deletions = oldLines.filter((l) => !newLines.includes(l)).length;
      const status = !x ? 'added' : !y ? 'removed' : x.id === y.id ? 'mode_changed' : 'modified';
      out.push({
        status,
        path: p,
        ...(x ? { before: x } : {}),
        ...(y ? { after: y } : {}),
        additions: status === 'removed' ? 0 : additions,
        deletions: status === 'added' ? 0 : deletions,
        binary: false,
        // A real unified diff, so hunk line numbers say which lines changed (a frame on an edited line).
        patch: createTwoFilesPatch(
          `a/${p}`,
          `b/${p}`,
          x ? (this.text(a, p) ?? '') : '',
          y ? (this.text(b, p) ?? '') : '',
          undefined,
          undefined,
          { context: 3 },
        ),
      });
    }
    return out.sort((m, n) => m.path.localeCompare(n.path));
  }

  /** What the analyzer hands the classifier for baseline → last snapshot. */
  input(parts: { triggers?: Trigger[]; decisions?: Decision[] } = {}): ClassifyInput {
    const last = this.snapshots.length - 1;
    const roles = roleResolver({
      configGlobs: DEFAULT_CONFIG.triggers.configGlobs,
      outputGlobs: DEFAULT_CONFIG.triggers.outputGlobs,
      logFiles: DEFAULT_CONFIG.logFiles,
    });
    const changes = this.diff(0, last);
    const configKeys = new Map<string, ReturnType<typeof configKeyChanges>>();
    for (const c of changes) {
      if (roles(c.path) !== 'config') continue;
      const keys = configKeyChanges(c.path, this.text(0, c.path), this.text(last, c.path));
      if (keys.length) configKeys.set(c.path, keys);
    }
    const steps = [];
    for (let i = 1; i <= last; i++) steps.push({ from: `S${i - 1}`, to: `S${i}`, changes: this.diff(i - 1, i) });
    return {
      triggers: parts.triggers ?? [],
      changes,
      steps,
      decisions: parts.decisions ?? [],
      configKeys,
      roles,
      categoryText: DEFAULT_CONFIG.rootCauseCategories,
    };
  }
}

// ---------------------------------------------------------------- triggers

let nextId = 1;

export function frame(file: string, line: number, fn?: string): StackFrame {
  return { file, line, inWorkspace: !file.startsWith('/'), ...(fn ? { function: fn } : {}) };
}

interface ErrorOpts {
  errorType?: string;
  frames?: StackFrame[];
  evidence?: string;
  at?: number;
  file?: string;
  severity?: Trigger['severity'];
  id?: string;
}

/** A `log_error` trigger as the log scanner reports it. */
export function logError(message: string, opts: ErrorOpts = {}): Trigger {
  return {
    id: opts.id ?? `T${nextId++}`,
    kind: 'log_error',
    severity: opts.severity ?? 'error',
    file: opts.file ?? 'logs/job.log',
    line: 1,
    column: 1,
    endLine: 1,
    message,
    evidence: opts.evidence ?? message,
    timestamp: sec(opts.at ?? 0),
    timestampEstimated: false,
    ...(opts.errorType ? { errorType: opts.errorType } : {}),
    ...(opts.frames ? { frames: opts.frames } : {}),
    rule: 'test',
  };
}

export function warning(message: string, at: number): Trigger {
  return logError(message, { severity: 'warning', at });
}

/** A trigger from the shape of a change (deletion, config change, empty output, growth). */
export function fileTrigger(
  kind: Trigger['kind'],
  file: string,
  message: string,
  at = 0,
  severity: Trigger['severity'] = 'warning',
): Trigger {
  return {
    id: `T${nextId++}`,
    kind,
    severity,
    file,
    line: 1,
    column: 1,
    endLine: 1,
    message,
    evidence: message,
    timestamp: sec(at),
    timestampEstimated: true,
    rule: kind,
  };
}

export function decision(id: string, text: string, at: number, outcome?: Decision['outcome']): Decision {
  return {
    id,
    timestamp: sec(at),
    timestampEstimated: false,
    kind: 'action',
    text,
    file: 'agent/session.log',
    line: 1,
    source: 'marker',
    ...(outcome ? { outcome } : {}),
  };
}

/** A Python traceback as it appears in a log: frames outermost first, then the exception line. */
export function pythonTraceback(frames: { file: string; line: number; fn: string; code: string }[], exception: string): string {
  const body = frames.map((f) => `  File "${f.file}", line ${f.line}, in ${f.fn}\n    ${f.code}`).join('\n');
  return `Traceback (most recent call last):\n${body}\n${exception}`;
}
