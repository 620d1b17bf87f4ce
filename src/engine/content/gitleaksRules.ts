/**
 * A team's own `.gitleaks.toml` (gitleaks v8's rule file): `[[rules]]` with `regex`,
 * `secretGroup`, `entropy`, `keywords`, `path`, and allowlists (`[rules.allowlist]` or
 * `[[rules.allowlists]]`, and the global `[allowlist]` / `[[allowlists]]`). Regexes are Go
 * (RE2) syntax; the common differences are translated, and every one runs in the regex
 * sandbox (`SafeRegex`) since a rule file is input like any other.
 *
 * Trust: a file the user vouches for is applied whole. An untrusted one (inside a workspace
 * nobody trusted) may only add detection: its allowlists, `[extend] disabledRules` and path
 * filters that would narrow a rule are ignored, and the loader says so.
 */
import { readFile, stat } from 'node:fs/promises';
import nodePath from 'node:path';
import { parse, TomlError } from 'smol-toml';
import { InputError } from '../errors';
import { compileUserRegex, type SafeRegex } from './safeRegex';
import { shannonEntropy } from './entropy';

export interface GitleaksAllowlist {
  description: string;
  /** `OR` (default): any criterion allows; `AND`: all given criteria must. */
  condition: 'OR' | 'AND';
  /** What `regexes` are matched against. */
  regexTarget: 'secret' | 'match' | 'line';
  regexes: SafeRegex[];
  stopwords: string[];
  paths: SafeRegex[];
}

export interface GitleaksRule {
  id: string;
  description: string;
  regex: SafeRegex;
  /** Capture group holding the secret; 0 = the first group that took part, or the whole match. */
  secretGroup: number;
  entropy: number | null;
  /** Lower-cased; the rule runs only on a line containing one (none = always). */
  keywords: string[];
  /** Only files whose path matches (trusted files only: it narrows a rule). */
  path: SafeRegex | null;
  allowlists: GitleaksAllowlist[];
}

export interface GitleaksRuleSet {
  source: string;
  trusted: boolean;
  rules: GitleaksRule[];
  allowlists: GitleaksAllowlist[];
  /** What of the file was not applied and why, one line each, for the analysis' notes. */
  ignored: string[];
}

export interface GitleaksLoadOptions {
  /** Whether the file comes from the user (applied whole) or from an untrusted workspace (may only add detection). */
  trusted: boolean;
}

/** Reads and compiles a gitleaks rule file; a file that cannot be used is an `InputError` naming it and what to fix. */
export async function loadGitleaksRules(file: string, opts: GitleaksLoadOptions): Promise<GitleaksRuleSet> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read gitleaks rules ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return parseGitleaksRules(text, { ...opts, source: file });
}

type Table = Record<string, unknown>;

function isTable(v: unknown): v is Table {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function strings(v: unknown, what: string, fail: (m: string) => never): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((x): x is string => typeof x === 'string')) fail(`${what} must be a list of strings`);
  return v;
}

/**
 * Go RE2 to JavaScript: a leading `(?i)`/`(?s)`/`(?m)` becomes a flag, `(?P<name>` a named
 * group, `\z` and `\A` anchors; inline case-insensitive groups `(?i:...)` (unsupported in
 * Node 20) make the whole regex case-insensitive, which only widens what it finds.
 */
export function goRegexToJs(source: string): { source: string; flags: string } {
  let src = source;
  const flags = new Set<string>();
  for (let m = /^\(\?([ims]+)\)/.exec(src); m; m = /^\(\?([ims]+)\)/.exec(src)) {
    for (const f of m[1] ?? '') flags.add(f);
    src = src.slice(m[0].length);
  }
  if (/\(\?[ims]+\)/.test(src)) {
    for (const m of src.matchAll(/\(\?([ims]+)\)/g)) for (const f of m[1] ?? '') flags.add(f);
    src = src.replace(/\(\?[ims]+\)/g, '');
  }
  if (/\(\?i:/.test(src)) {
    flags.add('i');
    src = src.replace(/\(\?i:/g, '(?:');
  }
  src = src
    .replace(/\(\?P</g, '(?<')
    .replace(/\\z/g, '$')
    .replace(/\\A/g, '^')
    .replace(/\[\[:alnum:\]\]/g, '[A-Za-z0-9]')
    .replace(/\[:alnum:\]/g, 'A-Za-z0-9')
    .replace(/\[:alpha:\]/g, 'A-Za-z')
    .replace(/\[:digit:\]/g, '0-9')
    .replace(/\[:space:\]/g, '\\s')
    .replace(/\[:xdigit:\]/g, '0-9A-Fa-f');
  return { source: src, flags: [...flags].join('') };
}

function compileGo(source: string, what: string): SafeRegex {
  const js = goRegexToJs(source);
  return compileUserRegex(js.source, js.flags, what);
}

function readAllowlist(t: Table, where: string, fail: (m: string) => never): GitleaksAllowlist {
  const condition = t['condition'] === undefined ? 'OR' : String(t['condition']).toUpperCase();
  if (condition !== 'OR' && condition !== 'AND') fail(`${where}.condition must be "OR" or "AND"`);
  const target = t['regexTarget'] === undefined ? 'secret' : String(t['regexTarget']);
  if (target !== 'secret' && target !== 'match' && target !== 'line') fail(`${where}.regexTarget must be "secret", "match" or "line"`);
  return {
    description: typeof t['description'] === 'string' ? t['description'] : '',
    condition,
    regexTarget: target,
    regexes: strings(t['regexes'], `${where}.regexes`, fail).map((r, i) => compileGo(r, `gitleaks ${where}.regexes[${i}]`)),
    stopwords: strings(t['stopwords'], `${where}.stopwords`, fail).map((w) => w.toLowerCase()),
    paths: strings(t['paths'], `${where}.paths`, fail).map((r, i) => compileGo(r, `gitleaks ${where}.paths[${i}]`)),
  };
}

/** Both spellings gitleaks accepts: one `[x.allowlist]` table or an array `[[x.allowlists]]`. */
function allowlistsOf(t: Table, where: string, fail: (m: string) => never): GitleaksAllowlist[] {
  const out: GitleaksAllowlist[] = [];
  const single = t['allowlist'];
  if (single !== undefined) {
    if (!isTable(single)) fail(`${where}allowlist must be a table`);
    out.push(readAllowlist(single, `${where}allowlist`, fail));
  }
  const many = t['allowlists'];
  if (many !== undefined) {
    if (!Array.isArray(many) || !many.every(isTable)) fail(`${where}allowlists must be an array of tables ([[${where}allowlists]])`);
    many.forEach((a, i) => out.push(readAllowlist(a, `${where}allowlists[${i}]`, fail)));
  }
  return out;
}

export function parseGitleaksRules(text: string, opts: GitleaksLoadOptions & { source: string }): GitleaksRuleSet {
  const fail = (message: string): never => {
    throw new InputError(`gitleaks rules ${opts.source}: ${message}`);
  };
  let doc: Table;
  try {
    doc = parse(text);
  } catch (err) {
    // smol-toml's message carries a code frame over several lines: keep its first, and say where.
    const first = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? 'invalid TOML';
    const at = err instanceof TomlError ? `line ${err.line}, column ${err.column}: ` : '';
    return fail(`not valid TOML (${at}${first.replace(/^Invalid TOML document: /, '')}); fix the file or remove it`);
  }
  const ignored: string[] = [];
  const untrusted = !opts.trusted;
  const rulesIn = doc['rules'] ?? [];
  if (!Array.isArray(rulesIn) || !rulesIn.every(isTable)) fail('rules must be an array of tables ([[rules]])');
  const rules: GitleaksRule[] = [];
  (rulesIn as Table[]).forEach((r, i) => {
    const id = typeof r['id'] === 'string' && r['id'].length > 0 ? r['id'] : `rule-${i + 1}`;
    const where = `rule "${id}"`;
    const regex = r['regex'];
    // A rule with only `path` finds files, not secrets: nothing for a content scan to do.
    if (regex === undefined) {
      ignored.push(`${opts.source}: ${where} has no regex; not used`);
      return;
    }
    if (typeof regex !== 'string') fail(`${where}: regex must be a string`);
    const group = r['secretGroup'] ?? 0;
    if (typeof group !== 'number' || !Number.isInteger(group) || group < 0) fail(`${where}: secretGroup must be a whole number >= 0`);
    const entropy = r['entropy'];
    if (entropy !== undefined && (typeof entropy !== 'number' || entropy < 0 || entropy > 8))
      fail(`${where}: entropy must be a number from 0 to 8`);
    const path = r['path'];
    if (path !== undefined && typeof path !== 'string') fail(`${where}: path must be a string`);
    const allowlists = allowlistsOf(r, `rules[${i}].`, fail);
    if (untrusted && allowlists.length > 0)
      ignored.push(`${opts.source}: allowlist of ${where} ignored (untrusted file: it may only add detection)`);
    if (untrusted && path !== undefined)
      ignored.push(`${opts.source}: path filter of ${where} ignored (untrusted file: the rule runs on every file)`);
    rules.push({
      id,
      description: typeof r['description'] === 'string' ? r['description'] : id,
      regex: compileGo(regex as string, `gitleaks ${where}`),
      secretGroup: group as number,
      entropy: typeof entropy === 'number' ? entropy : null,
      keywords: strings(r['keywords'], `${where}: keywords`, fail).map((k) => k.toLowerCase()),
      path: untrusted || path === undefined ? null : compileGo(path as string, `gitleaks ${where} path`),
      allowlists: untrusted ? [] : allowlists,
    });
  });
  const global = allowlistsOf(doc, '', fail);
  if (untrusted && global.length > 0) ignored.push(`${opts.source}: global allowlist ignored (untrusted file: it may only add detection)`);
  const extend = doc['extend'];
  if (isTable(extend) && extend['disabledRules'] !== undefined) {
    ignored.push(`${opts.source}: [extend] disabledRules ignored (built-in detection cannot be switched off from a rule file)`);
  }
  return { source: opts.source, trusted: opts.trusted, rules, allowlists: untrusted ? [] : global, ignored };
}

export interface GitleaksHit {
  rule: GitleaksRule;
  /** Offsets in the line. */
  start: number;
  secret: string;
}

/** The secret of a match: `secretGroup`, else the first group that took part, else the whole match. */
function secretOf(
  rule: GitleaksRule,
  text: string,
  index: number,
  groups: (string | undefined)[],
  spans: ([number, number] | undefined)[],
): { start: number; secret: string } {
  const g = rule.secretGroup > 0 ? rule.secretGroup - 1 : groups.findIndex((x) => x !== undefined && x.length > 0);
  const span = g >= 0 ? spans[g] : undefined;
  const value = g >= 0 ? groups[g] : undefined;
  return span && value !== undefined ? { start: span[0], secret: value } : { start: index, secret: text };
}

function allowedBy(list: GitleaksAllowlist, secret: string, match: string, line: string, file: string): boolean {
  const target = list.regexTarget === 'line' ? line : list.regexTarget === 'match' ? match : secret;
  const checks: boolean[] = [];
  if (list.regexes.length > 0) checks.push(list.regexes.some((r) => r.test(target)));
  if (list.stopwords.length > 0) checks.push(list.stopwords.some((w) => secret.toLowerCase().includes(w)));
  if (list.paths.length > 0) checks.push(list.paths.some((r) => r.test(file)));
  if (checks.length === 0) return false;
  return list.condition === 'AND' ? checks.every(Boolean) : checks.some(Boolean);
}

/** Whether a finding (of any detector) is allowed by the rule set's global allowlists; always false for an untrusted set. */
export function isAllowedGlobally(set: GitleaksRuleSet, secret: string, line: string, file: string): boolean {
  return set.allowlists.some((a) => allowedBy(a, secret, secret, line, file));
}

/**
 * Matches of one rule on lines of one file. `matchAll` runs in the sandbox with the given
 * timeout; a timeout propagates (`RegexTimeoutError`) for the caller to report and disable the rule.
 */
export function gitleaksRuleHits(set: GitleaksRuleSet, rule: GitleaksRule, file: string, line: string, timeoutMs: number): GitleaksHit[] {
  if (rule.path && !rule.path.test(file)) return [];
  if (rule.keywords.length > 0) {
    const lower = line.toLowerCase();
    if (!rule.keywords.some((k) => lower.includes(k))) return [];
  }
  const hits: GitleaksHit[] = [];
  for (const m of rule.regex.matchAll(line, timeoutMs, 100)) {
    const { start, secret } = secretOf(rule, m.text, m.index, m.groups, m.groupSpans);
    if (secret.length === 0) continue;
    if (rule.entropy !== null && shannonEntropy(secret) < rule.entropy) continue;
    if (rule.allowlists.some((a) => allowedBy(a, secret, m.text, line, file))) continue;
    if (isAllowedGlobally(set, secret, line, file)) continue;
    hits.push({ rule, start, secret });
  }
  return hits;
}

/** One set from several files (the user's and the workspace's): each rule keeps its own allowlists; untrusted sets bring none. */
export function mergeRuleSets(sets: readonly GitleaksRuleSet[]): GitleaksRuleSet {
  return {
    source: sets.map((s) => s.source).join(', '),
    trusted: sets.every((s) => s.trusted),
    rules: sets.flatMap((s) => s.rules),
    allowlists: sets.flatMap((s) => s.allowlists),
    ignored: sets.flatMap((s) => s.ignored),
  };
}

export interface GitleaksSource {
  file: string;
  trusted: boolean;
}

export interface WorkspaceTrust {
  /** Regexes from the workspace may run (false in VS Code's Restricted Mode). */
  patterns: boolean;
  /** The workspace's configuration may weaken detection (allowlists). */
  config: boolean;
}

/**
 * Where gitleaks rules come from, the way gitleaks itself looks: the file named by the user's
 * `GITLEAKS_CONFIG` environment variable (trusted: the user set it), then the workspace's own
 * `.gitleaks.toml` (trusted only as far as the workspace's configuration is, and not read at
 * all where no workspace regex may run). `notes` says what was left out.
 */
export async function gitleaksSources(
  workspaceRoot: string,
  env: Readonly<Record<string, string | undefined>>,
  trust: WorkspaceTrust,
): Promise<{ sources: GitleaksSource[]; notes: string[] }> {
  const sources: GitleaksSource[] = [];
  const notes: string[] = [];
  const fromEnv = env['GITLEAKS_CONFIG'];
  if (fromEnv) sources.push({ file: nodePath.resolve(fromEnv), trusted: true });
  const own = nodePath.join(workspaceRoot, '.gitleaks.toml');
  const isFile = await stat(own).then(
    (s) => s.isFile(),
    () => false,
  );
  if (isFile && !sources.some((s) => s.file === own)) {
    if (trust.patterns) sources.push({ file: own, trusted: trust.config });
    else notes.push(`${own}: not read (untrusted workspace: its regular expressions are not run)`);
  }
  return { sources, notes };
}

/**
 * Every source loaded and merged. A trusted file that cannot be used stops the analysis with
 * its error (the user asked for it); an untrusted one is left out with a note, so a broken
 * file in a cloned repository cannot stop detection.
 */
export async function loadGitleaksSources(sources: readonly GitleaksSource[]): Promise<{ set: GitleaksRuleSet | null; notes: string[] }> {
  const sets: GitleaksRuleSet[] = [];
  const notes: string[] = [];
  for (const s of sources) {
    try {
      sets.push(await loadGitleaksRules(s.file, { trusted: s.trusted }));
    } catch (err) {
      if (s.trusted || !(err instanceof InputError)) throw err;
      notes.push(`${err.message} (untrusted file left out)`);
    }
  }
  const set = sets.length > 0 ? mergeRuleSets(sets) : null;
  return { set, notes: [...notes, ...(set?.ignored ?? [])] };
}
