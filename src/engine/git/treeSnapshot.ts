import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors';
import { looksBinary, relativeInside } from '../store/capture';
import { gitExcludeSources } from '../store/gitExcludes';
import { storeManifest } from '../store/manifest';
import { LARGE_BLOB_BYTES, type ObjectStore } from '../store/objectStore';
import { GitignoreRules, PathFilter } from '../store/pathFilter';
import type { ManifestEntry } from '../types';
import { readObjects } from './catFile';
import type { ResolvedCommit } from './revision';
import { GIT_MODE, listTree, type TreeEntry } from './treeListing';

/** A capture's sniff window plus the bytes of a character it may cut, so a file gets the same `binary` flag either way. */
const SNIFF_BYTES = 8192 + 4;

export interface GitTreeOptions {
  objects: ObjectStore;
  workspaceRoot: string;
  storeDir: string;
  include: readonly string[];
  exclude: readonly string[];
  respectGitignore: boolean;
  maxFileSizeBytes: number;
  /** Entries of snapshots in the store: their text/binary flags and link targets are reused instead of read again. */
  known: readonly ManifestEntry[];
}

export interface GitTreeCapture {
  entries: ManifestEntry[];
  manifestId: string;
  fileCount: number;
  byteCount: number;
  /** What was left out and why (submodules). */
  notes: string[];
}

/**
 * The tree of a commit as a capture of the workspace would have recorded it: the same path
 * filter, .gitignore and exclude rules, and size limit, so a diff against the next real
 * snapshot shows only real changes. Blobs the store lacks are imported (our ids are git's
 * blob ids) through one `git cat-file --batch`; the caller holds the store lock, so nothing
 * is collected before the snapshot row that references it exists.
 */
export async function captureGitTree(commit: ResolvedCommit, opts: GitTreeOptions): Promise<GitTreeCapture> {
  const root = path.resolve(opts.workspaceRoot);
  const tree = await listTree(root, commit.commit, commit.prefix);
  if (tree.some((e) => e.id.length !== 40)) {
    throw new InputError(
      `the git repository of ${root} uses SHA-256 object ids, which snapshots do not share: take a baseline with \`incident-replay snapshot --baseline\` instead`,
    );
  }
  const notes: string[] = [];
  const selected = await selectEntries(tree, root, opts, notes);

  const known = new Map<string, ManifestEntry>();
  for (const e of opts.known) known.set(e.id, e);
  const read = new Set<string>();
  for (const t of selected) {
    const k = known.get(t.id);
    const importable = t.mode === GIT_MODE.symlink || t.size <= opts.maxFileSizeBytes;
    if (!k || (t.mode === GIT_MODE.symlink && k.target === undefined) || (importable && !opts.objects.has(t.id))) read.add(t.id);
  }

  const facts = new Map<string, { binary: boolean; target: string }>();
  const pack = opts.objects.beginPack();
  try {
    await readObjects(root, [...read], { keepUpTo: opts.maxFileSizeBytes, headBytes: SNIFF_BYTES }, async (o) => {
      facts.set(o.id, { binary: looksBinary(o.content), target: o.content.toString('utf8') });
      if (!o.complete || opts.objects.has(o.id) || pack.has(o.id)) return;
      if (o.content.length >= LARGE_BLOB_BYTES) await opts.objects.put(o.content);
      else await pack.add(o.id, o.content);
    });
    const entries = selected.map((t) =>
      manifestEntry(t, root, commit.time, opts.maxFileSizeBytes, facts.get(t.id) ?? factsOf(known.get(t.id))),
    );
    const manifestId = await storeManifest(opts.objects, entries, pack, (id) => opts.objects.has(id) || pack.has(id));
    await pack.commit();
    let byteCount = 0;
    for (const e of entries) byteCount += e.size;
    return { entries, manifestId, fileCount: entries.length, byteCount, notes };
  } catch (e) {
    await pack.abort();
    throw e;
  }
}

function factsOf(k: ManifestEntry | undefined): { binary: boolean; target: string } {
  return { binary: k?.binary ?? false, target: k?.target ?? '' };
}

function manifestEntry(
  t: TreeEntry,
  root: string,
  mtimeMs: number,
  maxSize: number,
  f: { binary: boolean; target: string },
): ManifestEntry {
  const symlink = t.mode === GIT_MODE.symlink;
  const e: ManifestEntry = {
    path: t.path,
    type: symlink ? 'symlink' : 'file',
    size: t.size,
    mode: symlink ? 0o777 : fileMode(t, root),
    mtimeMs,
    id: t.id,
    binary: symlink ? false : f.binary,
    stored: symlink || t.size <= maxSize,
  };
  if (t.rawPath !== undefined) e.rawPath = t.rawPath;
  if (symlink) e.target = f.target;
  return e;
}

/**
 * git keeps only the executable bit; a capture records the file's permission bits. The file
 * on disk decides when its executable bit agrees with git, so a umask of 002 does not turn
 * every file into a mode change; otherwise the mode a checkout under umask 022 gives.
 */
function fileMode(t: TreeEntry, root: string): number {
  const executable = t.mode === GIT_MODE.executable;
  if (t.rawPath === undefined) {
    const st = fs.lstatSync(path.join(root, ...t.path.split('/')), { throwIfNoEntry: false });
    if (st?.isFile() && ((st.mode & 0o100) !== 0) === executable) return st.mode & 0o777;
  }
  return executable ? 0o755 : 0o644;
}

/** The tree entries a capture would take: include/exclude globs, the store folder, .gitignore files and git's exclude files. */
async function selectEntries(tree: readonly TreeEntry[], root: string, opts: GitTreeOptions, notes: string[]): Promise<TreeEntry[]> {
  const storeRel = await relativeInside(root, path.resolve(opts.storeDir));
  const filter = new PathFilter([...opts.include], [...opts.exclude], storeRel);
  const ignoreTexts = new Map<string, string>();
  if (opts.respectGitignore) {
    const files = tree.filter(
      (t) =>
        (t.path === '.gitignore' || t.path.endsWith('/.gitignore')) &&
        t.rawPath === undefined &&
        (t.mode === GIT_MODE.file || t.mode === GIT_MODE.executable),
    );
    const dirOf = new Map(files.map((t) => [t.id, [] as string[]]));
    for (const t of files) dirOf.get(t.id)?.push(parentOf(t.path));
    await readObjects(root, [...dirOf.keys()], { keepUpTo: Number.MAX_SAFE_INTEGER, headBytes: 0 }, (o) => {
      for (const d of dirOf.get(o.id) ?? []) ignoreTexts.set(d, o.content.toString('utf8'));
    });
  }
  let rootRules = GitignoreRules.none();
  if (opts.respectGitignore) for (const s of gitExcludeSources(root)) rootRules = rootRules.with('', () => s.text);
  const rules = new Map<string, GitignoreRules>();
  const rulesOf = (dir: string): GitignoreRules => {
    let r = rules.get(dir);
    if (r) return r;
    const base = dir === '' ? rootRules : rulesOf(parentOf(dir));
    const text = ignoreTexts.get(dir);
    r = text === undefined ? base : base.with(dir, () => text);
    rules.set(dir, r);
    return r;
  };
  const dirTaken = new Map<string, boolean>([['', true]]);
  const takesDir = (dir: string): boolean => {
    let ok = dirTaken.get(dir);
    if (ok !== undefined) return ok;
    const parent = parentOf(dir);
    ok = takesDir(parent) && filter.takesDir(dir, nameOf(dir)) && !(opts.respectGitignore && rulesOf(parent).ignores(dir, true));
    dirTaken.set(dir, ok);
    return ok;
  };

  const out: TreeEntry[] = [];
  for (const t of tree) {
    const parent = parentOf(t.path);
    if (!takesDir(parent) || !filter.takesFile(t.path, nameOf(t.path))) continue;
    if (opts.respectGitignore && rulesOf(parent).ignores(t.path, t.mode === GIT_MODE.submodule)) continue;
    if (t.mode === GIT_MODE.submodule) {
      notes.push(`${t.path}: a git submodule; its files are not part of the git snapshot`);
      continue;
    }
    out.push(t);
  }
  return out;
}

function parentOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

function nameOf(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}
