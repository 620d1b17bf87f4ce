import type { EngineConfig } from '../config/types';
import {
  ROOT_CAUSE_CATEGORIES,
  type Decision,
  type EvidenceItem,
  type FileChange,
  type FileRole,
  type RootCause,
  type RootCauseCategory,
  type StackFrame,
  type Trigger,
  type TriggeringChange,
} from '../types';
import { PARSE_ERROR_KEY, type ConfigKeyChange, type configKeyChanges } from './configKeys';
import { endpointsIn, errorSignals, isFileTargeted, type ErrorSignal } from './errorSignals';

export interface ClassifyInput {
  triggers: readonly Trigger[];
  /** Baseline → post. */
  changes: readonly FileChange[];
  /** Consecutive snapshot pairs in the window, oldest first (for drift). */
  steps: readonly { from: string; to: string; changes: readonly FileChange[] }[];
  decisions: readonly Decision[];
  /** Changed config files → their key changes. */
  configKeys: ReadonlyMap<string, ReturnType<typeof configKeyChanges>>;
  roles: (path: string) => FileRole;
  categoryText: EngineConfig['rootCauseCategories'];
}

export const CATEGORY_LABEL: Record<RootCauseCategory, string> = {
  config_error: 'Configuration error',
  data_corruption: 'Data corruption',
  drift: 'Drift',
  external_failure: 'External failure',
  logic_error: 'Logic error',
  resource_exhaustion: 'Resource exhaustion',
};

const CATEGORY_PHRASE: Record<RootCauseCategory, string> = {
  config_error: 'a configuration error',
  data_corruption: 'data corruption',
  drift: 'drift',
  external_failure: 'an external failure',
  logic_error: 'a logic error',
  resource_exhaustion: 'resource exhaustion',
};

// ---------------------------------------------------------------- weights
/*
 * Everything that moves a score lives here. Error wording gives up to ~0.9 (see errorSignals);
 * what the changed files add on top is of the same order, so "the error names a file that
 * changed" can outvote the wording of the error alone (a refused connection to the port a config
 * change just set is a config error, not an outage).
 */
const W = {
  /** A targeted signal (parse, missing file) names a file that changed since the baseline. */
  namedChangedFile: 0.45,
  namedDeletedFile: 0.5,
  /** An error names a changed config key or its new value. */
  configKeyNamed: 0.9,
  /** An error names a token from a changed line of a config file we cannot read as keys (requirements.txt, Dockerfile). */
  configLineNamed: 0.6,
  /** An error quotes a name found on a changed line of a data file (a renamed column). */
  dataLineNamed: 0.5,
  /** An error names a changed config file, no key. */
  configFileNamed: 0.35,
  /** An error's trace reads a changed data file (no parse wording). */
  dataFileNamed: 0.3,
  /** The innermost workspace frame of an error is in a changed source file. */
  frameInChangedCode: 0.5,
  frameInChangedCodeNoLogicSignal: 0.3,
  /** A numeric config value changed by this factor or more alongside a resource / timeout error. */
  sizingFactor: 4,
  sizingKeyChanged: 0.35,
  configParseError: 0.7,
  configKeysChanged: 0.2,
  deletion: { config: 0.4, data: 0.35, code: 0.3, output: 0.15 } as Partial<Record<FileRole, number>>,
  dataTruncated: 0.3,
  dataNoLongerText: 0.3,
  emptyOutputSilent: 0.3,
  emptyOutputWithDataChange: 0.25,
  sizeGrowth: { output: 0.25, log: 0.15, data: 0.2, other: 0.1 } as Partial<Record<FileRole, number>>,
  constraintByRole: 0.25,
  unknownErrorAfterCodeChange: 0.1,
  decisionOutcomeFactor: 0.6,
  trendBase: { output: 0.35, data: 0.25, log: 0.1 } as Partial<Record<FileRole, number>>,
  smallChangesSpread: 0.2,
  warningsBase: 0.15,
  noHardFailure: 0.3,
  /** Drift evidence counts half when a hard failure happened anyway. */
  driftWithFailure: 0.5,
  /** When a config change explains an error, the error's wording counts this much for its own category. */
  explainedAway: { external_failure: 0.25, resource_exhaustion: 0.5, data_corruption: 0.5, logic_error: 0.75 } as Partial<
    Record<RootCauseCategory, number>
  >,
  /**
   * Repeats of one fact (a retry loop logging the same error) decay geometrically: a reproducible
   * error is a little more certain, not three times as certain.
   */
  repeatDecay: 0.25,
  /** Each further subject of the same kind of fact (a second changed file...) counts this much less. */
  otherSubjectDecay: 0.5,
  /** Score at which `1 - exp(-score / k)` reaches 63%: how much evidence "enough" is. */
  evidenceScale: 0.7,
  maxConfidence: 0.97,
} as const;

const SEVERITY_SCALE = { error: 1, warning: 0.5, info: 0.25 } as const;

const ROLE_CATEGORY: Partial<Record<FileRole, RootCauseCategory>> = {
  config: 'config_error',
  data: 'data_corruption',
  output: 'data_corruption',
  code: 'logic_error',
};

/** Tie-break order when two changes are otherwise equally suspicious: config before code before data. */
const ROLE_RANK: Record<FileRole, number> = { config: 0, code: 1, data: 2, other: 3, doc: 4, output: 5, log: 6 };

// ---------------------------------------------------------------- shared helpers (also used by remediation)

export function triggerText(t: Trigger): string {
  return t.evidence && !t.message.includes(t.evidence) ? `${t.message}\n${t.evidence}` : t.message;
}

const SECRET_KEY_RE = /pass(word|wd)?|secret|token|api[_-]?key|private[_-]?key|credential|auth/i;

/** Whether a config key holds a secret, so its values are never shown. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY_RE.test(key);
}

/** A config value as it may be shown to a person: secrets hidden, URL credentials dropped. */
export function displayValue(key: string, value: string | undefined): string {
  if (value === undefined) return '(unset)';
  if (SECRET_KEY_RE.test(key)) return '<redacted>';
  const v = value.replace(/\/\/[^/@\s]*@/, '//');
  return v.length > 60 ? `${v.slice(0, 57)}...` : v;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const tokenRes = new Map<string, RegExp>();

/** Whether `text` holds `fragment` as a whole token (not inside a longer name or number). */
function textHas(text: string, fragment: string): boolean {
  // The substring test keeps thousands of triggers × changed paths cheap; the regex settles boundaries.
  if (!text.includes(fragment)) return false;
  let re = tokenRes.get(fragment);
  if (!re) {
    re = new RegExp(`(?<![\\w.-])${escapeRe(fragment)}(?![\\w-]|\\.\\w)`);
    if (tokenRes.size > 10_000) tokenRes.clear();
    tokenRes.set(fragment, re);
  }
  return re.test(text);
}

/** Whether `text` names `path` (whole path, or a distinctive file name that only one change has). */
export function mentionsPath(text: string, path: string, uniqueBase = true): boolean {
  if (textHas(text, path)) return true;
  if (!uniqueBase) return false;
  const base = path.split('/').pop() ?? path;
  if (base === path || base.length < 5 || !base.includes('.')) return false;
  return textHas(text, base);
}

export interface KeyHit {
  path: string;
  change: ConfigKeyChange;
  /** `value`: the new value appears in the text; `key`: the key's name does. */
  via: 'value' | 'key';
  fragment: string;
}

const NON_DISTINCTIVE_VALUE = /^(true|false|null|none|yes|no|on|off|0|1|-1|\{\}|\[\])$/i;
/** Key names too common in code and messages to count as "the error names this key". */
const COMMON_KEYS = new Set(['id', 'name', 'type', 'value', 'data', 'key', 'items', 'text', 'title', 'version', 'description', 'default', 'main']);

function valueFragments(value: string): string[] {
  const v = value.trim();
  if (v.length < 2 || NON_DISTINCTIVE_VALUE.test(v)) return [];
  if (/^-?\d+(\.\d+)?$/.test(v) && v.replace(/\D/g, '').length < 3) return [];
  const out = [v];
  // A URL or DSN value is rarely echoed whole; its host:port usually is.
  for (const ep of endpointsIn(v)) if (ep !== v) out.push(ep);
  const hostPort = /\/\/(?:[^@/\s]*@)?([\w.-]+:\d{2,5})/.exec(v)?.[1];
  if (hostPort) out.push(hostPort);
  return [...new Set(out)];
}

/** Changed config keys an error text names, by new value or by key name. */
export function namedConfigKeys(text: string, configKeys: ClassifyInput['configKeys']): KeyHit[] {
  const hits: KeyHit[] = [];
  for (const [path, changes] of configKeys) {
    for (const change of changes) {
      if (change.key === PARSE_ERROR_KEY) continue;
      if (change.change !== 'removed' && change.after !== undefined && !SECRET_KEY_RE.test(change.key)) {
        const frag = valueFragments(change.after).find((f) => textHas(text, f));
        if (frag) {
          hits.push({ path, change, via: 'value', fragment: frag });
          continue;
        }
      }
      const leafKey = change.key.replace(/\[\d+\]/g, '').split('.').pop() ?? change.key;
      if (COMMON_KEYS.has(leafKey.toLowerCase()) && !textHas(text, change.key)) continue;
      const quoted = leafKey.length >= 2 && text.includes(leafKey) && new RegExp(`['"\`]${escapeRe(leafKey)}['"\`]`).test(text);
      const distinctive = leafKey.length >= 5 || /[_-]/.test(leafKey) || /^[A-Z][A-Z0-9_]+$/.test(leafKey);
      if (textHas(text, change.key) || quoted || (distinctive && textHas(text, leafKey))) {
        hits.push({ path, change, via: 'key', fragment: quoted || !textHas(text, change.key) ? leafKey : change.key });
      }
    }
  }
  return hits;
}

export interface LineHit {
  path: string;
  token: string;
  line: string;
}

const COMMON_TOKENS = new Set(['from', 'true', 'false', 'null', 'none', 'this', 'that', 'with', 'install', 'version', 'latest', 'require', 'import', 'python', 'error']);

/** Distinctive tokens of the changed lines of config files that have no key structure. */
export function configLineTokens(input: Pick<ClassifyInput, 'changes' | 'configKeys' | 'roles'>): LineHit[] {
  const out: LineHit[] = [];
  for (const c of input.changes) {
    if (!c.patch || input.configKeys.has(c.path) || input.roles(c.path) !== 'config') continue;
    const seen = new Set<string>();
    for (const raw of c.patch.split('\n')) {
      if (!/^[+-](?![+-]{2} )/.test(raw)) continue;
      const line = raw.slice(1).trim();
      for (const token of line.split(/[^\w.-]+/)) {
        const t = token.replace(/^[.-]+|[.-]+$/g, '');
        const distinctive = (t.length >= 5 && /[a-z]/i.test(t)) || (/[_.-]/.test(t) && t.length >= 4 && /[a-z]/i.test(t));
        if (!distinctive || COMMON_TOKENS.has(t.toLowerCase()) || seen.has(t)) continue;
        seen.add(t);
        out.push({ path: c.path, token: t, line });
      }
    }
  }
  return out;
}

/**
 * For changed config files that have no key structure (requirements.txt, Dockerfile, Makefile):
 * a distinctive token of a changed line that the error text names (`No module named 'requests'`
 * after `requests==2.31` left requirements.txt).
 */
export function namedConfigLines(text: string, input: Pick<ClassifyInput, 'changes' | 'configKeys' | 'roles'>, tokens?: readonly LineHit[]): LineHit[] {
  return (tokens ?? configLineTokens(input)).filter((h) => textHas(text, h.token));
}

/** Error-level failures, oldest first: log errors, then any other error-level trigger but secrets. */
export function errorTriggers(triggers: readonly Trigger[]): Trigger[] {
  const byTime = (a: Trigger, b: Trigger): number => a.timestamp - b.timestamp || a.id.localeCompare(b.id);
  return triggers.filter((t) => t.kind === 'log_error' && t.severity === 'error').sort(byTime);
}

export function firstFailure(triggers: readonly Trigger[]): Trigger | null {
  const byTime = (a: Trigger, b: Trigger): number => a.timestamp - b.timestamp || a.id.localeCompare(b.id);
  const logErrors = errorTriggers(triggers);
  if (logErrors[0]) return logErrors[0];
  const errors = triggers.filter((t) => t.severity === 'error' && t.kind !== 'secret').sort(byTime);
  if (errors[0]) return errors[0];
  return [...triggers].filter((t) => t.kind !== 'secret').sort(byTime)[0] ?? null;
}

/** The innermost frame inside the workspace, which is where "our" code failed. */
export function innermostWorkspaceFrame(t: Trigger): NonNullable<Trigger['frames']>[number] | null {
  const frames = (t.frames ?? []).filter((f) => f.inWorkspace);
  return frames[frames.length - 1] ?? null;
}

export interface SizeTrend {
  path: string;
  role: FileRole;
  sizes: number[];
  direction: 'shrinking' | 'growing';
}

/**
 * Files whose size moved in one direction over at least two steps (three sizes) and by 10% or
 * more overall: the steady shrinking output or growing log that a single diff does not show.
 */
export function sizeTrends(steps: ClassifyInput['steps'], roles: (p: string) => FileRole): SizeTrend[] {
  const series = new Map<string, number[]>();
  for (const step of steps) {
    for (const c of step.changes) {
      if (c.status === 'mode_changed') continue;
      let s = series.get(c.path);
      if (!s) {
        s = [c.before?.size ?? 0];
        series.set(c.path, s);
      }
      s.push(c.status === 'removed' ? 0 : (c.after?.size ?? 0));
    }
  }
  const out: SizeTrend[] = [];
  for (const [path, sizes] of series) {
    if (sizes.length < 3) continue;
    const deltas = sizes.slice(1).map((v, i) => v - (sizes[i] ?? 0));
    const up = deltas.filter((d) => d > 0).length;
    const down = deltas.filter((d) => d < 0).length;
    if ((up > 0 && down > 0) || up + down < 2) continue;
    const first = sizes[0] ?? 0;
    const last = sizes[sizes.length - 1] ?? 0;
    if (Math.abs(last - first) < 0.1 * Math.max(first, last, 1)) continue;
    out.push({ path, role: roles(path), sizes, direction: down > 0 ? 'shrinking' : 'growing' });
  }
  return out;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function listSome(items: readonly string[], max = 3): string {
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}

// ---------------------------------------------------------------- evidence gathering

interface Contribution {
  category: RootCauseCategory;
  weight: number;
  /**
   * The kind of fact ("an error names a changed file"). Within a kind, repeats about the same
   * subject (`sub`, default the cited file or ref) decay fast and different subjects decay slower,
   * so a hundred changed config files or a retry storm cannot outvote one precise finding.
   */
  group: string;
  sub?: string;
  item: Omit<EvidenceItem, 'weight' | 'category'>;
}

interface Context {
  input: ClassifyInput;
  changeByPath: Map<string, FileChange>;
  changedPaths: string[];
  /** File name → changed paths with that name, to resolve absolute or partial paths in traces. */
  byBase: Map<string, string[]>;
  /** Changed paths without an extension (Dockerfile, Makefile), which path tokens do not catch. */
  bare: string[];
  /** Changed files of a kind a parser reads (config, data, output). */
  readable: string[];
  lineTokens: LineHit[];
  /** Changed data file → tokens of its first changed lines (a renamed CSV column, a changed header). */
  dataTokens: Map<string, Map<string, string>>;
  hardFailures: Trigger[];
  /** What one error text says, computed once per distinct text (retry loops repeat it thousands of times). */
  facts: Map<string, TextFacts>;
}

interface TextFacts {
  signals: ErrorSignal[];
  named: NamedFile[];
  keyHits: KeyHit[];
  lineHits: LineHit[];
  /** Quoted names in the error (`KeyError: 'price'`) found on changed lines of data files. */
  dataHits: LineHit[];
}

const QUOTED_NAME = /['"`]([\w.-]{2,60})['"`]/g;

/** Quoted names in an error text that appear on changed lines of data files. */
export function namedDataLines(text: string, input: ClassifyInput): LineHit[] {
  return dataHitsIn(text, { dataTokens: dataLineTokens(input) });
}

function dataHitsIn(text: string, ctx: Pick<Context, 'dataTokens'>): LineHit[] {
  if (ctx.dataTokens.size === 0) return [];
  const hits: LineHit[] = [];
  const names = new Set([...text.matchAll(QUOTED_NAME)].map((m) => m[1] ?? ''));
  for (const [path, tokens] of ctx.dataTokens) {
    for (const name of names) {
      const line = tokens.get(name);
      if (line !== undefined && !/^\d+$/.test(name)) hits.push({ path, token: name, line });
    }
  }
  return hits;
}

/** Only the first changed lines of a data file are read: headers and schemas come first, rows are many. */
const DATA_LINES_READ = 200;

function dataLineTokens(input: ClassifyInput): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const c of input.changes) {
    if (!c.patch || input.roles(c.path) !== 'data') continue;
    const tokens = new Map<string, string>();
    let read = 0;
    for (const raw of c.patch.split('\n')) {
      if (!/^[+-](?![+-]{2} )/.test(raw)) continue;
      if (++read > DATA_LINES_READ) break;
      const line = raw.slice(1).trim();
      for (const token of line.split(/[^\w.-]+/)) if (token.length >= 2 && !tokens.has(token)) tokens.set(token, line);
    }
    if (tokens.size) out.set(c.path, tokens);
  }
  return out;
}

function buildContext(input: ClassifyInput): Context {
  const changeByPath = new Map<string, FileChange>();
  for (const c of input.changes) {
    changeByPath.set(c.path, c);
    if (c.oldPath && !changeByPath.has(c.oldPath)) changeByPath.set(c.oldPath, c);
  }
  const changedPaths = [...changeByPath.keys()];
  const byBase = new Map<string, string[]>();
  for (const p of changedPaths) {
    const base = p.split('/').pop() ?? p;
    byBase.set(base, [...(byBase.get(base) ?? []), p]);
  }
  return {
    input,
    changeByPath,
    changedPaths,
    byBase,
    bare: changedPaths.filter((p) => !(p.split('/').pop() ?? p).includes('.')),
    readable: changedPaths.filter((p) => TEXT_TARGETS.has(input.roles(p)) && changeByPath.get(p)?.path === p),
    lineTokens: configLineTokens(input),
    dataTokens: dataLineTokens(input),
    hardFailures: errorTriggers(input.triggers),
    facts: new Map(),
  };
}

interface NamedFile {
  path: string;
  via: 'innermost_frame' | 'frame' | 'text';
  line?: number;
}

const PATH_TOKEN = /(?<![\w/.:-])((?:\.{0,2}\/)?(?:[\w.-]+\/)*[\w-][\w.-]*\.[A-Za-z][A-Za-z0-9]{0,9})(?![\w/])/g;

/**
 * Files an error points at: paths its text names (changed ones first, found through an index of
 * path tokens so thousands of triggers against thousands of changes stay cheap), then its
 * workspace frames, innermost first.
 */
function namedFiles(text: string, frames: readonly StackFrame[], ownFile: string, ctx: Context): NamedFile[] {
  const changed: NamedFile[] = [];
  const unchanged: NamedFile[] = [];
  const seen = new Set<string>([ownFile]);
  const add = (list: NamedFile[], n: NamedFile): void => {
    if (seen.has(n.path)) return;
    seen.add(n.path);
    list.push(n);
  };
  for (const m of text.matchAll(PATH_TOKEN)) {
    const token = (m[1] ?? '').replace(/^\.\//, '');
    const parts = token.split('/');
    let found = false;
    // `/home/ci/ws/data/in.json` names `data/in.json`: try every suffix, longest first.
    for (let i = 0; i < parts.length && !found; i++) {
      const suffix = parts.slice(i).join('/');
      if (ctx.changeByPath.has(suffix)) {
        add(changed, { path: suffix, via: 'text' });
        found = true;
      } else if (i === parts.length - 1) {
        const same = ctx.byBase.get(suffix);
        if (same?.length === 1 && same[0] && suffix.length >= 5) {
          add(changed, { path: same[0], via: 'text' });
          found = true;
        }
      }
    }
    if (found || token.startsWith('/') || token.startsWith('../') || /^\d/.test(token)) continue;
    const role = ctx.input.roles(token);
    if (role === 'config' || role === 'data' || role === 'code') add(unchanged, { path: token, via: 'text' });
  }
  for (const p of ctx.bare) if (textHas(text, p)) add(changed, { path: p, via: 'text' });
  const out = [...changed, ...unchanged];
  const inWs = frames.filter((x) => x.inWorkspace);
  const inner = inWs[inWs.length - 1];
  for (const f of [...inWs].reverse()) {
    if (seen.has(f.file)) {
      // A file both printed and in the trace counts as a frame: that is the stronger link.
      const i = out.findIndex((n) => n.path === f.file);
      if (i >= 0) out[i] = { path: f.file, via: f === inner ? 'innermost_frame' : 'frame', line: f.line };
      continue;
    }
    seen.add(f.file);
    out.push({ path: f.file, via: f === inner ? 'innermost_frame' : 'frame', line: f.line });
  }
  return out;
}

function textFacts(t: Trigger, ctx: Context): TextFacts {
  const text = triggerText(t);
  const key = `${t.errorType ?? ''}\u0000${t.file}\u0000${JSON.stringify(t.frames ?? [])}\u0000${text}`;
  let facts = ctx.facts.get(key);
  if (!facts) {
    facts = {
      signals: errorSignals(text, t.errorType),
      named: namedFiles(text, t.frames ?? [], t.file, ctx),
      keyHits: namedConfigKeys(text, ctx.input.configKeys),
      lineHits: namedConfigLines(text, ctx.input, ctx.lineTokens),
      dataHits: dataHitsIn(text, ctx),
    };
    ctx.facts.set(key, facts);
  }
  return facts;
}

const UNIT_SCALE: Record<string, number> = { k: 1e3, ki: 1024, kb: 1e3, m: 1e6, mi: 1024 ** 2, mb: 1e6, g: 1e9, gi: 1024 ** 3, gb: 1e9, t: 1e12, ti: 1024 ** 4, tb: 1e12, ms: 1e-3, s: 1, min: 60, h: 3600 };

/** A config value as a number: `512`, `512Mi`, `2G`, `30s`; null when it is not a quantity. */
export function quantity(value: string | undefined): number | null {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*([a-z]{0,3})\s*$/i.exec(value ?? '');
  if (!m?.[1]) return null;
  const unit = (m[2] ?? '').toLowerCase();
  const scale = unit === '' ? 1 : UNIT_SCALE[unit];
  return scale === undefined ? null : Number(m[1]) * scale;
}

function noisyOr(weights: readonly number[]): number {
  return 1 - weights.reduce((acc, w) => acc * (1 - Math.min(Math.max(w, 0), 1)), 1);
}

const TEXT_TARGETS = new Set<FileRole>(['config', 'data', 'output']);
const ANY_TARGETS = new Set<FileRole>(['config', 'data', 'output', 'code']);

function describeChange(c: FileChange): string {
  switch (c.status) {
    case 'removed':
      return 'deleted since the baseline';
    case 'added':
      return 'added since the baseline';
    default:
      return 'changed since the baseline';
  }
}

/**
 * Evidence from one error text (a log error, a constraint, an agent's error outcome): its wording,
 * the files it names and whether they changed, and the config keys it names.
 */
function errorTextEvidence(
  t: Trigger,
  ctx: Context,
  ref: { kind: EvidenceItem['kind']; ref: string },
  scale: number,
): Contribution[] {
  const { signals, named, keyHits, lineHits, dataHits } = textFacts(t, ctx);
  const role = (p: string): FileRole => ctx.input.roles(p);
  const label = t.errorType ?? signals[0]?.match ?? 'the error';
  const at = innermostWorkspaceFrame(t);
  const where = at ? `${at.file}:${at.line}` : `${t.file}:${t.line}`;
  const out: Contribution[] = [];
  const perCategory = new Map<RootCauseCategory, { signals: ErrorSignal[]; weights: number[]; notes: string[] }>();
  const consumed = new Set<string>();

  const note = (category: RootCauseCategory, s: ErrorSignal, weight: number, extra?: string): void => {
    let entry = perCategory.get(category);
    if (!entry) {
      entry = { signals: [], weights: [], notes: [] };
      perCategory.set(category, entry);
    }
    entry.signals.push(s);
    entry.weights.push(weight);
    if (extra) entry.notes.push(extra);
  };

  for (const s of signals) {
    if (!isFileTargeted(s)) {
      note(s.category, s, s.weight);
      continue;
    }
    const allowed = s.signal === 'syntax_error' ? ANY_TARGETS : TEXT_TARGETS;
    // A missing file is the one the text names, or a deleted source file; never the frame it was raised in.
    const isTarget = (n: NamedFile): boolean =>
      s.signal === 'missing_file'
        ? n.via === 'text' && (TEXT_TARGETS.has(role(n.path)) || ctx.changeByPath.get(n.path)?.status === 'removed')
        : allowed.has(role(n.path)) && (n.via === 'text' || allowed === ANY_TARGETS);
    const candidates = named.filter(isTarget);
    const target = candidates.find((n) => ctx.changeByPath.has(n.path)) ?? candidates[0];
    if (target) {
      const category = ROLE_CATEGORY[role(target.path)] ?? s.category;
      note(category, s, s.weight, `names ${target.path}`);
      const change = ctx.changeByPath.get(target.path);
      if (change && !consumed.has(target.path)) {
        consumed.add(target.path);
        const removed = change.status === 'removed';
        out.push({
          category,
          weight: (removed ? W.namedDeletedFile : W.namedChangedFile) * scale,
          group: 'named-file',
          item: {
            ...ref,
            file: target.path,
            line: target.line,
            description: `${label} names ${target.path}, a ${role(target.path)} file ${describeChange(change)}`,
          },
        });
      }
      continue;
    }
    // No file named: if every changed file of a parseable kind has the same role, that is the suspect.
    const changedReadable = ctx.readable;
    const rolesChanged = new Set(changedReadable.map((p) => ROLE_CATEGORY[role(p)]));
    const only = rolesChanged.size === 1 ? [...rolesChanged][0] : undefined;
    if (only && allowed === TEXT_TARGETS) {
      note(only, s, s.weight * 0.8, `names no file, and only ${listSome(changedReadable, 2)} of that kind changed`);
    } else {
      note(s.category, s, s.weight * 0.8);
    }
  }

  // A changed config key or value named by the error explains the error's own wording.
  const explained = keyHits.length > 0 || lineHits.length > 0;
  for (const [category, entry] of perCategory) {
    let damp = explained ? (W.explainedAway[category] ?? 1) : 1;
    // A quoted name found on a changed data line explains a KeyError better than config or code does.
    if (dataHits.length > 0 && (category === 'config_error' || category === 'logic_error')) damp *= 0.5;
    const matches = [...new Set(entry.signals.map((s) => s.match))];
    const strongest = [...entry.signals].sort((a, b) => b.weight - a.weight)[0];
    out.push({
      category,
      weight: noisyOr(entry.weights) * damp * scale,
      group: `signal:${strongest?.signal ?? 'none'}:${category}`,
      item: {
        ...ref,
        file: at?.file ?? t.file,
        line: at?.line ?? t.line,
        description:
          `${label} at ${where}` +
          (matches.length === 1 && matches[0] === label ? '' : ` ("${matches.slice(0, 2).join('", "')}")`) +
          ` is typical of ${CATEGORY_PHRASE[category]}` +
          (entry.notes.length ? `; it ${[...new Set(entry.notes)].join('; ')}` : ''),
      },
    });
  }

  for (const hit of keyHits.slice(0, 3)) {
    const c = hit.change;
    const was = c.change === 'added' ? 'added' : `was ${displayValue(c.key, c.before)}`;
    const description =
      hit.via === 'value'
        ? `${label} names ${hit.fragment}, the new value of \`${c.key}\` in ${hit.path} (${was})`
        : `${label} names \`${hit.fragment}\`, a key ${c.change === 'removed' ? 'removed from' : c.change === 'added' ? 'added to' : 'changed in'} ${hit.path}`;
    out.push({
      category: 'config_error',
      weight: W.configKeyNamed * scale,
      group: 'key-named',
      sub: `${hit.path}:${c.key}`,
      item: { ...ref, file: hit.path, description },
    });
  }

  for (const hit of lineHits.slice(0, 2)) {
    out.push({
      category: 'config_error',
      weight: W.configLineNamed * scale,
      group: 'line-named',
      sub: `${hit.path}:${hit.token}`,
      item: { ...ref, file: hit.path, description: `${label} names ${hit.token}, on a line changed in ${hit.path} (${hit.line.slice(0, 60)})` },
    });
  }

  for (const hit of dataHits.slice(0, 2)) {
    consumed.add(hit.path);
    out.push({
      category: 'data_corruption',
      weight: W.dataLineNamed * scale,
      group: 'data-line-named',
      sub: `${hit.path}:${hit.token}`,
      item: { ...ref, file: hit.path, description: `${label} names '${hit.token}', on a line changed in ${hit.path} (${hit.line.slice(0, 60)})` },
    });
  }

  const hitFiles = new Set([...keyHits, ...lineHits].map((h) => h.path));
  const logicSignal = signals.some((s) => s.category === 'logic_error' && s.weight >= 0.5);
  for (const n of named) {
    const change = ctx.changeByPath.get(n.path);
    if (!change || consumed.has(n.path)) continue;
    const r = role(n.path);
    if (r === 'config' && !hitFiles.has(n.path) && n.via === 'text') {
      consumed.add(n.path);
      out.push({
        category: 'config_error',
        weight: W.configFileNamed * scale,
        group: 'config-file-named',
        item: { ...ref, file: n.path, description: `${label} names ${n.path}, a config file ${describeChange(change)}` },
      });
    } else if (r === 'data' && n.via === 'text') {
      consumed.add(n.path);
      out.push({
        category: 'data_corruption',
        weight: (change.status === 'removed' ? W.namedDeletedFile : W.dataFileNamed) * scale,
        group: 'data-file-named',
        item: { ...ref, file: n.path, description: `${label} reads ${n.path}, a data file ${describeChange(change)}` },
      });
    } else if (r === 'code' && n.via !== 'text') {
      consumed.add(n.path);
      const innermost = n.via === 'innermost_frame';
      const base = logicSignal ? W.frameInChangedCode : W.frameInChangedCodeNoLogicSignal;
      out.push({
        category: 'logic_error',
        weight: base * (innermost ? 1 : 0.6) * scale,
        group: 'frame-in-changed-code',
        item: {
          ...ref,
          file: n.path,
          line: n.line,
          description: `${label} raised ${innermost ? 'in' : 'through'} ${n.path}:${n.line ?? '?'}, a file ${describeChange(change)}`,
        },
      });
    }
  }

  // A resource or timeout failure right after a sizing value moved a lot: the config drove it.
  const sizing = signals.some((s) => s.category === 'resource_exhaustion' || s.signal === 'timeout');
  if (sizing) {
    for (const [path, changes] of ctx.input.configKeys) {
      for (const c of changes) {
        const before = quantity(c.before);
        const after = quantity(c.after);
        if (c.change !== 'changed' || before === null || after === null || before <= 0 || after <= 0) continue;
        const factor = Math.max(after / before, before / after);
        if (factor < W.sizingFactor) continue;
        out.push({
          category: 'config_error',
          weight: W.sizingKeyChanged * scale,
          group: 'sizing-key',
          sub: `${path}:${c.key}`,
          item: { ...ref, file: path, description: `\`${c.key}\` in ${path} went from ${c.before} to ${c.after} before ${label}` },
        });
      }
    }
  }

  if (signals.length === 0 && t.severity === 'error') {
    const code = ctx.changedPaths.filter((p) => role(p) === 'code');
    if (code.length > 0) {
      out.push({
        category: 'logic_error',
        weight: W.unknownErrorAfterCodeChange * scale,
        group: 'unknown-after-code',
        item: { ...ref, description: `an unrecognised error (${t.message.slice(0, 80)}) after ${plural(code.length, 'source file')} changed` },
      });
    }
  }
  return out;
}

function triggerEvidence(t: Trigger, ctx: Context): Contribution[] {
  const scale = SEVERITY_SCALE[t.severity];
  const ref = { kind: 'trigger' as const, ref: t.id };
  const role = ctx.input.roles(t.file);
  const silent = ctx.hardFailures.length === 0;
  switch (t.kind) {
    case 'log_error':
      return errorTextEvidence(t, ctx, ref, scale);
    case 'constraint': {
      const out = errorTextEvidence(t, ctx, ref, scale);
      const category = ROLE_CATEGORY[role];
      if (category) {
        out.push({
          category,
          weight: W.constraintByRole * scale,
          group: 'constraint',
          item: { ...ref, file: t.file, line: t.line, description: `constraint broken in ${t.file}:${t.line}: ${t.message}` },
        });
      }
      return out;
    }
    case 'deletion': {
      const weight = W.deletion[role];
      const category = ROLE_CATEGORY[role];
      if (!weight || !category) return [];
      return [{
        category,
        weight: weight * scale,
        group: 'deletion',
        item: { ...ref, file: t.file, description: `${t.file} (${role}) was deleted since the baseline` },
      }];
    }
    case 'config_change': {
      const keys = ctx.input.configKeys.get(t.file) ?? [];
      const parse = keys.find((k) => k.key === PARSE_ERROR_KEY);
      if (parse) {
        return [{
          category: 'config_error',
          weight: W.configParseError * scale,
          group: 'config-parse',
          item: { ...ref, file: t.file, description: `${t.file} no longer parses (${parse.after ?? 'parse error'})` },
        }];
      }
      return [{
        category: 'config_error',
        weight: W.configKeysChanged * scale,
        group: 'config-keys',
        item: {
          ...ref,
          file: t.file,
          description: keys.length
            ? `${plural(keys.length, 'key')} changed in ${t.file}: ${listSome(keys.map((k) => k.key))}`
            : `${t.file} changed: ${t.message}`,
        },
      }];
    }
    case 'empty_output': {
      if (!silent) return [];
      const out: Contribution[] = [{
        category: 'drift',
        weight: W.emptyOutputSilent * scale,
        group: 'empty-output',
        item: { ...ref, file: t.file, description: `${t.file} is empty and no error explains it` },
      }];
      const data = ctx.changedPaths.filter((p) => ctx.input.roles(p) === 'data');
      if (data.length > 0) {
        out.push({
          category: 'data_corruption',
          weight: W.emptyOutputWithDataChange * scale,
          group: 'empty-output-data',
          item: { ...ref, file: t.file, description: `${t.file} is empty while its input data changed (${listSome(data, 2)})` },
        });
      }
      return out;
    }
    case 'size_growth': {
      const weight = W.sizeGrowth[role] ?? W.sizeGrowth.other ?? 0;
      const category: RootCauseCategory = role === 'data' ? 'data_corruption' : 'drift';
      return [{
        category,
        weight: weight * scale * (category === 'drift' && !silent ? W.driftWithFailure : 1),
        group: 'growth',
        item: { ...ref, file: t.file, description: `${t.file} (${role}) grew sharply: ${t.message}` },
      }];
    }
    case 'secret':
      return [];
  }
}

/** What the changes say on their own, for facts no trigger reported. */
function changeEvidence(ctx: Context): Contribution[] {
  const out: Contribution[] = [];
  const triggered = new Set(ctx.input.triggers.filter((t) => t.kind === 'config_change' || t.kind === 'deletion').map((t) => t.file));
  for (const [path, keys] of ctx.input.configKeys) {
    if (keys.length === 0 || triggered.has(path)) continue;
    const parse = keys.find((k) => k.key === PARSE_ERROR_KEY);
    out.push({
      category: 'config_error',
      weight: parse ? W.configParseError : W.configKeysChanged,
      group: parse ? 'config-parse' : 'config-keys',
      item: {
        kind: 'change',
        ref: path,
        file: path,
        description: parse
          ? `${path} no longer parses (${parse.after ?? 'parse error'})`
          : `${plural(keys.length, 'key')} changed in ${path}: ${listSome(keys.map((k) => k.key))}`,
      },
    });
  }
  for (const c of ctx.input.changes) {
    if (ctx.input.roles(c.path) !== 'data') continue;
    const before = c.before?.size ?? 0;
    const after = c.after?.size ?? 0;
    let description: string | null = null;
    let weight = 0;
    if (c.status === 'modified' && before > 0 && after < before * 0.5) {
      description = `${c.path} shrank from ${formatBytes(before)} to ${formatBytes(after)}, which looks truncated`;
      weight = W.dataTruncated;
    } else if (c.status === 'modified' && c.before && c.after && !c.before.binary && c.after.binary) {
      description = `${c.path} was text at the baseline and is no longer valid text`;
      weight = W.dataNoLongerText;
    } else if (c.status === 'removed' && !triggered.has(c.path)) {
      description = `${c.path} (data) was deleted since the baseline`;
      weight = W.deletion.data ?? 0;
    }
    if (description) {
      out.push({ category: 'data_corruption', weight, group: 'data-change', item: { kind: 'change', ref: c.path, file: c.path, description } });
    }
  }
  return out;
}

function driftEvidence(ctx: Context): Contribution[] {
  const { steps, roles, triggers } = ctx.input;
  const out: Contribution[] = [];
  for (const trend of sizeTrends(steps, roles)) {
    const base = W.trendBase[trend.role];
    if (!base) continue;
    const first = trend.sizes[0] ?? 0;
    const last = trend.sizes[trend.sizes.length - 1] ?? 0;
    out.push({
      category: 'drift',
      weight: Math.min(base + 0.05 * (trend.sizes.length - 3), base + 0.15),
      group: 'trend',
      item: {
        kind: 'change',
        ref: trend.path,
        file: trend.path,
        description: `${trend.path} kept ${trend.direction} over ${trend.sizes.length - 1} snapshots (${formatBytes(first)} → ${formatBytes(last)})`,
      },
    });
  }
  const active = steps.filter((s) => s.changes.some((c) => roles(c.path) !== 'log'));
  const changes = active.flatMap((s) => s.changes.filter((c) => roles(c.path) !== 'log'));
  const churn = changes.reduce((n, c) => n + c.additions + c.deletions, 0) / Math.max(changes.length, 1);
  if (active.length >= 3 && churn <= 30) {
    out.push({
      category: 'drift',
      weight: W.smallChangesSpread,
      group: 'spread',
      item: {
        kind: 'snapshot',
        ref: active[0]?.to ?? '',
        description: `${plural(changes.length, 'small change')} spread over ${active.length} snapshots (about ${Math.round(churn)} lines each)`,
      },
    });
  }
  const warnings = triggers.filter((t) => t.kind === 'log_error' && t.severity === 'warning');
  if (warnings.length >= 2) {
    out.push({
      category: 'drift',
      weight: Math.min(W.warningsBase + 0.03 * (warnings.length - 2), 0.3),
      group: 'warnings',
      item: { kind: 'trigger', ref: warnings[0]?.id ?? '', file: warnings[0]?.file, description: `${plural(warnings.length, 'warning')} logged in the window` },
    });
  }
  if (out.length === 0) return out;
  if (ctx.hardFailures.length === 0) {
    out.push({
      category: 'drift',
      weight: W.noHardFailure,
      group: 'no-failure',
      item: {
        kind: 'snapshot',
        ref: steps[steps.length - 1]?.to ?? '',
        description: `no error-level failure across ${plural(steps.length + 1, 'snapshot')}: the state degraded without a crash`,
      },
    });
    return out;
  }
  return out.map((c) => ({ ...c, weight: c.weight * W.driftWithFailure }));
}

function decisionEvidence(ctx: Context): Contribution[] {
  const out: Contribution[] = [];
  for (const d of ctx.input.decisions) {
    if (d.outcome?.status !== 'error' || (d.triggerIds?.length ?? 0) > 0) continue;
    const pseudo: Trigger = {
      id: d.id,
      kind: 'log_error',
      severity: 'error',
      file: d.file,
      line: d.line,
      column: 1,
      endLine: d.line,
      message: d.outcome.text,
      evidence: '',
      timestamp: d.timestamp,
      timestampEstimated: d.timestampEstimated,
    };
    const ref = { kind: 'decision' as const, ref: d.outcome.decisionId ?? d.id };
    out.push(...errorTextEvidence(pseudo, ctx, ref, W.decisionOutcomeFactor));
  }
  return out;
}

// ---------------------------------------------------------------- scoring

interface Scored {
  scores: Map<RootCauseCategory, number>;
  evidence: EvidenceItem[];
}

function score(contributions: readonly Contribution[]): Scored {
  const groups = new Map<string, Map<string, Contribution[]>>();
  for (const c of contributions) {
    if (c.weight <= 0) continue;
    const key = `${c.category}|${c.group}`;
    const subs = groups.get(key) ?? new Map<string, Contribution[]>();
    const sub = c.sub ?? c.item.file ?? c.item.ref;
    subs.set(sub, [...(subs.get(sub) ?? []), c]);
    groups.set(key, subs);
  }
  const scores = new Map<RootCauseCategory, number>();
  const evidence: EvidenceItem[] = [];
  for (const subs of groups.values()) {
    const ranked = [...subs.values()]
      .map((list) => {
        list.sort((a, b) => b.weight - a.weight);
        return { list, total: list.reduce((sum, c, i) => sum + c.weight * W.repeatDecay ** i, 0) };
      })
      .sort((a, b) => b.total - a.total);
    ranked.forEach(({ list, total }, rank) => {
      const lead = list[0];
      if (!lead) return;
      const w = total * W.otherSubjectDecay ** rank;
      scores.set(lead.category, (scores.get(lead.category) ?? 0) + w);
      if (w < 0.02) return;
      // One item per subject; its repeats are named, not listed again.
      const others = [...new Set(list.slice(1).map((c) => c.item.ref))].filter((r) => r !== lead.item.ref);
      const also = others.length ? ` (also ${listSome(others)})` : '';
      evidence.push({ ...lead.item, description: lead.item.description + also, category: lead.category, weight: Math.round(Math.min(w, 1) * 100) / 100 });
    });
  }
  return { scores, evidence };
}

function amount(total: number): number {
  return 1 - Math.exp(-total / W.evidenceScale);
}

/**
 * Confidence of each category: how much evidence there is overall (a single weak signal stays
 * well under 0.5) times the category's share of it (conflicting evidence splits the share).
 */
function confidences(scores: ReadonlyMap<RootCauseCategory, number>): { category: RootCauseCategory; confidence: number; score: number }[] {
  const total = [...scores.values()].reduce((a, b) => a + b, 0);
  const ranked = ROOT_CAUSE_CATEGORIES.map((category) => {
    const s = scores.get(category) ?? 0;
    const confidence = total > 0 ? Math.min(amount(total) * (s / total), W.maxConfidence) : 0;
    return { category, score: s, confidence: Math.round(confidence * 100) / 100 };
  });
  // Stable on ties: ROOT_CAUSE_CATEGORIES order.
  return ranked.sort((a, b) => b.score - a.score);
}

function gather(input: ClassifyInput): { ctx: Context; scored: Scored } {
  const ctx = buildContext(input);
  const contributions = [
    ...input.triggers.flatMap((t) => triggerEvidence(t, ctx)),
    ...changeEvidence(ctx),
    ...driftEvidence(ctx),
    ...decisionEvidence(ctx),
  ];
  return { ctx, scored: score(contributions) };
}

// ---------------------------------------------------------------- contributing factors

const SKIPPED_VALIDATION =
  /\b(skip(ped|ping)?|bypass(ed|ing)?|disabl(e|ed|ing)|ignor(e|ed|ing)|without (running )?)\b.{0,40}\b(tests?|validation|validat\w+|checks?|verification|lint\w*|hooks?|ci|type-?check\w*)\b|--no-verify|--force\b|-f\b.{0,10}\bpush/i;

function contributingFactors(ctx: Context, trends: readonly SizeTrend[]): string[] {
  const { input } = ctx;
  const out: string[] = [];
  const keyCount = [...input.configKeys.values()].reduce((n, ks) => n + ks.filter((k) => k.key !== PARSE_ERROR_KEY).length, 0);
  if (keyCount > 0) {
    const files = [...input.configKeys].filter(([, ks]) => ks.length > 0).map(([p]) => p);
    out.push(`${plural(keyCount, 'config key')} changed in the same window (${listSome(files)})`);
  }
  for (const [path, ks] of input.configKeys) {
    if (ks.some((k) => k.key === PARSE_ERROR_KEY)) out.push(`${path} no longer parses`);
  }
  const removed = input.changes.filter((c) => c.status === 'removed').map((c) => c.path);
  if (removed.length > 0) out.push(`${plural(removed.length, 'file')} deleted since the baseline (${listSome(removed)})`);
  const code = input.changes.filter((c) => c.status !== 'removed' && input.roles(c.path) === 'code').map((c) => c.path);
  if (code.length > 0) out.push(`${plural(code.length, 'source file')} changed since the baseline (${listSome(code)})`);
  for (const d of input.decisions) {
    const text = `${d.text} ${d.rationale ?? ''}`;
    if (SKIPPED_VALIDATION.test(text)) out.push(`the agent skipped validation (${d.id}: "${d.text.slice(0, 80)}")`);
  }
  for (const d of input.decisions) {
    if (d.outcome?.status === 'error') out.push(`${d.id} reported an error: ${d.outcome.text.slice(0, 100)}`);
  }
  const first = ctx.hardFailures[0];
  const stepTimes = input.steps.map((s) => Math.max(0, ...s.changes.map((c) => c.after?.mtimeMs ?? 0)));
  if (!first && input.steps.length > 0) {
    out.push(`no error surfaced across ${plural(input.steps.length + 1, 'snapshot')}`);
  } else if (first) {
    const quiet = stepTimes.filter((t) => t > 0 && t < first.timestamp).length;
    if (quiet >= 2) out.push(`no error surfaced for ${quiet} snapshots before ${first.id}`);
  }
  const repeats = new Map<string, number>();
  for (const t of ctx.hardFailures) repeats.set(t.message, (repeats.get(t.message) ?? 0) + 1);
  for (const [message, n] of repeats) {
    if (n >= 3) out.push(`the same error repeated ${n} times (${message.slice(0, 80)}): retries did not recover`);
  }
  const warnings = input.triggers.filter((t) => t.kind === 'log_error' && t.severity === 'warning').length;
  if (warnings > 0) out.push(`${plural(warnings, 'warning')} in the window`);
  for (const trend of trends.filter((tr) => tr.role === 'output' || tr.role === 'data')) {
    out.push(
      `${trend.path} kept ${trend.direction} (${trend.sizes.map(formatBytes).join(' → ')})`,
    );
  }
  for (const t of input.triggers) {
    if (t.kind === 'empty_output') out.push(`${t.file} is empty (${t.id})`);
    if (t.kind === 'secret') out.push(`a secret was written to ${t.file} (${t.id})`);
  }
  if (first?.timestampEstimated) out.push(`the time of ${first.id} is estimated from ${first.file}'s modification time`);
  return [...new Set(out)];
}

// ---------------------------------------------------------------- triggering change

interface Suspect {
  change: FileChange;
  named: number;
  reason: string;
}

/**
 * When a path changed relative to `ref`: its latest change at or before `ref` when there is one
 * (a file edited in several snapshots is suspect for the edit just before the failure), else its
 * earliest change after. A deletion has no mtime of its own: it is dated by the latest write in
 * the step that removed it.
 */
function changeTime(c: FileChange, steps: ClassifyInput['steps'], ref: number): number | null {
  const times: number[] = c.after ? [c.after.mtimeMs] : [];
  for (const s of steps) {
    for (const x of s.changes) {
      if (x.path !== c.path) continue;
      if (x.after) times.push(x.after.mtimeMs);
      else {
        const stepTimes = s.changes.map((y) => y.after?.mtimeMs ?? 0).filter((t) => t > 0);
        if (stepTimes.length) times.push(Math.max(...stepTimes));
      }
    }
  }
  if (times.length === 0) return null;
  const before = times.filter((t) => t <= ref);
  return before.length ? Math.max(...before) : Math.min(...times);
}

interface Naming {
  named: number;
  reason: string;
}

/** The changed paths one trigger names, with how strongly: innermost frame, key or line, frame, text. */
function namesOf(t: Trigger, ctx: Context): Map<string, Naming> {
  const out = new Map<string, Naming>();
  const put = (path: string, n: Naming): void => {
    const change = ctx.changeByPath.get(path);
    if (!change) return;
    const prev = out.get(change.path);
    if (!prev || prev.named < n.named) out.set(change.path, n);
  };
  const { named, keyHits, lineHits, dataHits } = textFacts(t, ctx);
  for (const n of named) {
    if (n.via === 'innermost_frame') {
      put(n.path, { named: 100, reason: `named by the stack trace of ${t.id} (${n.path}:${n.line ?? '?'}, the innermost workspace frame)` });
    } else if (n.via === 'frame') {
      put(n.path, { named: 90, reason: `named by the stack trace of ${t.id} (${n.path}:${n.line ?? '?'})` });
    } else {
      put(n.path, { named: 85, reason: `${t.id}'s message names it` });
    }
  }
  for (const hit of keyHits) {
    put(hit.path, {
      named: 95,
      reason:
        hit.via === 'value'
          ? `${t.id} names ${hit.fragment}, the new value of \`${hit.change.key}\``
          : `${t.id} names \`${hit.fragment}\`, a key that was ${hit.change.change}`,
    });
  }
  for (const hit of lineHits) put(hit.path, { named: 95, reason: `${t.id} names ${hit.token}, on a line changed here` });
  for (const hit of dataHits) put(hit.path, { named: 88, reason: `${t.id} names '${hit.token}', on a line changed here` });
  return out;
}

function ago(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}

export function suspectTriggeringChange(input: ClassifyInput): TriggeringChange | null {
  const ctx = buildContext(input);
  return suspect(ctx);
}

/** How many later errors are read for "named by a later error": enough for any real incident, bounded for retry storms. */
const MAX_LATER_ERRORS = 200;

function suspect(ctx: Context): TriggeringChange | null {
  const { input } = ctx;
  // Logs and outputs are what a failure leaves behind; they are suspects only when nothing else changed.
  const causes = input.changes.filter((c) => input.roles(c.path) !== 'log' && input.roles(c.path) !== 'output');
  const candidates = causes.length ? causes : input.changes.filter((c) => input.roles(c.path) !== 'log');
  if (candidates.length === 0) return null;
  const first = firstFailure(input.triggers);
  const ref = first?.timestamp ?? Number.POSITIVE_INFINITY;
  const byFirst = first ? namesOf(first, ctx) : new Map<string, Naming>();
  const byLater = new Map<string, Naming>();
  for (const t of ctx.hardFailures.filter((x) => x !== first).slice(0, MAX_LATER_ERRORS)) {
    for (const [path, n] of namesOf(t, ctx)) if (!byLater.has(path)) byLater.set(path, n);
  }

  const suspects: (Suspect & { time: number | null })[] = candidates.map((change) => {
    const time = changeTime(change, input.steps, ref);
    const direct = byFirst.get(change.path);
    if (direct) return { change, time, ...direct };
    const later = byLater.get(change.path);
    if (later) return { change, time, named: 50, reason: `${later.reason} (a later error)` };
    let reason: string;
    const anchor = first ? `the first ${first.severity === 'error' ? 'error' : 'finding'} (${first.id})` : '';
    if (!first) reason = 'no failure to anchor on; ranked by how recently it changed';
    else if (time === null) reason = `deleted at an unknown time before ${first.id} was noticed`;
    else if (time <= ref) reason = `changed ${ago(ref - time)} before ${anchor}, the closest change before it`;
    else reason = `changed ${ago(time - ref)} after ${anchor}`;
    return { change, time, named: 0, reason };
  });

  // Lower is more suspicious: before the failure and close to it, then unknown times, then after.
  const timeRank = (time: number | null): [number, number] => {
    if (!first) return [0, time === null ? Number.POSITIVE_INFINITY : -time];
    if (time === null) return [1, 0];
    return time <= ref ? [0, ref - time] : [2, time - ref];
  };
  suspects.sort((a, b) => {
    if (a.named !== b.named) return b.named - a.named;
    const [ga, da] = timeRank(a.time);
    const [gb, db] = timeRank(b.time);
    if (ga !== gb) return ga - gb;
    if (da !== db) return da - db;
    const ra = ROLE_RANK[input.roles(a.change.path)];
    const rb = ROLE_RANK[input.roles(b.change.path)];
    return ra - rb || a.change.path.localeCompare(b.change.path);
  });
  const best = suspects[0];
  if (!best) return null;
  // Among unnamed changes the time decides; when the winner only won the role tie-break, say so.
  const runnerUp = suspects[1];
  let reason = best.reason;
  if (
    best.named === 0 &&
    runnerUp &&
    runnerUp.named === 0 &&
    runnerUp.time === best.time &&
    ROLE_RANK[input.roles(runnerUp.change.path)] !== ROLE_RANK[input.roles(best.change.path)]
  ) {
    reason += `; tied in time with ${runnerUp.change.path} (config is suspected before code before data)`;
  }
  const role = input.roles(best.change.path);
  const keys = input.configKeys.get(best.change.path);
  return {
    path: best.change.path,
    status: best.change.status,
    role,
    reason,
    ...(keys && keys.length > 0 ? { keys: keys.slice(0, 20).map((k) => k.key) } : {}),
  };
}

// ---------------------------------------------------------------- classification

export function classifyRootCause(input: ClassifyInput): RootCause {
  const { ctx, scored } = gather(input);
  const ranked = confidences(scored.scores);
  const top = ranked[0];
  const trends = sizeTrends(input.steps, input.roles);
  const factors = contributingFactors(ctx, trends);
  const triggeringChange = suspect(ctx);

  if (!top || top.score <= 0) {
    return {
      category: 'drift',
      confidence: 0,
      description:
        'No trigger, error or change carried evidence of a cause; ' +
        `if the workspace still misbehaves, look for slow drift. ${input.categoryText.drift.description}`,
      alternatives: [],
      evidence: [],
      contributingFactors: factors.length ? factors : ['no trigger fired and no change stood out'],
      triggeringChange,
    };
  }

  const evidence = [...scored.evidence].sort(
    (a, b) => Number(b.category === top.category) - Number(a.category === top.category) || b.weight - a.weight,
  );
  const lead = evidence.filter((e) => e.category === top.category).slice(0, 2).map((e) => e.description);
  const runnerUp = ranked[1];
  const contested =
    runnerUp && runnerUp.score > 0 && runnerUp.score >= top.score * 0.6
      ? ` ${CATEGORY_LABEL[runnerUp.category]} is also plausible (${Math.round(runnerUp.confidence * 100)}%).`
      : '';
  return {
    category: top.category,
    confidence: top.confidence,
    description: `${CATEGORY_LABEL[top.category]}: ${lead.join('; ')}.${contested}`,
    alternatives: ranked
      .slice(1)
      .filter((r) => r.score > 0)
      .map((r) => ({ category: r.category, confidence: r.confidence })),
    evidence,
    contributingFactors: factors,
    triggeringChange,
  };
}
