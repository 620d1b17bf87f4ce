import { JobError } from '../errors';
import type { SnapshotRecord } from '../types';
import { CorruptObjectError, MissingObjectError } from './storeErrors';

/** A snapshot whose manifest or content cannot be read back: the store lost or damaged an object. */
export class DamagedSnapshotError extends JobError {
  constructor(
    readonly snapshotIds: readonly string[],
    readonly objectId: string,
    detail: string,
  ) {
    super(
      `snapshot ${snapshotIds.join(' or ')} is damaged: ${detail}. ` +
        '`incident-replay fsck` lists every damaged snapshot and what can be recovered (`fsck --repair` drops what cannot)',
    );
  }
}

/**
 * Names the snapshot(s) an object error came from, so a user reading "object c19a… is missing"
 * learns which snapshot is unusable and how to check the rest. Other errors pass through.
 */
export function damaged(e: unknown, snapshots: readonly SnapshotRecord[]): unknown {
  if (e instanceof DamagedSnapshotError) return e;
  const names = snapshots.map((s) => (s.label ? `${s.id} (${s.label})` : s.id));
  if (e instanceof MissingObjectError) return new DamagedSnapshotError(names, e.objectId, `object ${e.objectId} is not in the store`);
  if (e instanceof CorruptObjectError) return new DamagedSnapshotError(names, e.objectId, `object ${e.objectId} in ${e.file} is corrupt`);
  return e;
}

interface SnapshotSource {
  list(): Promise<SnapshotRecord[]>;
  manifest(s: SnapshotRecord): Promise<readonly { id: string }[]>;
}

/**
 * {@link damaged} for an error met somewhere in a window of snapshots: names the snapshots in
 * the window whose manifest names the missing object (or all of the window's, if none can say).
 */
export async function damagedInWindow(store: SnapshotSource, e: unknown, from: SnapshotRecord, to: SnapshotRecord): Promise<unknown> {
  if (!(e instanceof MissingObjectError || e instanceof CorruptObjectError)) return e;
  const window = (await store.list()).filter((s) => s.createdAt >= from.createdAt && s.createdAt <= to.createdAt);
  const users: SnapshotRecord[] = [];
  for (const s of window) {
    const entries = await store.manifest(s).catch(() => null);
    if (entries === null || s.manifestId === e.objectId || entries.some((x) => x.id === e.objectId)) users.push(s);
  }
  return damaged(e, users.length > 0 ? users : [from, to]);
}
