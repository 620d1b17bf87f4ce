import type { Command } from 'commander';
import { JobError } from '../../engine/errors';
import { fsck } from '../../engine/store/fsck';
import { withStore } from '../context';
import { plural } from '../../model/format';
import { printJson, type CliIo } from '../io';

export function registerFsckCommand(program: Command, io: CliIo): void {
  program
    .command('fsck')
    .description('verify the store: every snapshot, the objects it names, every incident, the database; exits 1 if anything is damaged')
    .option('--repair', 'drop the snapshots that cannot be recovered (says which first), then remove objects nothing uses')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { repair?: boolean; json?: boolean }, cmd: Command) => {
      await withStore(cmd, io, async (store) => {
        const report = await fsck(store, { repair: opts.repair === true, ...(opts.json ? {} : { onProgress: (m: string) => io.err(m) }) });
        if (opts.json) printJson(io, report);
        else {
          for (const p of report.problems) io.out(`${p.area}: ${p.message}`);
          for (const n of report.notes) io.out(`note: ${n.message}`);
          for (const r of report.repaired) io.out(`repaired: ${r}`);
          io.out(
            `checked ${plural(report.snapshotsChecked, 'snapshot')}, ${plural(report.objectsChecked, 'object')}, ${plural(report.incidentsChecked, 'incident')}: ` +
              (report.problems.length === 0
                ? 'no problems'
                : `${plural(report.problems.length, 'problem')}` +
                  (report.damagedSnapshots.length > 0 && !opts.repair
                    ? `; \`incident-replay fsck --repair\` drops the ${plural(report.damagedSnapshots.length, 'damaged snapshot')} (nothing a whole snapshot needs is deleted)`
                    : '')),
          );
        }
        const unrepaired = report.problems.length > 0 && !(opts.repair && report.problems.every((p) => p.area === 'snapshot'));
        if (unrepaired) throw new JobError(`the store ${store.dir} has ${plural(report.problems.length, 'problem')} (listed above)`);
      });
    });
}
