import type { Command } from 'commander';
import { InputError } from '../../engine/errors';
import { getIncidentOrThrow, resolveIncident } from '../../engine/incidents';
import { blamelessCheck, findBlame } from '../../engine/postmortem/blameless';
import { costOf, downtimeOf } from '../../engine/postmortem/cost';
import { addAction, describeKey, POSTMORTEM_KEYS, setField } from '../../engine/postmortem/edit';
import {
  annotateIncident,
  CLOSING_OUTCOMES,
  getPostmortem,
  hasStoredPostmortem,
  OUTCOMES,
  updatePostmortem,
} from '../../engine/postmortem/store';
import type { ActionPriority, Field, FieldState, Postmortem } from '../../engine/postmortem/types';
import { withStore } from '../context';
import { formatTime, table } from '../format';
import { formatDuration } from '../../model/format';
import { printJson, type CliIo } from '../io';

interface PostmortemOptions {
  set: string[];
  action?: string;
  owner?: string;
  due?: string;
  priority?: string;
  artifact?: string;
  json?: boolean;
  keys?: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function splitAssignment(raw: string): [key: string, value: string] {
  const eq = raw.indexOf('=');
  if (eq <= 0)
    throw new InputError(`--set ${JSON.stringify(raw)}: write it as key=value, e.g. --set owner=platform-team (--keys lists the keys)`);
  return [raw.slice(0, eq).trim(), raw.slice(eq + 1)];
}

function renderKeys(): string {
  return table([['KEY', 'ACCEPTS'], ...POSTMORTEM_KEYS.map((k) => [k, describeKey(k) ?? ''])]);
}

export function registerPostmortemCommands(program: Command, io: CliIo): void {
  program
    .command('postmortem')
    .description('show or edit the blameless postmortem of an incident (drafted from the evidence, confirmed by people)')
    .argument('[id]', 'incident id, e.g. INC-0001')
    .option('--set <key=value>', 'set a field and mark it confirmed (repeatable; --keys lists the keys)', collect, [])
    .option('--action <text>', 'add an action item (with --owner, --due and --priority)')
    .option('--owner <owner>', 'owner of the action added with --action')
    .option('--due <YYYY-MM-DD>', 'deadline of the action added with --action')
    .option('--priority <P0|P1|P2>', 'priority of the action: P0 next business day, P1 one week, P2 one sprint')
    .option('--artifact <artifact>', 'what the action updates (policy bundle, eval dataset, regression test...)')
    .option('--json', 'print {"postmortem": {...}} as JSON')
    .option('--keys', 'list the settable keys and what each accepts')
    .action(async (id: string | undefined, opts: PostmortemOptions, cmd: Command) => {
      if (opts.keys) {
        io.out(renderKeys());
        return;
      }
      if (id === undefined)
        throw new InputError('give the incident id, e.g. `incident-replay postmortem INC-0001` (see `incident-replay incidents`)');
      const actionFlags = (['owner', 'due', 'priority', 'artifact'] as const).filter((f) => opts[f] !== undefined);
      if (opts.action === undefined && actionFlags.length > 0) {
        const hint = actionFlags.includes('owner') ? '; to set the postmortem owner use --set owner=NAME' : '';
        throw new InputError(`--${actionFlags.join(', --')} belong${actionFlags.length === 1 ? 's' : ''} to --action "text"${hint}`);
      }
      // Parsed before the store opens, so a typo fails fast and changes nothing.
      const assignments = opts.set.map(splitAssignment);
      await withStore(cmd, io, async (store) => {
        if (assignments.length === 0 && opts.action === undefined) {
          const pm = await getPostmortem(store, id);
          if (opts.json) {
            printJson(io, { postmortem: pm });
            return;
          }
          const incident = await getIncidentOrThrow(store, id);
          io.out(renderPostmortem(pm, incident.title, await hasStoredPostmortem(store, id)));
          return;
        }
        const now = Date.now();
        const pm = await updatePostmortem(
          store,
          id,
          (current) => {
            let next = current;
            for (const [key, value] of assignments) next = setField(next, key, value, now);
            if (opts.action !== undefined) {
              next = addAction(
                next,
                {
                  action: opts.action,
                  owner: opts.owner ?? '',
                  due: opts.due ?? '',
                  priority: (opts.priority ?? '') as ActionPriority,
                  ...(opts.artifact !== undefined ? { artifact: opts.artifact } : {}),
                },
                now,
              );
            }
            return next;
          },
          now,
        );
        const texts: [string, string][] = [
          ...assignments,
          ...(opts.action !== undefined ? [['action', opts.action] as [string, string]] : []),
        ];
        for (const [key, value] of texts) {
          for (const f of findBlame(value, key)) {
            io.err(`warning: ${key}: "${f.sentence}" names ${f.who} next to a mistake. ${f.suggestion} (kept; reports will note it)`);
          }
        }
        if (opts.json) {
          printJson(io, { postmortem: pm });
          return;
        }
        for (const [key] of assignments) io.out(`${pm.incidentId}: ${key} set (confirmed)`);
        const added = pm.actions[pm.actions.length - 1];
        if (opts.action !== undefined && added)
          io.out(`${pm.incidentId}: action ${added.id} added (${added.priority}, due ${added.due ?? '?'}, owner ${added.owner ?? '?'})`);
      });
    });

  program
    .command('annotate')
    .description('record how an incident ended: fixed, mitigated, false-alarm or wont-fix, with a note; part of its postmortem')
    .argument('<id>', 'incident id, e.g. INC-0001')
    .requiredOption('--outcome <outcome>', `one of ${OUTCOMES.join(', ')}`)
    .option('--note <text>', 'why, or what was done')
    .option('--keep-open', 'do not resolve the incident (fixed, false-alarm and wont-fix resolve it otherwise)')
    .option('--json', 'print {"postmortem": {...}, "status": "open" | "resolved"} as JSON')
    .action(async (id: string, opts: { outcome: string; note?: string; keepOpen?: boolean; json?: boolean }, cmd: Command) => {
      const outcome = OUTCOMES.find((o) => o === opts.outcome.trim().toLowerCase());
      if (outcome === undefined) throw new InputError(`--outcome ${JSON.stringify(opts.outcome)} is not one of ${OUTCOMES.join(', ')}`);
      await withStore(cmd, io, async (store) => {
        const pm = await annotateIncident(store, id, outcome, opts.note ?? null);
        const incident =
          CLOSING_OUTCOMES.has(outcome) && !opts.keepOpen
            ? await resolveIncident(store, pm.incidentId)
            : await getIncidentOrThrow(store, pm.incidentId);
        if (opts.json) printJson(io, { postmortem: pm, status: incident.status });
        else
          io.out(
            `${pm.incidentId} annotated: ${outcome}${pm.annotation?.note ? ` (${pm.annotation.note})` : ''}; ${incident.status === 'resolved' ? 'resolved' : 'still open'}`,
          );
      });
    });
}

// ---------------------------------------------------------------- text rendering

const TAG: Record<FieldState, string> = { drafted: '[drafted]', confirmed: '[confirmed]', empty: '[empty]' };

const KEY_WIDTH = 37;
/** Where a value starts, so continuation lines of lists line up under it. */
const VALUE_INDENT = ' '.repeat(2 + 11 + 1 + KEY_WIDTH + 1);

function row(state: FieldState, key: string, value: string): string {
  return `  ${TAG[state].padEnd(11)} ${key.padEnd(KEY_WIDTH)} ${value}`;
}

function show<T>(f: Field<T | null>, format: (v: T) => string): string {
  return f.value === null || (Array.isArray(f.value) && f.value.length === 0) ? '—' : format(f.value);
}

function listRows(state: FieldState, key: string, items: readonly string[]): string[] {
  if (items.length === 0) return [row(state, key, '—')];
  return [row(state, key, `- ${items[0] ?? ''}`), ...items.slice(1).map((i) => `${VALUE_INDENT}- ${i}`)];
}

function yesNo(v: boolean | null): string {
  return v === null ? '—' : v ? 'yes' : 'no';
}

function money(v: number | null): string {
  return v === null ? '—' : v.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

function renderPostmortem(pm: Postmortem, title: string, stored: boolean): string {
  const s = pm.summary;
  const duration = downtimeOf(pm);
  const out: string[] = [
    `Postmortem ${pm.incidentId} · ${title}`,
    stored ? `last edited ${formatTime(pm.updatedAt)}` : 'not saved yet: this is a fresh draft from the evidence',
    `[drafted] fields come from the evidence and need a person to confirm or change them: --set key=value (--keys lists the keys)`,
    '',
    '1. Summary',
    row(s.text.state, 'summary', s.text.value),
    row(s.start.state, 'start', show(s.start, formatTime)),
    row(s.end.state, 'end', show(s.end, formatTime) + (duration !== null ? `  (duration ${formatDuration(duration)})` : '')),
    row(s.severity.state, 'severity', s.severity.value),
    row(s.status?.state ?? 'empty', 'status', s.status?.value ?? '—'),
    row(s.owner.state, 'owner', show(s.owner, String)),
    row(s.impact.users.state, 'impact.users', show(s.impact.users, String)),
    row(
      s.impact.systems.state,
      'impact.systems',
      show(s.impact.systems, (v) => v.join(', ')),
    ),
    row(s.impact.slaBreached.state, 'impact.sla_breached', yesNo(s.impact.slaBreached.value)),
    row(s.detectionMethod.state, 'detection', s.detectionMethod.value.replace(/_/g, '-')),
    row(s.detectionDelayMs.state, 'detection_delay', show(s.detectionDelayMs, formatDuration)),
    '',
    '2. Active artifacts',
    ...Object.entries(pm.activeArtifacts).map(([k, a]) =>
      row(a.state, `artifacts.${k}`, a.value === null ? '—' : `${a.value}${a.source ? `  (${a.source})` : ''}`),
    ),
    '',
    '3. What happened',
    ...listRows(pm.whatHappened.state, 'what_happened', pm.whatHappened.value),
    '',
    '4. Containment',
    ...listRows(
      pm.containment.state,
      'containment.temporary',
      pm.containment.value.filter((c) => c.kind === 'temporary').map((c) => c.action),
    ),
    ...listRows(
      pm.containment.state,
      'containment.permanent',
      pm.containment.value.filter((c) => c.kind === 'permanent').map((c) => c.action),
    ),
    '',
    '5. Blast radius',
    ...listRows(pm.blastRadius.files.state, 'blast_radius.files', pm.blastRadius.files.value),
    ...listRows(pm.blastRadius.systems.state, 'blast_radius.systems', pm.blastRadius.systems.value),
    ...listRows(pm.blastRadius.data.state, 'blast_radius.data', pm.blastRadius.data.value),
    ...listRows(pm.blastRadius.memoryRecords.state, 'blast_radius.memory', pm.blastRadius.memoryRecords.value),
    row(pm.blastRadius.scope.state, 'blast_radius.scope', pm.blastRadius.scope.value.replace(/_/g, '-')),
    '',
    `6. Root cause (${pm.rootCause.category})`,
    row(pm.rootCause.immediateCause.state, 'root_cause.immediate', pm.rootCause.immediateCause.value),
    ...listRows(pm.rootCause.contributing.state, 'root_cause.contributing', pm.rootCause.contributing.value),
    ...pm.rootCause.fiveWhys.flatMap((w, i) => [
      row(w.state, `why.${i + 1}`, w.question),
      `${VALUE_INDENT}→ ${w.answer || '(open: answer with --set why.' + (i + 1) + '="...")'}` +
        (w.evidence.length ? `  [${w.evidence.map((e) => `${e.kind} ${e.ref}`).join(', ')}]` : ''),
    ]),
    '',
    '7. Contributing factors (0 = not a factor … 3 = primary)',
    ...Object.entries(pm.factors).map(([k, f]) => row(f.state, `factors.${k}`, `${f.score}${f.notes ? `  ${f.notes}` : ''}`)),
    '',
    '8. Control-layer gaps',
    ...listRows(pm.controlGaps.state, 'control_gaps', pm.controlGaps.value),
    '',
    '9. What went well',
    ...listRows(pm.wentWell.state, 'what_went_well', pm.wentWell.value),
    '',
    '10. Action items',
    pm.actions.length === 0
      ? '  none yet: --action "text" --owner O --due YYYY-MM-DD --priority P1'
      : table([
          ['', 'ID', 'PRI', 'STATUS', 'DUE', 'OWNER', 'ARTIFACT', 'ACTION'],
          ...pm.actions.map((a) => [
            TAG[a.state],
            a.id,
            a.priority,
            a.status.replace(/_/g, '-'),
            a.due ?? '—',
            a.owner ?? '—',
            a.artifact ?? '—',
            a.action,
          ]),
        ])
          .split('\n')
          .map((l) => `  ${l}`)
          .join('\n'),
    '',
    '11. Recurrence prevention',
    row(pm.prevention.monitoringAdded.state, 'prevention.monitoring_added', yesNo(pm.prevention.monitoringAdded.value)),
    row(pm.prevention.runbookUpdated.state, 'prevention.runbook_updated', yesNo(pm.prevention.runbookUpdated.value)),
    row(pm.prevention.testCoverageAdded.state, 'prevention.test_coverage_added', yesNo(pm.prevention.testCoverageAdded.value)),
    row(
      pm.prevention.architectureChangeNeeded.state,
      'prevention.architecture_change_needed',
      yesNo(pm.prevention.architectureChangeNeeded.value),
    ),
    row(pm.prevention.trainingNeeded.state, 'prevention.training_needed', yesNo(pm.prevention.trainingNeeded.value)),
    '',
    '12. Cost',
    ...renderCost(pm, duration),
    '',
    '13. Lifecycle, evals and rollout',
    ...recordRows('lifecycle', pm.lifecycleUpdates),
    ...recordRows('evals', pm.evalsAndRollout ?? { value: {}, state: 'empty' }),
  ];
  if (pm.annotation) {
    out.push(
      '',
      `Outcome: ${pm.annotation.outcome}${pm.annotation.note ? ` (${pm.annotation.note})` : ''}, ${formatTime(pm.annotation.at)}`,
    );
  }
  const findings = blamelessCheck(pm);
  if (findings.length) {
    out.push('', 'Blameless check:');
    for (const f of findings) {
      const kept = pm.keptBlameSentences.includes(f.sentence) ? ' (kept by choice)' : '';
      out.push(`  ${f.field}: "${f.sentence}"${kept}`, `    ${f.suggestion}`);
    }
  }
  return out.join('\n');
}

function renderCost(pm: Postmortem, downtime: number | null): string[] {
  const c = pm.cost;
  const total = costOf(pm, downtime);
  return [
    row(c.revenueLost.state, 'cost.revenue_lost', money(c.revenueLost.value)),
    row(c.slaCredits.state, 'cost.sla_credits', money(c.slaCredits.value)),
    row(c.vendorCosts.state, 'cost.vendor_costs', money(c.vendorCosts.value)),
    row(c.engineeringHours.state, 'cost.engineering_hours', money(c.engineeringHours.value)),
    row(c.hourlyRate.state, 'cost.hourly_rate', money(c.hourlyRate.value)),
    row(c.churnRisk.state, 'cost.churn_risk', money(c.churnRisk.value)),
    Object.values(c).every((f) => f.value === null)
      ? '  no amounts yet: --set cost.revenue_lost=..., cost.engineering_hours=..., cost.hourly_rate=...'
      : `  direct ${money(total.direct)} + indirect ${money(total.indirect)} = total ${money(total.total)}` +
        (total.perMinute !== null ? `; ${money(total.perMinute)} per minute of downtime` : ''),
  ];
}

function recordRows(prefix: string, f: Field<Record<string, string>>): string[] {
  const entries = Object.entries(f.value);
  if (entries.length === 0) return [row(f.state, `${prefix}.*`, '—')];
  return entries.map(([k, v]) => row(f.state, `${prefix}.${k}`, v));
}
