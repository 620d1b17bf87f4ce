import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { JOURNAL_DIRNAME } from '../recorder/journal';
import { RUNS_DIR } from '../run/runLog';
import type { SnapshotStore } from '../snapshotStore';
import type { SnapshotRecord } from '../types';
import { queryRows, textColumn } from '../db/sqlRows';
import { deleteSnapshots, listSnapshots } from '../db/snapshotRows';
import { readManifest } from './manifest';

/** What is wrong, in words a user can act on. `subject` is a snapshot id, incident id or file. */
export interface FsckProblem {
  area: 'database' | 'snapshot' | 'incident' | 'objects' | 'journal';
  subject: string;
  message: string;
}

export interface FsckReport {
  snapshotsChecked: number;
  objectsChecked: number;
  incidentsChecked: number;
  problems: FsckProblem[];
  /** What is not damage but worth knowing (an incident whose snapshots were pruned or repaired away). */
  notes: FsckProblem[];
  /** Snapshots that cannot be read back: their manifest or some of their content is gone or damaged. */
  damagedSnapshots: string[];
  /** What `--repair` did (empty without it). */
  repaired: string[];
}

export interface FsckOptions {
  /** Drop the snapshots that cannot be recovered (never an object that a kept snapshot names), then collect. */
  repair?: boolean;
  onProgress?: (message: string) => void;
  /** Further checks of parts of the store that other capabilities own (the recorder's journal, run logs). */
  extraChecks?: readonly ((store: SnapshotStore) => Promise<FsckProblem[]>)[];
}

/**
 * Verifies a whole store: the database's own integrity check, every snapshot's manifest and
 * every object it names (present, and its content hashes to its id), every incident's
 * snapshots, and whatever `extraChecks` add. Runs under the store lock so no collection or
 * capture changes the store half-way through the check (or the repair).
 */
export async function fsck(store: SnapshotStore, opts: FsckOptions = {}): Promise<FsckReport> {
  return store.withStoreLock(async () => {
    const problems: FsckProblem[] = [];
    const integrity = await store.db.read((db) => queryRows(db, 'PRAGMA integrity_check').map((r) => textColumn(r, 'integrity_check')));
    if (integrity.length !== 1 || integrity[0] !== 'ok') {
      for (const line of integrity) problems.push({ area: 'database', subject: store.db.file, message: `SQLite integrity check: ${line}` });
    }
    for (const p of store.objects.problems())
      problems.push({ area: 'objects', subject: p.file, message: `unreadable pack index: ${p.message}` });

    const snapshots = await store.list();
    const users = new Map<string, SnapshotRecord[]>();
    const damaged = new Map<string, string>();
    for (const s of snapshots) {
      let entries;
      try {
        entries = await readManifest(store.objects, s.manifestId);
      } catch (e) {
        damaged.set(s.id, `its file list (manifest ${s.manifestId}) cannot be read: ${e instanceof Error ? e.message : String(e)}`);
        continue;
      }
      for (const e of entries) {
        if (e.type === 'file' && !e.stored) continue;
        const list = users.get(e.id);
        if (list) list.push(s);
        else users.set(e.id, [s]);
      }
    }
    opts.onProgress?.(`checking ${users.size} objects of ${snapshots.length} snapshots`);
    const bad = await store.objects.check(users.keys());
    for (const [id, why] of bad) {
      for (const s of users.get(id) ?? []) {
        if (!damaged.has(s.id)) damaged.set(s.id, `object ${id} ${why === 'missing' ? 'is missing' : `is damaged (${why})`}`);
      }
    }
    for (const [id, why] of damaged) {
      const s = snapshots.find((x) => x.id === id);
      problems.push({
        area: 'snapshot',
        subject: id,
        message: `snapshot ${id}${s?.label ? ` (${s.label})` : ''} cannot be restored or diffed: ${why}`,
      });
    }

    const notes: FsckProblem[] = [];
    const known = new Set(snapshots.map((s) => s.id));
    const incidents = await store.db.read((db) =>
      queryRows(db, 'SELECT id, baseline_id, post_id FROM incidents ORDER BY seq').map((r) => ({
        id: textColumn(r, 'id'),
        from: textColumn(r, 'baseline_id'),
        to: textColumn(r, 'post_id'),
      })),
    );
    for (const inc of incidents) {
      for (const ref of [inc.from, inc.to]) {
        if (ref.startsWith('git:')) continue;
        if (!known.has(ref)) {
          notes.push({
            area: 'incident',
            subject: inc.id,
            message: `incident ${inc.id} names snapshot ${ref}, which is no longer in the store: the incident is intact, but its diffs cannot be reopened`,
          });
        } else if (damaged.has(ref)) {
          problems.push({
            area: 'incident',
            subject: inc.id,
            message: `incident ${inc.id} names damaged snapshot ${ref}: the incident is intact, but its diffs cannot be reopened`,
          });
        }
      }
    }
    notes.push(...(await checkAppendOnlyLogs(store.dir)));
    for (const check of opts.extraChecks ?? []) problems.push(...(await check(store)));

    const repaired: string[] = [];
    if (opts.repair && damaged.size > 0) {
      const ids = [...damaged.keys()];
      // Dropped rows first, then a collection that keeps every object a remaining snapshot names.
      await store.db.write((db) => {
        const present = new Set(listSnapshots(db).map((s) => s.id));
        deleteSnapshots(
          db,
          ids.filter((id) => present.has(id)),
        );
      });
      for (const id of ids) repaired.push(`dropped snapshot ${id}: ${damaged.get(id) ?? ''}`);
      const gc = await store.collectGarbageLocked();
      if (gc.removedObjects > 0) repaired.push(`removed ${gc.removedObjects} objects no remaining snapshot uses`);
    }
    return {
      snapshotsChecked: snapshots.length,
      objectsChecked: users.size,
      incidentsChecked: incidents.length,
      problems,
      notes,
      damagedSnapshots: [...damaged.keys()],
      repaired,
    };
  });
}

/**
 * The recorder's journal and the run logs are append-only lines of JSON that several processes
 * write at once. A crash can cut the last line short; readers skip such lines, so they are
 * reported as notes (nothing is lost but the record being written), never as damage.
 */
async function checkAppendOnlyLogs(storeDir: string): Promise<FsckProblem[]> {
  const notes: FsckProblem[] = [];
  for (const [dir, what] of [
    [JOURNAL_DIRNAME, 'journal'],
    [RUNS_DIR, 'run log'],
  ] as const) {
    let names: string[];
    try {
      names = (await fsp.readdir(path.join(storeDir, dir))).filter((n) => n.endsWith('.jsonl')).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      const file = path.join(storeDir, dir, name);
      const text = await fsp.readFile(file, 'utf8').catch(() => null);
      if (text === null) continue;
      const lines = text.split('\n');
      let torn = 0;
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i] as string;
        if (line.trim() === '') continue;
        try {
          JSON.parse(line);
        } catch {
          torn++;
        }
      }
      if (torn > 0) {
        notes.push({
          area: 'journal',
          subject: file,
          message: `${what} ${path.join(dir, name)}: ${torn} record${torn > 1 ? 's' : ''} cut off (a crash while writing); skipped, every whole record is read`,
        });
      }
    }
  }
  return notes;
}
