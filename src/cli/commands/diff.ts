import type { Command } from 'commander';
import { redactLikelySecrets } from '../../engine/content/redact';
import type { FileChange, SnapshotDiff } from '../../engine/types';
import { withStore } from '../context';
import { formatModeChange, plural } from '../../model/format';
import { printJson, type CliIo } from '../io';

export function registerDiffCommand(program: Command, io: CliIo): void {
  program
    .command('diff')
    .description('compare two snapshots: added, removed, modified, renamed, mode changes, with line diffs')
    .argument('<refA>', 'the older snapshot (id, label, baseline, latest, latest~N)')
    .argument('<refB>', 'the newer snapshot')
    .option('--stat', 'list the changed files with +/- counts only, no patches')
    .option('--json', 'print the diff as JSON (patches included unless --stat)')
    .action(async (refA: string, refB: string, opts: { json?: boolean; stat?: boolean }, cmd: Command) => {
      await withStore(cmd, io, async (store) => {
        const d = await store.diff(refA, refB, { patches: !opts.stat });
        if (opts.json) printJson(io, d);
        // Patches quote file content: a key added to a file is shown redacted, as in every other output.
        else io.out(redactLikelySecrets(renderDiff(d, !opts.stat)));
      });
    });
}

const MARK: Record<FileChange['status'], string> = {
  added: 'A',
  removed: 'D',
  modified: 'M',
  renamed: 'R',
  mode_changed: 'T',
};

export function describeChange(c: FileChange): string {
  const counts = c.binary || c.note ? ` (${c.note ?? 'binary'})` : c.additions || c.deletions ? ` (+${c.additions} -${c.deletions})` : '';
  const mode = c.before && c.after && c.before.mode !== c.after.mode ? ` [mode ${formatModeChange(c.before.mode, c.after.mode)}]` : '';
  const name = c.status === 'renamed' ? `${c.oldPath} → ${c.path}` : c.path;
  return `${MARK[c.status]} ${name}${counts}${mode}`;
}

export function renderDiff(d: SnapshotDiff, patches: boolean): string {
  const s = d.summary;
  const lines = [
    `diff ${d.from.id}${d.from.label ? ` (${d.from.label})` : ''} → ${d.to.id}${d.to.label ? ` (${d.to.label})` : ''}`,
    d.changes.length === 0
      ? 'no changes'
      : `${plural(d.changes.length, 'file')} changed: ${s.added} added, ${s.removed} removed, ${s.modified} modified, ${s.renamed} renamed, ${s.modeChanged} mode changed; +${s.additions} -${s.deletions} lines`,
    '',
    ...d.changes.map(describeChange),
  ];
  if (patches) {
    for (const c of d.changes) if (c.patch) lines.push('', c.patch.trimEnd());
  }
  return lines.join('\n');
}
