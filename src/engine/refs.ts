import { InputError } from './errors';
import { GitUnavailableError } from './git/gitCommand';
import type { SnapshotStore } from './snapshotStore';
import type { SnapshotRecord } from './types';

const HELP =
  'use a snapshot id (or a unique prefix of 4+ characters), a label, `baseline`, `latest`, `latest~N` or, in a git repository, `git:<rev>` (see `incident-replay snapshots`)';

/**
 * Resolves a snapshot ref against the snapshots of a store (oldest first):
 * an id or unique id prefix, a label (the newest snapshot carrying it), `baseline`,
 * `latest`, `latest~N` (N snapshots before the latest) and `baseline~N`.
 */
export function resolveRef(snapshots: readonly SnapshotRecord[], ref: string): SnapshotRecord {
  const r = ref.trim();
  if (r === '') throw new InputError(`empty snapshot ref: ${HELP}`);
  if (snapshots.length === 0) throw new InputError(`no snapshots yet: take one with \`incident-replay snapshot --baseline\``);

  const rel = /^(latest|baseline)(?:~(\d+))?$/.exec(r);
  if (rel) {
    const back = rel[2] === undefined ? 0 : Number(rel[2]);
    let index: number;
    if (rel[1] === 'latest') {
      index = snapshots.length - 1;
    } else {
      index = findLastIndex(snapshots, (s) => s.baseline);
      if (index < 0)
        throw new InputError('no baseline set: mark one with `incident-replay baseline <ref>` or `incident-replay snapshot --baseline`');
    }
    const snap = snapshots[index - back];
    if (!snap) throw new InputError(`${r} goes back further than the ${snapshots.length} snapshot(s) in the store`);
    return snap;
  }

  const exact = snapshots.find((s) => s.id === r);
  if (exact) return exact;
  const byLabel = findLastIndex(snapshots, (s) => s.label === r);
  if (byLabel >= 0) return snapshots[byLabel] as SnapshotRecord;
  if (/^[0-9a-f]{4,}$/i.test(r)) {
    const matches = snapshots.filter((s) => s.id.startsWith(r.toLowerCase()));
    if (matches.length === 1) return matches[0] as SnapshotRecord;
    if (matches.length > 1) {
      throw new InputError(`snapshot prefix ${r} is ambiguous (${matches.map((s) => s.id).join(', ')}): give more characters`);
    }
  }
  throw new InputError(`unknown snapshot ${JSON.stringify(r)}: ${HELP}`);
}

function findLastIndex<T>(list: readonly T[], pred: (t: T) => boolean): number {
  for (let i = list.length - 1; i >= 0; i--) if (pred(list[i] as T)) return i;
  return -1;
}

/** Where an analysis starts: the snapshot, and the ref that named it (as the incident records it). */
export interface AnalysisStart {
  from: SnapshotRecord;
  since: string;
  /** Set when there was no baseline and git's HEAD stood in for it. */
  gitFallback?: { commit: string; subject: string; notes: string[] };
}

/**
 * The start of "analyse since the baseline". Without `since` and without a baseline in the
 * store, the flight recorder's first snapshot of this session starts the window when the caller
 * names one (`sessionStart`, the extension); then a git workspace is compared with its HEAD
 * commit (zero setup); outside git the missing baseline is reported with how to take one.
 */
export async function analysisStart(
  store: SnapshotStore,
  since?: string,
  opts: { sessionStart?: string | null } = {},
): Promise<AnalysisStart> {
  if (since !== undefined) return { from: await store.resolve(since), since };
  const baseline = await store.baseline();
  if (baseline) return { from: baseline, since: 'baseline' };
  const snapshots = await store.list();
  const session = opts.sessionStart == null ? undefined : snapshots.find((s) => s.id === opts.sessionStart);
  if (session) return { from: session, since: `${session.id} (the recorder's first snapshot of this session: no baseline was set)` };
  try {
    const git = await store.gitSnapshot('HEAD');
    return {
      from: git.snapshot,
      since: 'git:HEAD',
      gitFallback: { commit: git.commit.commit, subject: git.commit.subject, notes: git.notes },
    };
  } catch (e) {
    if (!(e instanceof GitUnavailableError)) throw e;
    // The flight recorder (`watch`, the extension, hooks, runs) captured without being asked:
    // its oldest snapshot is the earliest evidence there is.
    const auto = snapshots.find((s) => s.origin === 'auto');
    if (auto) return { from: auto, since: `${auto.id} (the oldest automatic snapshot: no baseline was set and there is no git HEAD)` };
    throw new InputError(
      e.reason === 'no-git'
        ? 'no baseline set and git is not available to compare with HEAD: take one with `incident-replay snapshot --baseline` before the job runs'
        : 'no baseline set and the workspace is not a git repository: take one with `incident-replay snapshot --baseline` before the job runs',
    );
  }
}
