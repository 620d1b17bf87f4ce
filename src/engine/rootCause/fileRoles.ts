import { Minimatch } from 'minimatch';
import type { FileRole } from '../types';

/** The parts of the engine config that say what a workspace file is for. */
export interface RoleConfig {
  configGlobs: readonly string[];
  outputGlobs: readonly string[];
  logFiles: readonly string[];
}

const CODE_EXTENSIONS = new Set([
  'py',
  'pyi',
  'ipynb',
  'js',
  'jsx',
  'mjs',
  'cjs',
  'ts',
  'tsx',
  'mts',
  'cts',
  'java',
  'kt',
  'kts',
  'scala',
  'groovy',
  'go',
  'rs',
  'c',
  'h',
  'cc',
  'cpp',
  'cxx',
  'hpp',
  'hh',
  'cs',
  'fs',
  'vb',
  'rb',
  'php',
  'swift',
  'm',
  'mm',
  'r',
  'jl',
  'lua',
  'pl',
  'pm',
  'sh',
  'bash',
  'zsh',
  'fish',
  'ps1',
  'sql',
  'dart',
  'ex',
  'exs',
  'erl',
  'hs',
  'ml',
  'clj',
  'vue',
  'svelte',
  'zig',
  'nim',
  'tf',
]);

/** Structured-text formats that are configuration unless they sit in a data folder. */
const CONFIG_EXTENSIONS = new Set(['json', 'jsonc', 'json5', 'yaml', 'yml', 'toml', 'ini', 'cfg', 'conf', 'properties', 'env']);

const DATA_EXTENSIONS = new Set([
  'csv',
  'tsv',
  'jsonl',
  'ndjson',
  'parquet',
  'sqlite',
  'sqlite3',
  'db',
  'xml',
  'arrow',
  'feather',
  'avro',
  'orc',
  'xlsx',
  'xls',
  'npy',
  'npz',
  'h5',
  'hdf5',
  'pkl',
  'pickle',
  'dat',
]);

const DOC_EXTENSIONS = new Set(['md', 'markdown', 'rst', 'adoc']);

/** Folder names whose non-code content is data, at any depth (`tests/fixtures/`, `src/data/`). */
const DATA_DIRS = new Set(['data', 'datasets', 'dataset', 'fixtures', 'input', 'inputs']);

/** Manifests and deployment files that configure a build or a run, whatever their extension. */
const CONFIG_NAMES = [
  /^dockerfile(\..*)?$/i,
  /^(docker-)?compose(\.[\w-]+)*\.ya?ml$/i,
  /^\.env(\..*)?$/i,
  /^(package|composer|tsconfig(\.[\w-]+)?|jsconfig|deno)\.json$/i,
  /^(pyproject|cargo|poetry)\.toml$/i,
  /^(requirements([-.\w]*)?\.txt|constraints\.txt|pipfile|gemfile|go\.mod|go\.sum|makefile|procfile)$/i,
  /^(setup\.cfg|tox\.ini|pytest\.ini|\.npmrc|\.nvmrc|\.python-version|\.tool-versions|\.editorconfig)$/i,
  /^(pom\.xml|build\.gradle(\.kts)?|settings\.gradle(\.kts)?|gradle\.properties)$/i,
  // Tool configs written as code (`vite.config.ts`, `.eslintrc.js`) configure, they do not run the job.
  /^[\w.-]+\.config\.(js|cjs|mjs|ts|cts|mts)$/i,
  /^\.[\w-]+rc(\.(js|cjs|json|ya?ml))?$/i,
];

/** Folders coding agents keep their sessions in (Claude Code, Codex CLI, Gemini CLI, aider, Cursor...). */
const AGENT_DIRS = new Set(['.claude', '.codex', '.gemini', '.aider', '.cursor', '.continue', '.openhands']);

/**
 * An agent's own record of a session: a transcript is where the decision chain is read from,
 * never something the failing program reads, whatever its extension (`.jsonl` would be data).
 */
export function isAgentTranscriptPath(path: string): boolean {
  const segments = path.split('/');
  const base = (segments[segments.length - 1] ?? path).toLowerCase();
  return isAgentTranscript(
    path,
    base,
    segments.slice(0, -1).map((d) => d.toLowerCase()),
  );
}

function isAgentTranscript(p: string, base: string, dirs: readonly string[]): boolean {
  if (/^\.aider\.(chat|input)\.history(\.md)?$/.test(base)) return true;
  if (/^rollout-.*\.jsonl$/.test(base)) return true;
  if (!/\.(jsonl|json|log)$/.test(base)) return false;
  return dirs.some((d) => AGENT_DIRS.has(d)) && !/(^|\/)(settings|config|mcp)(\.local)?\.json$/.test(p);
}

const compiled = new Map<string, Minimatch>();

function matches(path: string, globs: readonly string[]): boolean {
  for (const glob of globs) {
    let m = compiled.get(glob);
    if (!m) {
      // Same semantics as the trigger detectors: a glob without a slash matches at any depth.
      m = new Minimatch(glob, { dot: true, matchBase: !glob.includes('/') });
      compiled.set(glob, m);
    }
    if (m.match(path)) return true;
  }
  return false;
}

function hasMagic(glob: string): boolean {
  return /[*?[\]{}!]/.test(glob);
}

/**
 * What a workspace file is for. Precedence, first match wins:
 * 1. the user's `logFiles`, then `outputGlobs`: declared roles beat guesses (a `.json` the job
 *    writes is an output, not config);
 * 2. `*.log`, `*.log.N`, anything but source under a `logs/` folder, agent transcripts
 *    (`.claude/`, `.codex/`, `.aider.chat.history.md`, `rollout-*.jsonl`): log;
 * 3. an exact (non-glob) path in `configGlobs`: the user named that file as config;
 * 4. well-known manifests (Dockerfile, compose, `.env*`, package.json, pyproject.toml...): config;
 * 5. source extensions: code, wherever they live (a script under `data/` still runs);
 * 6. anything else under a data folder (`data/`, `datasets/`, `fixtures/`, `input/`, at any depth):
 *    data, so `data/users.json` is data even when a `**\/*.json` config glob matches it;
 * 7. wildcard `configGlobs`, then config extensions (json, yaml, toml, ini, env...): config;
 * 8. data extensions (csv, jsonl, parquet, sqlite, xml...): data;
 * 9. markdown / rst anywhere, README-like files, and `.txt` under `docs/`: doc;
 * 10. other.
 */
/** A workspace path as the role rules read it: forward slashes, no leading `./`. */
function rolePath(path: string): string {
  return path.replace(/\\/g, '/').replace(/^\.\//, '');
}

/** The user named this very file (not a glob) in `configGlobs`: config, whatever it holds. */
function namedAsConfig(p: string, cfg: RoleConfig): boolean {
  return cfg.configGlobs.some((g) => !hasMagic(g) && g.replace(/^\.\//, '') === p);
}

export function fileRole(path: string, cfg: RoleConfig): FileRole {
  const p = rolePath(path);
  const segments = p.split('/');
  const base = (segments[segments.length - 1] ?? p).toLowerCase();
  const dirs = segments.slice(0, -1).map((s) => s.toLowerCase());
  const dot = base.lastIndexOf('.');
  const ext = dot > 0 ? base.slice(dot + 1) : '';

  if (matches(p, cfg.logFiles)) return 'log';
  if (matches(p, cfg.outputGlobs)) return 'output';
  if (ext === 'log' || /\.log\.\d+$/.test(base)) return 'log';
  if ((dirs.includes('logs') || dirs.includes('log')) && !CODE_EXTENSIONS.has(ext)) return 'log';
  if (isAgentTranscript(p, base, dirs)) return 'log';
  if (namedAsConfig(p, cfg)) return 'config';
  if (CONFIG_NAMES.some((re) => re.test(base))) return 'config';
  if (CODE_EXTENSIONS.has(ext)) return 'code';
  if (dirs.some((d) => DATA_DIRS.has(d))) return 'data';
  if (matches(p, cfg.configGlobs) || CONFIG_EXTENSIONS.has(ext)) return 'config';
  if (DATA_EXTENSIONS.has(ext)) return 'data';
  if (DOC_EXTENSIONS.has(ext)) return 'doc';
  if (/^(readme|changelog|license|contributing|authors|notice)(\..*)?$/.test(base)) return 'doc';
  if ((ext === 'txt' || ext === 'html') && (dirs.includes('docs') || dirs.includes('doc'))) return 'doc';
  return 'other';
}

/**
 * Whether a `.json` file that its path alone makes config holds records instead: its top level is
 * an array (`[{"id": 1, ...}, ...]`), which no configuration format uses, while its path says
 * nothing (`items.json`, `state/queue.json` match the default `**\/*.json` config glob). A file
 * the user named as config (an exact path in `configGlobs`) stays config whatever it holds.
 */
export function holdsJsonRecords(path: string, text: string, cfg: RoleConfig): boolean {
  const p = rolePath(path);
  if (!/\.json$/i.test(p) || namedAsConfig(p, cfg)) return false;
  return /^\uFEFF?\s*\[/.test(text);
}

/** A `roles` function bound to one config, as `ClassifyInput` wants it. */
export function roleResolver(cfg: RoleConfig): (path: string) => FileRole {
  const cache = new Map<string, FileRole>();
  return (path) => {
    let role = cache.get(path);
    if (role === undefined) {
      role = fileRole(path, cfg);
      cache.set(path, role);
    }
    return role;
  };
}
