import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ConfigError, type ConfigProblem, InputError } from '../errors';
import { readPythonKeys } from './aliases';
import { DEFAULT_CONFIG } from './defaults';
import { deepFreeze } from './freeze';
import { JsonSyntaxError, type ParsedJson, parseJsonText } from './jsonText';
import { applyPatch } from './merge';
import { dropRegexSettings, isRecord, PatchBuilder, readCamelKeys } from './patch';
import { CONFIG_SCHEMA } from './schema';
import type { EngineConfig } from './types';
import { unknownKeyWarnings } from './unknownKeys';
import { schemaProblems } from './validate';

/** The config file looked for at the workspace root. */
export const CONFIG_FILE_NAME = 'incident-replay.json';
/** Config files are small; anything bigger is a mistake (or a log written to the wrong name). */
export const MAX_CONFIG_BYTES = 1_000_000;
/** How editor settings are named in messages. */
export const SETTINGS_SOURCE = 'settings';

export interface LoadConfigOptions {
  workspaceRoot: string;
  /** An explicit config file (the CLI's --config); relative paths are resolved against the workspace root. Must exist. */
  configFile?: string;
  /** False in an untrusted workspace: the file's regex settings are not applied. Default true. */
  trustWorkspacePatterns?: boolean;
  /** Settings from VS Code, same shape as the file, applied under the workspace file. */
  overrides?: unknown;
}

export interface LoadedConfig {
  config: EngineConfig;
  /** Absolute path of the file read, or null when there was none. */
  source: string | null;
  /** WORKSPACE_ROOT from a Python-tool config, absolute (resolved against the config file's folder). */
  workspaceRoot?: string;
  /** Human-readable warnings, `source: key.path: message`. */
  warnings: string[];
  /** The same warnings with their key paths, for editor diagnostics. */
  warningDetails: ConfigWarning[];
}

export interface ConfigWarning extends ConfigProblem {
  /** The file the warning is about, or `settings`. */
  source: string;
}

export interface ParseConfigOptions {
  trustWorkspacePatterns?: boolean;
  overrides?: unknown;
}

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
  return parseConfigText(text, file, opts);
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

/** Defaults, then editor settings, then the workspace file. */
function buildConfig(input: FileInput | undefined, opts: ParseConfigOptions & { workspaceRoot?: string }): LoadedConfig {
  const trust = opts.trustWorkspacePatterns ?? true;
  const warnings: ConfigWarning[] = [];
  let config: EngineConfig = DEFAULT_CONFIG;
  let workspaceRoot: string | undefined;

  if (opts.overrides !== undefined && opts.overrides !== null) {
    const settingsDir = opts.workspaceRoot ?? (input ? path.dirname(path.resolve(input.file)) : process.cwd());
    const settings = readLayer(opts.overrides, SETTINGS_SOURCE, settingsDir);
    warnings.push(...settings.warnings);
    config = applyPatch(config, settings.builder.patch);
    workspaceRoot = settings.workspaceRoot;
  }
  if (input) {
    const layer = readLayer(input.value, input.file, path.dirname(path.resolve(input.file)));
    warnings.push(...input.extraWarnings, ...layer.warnings);
    if (!trust) {
      // One warning per key, at the key: the editor shows it on the setting itself.
      for (const d of dropRegexSettings(layer.builder)) {
        warnings.push({
          source: input.file,
          path: d.key,
          message: `${d.what ? `${d.what} were not applied` : 'not applied'}: the workspace is not trusted, so regular expressions from it are not evaluated (the defaults are used)`,
        });
      }
    }
    config = applyPatch(config, layer.builder.patch);
    workspaceRoot = layer.workspaceRoot ?? workspaceRoot;
  }
  config = { ...config, trustWorkspacePatterns: trust };

  return {
    config: deepFreeze(config),
    source: input ? path.resolve(input.file) : null,
    ...(workspaceRoot !== undefined ? { workspaceRoot } : {}),
    warnings: warnings.map(formatWarning),
    warningDetails: warnings,
  };
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
  const name = w.source === SETTINGS_SOURCE ? SETTINGS_SOURCE : path.basename(w.source);
  return w.path ? `${name}: ${w.path}: ${w.message}` : `${name}: ${w.message}`;
}
