/**
 * The ignore rules git applies besides .gitignore files: the repository's `.git/info/exclude`
 * and the user's global excludes file (`core.excludesFile`, by default
 * `$XDG_CONFIG_HOME/git/ignore` or `~/.config/git/ignore`). Both hold patterns relative to the
 * repository root, which is taken to be the workspace root. Missing or unreadable files are
 * simply absent, as they are to git.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface ExcludeSource {
  /** Where the rules came from, for messages. */
  file: string;
  text: string;
}

/** The sources in git's order of precedence, lowest first: the global file, then info/exclude. */
export function gitExcludeSources(root: string, env: NodeJS.ProcessEnv = process.env): ExcludeSource[] {
  const out: ExcludeSource[] = [];
  const global = globalExcludesFile(env);
  const globalText = global ? readText(global) : null;
  if (global && globalText !== null) out.push({ file: global, text: globalText });
  const gitDir = path.join(root, '.git');
  if (isDirectory(gitDir)) {
    const info = path.join(gitDir, 'info', 'exclude');
    const infoText = readText(info);
    if (infoText !== null) out.push({ file: info, text: infoText });
  }
  return out;
}

/** `core.excludesFile` from the user's git config, else git's default location. */
function globalExcludesFile(env: NodeJS.ProcessEnv): string | null {
  const home = env.HOME || os.homedir();
  const xdg = env.XDG_CONFIG_HOME || (home ? path.join(home, '.config') : '');
  for (const config of [xdg && path.join(xdg, 'git', 'config'), home && path.join(home, '.gitconfig')]) {
    const text = config ? readText(config) : null;
    const set = text === null ? null : coreExcludesFile(text);
    if (set) return set.startsWith('~/') && home ? path.join(home, set.slice(2)) : set;
  }
  return xdg ? path.join(xdg, 'git', 'ignore') : null;
}

/** The `excludesFile` value of the `[core]` section of a git config text (the last one wins, as in git). */
export function coreExcludesFile(config: string): string | null {
  let section = '';
  let found: string | null = null;
  for (const raw of config.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)[#;].*$/, '').trim();
    const header = /^\[\s*([^\]\s"]+)(?:\s+"[^"]*")?\s*\]$/.exec(line);
    if (header) {
      section = (header[1] ?? '').toLowerCase();
      continue;
    }
    const kv = /^excludesfile\s*=\s*(.*)$/i.exec(line);
    if (section === 'core' && kv) found = (kv[1] ?? '').replace(/^"(.*)"$/, '$1').trim() || null;
  }
  return found;
}

function readText(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
