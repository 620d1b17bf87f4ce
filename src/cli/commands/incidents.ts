import type { Command } from 'commander';
import { getIncidentOrThrow, incidentsNewestFirst, patterns, resolveIncident } from '../../engine/incidents';
import { withStore } from '../context';
import { formatTime, table } from '../format';
import { printJson, type CliIo } from '../io';
import { renderIncident } from '../render';

export function registerIncidentCommands(program: Command, io: CliIo): void {
  program
    .command('incidents')
    .description('list the recorded incidents, newest first')
    .option('--json', 'print them as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await withStore(cmd, io, async (store) => {
        const list = await incidentsNewestFirst(store);
        if (opts.json) {
          printJson(io, { incidents: list });
          return;
        }
        if (list.length === 0) {
          io.out('no incidents yet: run `incident-replay analyze` after something broke');
          return;
        }
        io.out(
          table([
            ['ID', 'CREATED', 'SEVERITY', 'STATUS', 'ROOT CAUSE', 'TITLE'],
            ...list.map((i) => [
              i.id,
              formatTime(i.createdAt),
              i.severity,
              i.status,
              `${i.category} ${Math.round(i.confidence * 100)}%`,
              i.title + (i.repeatOf ? ` (repeats ${i.repeatOf})` : ''),
            ]),
          ]),
        );
      });
    });

  program
    .command('show')
    .description('show one incident: root cause, triggers, decision chain, timeline, remediation')
    .argument('<id>', 'incident id, e.g. INC-0001')
    .option('--json', 'print {"incident": {...}} as JSON')
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      await withStore(cmd, io, async (store) => {
        const incident = await getIncidentOrThrow(store, id);
        if (opts.json) printJson(io, { incident });
        else io.out(renderIncident(incident, { timeline: true }));
      });
    });

  program
    .command('patterns')
    .description('recurring failure signatures across incidents')
    .option('--json', 'print them as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await withStore(cmd, io, async (store) => {
        const list = await patterns(store);
        if (opts.json) {
          printJson(io, { patterns: list });
          return;
        }
        if (list.length === 0) {
          io.out('no incidents yet, so no patterns');
          return;
        }
        io.out(
          table([
            ['COUNT', 'ROOT CAUSE', 'INCIDENTS', 'LAST SEEN', 'EXAMPLE'],
            ...list.map((p) => [String(p.count), p.category, p.incidents.join(','), formatTime(p.lastSeen), p.example]),
          ]),
        );
      });
    });

  program
    .command('resolve')
    .description('mark an incident resolved')
    .argument('<id>', 'incident id, e.g. INC-0001')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      await withStore(cmd, io, async (store) => {
        const inc = await resolveIncident(store, id);
        io.out(`${inc.id} resolved at ${formatTime(inc.resolvedAt ?? Date.now())}`);
      });
    });
}
