import type { Command } from 'commander';
import { InputError } from '../../engine/errors';
import { withStore } from '../context';
import { formatTime, table } from '../format';
import { formatBytes, formatDuration, plural } from '../../model/format';
import { printJson, type CliIo } from '../io';

export function registerSnapshotCommands(program: Command, io: CliIo): void {
  program
    .command('snapshot')
    .description('capture the workspace now; prints the new snapshot id')
    .option('--label <label>', 'a name to refer to the snapshot by')
    .option('--baseline', 'mark it as the baseline that analyses compare against')
    .option('--json', 'print the snapshot, scan issues and stats as JSON')
    .action(async (opts: { label?: string; baseline?: boolean; json?: boolean }, cmd: Command) => {
      await withStore(
        cmd,
        io,
        async (store) => {
          const r = await store.snapshot({ label: opts.label ?? null, baseline: opts.baseline === true });
          if (opts.json) {
            printJson(io, { snapshot: r.snapshot, issues: r.issues, stats: r.stats });
            return;
          }
          io.out(r.snapshot.id);
          for (const issue of r.issues) io.err(`note: ${issue.path}: ${issue.message}`);
          io.err(
            `${plural(r.snapshot.fileCount, 'file')}, ${formatBytes(r.snapshot.byteCount)} in ${formatDuration(r.stats.durationMs)}` +
              ` (${r.stats.filesHashed} read, ${r.stats.filesReused} unchanged)` +
              (r.snapshot.baseline ? '; marked as baseline' : ''),
          );
        },
        { capturesFirst: true, onlySnapshots: true },
      );
    });

  program
    .command('snapshots')
    .description('list the snapshots in the store, oldest first')
    .option('--json', 'print them as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await withStore(cmd, io, async (store) => {
        const all = await store.list();
        if (opts.json) {
          printJson(io, { snapshots: all });
          return;
        }
        if (all.length === 0) {
          io.out('no snapshots yet: take a baseline with `incident-replay snapshot --baseline`');
          return;
        }
        const rows = all.map((s, i) => [
          s.baseline ? '*' : ' ',
          s.id,
          `latest~${all.length - 1 - i}`,
          formatTime(s.createdAt),
          String(s.fileCount),
          formatBytes(s.byteCount),
          s.label ?? '',
        ]);
        io.out(table([[' ', 'ID', 'REF', 'CREATED', 'FILES', 'SIZE', 'LABEL'], ...rows]));
      });
    });

  program
    .command('baseline')
    .description('mark a snapshot as the baseline (the latest marked wins)')
    .argument('<ref>', 'snapshot id, label, latest, latest~N')
    .action(async (ref: string, _opts: unknown, cmd: Command) => {
      await withStore(cmd, io, async (store) => {
        const snap = await store.setBaseline(ref);
        io.out(`baseline is now ${snap.id}${snap.label ? ` (${snap.label})` : ''}`);
      });
    });

  program
    .command('prune')
    .description('keep the newest N snapshots (and the baseline) and drop content no snapshot uses')
    .option('--keep <n>', 'how many to keep (default: keepSnapshots from the config, 50)')
    .action(async (opts: { keep?: string }, cmd: Command) => {
      await withStore(cmd, io, async (store) => {
        const keep = opts.keep === undefined ? undefined : parseWholeNumber(opts.keep, '--keep');
        const r = await store.prune(keep);
        io.out(
          `removed ${plural(r.removed.length, 'snapshot')}, kept ${r.kept}; freed ${formatBytes(r.freedBytes)} (${plural(r.removedObjects, 'object')})`,
        );
      });
    });
}

export function parseWholeNumber(text: string, flag: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) {
    throw new InputError(`${flag} takes a whole number (got ${JSON.stringify(text)})`);
  }
  return n;
}
