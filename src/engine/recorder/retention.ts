import type { SnapshotStore } from '../snapshotStore';
import { storeDiskBytes } from '../store/objectStore';
import type { SnapshotRecord } from '../types';
import { trimRunLogs } from '../run/runLog';
import { Journal } from './journal';
import type { RetentionPolicy } from './settings';

const DAY_MS = 86_400_000;
/** Rounds of drop-and-measure: count and age are met in the first, the size cap may need a few more. */
const MAX_SIZE_ROUNDS = 12;

/**
 * Once over the count, retention drops down to this share of it: a collection reads every kept
 * snapshot's manifest, so it runs once per batch of snapshots rather than after each one.
 */
const COUNT_LOW_WATER = 0.9;

/**
 * The automatic snapshots to drop: beyond the newest `keepAutomatic` (then down to 90% of it), older than `maxAgeDays`,
 * and, while the store is over its cap, the oldest share of the rest in proportion to the excess.
 * Never a person's snapshot, a pinned one (baseline, incident windows) or the newest automatic one.
 */
export function chooseVictims(
  snapshots: readonly SnapshotRecord[],
  pinned: ReadonlySet<string>,
  policy: RetentionPolicy,
  now: number,
  storeBytes: number,
): string[] {
  const droppable = snapshots
    .filter((s) => s.origin === 'auto' && !s.baseline && !pinned.has(s.id))
    .sort((a, b) => a.createdAt - b.createdAt);
  // The newest automatic snapshot is the evidence of "just before now": an analysis starts there.
  const newest = droppable.pop();
  if (!newest) return [];
  const victims = new Set<string>();
  const tooOld = now - policy.maxAgeDays * DAY_MS;
  for (const s of droppable) if (s.createdAt < tooOld) victims.add(s.id);
  const total = droppable.length + 1;
  if (total > policy.keepAutomatic) {
    const keep = Math.max(1, Math.floor(policy.keepAutomatic * COUNT_LOW_WATER));
    for (const s of droppable.slice(0, total - keep)) victims.add(s.id);
  }
  if (storeBytes > policy.maxStoreBytes) {
    const rest = droppable.filter((s) => !victims.has(s.id));
    const share = Math.max(1, Math.ceil((rest.length * (storeBytes - policy.maxStoreBytes)) / storeBytes));
    for (const s of rest.slice(0, share)) victims.add(s.id);
  }
  return droppable.filter((s) => victims.has(s.id)).map((s) => s.id);
}

export interface RetentionResult {
  dropped: string[];
  /** The store's real size on disk afterwards. */
  storeBytes: number;
  /** Still over the cap with nothing left to drop (a person's or pinned snapshots fill it). */
  overCap: boolean;
  journalFilesRemoved: number;
}

/**
 * Applies the policy: victims chosen by {@link chooseVictims}, removed through the store's
 * dropSnapshots (which skips anything pinned meanwhile), the size measured again after each round;
 * then the journal is trimmed to what the oldest remaining snapshot can still show.
 */
export async function applyRetention(store: SnapshotStore, policy: RetentionPolicy, now: number = Date.now()): Promise<RetentionResult> {
  const dropped: string[] = [];
  let bytes = await storeDiskBytes(store.dir);
  for (let round = 0; round < MAX_SIZE_ROUNDS; round++) {
    const victims = chooseVictims(await store.list(), await store.pinnedSnapshotIds(), policy, now, bytes);
    if (victims.length === 0) break;
    const r = await store.dropSnapshots(victims);
    dropped.push(...r.removed.map((s) => s.id));
    bytes = await storeDiskBytes(store.dir);
    // Pinned meanwhile: nothing more this policy may drop.
    if (r.removed.length === 0) break;
  }
  const remaining = await store.list();
  const oldest = remaining[0]?.createdAt ?? now;
  const journalFilesRemoved = await new Journal(store.dir).trim(oldest);
  const runLogsRemoved = trimRunLogs(store.dir, oldest);
  if (journalFilesRemoved > 0 || runLogsRemoved > 0) bytes = await storeDiskBytes(store.dir);
  return { dropped, storeBytes: bytes, overCap: bytes > policy.maxStoreBytes, journalFilesRemoved };
}

/** Bytes the store really takes on disk (allocated blocks): objects, database, caches, journal. */
export { storeDiskBytes };
