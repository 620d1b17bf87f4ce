import type { Command } from 'commander';
import { InputError } from '../../engine/errors';
import { runRecorded } from '../../engine/run/recordedRun';
import { wrapperSignals } from '../../engine/run/runJob';
import { commandLine, listRuns } from '../../engine/run/runLog';
import { withStore } from '../context';
import { formatTime } from '../format';
import { formatDuration } from '../../model/format';
import { printJson, type CliIo } from '../io';
import { CommandExit } from '../commandExit';

export function registerRunCommands(program: Command, io: CliIo): void {
  program
    .command('run')
    .description(
      "run a job recorded: snapshot before and after, its output logged line by line with times; on failure, analyse at once; exits with the job's code",
    )
    .usage('[--label L] [--no-analyze] -- CMD [ARGS...]')
    .argument('<command...>', 'the command and its arguments, after `--`')
    .option('--label <label>', 'a name for the run; its snapshots are labelled L:before and L:after (default run-<id>)')
    .option('--no-analyze', 'record the run but do not analyse it when it fails')
    .action(async (command: string[], opts: { label?: string; analyze: boolean }, cmd: Command) => {
      if (command.length === 0 || command[0] === '')
        throw new InputError('no command to run: write `incident-replay run -- CMD [ARGS...]`');
      const code = await withStore(
        cmd,
        io,
        async (store) => {
          const run = await runRecorded(store, {
            command,
            cwd: process.cwd(),
            ...(opts.label ? { label: opts.label } : {}),
            analyze: opts.analyze,
            stdout: process.stdout,
            stderr: process.stderr,
            forward: wrapperSignals(),
          });
          if (run.outcome.error !== null) io.err(`incident-replay: ${run.outcome.error}`);
          else if (run.incident) {
            const rc = run.incident.rootCause;
            io.err(
              `incident-replay: ${run.summary}: ${run.incident.id} ${rc.category} (confidence ${rc.confidence.toFixed(2)}): ${oneLine(rc.description)}`,
            );
            io.err(`incident-replay: see \`incident-replay show ${run.incident.id}\``);
          } else if (run.note) io.err(`incident-replay: ${run.summary}; ${run.note} (run ${run.outcome.id})`);
          return run.outcome.shellCode;
        },
        { capturesFirst: true },
      );
      if (code !== 0) throw new CommandExit(code);
    });

  program
    .command('runs')
    .description('list the jobs run with `incident-replay run`')
    .option('--json', 'print {"runs": [...]} as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await withStore(cmd, io, async (store) => {
        const runs = listRuns(store.dir);
        if (opts.json) {
          printJson(io, {
            runs: runs.map((r) => ({
              id: r.id,
              label: r.label,
              command: r.command,
              cwd: r.cwd,
              start: r.start,
              end: r.end,
              exitCode: r.exitCode,
              signal: r.signal,
              error: r.error,
              before: r.before,
              after: r.after,
              incident: r.incident,
              outputLines: r.output.length,
              log: r.file,
            })),
          });
          return;
        }
        if (runs.length === 0) {
          io.out('no runs yet: run a job with `incident-replay run -- CMD [ARGS...]`');
          return;
        }
        for (const r of runs) {
          const how = r.end === null ? 'no end recorded' : (r.error ?? r.signal ?? `exit ${r.exitCode ?? '?'}`);
          const took = r.end === null ? '' : ` ${formatDuration(r.end - r.start)}`;
          io.out(
            `${r.id}  ${formatTime(r.start)}${took}  ${how}${r.incident ? `  ${r.incident}` : ''}  ${r.label}: ${commandLine(r.command)}`,
          );
        }
      });
    });
}

function oneLine(s: string, max = 200): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
}
