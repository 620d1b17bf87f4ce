import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ConfigError, type ConfigProblem, InputError } from '../errors';
import { readPythonKeys } from './aliases';
import { DEFAULT_CONFIG } from './defaults';
import { deepFreeze } from '../../model/freeze';
import { JsonSyntaxError, type ParsedJson, parseJsonText } from './jsonText';
import { applyPatch } from './merge';
import { dropRegexSettings, isRecord, PatchBuilder, readCamelKeys } from './patch';
import { CONFIG_SCHEMA } from './schema';
import type { EngineConfig, UserPathSetting } from './types';
import { unknownKeyWarnings } from './unknownKeys';
import { dropWeakeningSettings } from './weakening';
import { isInside, landingPath, outsideReason } from './workspacePath';
import { schemaProblems } from './validate';

/** The config file looked for at the workspace root. */
import { CONFIG_FILE_NAME } from '../../model/config';

export { CONFIG_FILE_NAME };
/** Config files are small; anything bigger is a mistake (or a log written to the wrong name). */
export const MAX_CONFIG_BYTES = 1_000_000;
/** How editor settings are named in messages. */
export const SETTINGS_SOURCE = 'settings';
/** How workspace-level editor settings are named in messages. */
export const WORKSPACE_SETTINGS_SOURCE = 'workspace settings';

export interface LoadConfigOptions {
  workspaceRoot: string;
  /**
   * An explicit config file (the CLI's --config); relative paths are resolved against the workspace root. Must exist.
   * One outside the workspace is the user's own: its paths may point anywhere and it is trusted.
   */
  configFile?: string;
  /** False in an untrusted workspace: the file's regex settings are not applied. Default true. */
  trustWorkspacePatterns?: boolean;
  /**
   * False when the workspace's configuration is not trusted: settings that would weaken
   * detection or replace our advice are not applied (`weakening.ts`). Defaults to `trustWorkspacePatterns`.
   */
  trustWorkspaceConfig?: boolean;
  /** The user's own editor settings, same shape as the file, applied under the workspace's settings and file. */
  overrides?: unknown;
  /** Editor settings of the workspace (`.vscode/settings.json`, the workspace file): workspace content, like the file. */
  workspaceOverrides?: unknown;
}

export interface LoadedConfig {
  config: EngineConfig;
  /** Absolute path of the file read, or null when there was none. */
  source: string | null;
  /** WORKSPACE_ROOT from a Python-tool config, absolute (resolved against the config file's folder), inside the workspace unless the file is the user's. */
  workspaceRoot?: string;
  /** Human-readable warnings, `source: key.path: message`. */
  warnings: string[];
  /** The same warnings with their key paths, for editor diagnostics. */
  warningDetails: ConfigWarning[];
  /** How many workspace settings were not applied because the workspace's configuration is not trusted. */
  untrustedSettings: number;
}

export interface ConfigWarning extends ConfigProblem {
  /** The file the warning is about, `settings` or `workspace settings`. */
  source: string;
}

export interface ParseConfigOptions {
  trustWorkspacePatterns?: boolean;
  trustWorkspaceConfig?: boolean;
  overrides?: unknown;
  workspaceOverrides?: unknown;
  /** The workspace the file's paths must stay in; default the file's folder. */
  workspaceRoot?: string;
  /** `user` for a config file of the user's own (outside the workspace); default `workspace`. */
  origin?: ConfigOrigin;
}

/** Whose a config layer is: the user's (their settings, a file they named outside the workspace) or the workspace's. */
export type ConfigOrigin = 'user' | 'workspace';

export async function loadConfig(opts: LoadConfigOptions): Promise<LoadedConfig> {
  const explicit = opts.configFile !== undefined;
  const file = path.resolve(opts.workspaceRoot, opts.configFile ?? CONFIG_FILE_NAME);
  if (explicit && path.extname(file).toLowerCase() !== '.json') {
    throw new ConfigError(file, [
      { path: '', message: `not a .json file: the config is read as JSON only (name it like ${CONFIG_FILE_NAME})` },
    ]);
  }
  let size: number;
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) throw new ConfigError(file, [{ path: '', message: 'not a regular file' }]);
    size = stat.size;
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      if (explicit) throw new InputError(`config file not found: ${file}`);
      return buildConfig(undefined, opts);
    }
    throw new ConfigError(file, [{ path: '', message: `cannot read the file: ${(err as Error).message}` }]);
  }
  // Checked before reading, so a huge file is never loaded into memory.
  if (size > MAX_CONFIG_BYTES) throw new ConfigError(file, [{ path: '', message: tooBig(size) }]);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, [{ path: '', message: `cannot read the file: ${(err as Error).message}` }]);
  }
  // A file the user named outside the workspace is theirs; the one found in it, or named inside it, is the workspace's.
  const origin: ConfigOrigin = explicit && !isInside(landingPath(opts.workspaceRoot), landingPath(file)) ? 'user' : 'workspace';
  return parseConfigText(text, file, { ...opts, origin });
}

/**
 * Validates and applies the text of a config file without touching the disk (the
 * extension runs it on every edit of the file). Throws ConfigError listing every problem.
 */
export function parseConfigText(text: string, file: string, opts: ParseConfigOptions = {}): LoadedConfig {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_CONFIG_BYTES) throw new ConfigError(file, [{ path: '', message: tooBig(bytes) }]);
  let parsed: ParsedJson;
  try {
    parsed = parseJsonText(text);
  } catch (err) {
    if (err instanceof JsonSyntaxError) throw new ConfigError(file, [{ path: '', message: err.message }]);
    throw err;
  }
  const duplicates = parsed.duplicateKeys.map((keyPath) => ({
    source: file,
    path: keyPath,
    message: 'written more than once, the last value is used',
  }));
  return buildConfig({ value: parsed.value, file, extraWarnings: duplicates }, opts);
}

function tooBig(bytes: number): string {
  return `the file is ${bytes} bytes (${(bytes / 1_000_000).toFixed(1)} MB), config files are limited to 1 MB (${MAX_CONFIG_BYTES} bytes)`;
}

interface FileInput {
  value: unknown;
  file: string;
  extraWarnings: ConfigWarning[];
}

interface Layer {
  builder: PatchBuilder;
  workspaceRoot: string | undefined;
  warnings: ConfigWarning[];
}

interface Trust {
  patterns: boolean;
  config: boolean;
}

const PATH_SETTINGS: readonly UserPathSetting[] = ['reportDir', 'learningsFile'];

/** Defaults, then the user's editor settings, then the workspace's editor settings, then the config file. */
function buildConfig(input: FileInput | undefined, opts: ParseConfigOptions): LoadedConfig {
  const patterns = opts.trustWorkspacePatterns ?? true;
  const trust: Trust = { patterns, config: opts.trustWorkspaceConfig ?? patterns };
  const root = path.resolve(opts.workspaceRoot ?? (input ? path.dirname(path.resolve(input.file)) : process.cwd()));
  const warnings: ConfigWarning[] = [];
  let config: EngineConfig = DEFAULT_CONFIG;
  let workspaceRoot: string | undefined;
  let untrustedSettings = 0;

  const apply = (value: unknown, source: string, configDir: string, origin: ConfigOrigin, extra: ConfigWarning[] = []): void => {
    const layer = readLayer(value, source, configDir);
    warnings.push(...extra, ...layer.warnings);
    const notApplied = (key: string, message: string): void => {
      // One warning per key, at the key: the editor shows it on the setting itself.
      warnings.push({ source, path: key, message });
    };
    if (origin === 'workspace') {
      untrustedSettings += restrictLayer(layer, config, trust, root, notApplied);
    }
    const userPaths = { ...config.userPaths };
    for (const key of PATH_SETTINGS) if (layer.builder.patch[key] !== undefined) userPaths[key] = origin === 'user';
    config = { ...applyPatch(config, layer.builder.patch), userPaths };
    if (layer.workspaceRoot !== undefined) workspaceRoot = layer.workspaceRoot;
  };

  if (opts.overrides !== undefined && opts.overrides !== null) apply(opts.overrides, SETTINGS_SOURCE, root, 'user');
  if (opts.workspaceOverrides !== undefined && opts.workspaceOverrides !== null) {
    apply(opts.workspaceOverrides, WORKSPACE_SETTINGS_SOURCE, root, 'workspace');
  }
  if (input) apply(input.value, input.file, path.dirname(path.resolve(input.file)), opts.origin ?? 'workspace', input.extraWarnings);
  config = { ...config, trustWorkspacePatterns: trust.patterns, trustWorkspaceConfig: trust.config };

  return {
    config: deepFreeze(config),
    source: input ? path.resolve(input.file) : null,
    ...(workspaceRoot !== undefined ? { workspaceRoot } : {}),
    warnings: warnings.map(formatWarning),
    warningDetails: warnings,
    untrustedSettings,
  };
}

/**
 * What a workspace's own layer may not decide: regexes when they may not run, weakening when
 * its configuration is not trusted, and paths outside the workspace whatever the trust.
 * Returns how many settings were not applied for lack of trust (paths are refused regardless).
 */
function restrictLayer(
  layer: Layer,
  base: EngineConfig,
  trust: Trust,
  root: string,
  notApplied: (key: string, message: string) => void,
): number {
  let counted = 0;
  const b = layer.builder;
  if (!trust.patterns) {
    for (const d of dropRegexSettings(b)) {
      notApplied(
        d.key,
        `${d.what ? `${d.what} were not applied` : 'not applied'}: the workspace is not trusted, so regular expressions from it are not evaluated (the defaults are used)`,
      );
      counted++;
    }
  }
  if (!trust.config) {
    for (const d of dropWeakeningSettings(b, base)) {
      notApplied(d.key, `${d.what ? `${d.what} were not applied` : 'not applied'}: ${d.reason ?? 'the workspace is not trusted'}`);
      counted++;
    }
  }
  for (const key of PATH_SETTINGS) {
    const value = b.patch[key];
    const reason = value === undefined ? undefined : outsideReason(root, value, key);
    if (!reason) continue;
    delete b.patch[key];
    for (const k of b.keysFor(key)) {
      notApplied(
        k,
        `not applied: ${reason}; a workspace's configuration only writes inside it (${JSON.stringify(base[key])} is used; set ${key} in your user settings or pass --out to write elsewhere)`,
      );
    }
  }
  if (layer.workspaceRoot !== undefined) {
    const reason = outsideReason(root, layer.workspaceRoot, 'WORKSPACE_ROOT');
    if (reason) {
      layer.workspaceRoot = undefined;
      notApplied(
        'WORKSPACE_ROOT',
        `not applied: ${reason}; a workspace's configuration cannot send us to another folder (pass --workspace to work there)`,
      );
    }
  }
  return counted;
}

function readLayer(value: unknown, source: string, configDir: string): Layer {
  const problems = schemaProblems(value);
  const builder = new PatchBuilder();
  let workspaceRoot: string | undefined;
  if (isRecord(value)) {
    readCamelKeys(value, builder);
    workspaceRoot = readPythonKeys(value, builder, configDir);
  }
  problems.push(...builder.problems);
  if (problems.length > 0) throw new ConfigError(source, problems);
  const warnings = unknownKeyWarnings(value, CONFIG_SCHEMA).map((w) => ({ ...w, source }));
  return { builder, workspaceRoot, warnings };
}

function formatWarning(w: ConfigWarning): string {
  const name = w.source === SETTINGS_SOURCE || w.source === WORKSPACE_SETTINGS_SOURCE ? w.source : path.basename(w.source);
  return w.path ? `${name}: ${w.path}: ${w.message}` : `${name}: ${w.message}`;
}
