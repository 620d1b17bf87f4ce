import type { RootCauseCategory, Severity } from '../types';

/** A user log pattern: any line matching `pattern` becomes a `log_error` trigger. */
export interface LogPatternRule {
  pattern: string;
  severity: Severity;
  message?: string;
}

/** A constraint: a regex that must not match in changed files (matches become `constraint` triggers). */
export interface ConstraintRule {
  pattern: string;
  message: string;
  /** Globs the constraint applies to; all text files when empty. */
  files: string[];
  severity: Severity;
}

/** An extra secret pattern on top of secretlint's recommended preset. */
export interface SecretPatternRule {
  name: string;
  pattern: string;
}

/** A trigger the user chose to ignore (the extension's "Ignore this pattern" quick fix writes these). */
export interface IgnoreRule {
  kind?: string;
  /** Glob of files. */
  file?: string;
  /** Regex matched against the trigger message. */
  message?: string;
}

export interface TriggerOptions {
  logPatterns: LogPatternRule[];
  /** Deletions matching these globs are expected and do not fire. */
  deletionAllow: string[];
  configGlobs: string[];
  outputGlobs: string[];
  /** A file that grew by this factor or more fires `size_growth`. */
  sizeGrowthFactor: number;
  /** ... but only once it is at least this big, so a 10-byte file growing to 200 bytes stays quiet. */
  sizeGrowthMinBytes: number;
  secretPatterns: SecretPatternRule[];
  /** Whether secretlint's recommended preset runs (extra patterns run either way). */
  secretlint: boolean;
  constraints: ConstraintRule[];
  ignore: IgnoreRule[];
  /** Lines longer than this are cut before user patterns run. */
  maxLineLength: number;
  /** Time budget for content scanning; after it, what was skipped is reported. */
  scanTimeBudgetMs: number;
}

export interface RootCauseCategoryText {
  description: string;
  remediation: string[];
}

/** Configured paths that may point outside the workspace when, and only when, the user set them. */
export type UserPathSetting = 'reportDir' | 'learningsFile';

/** The engine's whole configuration, already validated and filled with defaults. Immutable by convention. */
export interface EngineConfig {
  include: string[];
  exclude: string[];
  respectGitignore: boolean;
  maxFileSizeBytes: number;
  keepSnapshots: number;
  triggers: TriggerOptions;
  rootCauseCategories: Record<RootCauseCategory, RootCauseCategoryText>;
  /** Regex sources; a line matching one is a decision-chain step. */
  decisionMarkers: string[];
  /** Globs of agent log and memory files read for the decision chain. */
  logFiles: string[];
  reportDir: string;
  learningsFile: string;
  /**
   * False in an untrusted workspace: regexes from workspace config (log patterns,
   * constraints, secret patterns, decision markers, ignore messages) are not evaluated.
   */
  trustWorkspacePatterns: boolean;
  /**
   * False when the workspace's own configuration is not trusted: it could not weaken
   * detection or replace our advice (see `weakening.ts`). Loaders of other workspace rule
   * files (a `.gitleaks.toml`) follow the same decision.
   */
  trustWorkspaceConfig: boolean;
  /** Which of the output paths the user set (flag, user settings, a config file outside the workspace); the others stay inside it. */
  userPaths: Readonly<Record<UserPathSetting, boolean>>;
}
