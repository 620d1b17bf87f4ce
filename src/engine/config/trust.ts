import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../db/atomicFile';
import { InputError } from '../errors';
import { isInside, landingPath } from './workspacePath';

/**
 * Whether a workspace's own configuration may decide things only the user should: weaken
 * detection, replace our advice. VS Code answers with Workspace Trust; the CLI has no such
 * prompt, so the user trusts a config file explicitly, per run (`--trust-config`) or once
 * (`incident-replay trust`, recorded in a user-level allow list). An entry names the
 * workspace's real path, the file and the SHA-256 of its bytes: an edited file (by a `git
 * pull`, or by the agent under investigation) is untrusted again until the user says otherwise.
 */

export interface TrustEntry {
  /** Real path of the workspace folder. */
  workspace: string;
  /** The file, relative to the workspace, with `/` separators. */
  file: string;
  sha256: string;
  /** ISO time the user trusted it. */
  trustedAt: string;
}

interface AllowListFile {
  version: 1;
  entries: TrustEntry[];
}

/** How a run decides: the `--trust-config` flag, and where the user's allow list lives (null: none). */
export interface TrustContext {
  flag: boolean;
  allowListFile: string | null;
}

export interface TrustDecision {
  trusted: boolean;
  /** Why, in words for a warning line: "it changed since you trusted it on 2026-12-07". */
  why: string;
}

/** `$XDG_CONFIG_HOME/incident-replay/trusted.json` (`~/.config/...` without it; `%APPDATA%` on Windows). */
export function allowListPath(env: NodeJS.ProcessEnv, home: string, platform: NodeJS.Platform = process.platform): string {
  const base = env.XDG_CONFIG_HOME || (platform === 'win32' && env.APPDATA ? env.APPDATA : path.join(home, '.config'));
  return path.join(base, 'incident-replay', 'trusted.json');
}

/**
 * Whether the workspace file `file` is trusted to weaken detection. A file outside the
 * workspace is the user's own (they named it) and is trusted; so is everything with the flag.
 * This is the one decision for every workspace rule file (incident-replay.json, a `.gitleaks.toml`).
 */
export async function configTrust(opts: { workspaceRoot: string; file: string; context: TrustContext }): Promise<TrustDecision> {
  const root = landingPath(opts.workspaceRoot);
  const real = landingPath(path.resolve(opts.workspaceRoot, opts.file));
  if (!isInside(root, real)) return { trusted: true, why: 'it is outside the workspace, so it is your own' };
  if (opts.context.flag) return { trusted: true, why: 'you passed --trust-config' };
  const rel = relativeName(root, real);
  if (opts.context.allowListFile === null) return { trusted: false, why: `${rel} is not trusted` };
  const entries = await readAllowList(opts.context.allowListFile);
  const entry = entries.find((e) => e.workspace === root && e.file === rel);
  if (!entry) return { trusted: false, why: `${rel} is not trusted` };
  const sha256 = await fileDigest(real).catch(() => null);
  if (sha256 === entry.sha256) return { trusted: true, why: `you trusted ${rel} on ${entry.trustedAt.slice(0, 10)}` };
  return { trusted: false, why: `${rel} changed since you trusted it on ${entry.trustedAt.slice(0, 10)}` };
}

/** Records `file` (inside the workspace) as trusted as it is now; returns the entry written. */
export async function trustFile(opts: { workspaceRoot: string; file: string; allowListFile: string; now?: number }): Promise<TrustEntry> {
  const root = landingPath(opts.workspaceRoot);
  const real = landingPath(path.resolve(opts.workspaceRoot, opts.file));
  if (!isInside(root, real)) throw new InputError(`${opts.file} is outside the workspace ${root}: it is your own file and needs no trust`);
  let sha256: string;
  try {
    sha256 = await fileDigest(real);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new InputError(`${real} does not exist: there is nothing to trust (name a config file with --config)`);
    throw err;
  }
  const entry: TrustEntry = {
    workspace: root,
    file: relativeName(root, real),
    sha256,
    trustedAt: new Date(opts.now ?? Date.now()).toISOString(),
  };
  const entries = (await readAllowList(opts.allowListFile)).filter((e) => !(e.workspace === entry.workspace && e.file === entry.file));
  await writeAllowList(opts.allowListFile, [...entries, entry]);
  return entry;
}

/** Forgets every trusted file of the workspace; returns how many entries went. */
export async function revokeTrust(opts: { workspaceRoot: string; allowListFile: string }): Promise<number> {
  const root = landingPath(opts.workspaceRoot);
  const entries = await readAllowList(opts.allowListFile);
  const kept = entries.filter((e) => e.workspace !== root);
  if (kept.length !== entries.length) await writeAllowList(opts.allowListFile, kept);
  return entries.length - kept.length;
}

/** The allow list's entries; none when the file does not exist. A damaged list is an error that names it. */
export async function readAllowList(file: string): Promise<TrustEntry[]> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new InputError(`cannot read the trust list ${file}: ${(err as Error).message}`);
  }
  const broken = (why: string): InputError =>
    new InputError(`the trust list ${file} is damaged (${why}): fix it or delete it and run \`incident-replay trust\` again`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw broken((err as Error).message);
  }
  const list = value as Partial<AllowListFile> | null;
  if (list === null || typeof list !== 'object' || list.version !== 1 || !Array.isArray(list.entries)) {
    throw broken('expected {"version": 1, "entries": [...]}');
  }
  return list.entries.map((e, i) => {
    const ok =
      e !== null &&
      typeof e === 'object' &&
      typeof e.workspace === 'string' &&
      typeof e.file === 'string' &&
      typeof e.sha256 === 'string' &&
      typeof e.trustedAt === 'string';
    if (!ok) throw broken(`entry ${i} needs workspace, file, sha256 and trustedAt strings`);
    return { workspace: e.workspace, file: e.file, sha256: e.sha256, trustedAt: e.trustedAt };
  });
}

async function writeAllowList(file: string, entries: TrustEntry[]): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const body: AllowListFile = { version: 1, entries };
  writeFileAtomic(file, Buffer.from(JSON.stringify(body, null, 2) + '\n', 'utf8'));
}

async function fileDigest(file: string): Promise<string> {
  return createHash('sha256')
    .update(await fs.readFile(file))
    .digest('hex');
}

function relativeName(root: string, real: string): string {
  return path.relative(root, real).split(path.sep).join('/');
}
