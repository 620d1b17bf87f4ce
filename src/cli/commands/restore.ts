import type { Command } from 'commander';
import { InputError } from '../../engine/errors';
import type { RestoreStep } from '../../engine/store/restore';
import { withStore } from '../context';
import { plural } from '../../model/format';
import type { CliIo } from '../io';

function describe(step: RestoreStep): string {
  if (step.op === 'replace') return `  replace ${step.path} (a ${step.found} now) with the snapshot's folder`;
  if (step.op === 'remove') return `  remove  ${step.path}`;
  return `  write   ${step.path}${step.entry.type === 'symlink' ? ' (symlink)' : ''}`;
}

export function registerRestoreCommand(program: Command, io: CliIo): void {
  program
    .command('restore')
    .description('restore a snapshot (or one file or folder of it) into the workspace; takes a safety snapshot first')
    .argument('<ref>', 'snapshot to restore (id, label, baseline, latest~N)')
    .option('--path <path>', 'restore only this workspace-relative file or folder')
    .option('--force', 'really write; without it, show what would change and exit 2')
    .action(async (ref: string, opts: { path?: string; force?: boolean }, cmd: Command) => {
      await withStore(cmd, io, async (store) => {
        if (!opts.force) {
          // Compared with the workspace as the safety snapshot will read it, by the plan function the real run uses.
          const plan = await store.planRestore(ref, opts.path, { against: 'workspace' });
          const replaced = plan.steps.length - plan.write.length - plan.remove.length;
          const lines = [
            `restore ${plan.target.id} would write ${plural(plan.write.length, 'file')}, remove ${plural(plan.remove.length, 'file')}` +
              `${replaced > 0 ? ` and replace ${plural(replaced, 'symlink or file', 'symlinks or files')} standing where a folder belongs` : ''} (compared with the workspace now):`,
            ...plan.steps.map(describe),
            ...plan.skipped.map((s) => `  skip    ${s.path}: ${s.reason}`),
          ];
          io.err(lines.join('\n'));
          throw new InputError('refusing to overwrite without --force: run again with --force (a safety snapshot is taken first)');
        }
        const r = await store.restore(ref, opts.path);
        io.out(
          `restored ${plural(r.written.length, 'file')}, removed ${plural(r.removed.length, 'file')}` +
            `${r.replaced.length > 0 ? `, replaced ${plural(r.replaced.length, 'symlink or file', 'symlinks or files')} by folders (${r.replaced.join(', ')})` : ''}` +
            `; safety snapshot ${r.safety.id} holds the state before (undo: incident-replay restore ${r.safety.id} --force)`,
        );
        for (const s of r.skipped) io.err(`skipped ${s.path}: ${s.reason}`);
      });
    });
}
