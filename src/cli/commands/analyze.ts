import type { Command } from 'commander';
import { triggersBetween } from '../../engine/analysis/analyze';
import { analyzeSince } from '../../engine/analysis/analyzeSince';
import { withStore } from '../context';
import { printJson, type CliIo } from '../io';
import { renderIncident, renderTriggers } from '../render';
import { sarifText, triggerFormat, writeSarif } from '../sarifOutput';

/** The CLI's version for the SARIF log's tool, as the program declares it. */
function toolVersion(cmd: Command): string {
  return cmd.parent?.version() ?? '0.0.0';
}

export function registerAnalyzeCommands(program: Command, io: CliIo): void {
  program
    .command('triggers')
    .description('list what flags an incident between two snapshots (errors, deletions, config changes, secrets...)')
    .argument('<refA>', 'the older snapshot (id, label, baseline, latest, latest~N, git:<rev>)')
    .argument('<refB>', 'the newer snapshot')
    .option('--json', 'print the triggers as JSON (same as --format json)')
    .option('--format <format>', 'text, json or sarif (SARIF 2.1.0, for code scanning and SARIF viewers)')
    .action(async (refA: string, refB: string, opts: { json?: boolean; format?: string }, cmd: Command) => {
      const format = triggerFormat(opts.format, opts.json);
      await withStore(cmd, io, async (store) => {
        const [from, to] = [await store.resolve(refA), await store.resolve(refB)];
        const a = await triggersBetween(store, from, to);
        for (const s of a.skipped) io.err(`note: ${s}`);
        if (format === 'sarif') io.out(sarifText(a.triggers, { workspaceRoot: store.workspaceRoot, toolVersion: toolVersion(cmd) }));
        else if (format === 'json') printJson(io, { from: from.id, to: to.id, triggers: a.triggers });
        else io.out(renderTriggers(a.triggers));
      });
    });

  program
    .command('analyze')
    .description('snapshot now, analyse everything since the baseline, store the incident and print it')
    .option('--since <ref>', 'the snapshot to analyse from (default: the baseline; without one, git:HEAD in a git repository)')
    .option('--title <title>', 'a title for the incident (default: drafted from the evidence)')
    .option('--json', 'print {"incident": {...}} as JSON')
    .option('--sarif <file>', 'also write the triggers as a SARIF 2.1.0 log to this file')
    .action(async (opts: { since?: string; title?: string; json?: boolean; sarif?: string }, cmd: Command) => {
      await withStore(
        cmd,
        io,
        async (store) => {
          const {
            start,
            now,
            analysis: a,
            incident,
          } = await analyzeSince(store, {
            ...(opts.since !== undefined ? { since: opts.since } : {}),
            ...(opts.title !== undefined ? { title: opts.title } : {}),
            onStart: ({ gitFallback }) => {
              if (!gitFallback) return;
              // Stdout stays pure JSON with --json.
              (opts.json ? io.err : io.out)(
                `no baseline in the store: analysing since git:HEAD (${gitFallback.commit.slice(0, 7)} ${gitFallback.subject})`,
              );
              for (const n of gitFallback.notes) io.err(`note: ${n}`);
            },
            onAnalysis: (snap, analysis) => {
              for (const i of snap.issues) io.err(`note: ${i.path}: ${i.message}`);
              for (const s of analysis.skipped) io.err(`note: ${s}`);
              if (opts.sarif !== undefined) {
                const written = writeSarif(opts.sarif, analysis.triggers, {
                  workspaceRoot: store.workspaceRoot,
                  toolVersion: toolVersion(cmd),
                });
                io.err(`SARIF written to ${written}`);
              }
            },
          });
          const from = start.from;
          if (!incident) {
            if (opts.json) printJson(io, { incident: null, from: from.id, to: now.snapshot.id, changes: a.changes.length });
            else
              io.out(`nothing flagged between ${from.id} and ${now.snapshot.id} (${a.changes.length} files changed): no incident recorded`);
            return;
          }
          if (opts.json) printJson(io, { incident });
          else io.out(renderIncident(incident));
        },
        { capturesFirst: true },
      );
    });
}
