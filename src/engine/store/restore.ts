import { isUtf8 } from 'node:buffer';
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors';
import type { SnapshotStore } from '../snapshotStore';
import type { EntryType, ManifestEntry, SnapshotRecord } from '../types';
import { captureWorkspace } from './capture';
import { ConfinedRoot, inFolder, NotAFolderError, replaceWithFile, replaceWithSymlink } from './confinedDirs';
import * as fsc from './fsCalls';
import { damaged } from './damage';
import { InvalidManifestError } from './manifestValidation';

/*
 * Restore puts a snapshot back into the workspace, and must never write, delete or chmod
 * anything outside it, whatever the workspace or the store holds (both may come from a cloned
 * repository). Three defences:
 * - manifests are validated when decoded (manifestValidation.ts): a snapshot with an unsafe
 *   path, a duplicate or a mode beyond rwxrwxrwx is refused as a whole before anything happens;
 * - every folder is reached without following symlinks (confinedDirs.ts), checked again at
 *   the moment of each write; a symlink (or file) standing where the snapshot has a folder is
 *   replaced by a real folder only when the safety snapshot recorded it, and refused otherwise;
 * - content comes from ObjectStore.get, which checks every blob against its id, symlink
 *   targets included (their text is data, written as the link, never followed).
 * The safety snapshot and every step run under one store lock, so no prune can collect the
 * target's objects halfway through.
 */

/** One thing a restore does, in the order it does them. */
export type RestoreStep =
  /** A symlink or file of the workspace stands where the snapshot has a folder: it is removed and a folder made. */
  | { op: 'replace'; path: string; found: EntryType; entry: ManifestEntry }
  /** A file or symlink the snapshot lacks. */
  | { op: 'remove'; path: string; entry: ManifestEntry }
  /** A file or symlink put back as the snapshot has it. */
  | { op: 'write'; path: string; entry: ManifestEntry };

export interface RestoreRefusal {
  path: string;
  reason: string;
}

export interface RestorePlan {
  target: SnapshotRecord;
  /** What the restore does, in order; `write` and `remove` below are the same steps by kind. */
  steps: RestoreStep[];
  write: ManifestEntry[];
  remove: string[];
  /** Paths the restore leaves alone, and why (content not kept, a symlink it may not replace). */
  skipped: RestoreRefusal[];
  /** What "now" the plan compares with. */
  comparedWith: 'latest snapshot' | 'workspace';
}

export interface RestoreResult {
  safety: SnapshotRecord;
  written: string[];
  removed: string[];
  /** Symlinks or files that stood where a folder belongs, replaced by the folder. */
  replaced: string[];
  skipped: RestoreRefusal[];
}

export interface PlanRestoreOptions {
  /**
   * `latest` (default) compares with the latest snapshot: cheap, for pickers and dialogs.
   * `workspace` reads the workspace as the safety snapshot will (without recording a snapshot),
   * so the plan is the one the real run carries out: the CLI's dry run.
   */
  against?: 'latest' | 'workspace';
}

export interface RestoreOptions {
  /**
   * Told of each step just before it is carried out (progress). Tests use it to change the
   * workspace at that exact moment, as an agent running alongside could.
   */
  onStep?: (step: RestoreStep) => void | Promise<void>;
}

/** What a restore would do, without touching the workspace. `subpath` limits it to a file or folder. */
export async function planRestore(
  store: SnapshotStore,
  ref: string,
  subpath?: string,
  opts: PlanRestoreOptions = {},
): Promise<RestorePlan> {
  const target = await store.resolve(ref);
  const wanted = await targetManifest(store, target);
  const scope = scopeOf(store, target, wanted, subpath);
  if (opts.against === 'workspace') {
    return store.withStoreLock(async () => {
      const now = await captureNow(store);
      return planSteps(store.workspaceRoot, target, wanted, now, scope, 'workspace');
    });
  }
  return planSteps(store.workspaceRoot, target, wanted, await latestManifest(store), scope, 'latest snapshot');
}

/** Restores a whole snapshot or one file/folder of it. Always takes a safety snapshot first. */
export async function restoreSnapshot(
  store: SnapshotStore,
  ref: string,
  subpath?: string,
  opts: RestoreOptions = {},
): Promise<RestoreResult> {
  // Resolved and validated before the safety snapshot, which would otherwise become `latest`;
  // outside the lock, since resolving a git revision imports it under the lock itself.
  const target = await store.resolve(ref);
  const wanted = await targetManifest(store, target);
  const scope = scopeOf(store, target, wanted, subpath);
  return store.withStoreLock(async () => {
    if (!(await store.list()).some((s) => s.id === target.id)) {
      throw new InputError(
        `snapshot ${target.id} was deleted while the restore started (a prune ran): nothing was restored; pick another snapshot`,
      );
    }
    const { snapshot: safety } = await store.snapshotLocked({ label: 'safety-before-restore' });
    const current = await store.manifest(safety);
    const plan = planSteps(store.workspaceRoot, target, wanted, current, scope, 'workspace');
    const done = await carryOut(store, target, plan.steps, opts);
    return { safety, ...done, skipped: [...plan.skipped, ...done.skipped] };
  });
}

async function targetManifest(store: SnapshotStore, target: SnapshotRecord): Promise<readonly ManifestEntry[]> {
  try {
    return await store.manifest(target);
  } catch (e) {
    if (!(e instanceof InvalidManifestError)) throw e;
    throw new InputError(
      `snapshot ${target.id} cannot be restored, ${e.message}; nothing was written. This tool never writes such a manifest: the store ${store.dir} was crafted or damaged, do not restore from it`,
    );
  }
}

interface Scope {
  prefix: string | null;
  has(p: string): boolean;
}

function scopeOf(store: SnapshotStore, target: SnapshotRecord, wanted: readonly ManifestEntry[], subpath: string | undefined): Scope {
  const prefix = subpath ? normalizeSubpath(store.workspaceRoot, subpath) : null;
  const has = (p: string): boolean => prefix === null || p === prefix || p.startsWith(prefix + '/');
  if (prefix !== null && !wanted.some((e) => has(e.path))) {
    throw new InputError(
      `${subpath} is not in snapshot ${target.id}: give a workspace-relative path that the snapshot has (see \`incident-replay diff ${target.id} latest\`)`,
    );
  }
  return { prefix, has };
}

/** The workspace as the safety snapshot would record it, without recording one. Needs the store lock. */
async function captureNow(store: SnapshotStore): Promise<readonly ManifestEntry[]> {
  const { config } = store;
  const r = await captureWorkspace(store.objects, {
    workspaceRoot: store.workspaceRoot,
    storeDir: store.dir,
    include: config.include,
    exclude: config.exclude,
    respectGitignore: config.respectGitignore,
    maxFileSizeBytes: config.maxFileSizeBytes,
  });
  return r.entries;
}

/** Bytes of a manifest path, segment by segment: raw bytes for names that are not UTF-8. */
function segmentsOf(e: Pick<ManifestEntry, 'path' | 'rawPath'>): Buffer[] {
  const bytes = e.rawPath !== undefined ? Buffer.from(e.rawPath, 'base64') : Buffer.from(e.path, 'utf8');
  const out: Buffer[] = [];
  let from = 0;
  for (let at = bytes.indexOf(0x2f); at !== -1; at = bytes.indexOf(0x2f, from)) {
    out.push(bytes.subarray(from, at));
    from = at + 1;
  }
  out.push(bytes.subarray(from));
  return out;
}

const SLASH = Buffer.from('/');

function keyOf(e: Pick<ManifestEntry, 'path' | 'rawPath'>): string {
  return e.rawPath ?? e.path;
}

/**
 * The one plan function: the dry run prints what it returns, the real run carries it out.
 * Parent folders are looked at on disk (lstat from the root, never following), so a symlink
 * or file where the snapshot has a folder shows up in the plan, as a replacement when `now`
 * recorded it (the safety snapshot keeps it) and as a refusal when it did not.
 */
function planSteps(
  root: string,
  target: SnapshotRecord,
  wanted: readonly ManifestEntry[],
  now: readonly ManifestEntry[],
  scope: Scope,
  comparedWith: RestorePlan['comparedWith'],
): RestorePlan {
  const nowByKey = new Map(now.map((e) => [keyOf(e), e]));
  const wantedKeys = new Set(wanted.map(keyOf));
  const skipped: RestoreRefusal[] = [];
  const writes: ManifestEntry[] = [];
  for (const e of wanted) {
    if (!scope.has(e.path)) continue;
    const cur = nowByKey.get(keyOf(e));
    if (cur && cur.id === e.id && cur.mode === e.mode && cur.type === e.type) continue;
    if (e.type === 'file' && !e.stored) skipped.push({ path: e.path, reason: 'over the size limit when captured: content not kept' });
    else writes.push(e);
  }

  // Folders the writes need, each judged once; a non-folder found there is replaced or refused.
  const replace = new Map<string, RestoreStep & { op: 'replace' }>();
  const blocked = new Map<string, string>();
  const folders = new Set<string>();
  const rootBytes = Buffer.from(root);
  const writeSteps: RestoreStep[] = [];
  for (const e of writes) {
    const segs = segmentsOf(e);
    const why = folderProblem(rootBytes, segs.slice(0, -1), e, nowByKey, { replace, blocked, folders });
    if (why !== null) skipped.push({ path: e.path, reason: why });
    else writeSteps.push({ op: 'write', path: e.path, entry: e });
  }
  // Files present now but not in the target go away; the safety snapshot keeps them.
  const removeSteps: RestoreStep[] = now
    .filter((e) => scope.has(e.path) && !wantedKeys.has(keyOf(e)) && !replace.has(keyOf(e)))
    .map((e) => ({ op: 'remove', path: e.path, entry: e }));
  const steps = [...replace.values(), ...removeSteps, ...writeSteps];
  return {
    target,
    steps,
    write: writeSteps.map((s) => s.entry),
    remove: removeSteps.map((s) => s.path),
    skipped,
    comparedWith,
  };
}

/** Why the folders above `e` cannot be had, or null when they are folders, missing, or replaceable. */
function folderProblem(
  root: Buffer,
  parents: readonly Buffer[],
  e: ManifestEntry,
  nowByKey: ReadonlyMap<string, ManifestEntry>,
  seen: { replace: Map<string, RestoreStep & { op: 'replace' }>; blocked: Map<string, string>; folders: Set<string> },
): string | null {
  const { replace, blocked, folders } = seen;
  let p = root;
  for (let i = 0; i < parents.length; i++) {
    const seg = parents[i] as Buffer;
    p = Buffer.concat([p, SLASH, seg]);
    const rel = prefixOf(e, parents, i + 1);
    const known = blocked.get(rel.key);
    if (known !== undefined) return known;
    if (replace.has(rel.key)) return null; // a fresh, empty folder from here down
    if (folders.has(rel.key)) continue;
    const st = lstatQuiet(p);
    if (!st) return null; // missing from here down: made as real folders
    if (st.isDirectory()) {
      folders.add(rel.key);
      continue;
    }
    const recorded = nowByKey.get(rel.key);
    const found = st.isSymbolicLink() ? 'symlink' : st.isFile() ? 'file' : null;
    if (recorded && found !== null && recorded.type === (found === 'symlink' ? 'symlink' : 'file')) {
      replace.set(rel.key, { op: 'replace', path: recorded.path, found, entry: recorded });
      return null;
    }
    const what = found === 'symlink' ? 'a symlink' : found === 'file' ? 'a file' : 'not a folder';
    const why = `${rel.path} is ${what} where the snapshot has a folder, and the safety snapshot does not record it (left out by include/exclude or .gitignore): not followed, not replaced; move it away and restore again`;
    blocked.set(rel.key, why);
    return why;
  }
  return null;
}

/** The first `n` segments of `e`'s path, shown and as the key a manifest entry there would have. */
function prefixOf(e: ManifestEntry, segs: readonly Buffer[], n: number): { path: string; key: string } {
  const shown = e.path.split('/').slice(0, n).join('/');
  if (e.rawPath === undefined) return { path: shown, key: shown };
  const bytes = Buffer.concat(segs.slice(0, n).flatMap((s, i) => (i === 0 ? [s] : [SLASH, s])));
  return { path: shown, key: isUtf8(bytes) ? bytes.toString('utf8') : bytes.toString('base64') };
}

function lstatQuiet(p: Buffer): fs.Stats | undefined {
  try {
    return fs.lstatSync(p, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

async function carryOut(
  store: SnapshotStore,
  target: SnapshotRecord,
  steps: readonly RestoreStep[],
  opts: RestoreOptions,
): Promise<Omit<RestoreResult, 'safety'>> {
  const out: Omit<RestoreResult, 'safety'> = { written: [], removed: [], replaced: [], skipped: [] };
  const dirs = await ConfinedRoot.open(store.workspaceRoot);
  try {
    for (const step of steps) {
      await opts.onStep?.(step);
      const segs = segmentsOf(step.entry);
      const name = segs[segs.length - 1] as Buffer;
      try {
        if (step.op === 'write') {
          // Fetched before the folder is opened: a blob that fails its id check stops the restore here.
          const content = await store.objects.get(step.entry.id).catch((err: unknown) => Promise.reject(damaged(err, [target])));
          const folder = await dirs.folder(segs.slice(0, -1), true);
          if (step.entry.type === 'symlink') await replaceWithSymlink(folder, name, content);
          else await replaceWithFile(folder, name, content, step.entry.mode);
          out.written.push(step.path);
        } else if (step.op === 'remove') {
          // A folder gone since the plan took the file with it: removed all the same.
          const folder = await dirs
            .folder(segs.slice(0, -1), false)
            .catch((err: unknown) => (fsc.errnoCode(err) === 'ENOENT' ? null : Promise.reject(err)));
          if (folder !== null) await unlinkIn(folder, name);
          out.removed.push(step.path);
        } else {
          // The safety snapshot recorded what stood here (a symlink is kept as its target text).
          const folder = await dirs.folder(segs.slice(0, -1), false);
          await unlinkIn(folder, name);
          await fs.promises.mkdir(inFolder(folder, name));
          out.replaced.push(step.path);
        }
      } catch (e) {
        const why = refusalOf(e, step);
        if (why === null) throw e;
        out.skipped.push({ path: step.path, reason: why });
      }
    }
  } finally {
    await dirs.close();
  }
  return out;
}

async function unlinkIn(folder: Buffer, name: Buffer): Promise<void> {
  await fs.promises.unlink(inFolder(folder, name)).catch((e: unknown) => {
    if (fsc.errnoCode(e) !== 'ENOENT') throw e;
  });
}

/** A step the workspace no longer allows (changed since the plan), said plainly; null for real failures. */
function refusalOf(e: unknown, step: RestoreStep): string | null {
  if (e instanceof NotAFolderError) {
    return `${e.at} became ${e.found === 'symlink' ? 'a symlink' : e.found === 'file' ? 'a file' : 'something other than a folder'} during the restore: not followed; restore this path again`;
  }
  const code = fsc.errnoCode(e);
  if (code === 'ENOENT') return 'its folder disappeared during the restore; restore this path again';
  if (code === 'EISDIR' || code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'EPERM') {
    return step.op === 'write'
      ? 'a folder with other files in it stands there now: move it away and restore again'
      : 'it is a folder now: left alone';
  }
  return null;
}

async function latestManifest(store: SnapshotStore): Promise<readonly ManifestEntry[]> {
  const all = await store.list();
  const latest = all[all.length - 1];
  return latest ? store.manifest(latest) : [];
}

function normalizeSubpath(root: string, p: string): string {
  const abs = path.resolve(root, p);
  const rel = path.relative(root, abs);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new InputError(`--path ${p} is outside the workspace ${root}: give a path inside it`);
  }
  return rel.split(path.sep).join('/');
}
