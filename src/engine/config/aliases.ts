import os from 'node:os';
import path from 'node:path';
import { ROOT_CAUSE_CATEGORIES } from '../types';
import { childPath } from './keyPath';
import {
  integerAtLeast,
  isRecord,
  nonEmptyString,
  numberAbove,
  type PatchBuilder,
  readConstraint,
  readItems,
  readLogPattern,
  readSecretPattern,
  setCategoryText,
  stringList,
} from './patch';
import type { ConstraintRule, SecretPatternRule } from './types';

/**
 * The Python Incident Replay tool's config keys (upper-case module constants, snake_case
 * trigger options), mapped onto ours so its users can bring their config file along.
 */

/** Reads the Python tool's keys into the patch; returns WORKSPACE_ROOT resolved against `configDir`. */
export function readPythonKeys(raw: Record<string, unknown>, b: PatchBuilder, configDir: string): string | undefined {
  const p = b.patch;
  const set = <T>(target: string, key: string, value: T | undefined, assign: (v: T) => void): void => {
    if (value !== undefined && b.claim(target, key, true)) assign(value);
  };
  set('include', 'INCLUDE_PATTERNS', stringList(raw.INCLUDE_PATTERNS), (v) => (p.include = v));
  set('exclude', 'EXCLUDE_PATTERNS', stringList(raw.EXCLUDE_PATTERNS), (v) => (p.exclude = v));
  set('keepSnapshots', 'MAX_SNAPSHOTS', integerAtLeast(raw.MAX_SNAPSHOTS, 1), (v) => (p.keepSnapshots = v));
  set('logFiles', 'LOG_FILES', stringList(raw.LOG_FILES), (v) => (p.logFiles = v));
  set(
    'decisionMarkers',
    'DECISION_MARKERS',
    readItems(raw.DECISION_MARKERS, 'DECISION_MARKERS', (item, at) => (b.regex(item, at) ? item : undefined)),
    (v) => (p.decisionMarkers = v),
  );
  if (isRecord(raw.TRIGGERS)) readPythonTriggers(raw.TRIGGERS, 'TRIGGERS', b);
  if (isRecord(raw.ROOT_CAUSE_CATEGORIES)) readPythonCategories(raw.ROOT_CAUSE_CATEGORIES, b);

  const root = nonEmptyString(raw.WORKSPACE_ROOT);
  return root === undefined ? undefined : path.resolve(configDir, expandHome(root));
}

/** Python configs often write `~/project`; the shell is not there to expand it. */
function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? path.join(os.homedir(), p.slice(1)) : p;
}

function readPythonTriggers(t: Record<string, unknown>, prefix: string, b: PatchBuilder): void {
  const tp = b.patch.triggers;
  const key = (name: string): string => childPath(prefix, name);
  const set = <T>(target: string, name: string, value: T | undefined, assign: (v: T) => void): void => {
    if (value !== undefined && b.claim(`triggers.${target}`, key(name), true)) assign(value);
  };
  const append = <K extends 'logPatterns' | 'constraints' | 'secretPatterns'>(
    target: K,
    name: string,
    items: (typeof tp)[K] | undefined,
  ): void => {
    if (items !== undefined && b.claim(`triggers.${target}`, key(name), true, true)) b.appendTrigger(target, items);
  };

  append(
    'logPatterns',
    'log_patterns',
    readItems(t.log_patterns, key('log_patterns'), (item, at) => readLogPattern(b, item, at)),
  );
  append('constraints', 'content_patterns', readConstraints(b, t.content_patterns, key('content_patterns')));
  append('constraints', 'constraints', readConstraints(b, t.constraints, key('constraints')));
  append('secretPatterns', 'secret_patterns', readSecretPatterns(b, t.secret_patterns, key('secret_patterns')));

  // `file_changes: false` switches off both file-change triggers; an object sets them one by one.
  if (t.file_changes === false) {
    set('deletionAllow', 'file_changes', ['**'], (v) => (tp.deletionAllow = v));
    set('configGlobs', 'file_changes', [], (v) => (tp.configGlobs = v));
  } else if (isRecord(t.file_changes)) {
    readFileChangeSwitches(t.file_changes, key('file_changes'), b);
  }
  readFileChangeSwitches(t, prefix, b);

  const outputs = (name: string): void => {
    const v = t[name];
    // true keeps the default output globs; false means "no output is watched".
    set('outputGlobs', name, v === false ? [] : stringList(v), (g) => (tp.outputGlobs = g));
  };
  outputs('empty_output');
  outputs('empty_outputs');
  outputs('output_files');

  set('sizeGrowthFactor', 'size_growth_factor', numberAbove(t.size_growth_factor, 1), (v) => (tp.sizeGrowthFactor = v));
  set('sizeGrowthMinBytes', 'size_growth_min_bytes', integerAtLeast(t.size_growth_min_bytes, 0), (v) => (tp.sizeGrowthMinBytes = v));
}

/** `unexpected_deletions`, `config_files` and `config_modifications`, at the top of TRIGGERS or inside `file_changes`. */
function readFileChangeSwitches(t: Record<string, unknown>, prefix: string, b: PatchBuilder): void {
  const tp = b.patch.triggers;
  const key = (name: string): string => childPath(prefix, name);
  const set = <T>(target: string, name: string, value: T | undefined, assign: (v: T) => void): void => {
    if (value !== undefined && b.claim(`triggers.${target}`, key(name), true)) assign(value);
  };
  const deletions = t.unexpected_deletions;
  // "Unexpected deletions: off" is the same as "every deletion is expected".
  const allow = deletions === false ? ['**'] : isRecord(deletions) ? stringList(deletions.allow) : undefined;
  set('deletionAllow', 'unexpected_deletions', allow, (v) => (tp.deletionAllow = v));
  set('configGlobs', 'config_files', stringList(t.config_files), (v) => (tp.configGlobs = v));
  const modifications = t.config_modifications;
  set('configGlobs', 'config_modifications', modifications === false ? [] : stringList(modifications), (v) => (tp.configGlobs = v));
}

function readConstraints(b: PatchBuilder, value: unknown, at: string): ConstraintRule[] | undefined {
  if (isRecord(value)) {
    // {"name": "regex"}: the name says what the pattern guards against.
    const rules: ConstraintRule[] = [];
    for (const [name, pattern] of Object.entries(value)) {
      const rule = readConstraint(b, pattern, childPath(at, name), name);
      if (rule) rules.push(rule);
    }
    return rules;
  }
  return readItems(value, at, (item, itemAt) => readConstraint(b, item, itemAt));
}

function readSecretPatterns(b: PatchBuilder, value: unknown, at: string): SecretPatternRule[] | undefined {
  if (isRecord(value)) {
    const rules: SecretPatternRule[] = [];
    for (const [name, pattern] of Object.entries(value)) {
      const rule = readSecretPattern(b, pattern, childPath(at, name), name);
      if (rule) rules.push(rule);
    }
    return rules;
  }
  return readItems(value, at, (item, itemAt, i) => readSecretPattern(b, item, itemAt, `custom-${i + 1}`));
}

function readPythonCategories(categories: Record<string, unknown>, b: PatchBuilder): void {
  for (const category of ROOT_CAUSE_CATEGORIES) {
    const text = categories[category];
    if (!isRecord(text)) continue;
    const at = childPath('ROOT_CAUSE_CATEGORIES', category);
    setCategoryText(b, category, 'description', nonEmptyString(text.description), childPath(at, 'description'), true);
    setCategoryText(b, category, 'remediation', remediationSteps(text.remediation), childPath(at, 'remediation'), true);
  }
}

/** The Python tool allows remediation as one string; each non-empty line is a step, list markers removed. */
function remediationSteps(value: unknown): string[] | undefined {
  if (typeof value !== 'string') return stringList(value);
  const steps = value
    .split(/\r?\n/)
    .map((line) => line.replace(/^\s*(?:[-*\u2022]|\d{1,3}[.)])\s+/, '').trim())
    .filter((line) => line !== '');
  return steps.length > 0 ? steps : undefined;
}
