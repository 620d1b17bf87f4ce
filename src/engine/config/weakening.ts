import { ROOT_CAUSE_CATEGORIES } from '../types';
import type { DroppedSetting, PatchBuilder } from './patch';
import type { EngineConfig, IgnoreRule } from './types';

/**
 * What an untrusted workspace's configuration may not do: weaken detection, or replace the
 * text we print as advice. Each value is judged against the config beneath it (defaults, then
 * the user's settings), so a workspace can tighten what the user chose but never loosen it:
 *
 * - lists of what we look at (include, configGlobs, outputGlobs, logFiles) may only grow;
 * - lists of what we skip (exclude, deletionAllow) may only shrink;
 * - limits (maxFileSizeBytes, maxLineLength, scanTimeBudgetMs, keepSnapshots) may only rise,
 *   thresholds (sizeGrowthFactor, sizeGrowthMinBytes) only fall;
 * - secretlint and respectGitignore may not be switched to the weaker side;
 * - ignore rules that could hide a secret or a deletion (kind `secret`, `deletion`, or no kind) are dropped;
 * - decision markers (they replace the built-in list) and root-cause texts (our advice) are not applied.
 */

type Judge = (value: unknown, base: EngineConfig) => string | undefined;

const asList = (v: unknown): readonly string[] => (Array.isArray(v) ? (v as string[]) : []);
const asNumber = (v: unknown): number => (typeof v === 'number' ? v : Number.NaN);

/** A list of what we look at: the workspace may add entries, not remove any. */
const grows =
  (read: (c: EngineConfig) => readonly string[], effect: string): Judge =>
  (v, base) =>
    containsAll(asList(v), read(base)) ? undefined : effect;
/** A list of what we skip: the workspace may remove entries, not add any. */
const shrinks =
  (read: (c: EngineConfig) => readonly string[], effect: string): Judge =>
  (v, base) =>
    containsAll(read(base), asList(v)) ? undefined : effect;
const atLeast =
  (read: (c: EngineConfig) => number, effect: string): Judge =>
  (v, base) =>
    asNumber(v) >= read(base) ? undefined : effect;
const atMost =
  (read: (c: EngineConfig) => number, effect: string): Judge =>
  (v, base) =>
    asNumber(v) <= read(base) ? undefined : effect;

const TOP: Readonly<Record<string, Judge>> = {
  include: grows((c) => c.include, 'it would snapshot and scan fewer files'),
  exclude: shrinks((c) => c.exclude, 'it would hide files from snapshots and detection'),
  respectGitignore: (v, base) =>
    v === true && !base.respectGitignore ? 'it would hide git-ignored files from snapshots and detection' : undefined,
  maxFileSizeBytes: atLeast((c) => c.maxFileSizeBytes, 'a lower size limit would leave more files unscanned'),
  keepSnapshots: atLeast((c) => c.keepSnapshots, 'it would prune more snapshots, deleting evidence'),
  logFiles: grows((c) => c.logFiles, 'it would read fewer agent logs for the decision chain'),
  decisionMarkers: () => "decision markers replace the built-in ones, which could hide the agent's decisions",
};

const TRIGGERS: Readonly<Record<string, Judge>> = {
  deletionAllow: shrinks((c) => c.triggers.deletionAllow, 'it would let deletions pass unflagged'),
  configGlobs: grows((c) => c.triggers.configGlobs, 'it would watch fewer configuration files'),
  outputGlobs: grows((c) => c.triggers.outputGlobs, 'it would watch fewer outputs'),
  sizeGrowthFactor: atMost((c) => c.triggers.sizeGrowthFactor, 'a higher factor would flag less growth'),
  sizeGrowthMinBytes: atMost((c) => c.triggers.sizeGrowthMinBytes, 'a higher minimum would flag less growth'),
  secretlint: (v, base) => (v === false && base.triggers.secretlint ? "false would switch off secretlint's secret detection" : undefined),
  maxLineLength: atLeast((c) => c.triggers.maxLineLength, 'shorter lines would cut patterns off before they match'),
  scanTimeBudgetMs: atLeast((c) => c.triggers.scanTimeBudgetMs, 'a smaller budget would skip content scanning sooner'),
};

/** Ignore rules that could hide a secret or a deletion: those are what a hostile repository would want silenced. */
export function hidesSecretsOrDeletions(rule: IgnoreRule): boolean {
  return rule.kind === undefined || rule.kind === 'secret' || rule.kind === 'deletion';
}

const NOT_TRUSTED = "the workspace's configuration is not trusted";

/**
 * Removes from `b` every setting that would weaken detection or replace our advice, judged
 * against `base`; returns the keys, as written, with why each was not applied.
 */
export function dropWeakeningSettings(b: PatchBuilder, base: EngineConfig): DroppedSetting[] {
  const dropped: DroppedSetting[] = [];
  const refuse = (target: string, why: string, what?: string): void => {
    for (const key of b.keysFor(target)) dropped.push({ key, reason: `${why}, and ${NOT_TRUSTED}`, ...(what ? { what } : {}) });
  };
  const patch = b.patch as unknown as Record<string, unknown>;
  for (const [name, judge] of Object.entries(TOP)) {
    const value = patch[name];
    if (value === undefined) continue;
    const why = judge(value, base);
    if (why) {
      refuse(name, why);
      delete patch[name];
    }
  }
  const triggers = b.patch.triggers as Record<string, unknown>;
  for (const [name, judge] of Object.entries(TRIGGERS)) {
    const value = triggers[name];
    if (value === undefined) continue;
    const why = judge(value, base);
    if (why) {
      refuse(`triggers.${name}`, why);
      delete triggers[name];
    }
  }
  const ignore = b.patch.triggers.ignore;
  if (ignore?.some(hidesSecretsOrDeletions)) {
    b.patch.triggers.ignore = ignore.filter((rule) => !hidesSecretsOrDeletions(rule));
    refuse('triggers.ignore', 'they could hide secrets or deletions', 'its rules without a kind or of kind secret or deletion');
  }
  for (const category of ROOT_CAUSE_CATEGORIES) {
    const text = b.patch.rootCauseCategories[category];
    if (!text) continue;
    for (const field of ['description', 'remediation'] as const) {
      if (text[field] === undefined) continue;
      refuse(`rootCauseCategories.${category}.${field}`, 'it would replace the advice Incident Replay prints');
      delete text[field];
    }
    if (Object.keys(text).length === 0) delete b.patch.rootCauseCategories[category];
  }
  return dropped;
}

function containsAll(list: readonly string[], required: readonly string[]): boolean {
  return required.every((g) => list.includes(g));
}
