import { ACTIVE_ARTIFACT_KEYS, type ActiveArtifactKey } from './types';

export interface FoundArtifact {
  value: string;
  /** `path:line` of the first place it was seen. */
  source: string;
}

/**
 * Field names that carry each artifact, compared without case, `_` or `-`, so `trace_id`,
 * `traceId`, `TRACE-ID` and `"traceID"` are one name. `approval_policy` is how Codex logs its
 * approval mode (`turn_context`), `permissionMode` how Claude Code does.
 */
const ALIASES: Record<ActiveArtifactKey, readonly string[]> = {
  trace_id: ['traceid', 'xtraceid'],
  session_id: ['sessionid'],
  bundle_id: ['bundleid', 'releasebundleid'],
  change_id: ['changeid', 'changerequestid'],
  rollout_wave: ['rolloutwave', 'rolloutstage'],
  policy_bundle: ['policybundle', 'policybundleid'],
  approval_mode: ['approvalmode', 'approvalpolicy', 'permissionmode'],
  tool_principal: ['toolprincipal', 'toolprincipalid'],
};

const BY_NAME = new Map<string, ActiveArtifactKey>(
  ACTIVE_ARTIFACT_KEYS.flatMap((key) => [key.replace(/_/g, ''), ...ALIASES[key]].map((name) => [name, key] as const)),
);

/** `name: value`, `name=value`, `"name": "value"`; the value stops at whitespace, quotes or separators. */
const FIELD_RE = /(?<![\w-])([A-Za-z][\w-]{3,40})["']?\s*[:=]\s*["']?([^\s"'`,;{}[\]()<>]+)/g;
/** W3C trace context: `00-<trace id>-<span id>-<flags>`. */
const TRACEPARENT_RE = /traceparent["']?\s*[:=]\s*["']?[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}/i;

const EMPTY_VALUES = new Set(['', '-', 'none', 'null', 'nil', 'undefined', 'n/a', 'na', 'unknown', 'true', 'false']);
const MAX_VALUE = 200;
/** Deeper than any transcript nests its ids; bounds the walk of a hostile line. */
const MAX_DEPTH = 6;
/** A line longer than this is a payload dump, not where ids are logged; skipping it bounds the work. */
const MAX_LINE = 256 * 1024;

function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[_-]/g, '');
}

function usable(value: string): string | null {
  const v = value.trim().replace(/[.,:;]+$/, '');
  if (v.length > MAX_VALUE || EMPTY_VALUES.has(v.toLowerCase())) return null;
  // Template placeholders (`${SESSION_ID}`, `%s`, `<trace>`) are not ids.
  if (/^[$%<{]/.test(v)) return null;
  return v;
}

/**
 * Agent-system identifiers (trace_id, session_id, bundle_id, change_id, rollout_wave,
 * policy_bundle, approval_mode, tool_principal) named in logs and transcripts. The first
 * occurrence wins, in the order of `files` and then of lines, so the result is deterministic.
 */
export function extractArtifacts(files: { path: string; text: string }[]): Record<string, FoundArtifact> {
  const found: Partial<Record<ActiveArtifactKey, FoundArtifact>> = {};
  const record = (key: ActiveArtifactKey, raw: string, source: string): void => {
    if (found[key] !== undefined) return;
    const value = usable(raw);
    if (value !== null) found[key] = { value, source };
  };
  for (const file of files) {
    const lines = file.text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] ?? '';
      if (line.length > MAX_LINE) continue;
      const source = `${file.path}:${i + 1}`;
      const json = parseJsonObject(line);
      if (json !== null) scanJson(json, source, record);
      else scanText(line, source, record);
      if (Object.keys(found).length === ACTIVE_ARTIFACT_KEYS.length) return found;
    }
  }
  return found;
}

type Recorder = (key: ActiveArtifactKey, value: string, source: string) => void;

function scanText(line: string, source: string, record: Recorder): void {
  if (!/[:=]/.test(line)) return;
  const parent = TRACEPARENT_RE.exec(line);
  if (parent?.[1]) record('trace_id', parent[1], source);
  for (const m of line.matchAll(FIELD_RE)) {
    const key = BY_NAME.get(normalizeName(m[1] ?? ''));
    if (key !== undefined && m[2] !== undefined) record(key, m[2], source);
  }
}

function parseJsonObject(line: string): Record<string, unknown> | null {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) return null;
  try {
    const value: unknown = JSON.parse(trimmed);
    return isObject(value) ? value : null;
  } catch {
    return null;
  }
}

function scanJson(root: Record<string, unknown>, source: string, record: Recorder): void {
  // Codex rollouts open with `{"type":"session_meta","payload":{"id":...}}`: the session id is a bare `id`.
  if (root.type === 'session_meta' && isObject(root.payload) && typeof root.payload.id === 'string') {
    record('session_id', root.payload.id, source);
  }
  // Text inside the transcript (tool output, messages) is read after the structured fields,
  // which describe the session itself and so win over an id a tool happened to print.
  const texts: string[] = [];
  const walk = (value: unknown, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    if (typeof value === 'string') {
      texts.push(value);
      return;
    }
    if (Array.isArray(value)) {
      for (const item of value) walk(item, depth + 1);
      return;
    }
    if (!isObject(value)) return;
    for (const [name, child] of Object.entries(value)) {
      const key = BY_NAME.get(normalizeName(name));
      if (key !== undefined && (typeof child === 'string' || typeof child === 'number')) {
        record(key, String(child), source);
      } else if (normalizeName(name) === 'traceparent' && typeof child === 'string') {
        const m = /^[\da-f]{2}-([\da-f]{32})-/i.exec(child);
        if (m?.[1]) record('trace_id', m[1], source);
      } else {
        walk(child, depth + 1);
      }
    }
  };
  walk(root, 0);
  for (const text of texts) for (const line of text.split(/\r?\n/)) scanText(line, source, record);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
