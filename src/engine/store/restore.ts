import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors';
import type { SnapshotStore } from '../snapshotStore';
import type { ManifestEntry, SnapshotRecord } from '../types';

export interface RestoreResult {
  safety: SnapshotRecord;
  written: string[];
  removed: string[];
  skipped: { path: string; reason: string }[];
}

export interface RestorePlan {
  target: SnapshotRecord;
  write: ManifestEntry[];
  remove: string[];
  skipped: { path: string; reason: string }[];
}

export interface PlanRestoreOptions {
  /** The manifest of "now"; by default the latest snapshot's (the CLI's dry run says so). */
  current?: readonly ManifestEntry[];
}

export type RestoreOptions = Record<string, never>;

/** What a restore would do, without touching anything. `subpath` limits it to a file or folder. */
export async function planRestore(store: SnapshotStore, ref: string, subpath?: string, opts: PlanRestoreOptions = {}): Promise<RestorePlan> {
  const target = await store.resolve(ref);
  const wanted = await store.manifest(target);
  const prefix = subpath ? normalizeSubpath(store.workspaceRoot, subpath) : null;
  const inScope = (p: string): boolean => prefix === null || p === prefix || p.startsWith(prefix + '/');
  const now = new Map((opts.current ?? (await latestManifest(store))).map((e) => [e.path, e]));
  const write: ManifestEntry[] = [];
  const skipped: { path: string; reason: string }[] = [];
  for (const e of wanted) {
    if (!inScope(e.path)) continue;
    const cur = now.get(e.path);
    if (cur && cur.id === e.id && cur.mode === e.mode && cur.type === e.type) continue;
    if (e.type === 'file' && !e.stored) skipped.push({ path: e.path, reason: 'over the size limit when captured: content not kept' });
    else write.push(e);
  }
  const wantedPaths = new Set(wanted.map((e) => e.path));
  if (prefix !== null && !wanted.some((e) => inScope(e.path))) {
    throw new InputError(`${subpath} is not in snapshot ${target.id}: give a workspace-relative path that the snapshot has (see \`incident-replay diff ${target.id} latest\`)`);
  }
  // Files present now but not in the target go away; the safety snapshot keeps them.
  const remove = [...now.keys()].filter((p) => inScope(p) && !wantedPaths.has(p));
  return { target, write, remove, skipped };
}

/** Restores a whole snapshot or one file/folder of it. Always takes a safety snapshot first. */
export async function restoreSnapshot(store: SnapshotStore, ref: string, subpath?: string, _opts: RestoreOptions = {}): Promise<RestoreResult> {
  // Resolve and validate before the safety snapshot, which would otherwise become `latest`.
  const { target } = await planRestore(store, ref, subpath);
  const { snapshot: safety } = await store.snapshot({ label: `safety-before-restore` });
  const current = await store.manifest(safety);
  const plan = await planRestore(store, target.id, subpath, { current });
  const byPath = new Map(current.map((e) => [e.path, e]));
  for (const e of plan.write) await writeEntry(store, e);
  for (const p of plan.remove) {
    const e = byPath.get(p);
    if (e) await fsp.rm(absPath(store.workspaceRoot, e), { force: true });
  }
  return { safety, written: plan.write.map((e) => e.path), removed: plan.remove, skipped: plan.skipped };
}

async function latestManifest(store: SnapshotStore): Promise<readonly ManifestEntry[]> {
  const all = await store.list();
  const latest = all[all.length - 1];
  return latest ? store.manifest(latest) : [];
}

function absPath(root: string, e: Pick<ManifestEntry, 'path' | 'rawPath'>): string | Buffer {
  if (e.rawPath !== undefined) {
    return Buffer.concat([Buffer.from(root + '/'), Buffer.from(e.rawPath, 'base64')]);
  }
  return path.join(root, ...e.path.split('/'));
}

async function writeEntry(store: SnapshotStore, e: ManifestEntry): Promise<void> {
  const target = absPath(store.workspaceRoot, e);
  // Buffers keep file names that are not valid UTF-8 byte-exact.
  const buf = typeof target === 'string' ? Buffer.from(target) : target;
  await fsp.mkdir(buf.subarray(0, buf.lastIndexOf(0x2f)), { recursive: true });
  if (e.type === 'symlink') {
    await fsp.rm(buf, { force: true });
    await fsp.symlink(e.target ?? '', buf);
    return;
  }
  const content = await store.objects.get(e.id);
  const tmp = Buffer.concat([buf, Buffer.from(`.ir-restore-${process.pid}-${randomBytes(3).toString('hex')}`)]);
  await fsp.writeFile(tmp, content, { mode: e.mode });
  await fsp.chmod(tmp, e.mode);
  await fsp.rename(tmp, buf);
}

function normalizeSubpath(root: string, p: string): string {
  const abs = path.resolve(root, p);
  const rel = path.relative(root, abs);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new InputError(`--path ${p} is outside the workspace ${root}: give a path inside it`);
  }
  return rel.split(path.sep).join('/');
}
