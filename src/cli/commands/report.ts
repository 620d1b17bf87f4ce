import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { configuredOutputPath } from '../../engine/config/workspacePath';
import { writeFileAtomic } from '../../engine/db/atomicFile';
import { InputError } from '../../engine/errors';
import { exportReport } from '../../engine/report/exportReport';
import { markdownOwnership, writeGenerated } from '../../engine/report/generatedFile';
import { REPORT_FORMATS, type ReportFormat } from '../../engine/report/reportFile';
import { parseSinceDate } from '../../engine/report/timeText';
import { evalCasesText, learningsText, summaryText } from '../../engine/report/storeReports';
import { withStore } from '../context';
import type { CliIo } from '../io';

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  const found = allowed.find((a) => a === value);
  if (found === undefined) throw new InputError(`${flag} must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`);
  return found;
}

/** `--out` is relative to where the command runs, as users expect of a path they type. */
function outPath(out: string | undefined): string | undefined {
  return out === undefined ? undefined : path.resolve(process.cwd(), out);
}

export function registerReportCommands(program: Command, io: CliIo): void {
  program
    .command('report')
    .description(
      'write the postmortem report of an incident into the workspace (default docs/incidents/INC-0001-<title>.md) and print its path',
    )
    .argument('<id>', 'incident id, e.g. INC-0001')
    .option('--format <format>', 'md, json or yaml', 'md')
    .option('--out <file>', 'write here instead of the report folder')
    .option('--force', 'overwrite a report that was edited by hand or not written by incident-replay')
    .action(async (id: string, opts: { format: string; out?: string; force?: boolean }, cmd: Command) => {
      const format = oneOf<ReportFormat>('--format', opts.format, REPORT_FORMATS);
      await withStore(cmd, io, async (store) => {
        const out = outPath(opts.out);
        const r = await exportReport(store, id, { format, force: opts.force ?? false, ...(out ? { out } : {}) });
        io.out(r.file);
      });
    });

  program
    .command('summary')
    .description('metrics across incidents: counts, top root causes, MTTD, MTTR, action completion, repeats, cost per quarter')
    .option('--format <format>', 'md or json', 'md')
    .option('--since <date>', 'only incidents created on or after this date (YYYY-MM-DD, UTC, or an ISO time)')
    .action(async (opts: { format: string; since?: string }, cmd: Command) => {
      const format = oneOf('--format', opts.format, ['md', 'json'] as const);
      const since = opts.since === undefined ? null : parseSinceDate(opts.since);
      await withStore(cmd, io, async (store) => {
        io.out(await summaryText(store, { format, since }));
      });
    });

  program
    .command('export-evals')
    .description('every incident as a JSONL eval case (evidence in, expected root cause and failed step out)')
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (opts: { out?: string }, cmd: Command) => {
      await withStore(cmd, io, async (store) => {
        const text = await evalCasesText(store);
        const out = outPath(opts.out);
        if (out === undefined) {
          if (text !== '') io.out(text);
          return;
        }
        mkdirSync(path.dirname(out), { recursive: true });
        writeFileAtomic(out, Buffer.from(text, 'utf8'));
        io.out(out);
      });
    });

  program
    .command('learnings')
    .description('write the learnings file (recurring patterns and what fixed them) and print its path')
    .option('--out <file>', 'write here instead of the configured learnings file (default LEARNINGS.md)')
    .option('--force', 'overwrite a learnings file that was edited by hand or not written by incident-replay')
    .action(async (opts: { out?: string; force?: boolean }, cmd: Command) => {
      await withStore(cmd, io, async (store) => {
        const file = outPath(opts.out) ?? configuredOutputPath(store.workspaceRoot, store.config, 'learningsFile');
        await writeGenerated(file, await learningsText(store), { force: opts.force ?? false, ownership: markdownOwnership });
        io.out(file);
      });
    });
}
