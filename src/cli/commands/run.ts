import type { Command } from 'commander';
import { analyzeWindow } from '../../engine/analysis/analyze';
import { isIncident, leadTrigger, recordIncident } from '../../engine/analysis/incident';
import { InputError } from '../../engine/errors';
import type { Trigger } from '../../engine/types';
import { endingText } from '../../engine/run/runFindings';
import { runJob } from '../../engine/run/runJob';
import { appendRunRecord, commandLine, listRuns, newRunId } from '../../engine/run/runLog';
import { withStore } from '../context';
import { formatDuration, formatTime } from '../format';
import { printJson, type CliIo } from '../io';

/** Ends the CLI with a given exit code and no message: the wrapped command's own code. */
export class CommandExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export function registerRunCommands(program: Command, io: CliIo): void {
  program
    .command('run')
    .description("run a job recorded: snapshot before and after, its output logged line by line with times; on failure, analyse at once; exits with the job's code")
    .usage('[--label L] [--no-analyze] -- CMD [ARGS...]')
    .argument('<command...>', 'the command and its arguments, after `--`')
    .option('--label <label>', 'a name for the run; its snapshots are labelled L:before and L:after (default run-<id>)')
    .option('--no-analyze', 'record the run but do not analyse it when it fails')
    .action(async (command: string[], opts: { label?: string; analyze: boolean }, cmd: Command) => {
      if (command.length === 0 || command[0] === '') throw new InputError('no command to run: write `incident-replay run -- CMD [ARGS...]`');
      const code = await withStore(cmd, io, async (store) => {
        const id = newRunId();
        const label = opts.label?.trim() || `run-${id}`;
        const before = await store.snapshot({ label: `${label}:before` });
        const outcome = await runJob({ storeDir: store.dir, id, command, cwd: process.cwd(), label, before: before.snapshot.id, stdout: process.stdout, stderr: process.stderr });
        if (outcome.error !== null) {
          io.err(`incident-replay: ${outcome.error}`);
          return outcome.shellCode;
        }
        const after = await store.snapshot({ label: `${label}:after` });
        appendRunRecord(outcome.file, { type: 'after', t: Date.now(), snapshot: after.snapshot.id });
        if (outcome.shellCode === 0 || !opts.analyze) return outcome.shellCode;
        const what = `${commandLine(command)} ${endingText(outcome)}`;
        try {
          const a = await analyzeWindow(store, before.snapshot, after.snapshot);
          if (!isIncident(a)) {
            io.err(`incident-replay: ${what}; nothing flagged, no incident recorded (run ${id})`);
            return outcome.shellCode;
          }
          const incident = await recordIncident(store, { ...a, since: `${label}:before` }, runTitle(what, a.triggers, outcome.file));
          appendRunRecord(outcome.file, { type: 'incident', t: Date.now(), id: incident.id });
          const rc = incident.rootCause;
          io.err(`incident-replay: ${what}: ${incident.id} ${rc.category} (confidence ${rc.confidence.toFixed(2)}): ${oneLine(rc.description)}`);
          io.err(`incident-replay: see \`incident-replay show ${incident.id}\``);
        } catch (e) {
          // The job's own exit code matters more to cron or CI than a failed analysis.
          io.err(`incident-replay: ${what}; the run could not be analysed: ${e instanceof Error ? e.message : String(e)}`);
        }
        return outcome.shellCode;
      });
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
          const how = r.end === null ? 'no end recorded' : r.error ?? (r.signal ?? `exit ${r.exitCode ?? '?'}`);
          const took = r.end === null ? '' : ` ${formatDuration(r.end - r.start)}`;
          io.out(`${r.id}  ${formatTime(r.start)}${took}  ${how}${r.incident ? `  ${r.incident}` : ''}  ${r.label}: ${commandLine(r.command)}`);
        }
      });
    });
}

/** The command and how it ended, then its first error when its own output had one. */
function runTitle(what: string, triggers: readonly Trigger[], runLog: string): string {
  const lead = leadTrigger(triggers);
  const own = lead && runLog.endsWith(lead.file) && lead.rule !== 'exit_code' && lead.rule !== 'signal';
  return oneLine(own ? `${what}: ${lead.errorType ? `${lead.errorType}: ` : ''}${lead.message}` : what, 120);
}

function oneLine(s: string, max = 200): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
}
