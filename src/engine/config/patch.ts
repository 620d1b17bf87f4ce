import type { ConfigProblem } from '../errors';
import { ROOT_CAUSE_CATEGORIES, type RootCauseCategory, type Severity } from '../types';
import { childPath } from './keyPath';
import { regexProblem } from './regex';
import type { ConstraintRule, IgnoreRule, LogPatternRule, RootCauseCategoryText, SecretPatternRule, TriggerOptions } from './types';

/**
 * One config source (the workspace file, or editor settings) reduced to the settings it
 * actually sets, in EngineConfig's shape, whichever key names it used. Layers are later
 * applied over the defaults in order.
 */
export interface ConfigPatch {
  include?: string[];
  exclude?: string[];
  respectGitignore?: boolean;
  maxFileSizeBytes?: number;
  keepSnapshots?: number;
  triggers: Partial<TriggerOptions>;
  rootCauseCategories: Partial<Record<RootCauseCategory, Partial<RootCauseCategoryText>>>;
  decisionMarkers?: string[];
  logFiles?: string[];
  reportDir?: string;
  learningsFile?: string;
}

interface Claim {
  key: string;
  alias: boolean;
}

/**
 * Collects a patch while checking that no setting is given twice (our name and the Python
 * tool's name for it, or two Python keys that land in the same place) and that every
 * regex compiles. Values are read defensively: the schema has already reported wrong
 * types, and skipping them here lets regex problems be reported in the same pass.
 */
export class PatchBuilder {
  readonly patch: ConfigPatch = { triggers: {}, rootCauseCategories: {} };
  readonly problems: ConfigProblem[] = [];
  private readonly claims = new Map<string, Claim[]>();

  /**
   * Records that `key` (as written in the file) sets `target`. False, with a problem naming
   * both keys, when another key already set it; `combinable` lets several Python keys add
   * to the same list (`content_patterns` and `constraints`).
   */
  claim(target: string, key: string, alias: boolean, combinable = false): boolean {
    const earlier = this.claims.get(target) ?? [];
    const clash = earlier.find((c) => c.alias !== alias || !combinable);
    if (clash) {
      const [pythonKey, ourKey] = clash.alias ? [clash.key, key] : [key, clash.key];
      this.problems.push({
        path: key,
        message:
          clash.alias !== alias
            ? `"${pythonKey}" (the Python tool's name) and "${ourKey}" are the same setting, keep one of them`
            : `"${clash.key}" and "${key}" both set ${target}, keep one of them`,
      });
      return false;
    }
    earlier.push({ key, alias });
    this.claims.set(target, earlier);
    return true;
  }

  /** The keys, as written, that set `target`. */
  keysFor(target: string): string[] {
    return (this.claims.get(target) ?? []).map((c) => c.key);
  }

  /** True when `source` is a regex that compiles; otherwise records a problem at `path`. */
  regex(source: unknown, path: string): source is string {
    if (typeof source !== 'string' || source === '') return false;
    const problem = regexProblem(source);
    if (problem) this.problems.push({ path, message: problem });
    return !problem;
  }

  /** Appends to a list-valued trigger setting (several Python keys may feed one list). */
  appendTrigger<K extends 'logPatterns' | 'constraints' | 'secretPatterns'>(target: K, items: TriggerOptions[K]): void {
    const current = this.patch.triggers[target] ?? [];
    this.patch.triggers[target] = [...current, ...items] as TriggerOptions[K];
  }
}

// ------------------------------------------------------------------ value readers

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string' && v !== '') ? [...(value as string[])] : undefined;
}

export function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function integerAtLeast(value: unknown, minimum: number): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= minimum ? value : undefined;
}

export function numberAbove(value: unknown, bound: number): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > bound ? value : undefined;
}

function severityOf(value: unknown): Severity | undefined {
  return value === 'error' || value === 'warning' || value === 'info' ? value : undefined;
}

const TRIGGER_KINDS = new Set(['log_error', 'deletion', 'config_change', 'empty_output', 'size_growth', 'secret', 'constraint']);

// ------------------------------------------------------------------ rules (shared by both spellings)

export function readLogPattern(b: PatchBuilder, item: unknown, path: string): LogPatternRule | undefined {
  if (typeof item === 'string') return b.regex(item, path) ? { pattern: item, severity: 'error' } : undefined;
  if (!isRecord(item) || !b.regex(item.pattern, childPath(path, 'pattern'))) return undefined;
  const message = nonEmptyString(item.message);
  return { pattern: item.pattern, severity: severityOf(item.severity) ?? 'error', ...(message ? { message } : {}) };
}

export function readConstraint(b: PatchBuilder, item: unknown, path: string, defaultMessage?: string): ConstraintRule | undefined {
  if (typeof item === 'string') {
    return b.regex(item, path) ? { pattern: item, message: defaultMessage ?? forbidden(item), files: [], severity: 'error' } : undefined;
  }
  if (!isRecord(item) || !b.regex(item.pattern, childPath(path, 'pattern'))) return undefined;
  return {
    pattern: item.pattern,
    message: nonEmptyString(item.message) ?? defaultMessage ?? forbidden(item.pattern),
    files: stringList(item.files) ?? [],
    severity: severityOf(item.severity) ?? 'error',
  };
}

function forbidden(pattern: string): string {
  return `content matches the forbidden pattern /${pattern}/`;
}

export function readSecretPattern(b: PatchBuilder, item: unknown, path: string, defaultName: string): SecretPatternRule | undefined {
  if (typeof item === 'string') return b.regex(item, path) ? { name: defaultName, pattern: item } : undefined;
  if (!isRecord(item) || !b.regex(item.pattern, childPath(path, 'pattern'))) return undefined;
  return { name: nonEmptyString(item.name) ?? defaultName, pattern: item.pattern };
}

function readIgnore(b: PatchBuilder, item: unknown, path: string): IgnoreRule | undefined {
  if (!isRecord(item)) return undefined;
  const rule: IgnoreRule = {};
  if (typeof item.kind === 'string' && TRIGGER_KINDS.has(item.kind)) rule.kind = item.kind;
  const file = nonEmptyString(item.file);
  if (file) rule.file = file;
  if (item.message !== undefined) {
    if (!b.regex(item.message, childPath(path, 'message'))) return undefined;
    rule.message = item.message;
  }
  return Object.keys(rule).length > 0 ? rule : undefined;
}

/** Reads every item of a list with `read`; undefined when the value is not a list. */
export function readItems<T>(
  value: unknown,
  path: string,
  read: (item: unknown, at: string, index: number) => T | undefined,
): T[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: T[] = [];
  value.forEach((item, i) => {
    const rule = read(item, childPath(path, i), i);
    if (rule !== undefined) out.push(rule);
  });
  return out;
}

// ------------------------------------------------------------------ our own (camelCase) keys

export function readCamelKeys(raw: Record<string, unknown>, b: PatchBuilder): void {
  const p = b.patch;
  const set = <T>(key: string, value: T | undefined, assign: (v: T) => void): void => {
    if (value !== undefined && b.claim(key, key, false)) assign(value);
  };
  set('include', stringList(raw.include), (v) => (p.include = v));
  set('exclude', stringList(raw.exclude), (v) => (p.exclude = v));
  set('respectGitignore', typeof raw.respectGitignore === 'boolean' ? raw.respectGitignore : undefined, (v) => (p.respectGitignore = v));
  set('maxFileSizeBytes', integerAtLeast(raw.maxFileSizeBytes, 1), (v) => (p.maxFileSizeBytes = v));
  set('keepSnapshots', integerAtLeast(raw.keepSnapshots, 1), (v) => (p.keepSnapshots = v));
  set('logFiles', stringList(raw.logFiles), (v) => (p.logFiles = v));
  set('reportDir', nonEmptyString(raw.reportDir), (v) => (p.reportDir = v));
  set('learningsFile', nonEmptyString(raw.learningsFile), (v) => (p.learningsFile = v));
  set(
    'decisionMarkers',
    readItems(raw.decisionMarkers, 'decisionMarkers', (item, at) => (b.regex(item, at) ? item : undefined)),
    (v) => (p.decisionMarkers = v),
  );

  if (isRecord(raw.triggers)) readCamelTriggers(raw.triggers, b);
  if (isRecord(raw.rootCauseCategories)) {
    for (const category of ROOT_CAUSE_CATEGORIES) {
      const text = raw.rootCauseCategories[category];
      if (!isRecord(text)) continue;
      const at = childPath('rootCauseCategories', category);
      setCategoryText(b, category, 'description', nonEmptyString(text.description), childPath(at, 'description'), false);
      setCategoryText(b, category, 'remediation', stringList(text.remediation), childPath(at, 'remediation'), false);
    }
  }
}

function readCamelTriggers(t: Record<string, unknown>, b: PatchBuilder): void {
  const tp = b.patch.triggers;
  const key = (name: string): string => childPath('triggers', name);
  const set = <T>(name: string, value: T | undefined, assign: (v: T) => void): void => {
    if (value !== undefined && b.claim(key(name), key(name), false)) assign(value);
  };
  set(
    'logPatterns',
    readItems(t.logPatterns, key('logPatterns'), (item, at) => readLogPattern(b, item, at)),
    (v) => b.appendTrigger('logPatterns', v),
  );
  set(
    'constraints',
    readItems(t.constraints, key('constraints'), (item, at) => readConstraint(b, item, at)),
    (v) => b.appendTrigger('constraints', v),
  );
  set(
    'secretPatterns',
    readItems(t.secretPatterns, key('secretPatterns'), (item, at, i) => readSecretPattern(b, item, at, `custom-${i + 1}`)),
    (v) => b.appendTrigger('secretPatterns', v),
  );
  set(
    'ignore',
    readItems(t.ignore, key('ignore'), (item, at) => readIgnore(b, item, at)),
    (v) => (tp.ignore = v),
  );
  set('deletionAllow', stringList(t.deletionAllow), (v) => (tp.deletionAllow = v));
  set('configGlobs', stringList(t.configGlobs), (v) => (tp.configGlobs = v));
  set('outputGlobs', stringList(t.outputGlobs), (v) => (tp.outputGlobs = v));
  set('sizeGrowthFactor', numberAbove(t.sizeGrowthFactor, 1), (v) => (tp.sizeGrowthFactor = v));
  set('sizeGrowthMinBytes', integerAtLeast(t.sizeGrowthMinBytes, 0), (v) => (tp.sizeGrowthMinBytes = v));
  set('secretlint', typeof t.secretlint === 'boolean' ? t.secretlint : undefined, (v) => (tp.secretlint = v));
  set('maxLineLength', integerAtLeast(t.maxLineLength, 1), (v) => (tp.maxLineLength = v));
  set('scanTimeBudgetMs', integerAtLeast(t.scanTimeBudgetMs, 1), (v) => (tp.scanTimeBudgetMs = v));
}

export function setCategoryText<F extends keyof RootCauseCategoryText>(
  b: PatchBuilder,
  category: RootCauseCategory,
  field: F,
  value: RootCauseCategoryText[F] | undefined,
  key: string,
  alias: boolean,
): void {
  if (value === undefined || !b.claim(`rootCauseCategories.${category}.${field}`, key, alias)) return;
  const entry = (b.patch.rootCauseCategories[category] ??= {});
  entry[field] = value;
}

// ------------------------------------------------------------------ untrusted workspaces

/** Setting targets whose values are regexes evaluated against workspace content. */
const REGEX_TARGETS = ['triggers.logPatterns', 'triggers.constraints', 'triggers.secretPatterns', 'decisionMarkers'] as const;

/** A setting, by its key as written, that was not applied; `what` narrows it when only part of it was. */
export interface DroppedSetting {
  key: string;
  what?: string;
  /** Why it was not applied, when not because its regexes may not run. */
  reason?: string;
}

/**
 * Removes every regex-bearing setting from a patch (for an untrusted workspace) and
 * returns the keys, as written, that were not applied. Ignore rules without a message
 * regex are kept; a rule with one is dropped whole, since dropping only its regex would
 * widen what it hides.
 */
export function dropRegexSettings(b: PatchBuilder): DroppedSetting[] {
  const dropped: DroppedSetting[] = [];
  for (const target of REGEX_TARGETS) for (const key of b.keysFor(target)) dropped.push({ key });
  delete b.patch.triggers.logPatterns;
  delete b.patch.triggers.constraints;
  delete b.patch.triggers.secretPatterns;
  delete b.patch.decisionMarkers;
  const ignore = b.patch.triggers.ignore;
  if (ignore?.some((rule) => rule.message !== undefined)) {
    b.patch.triggers.ignore = ignore.filter((rule) => rule.message === undefined);
    for (const key of b.keysFor('triggers.ignore')) dropped.push({ key, what: 'its rules with a message regex' });
  }
  return dropped;
}
