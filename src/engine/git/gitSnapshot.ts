import { randomBytes } from 'node:crypto';
import type { Database } from 'sql.js';
import { getSnapshot, insertSnapshot } from '../db/snapshotRows';
import { queryRow, textColumn } from '../db/sqlRows';
import type { SnapshotStore } from '../snapshotStore';
import type { ManifestEntry, SnapshotRecord } from '../types';
import { resolveCommit, type ResolvedCommit } from './revision';
import { captureGitTree } from './treeSnapshot';

export interface GitSnapshot {
  snapshot: SnapshotRecord;
  commit: ResolvedCommit;
  /** False when a snapshot of the same commit was already in the store. */
  created: boolean;
  notes: string[];
}

/**
 * The snapshot of the commit `rev` names: an existing one for the same commit, else the
 * commit's tree imported and recorded under the label `git:<rev>`, dated at the commit.
 * The caller holds the store lock (SnapshotStore.gitSnapshot), so a prune can neither collect
 * the imported blobs before the row exists nor delete the row being reused.
 */
export async function gitSnapshotLocked(store: SnapshotStore, rev: string): Promise<GitSnapshot> {
  const commit = await resolveCommit(store.workspaceRoot, rev);
  const existing = await store.db.read((db) => snapshotOfCommit(db, commit.commit));
  if (existing && store.objects.has(existing.manifestId)) return { snapshot: existing, commit, created: false, notes: [] };

  const all = await store.list();
  const known: ManifestEntry[] = [];
  const latest = all[all.length - 1];
  if (latest) known.push(...(await store.manifest(latest)));
  const tree = await captureGitTree(commit, {
    objects: store.objects,
    workspaceRoot: store.workspaceRoot,
    storeDir: store.dir,
    include: store.config.include,
    exclude: store.config.exclude,
    respectGitignore: store.config.respectGitignore,
    maxFileSizeBytes: store.config.maxFileSizeBytes,
    known,
  });
  // No other writer of rows runs meanwhile (the store lock); a row whose manifest is gone is left to fsck and shadowed by this one.
  const snapshot = await store.db.write((db) => {
    // A lost store lock records nothing (docs/ARCHITECTURE.md, rule 4).
    store.assertLockHeld();
    let id = randomBytes(4).toString('hex');
    while (getSnapshot(db, id)) id = randomBytes(4).toString('hex');
    const rec: SnapshotRecord = {
      id,
      label: `git:${rev}`,
      baseline: false,
      createdAt: commit.time,
      manifestId: tree.manifestId,
      fileCount: tree.fileCount,
      byteCount: tree.byteCount,
    };
    insertSnapshot(db, rec);
    db.run('UPDATE snapshots SET git_commit = ? WHERE id = ?', [commit.commit, id]);
    return rec;
  });
  return { snapshot, commit, created: true, notes: tree.notes };
}

function snapshotOfCommit(db: Database, commit: string): SnapshotRecord | undefined {
  const row = queryRow(db, 'SELECT id FROM snapshots WHERE git_commit = ? ORDER BY created_at DESC, rowid DESC', [commit]);
  return row === undefined ? undefined : getSnapshot(db, textColumn(row, 'id'));
}

/** The commit of a snapshot imported from git, or null for a capture of the workspace. */
export async function commitOfSnapshot(store: SnapshotStore, id: string): Promise<string | null> {
  return store.db.read((db) => {
    const row = queryRow(db, 'SELECT git_commit FROM snapshots WHERE id = ?', [id]);
    const v = row?.['git_commit'];
    return typeof v === 'string' ? v : null;
  });
}
