import type { FileRole, RootCauseCategory } from '../types';
import type { Context } from './context';
import type { ClassifyInput } from './input';
import type { Contribution } from './scoring';
import { ROLE_CATEGORY, W } from './weights';
import { listSome } from '../../model/format';

/** Files a job reads: what it writes (outputs, logs) and documentation say nothing about why it failed. */
const INPUT_ROLES: ReadonlySet<FileRole> = new Set(['config', 'data', 'code']);

/**
 * Differential evidence: the window starts where the same job last worked (see ClassifyInput
 * `knownGood`), so what it reads that changed between then and the failing run's start is what
 * differs between a run that worked and one that did not. When those changes are all of one kind
 * (only config, only data, only code), that kind is the likely cause, whatever the error's wording
 * says (a segfault after a buffer size was raised is the config's doing). What changed after the
 * failing run's snapshot before is left out: those changes are the job's.
 */
export function knownGoodEvidence(ctx: Context): Contribution[] {
  const good = ctx.input.knownGood;
  const byCategory = ctx.sinceWorked;
  // Two kinds of change split the credit; more tell nothing apart.
  if (!good || byCategory.size === 0 || byCategory.size > 2) return [];
  const weight = byCategory.size === 1 ? W.onlyChangeSinceWorked : W.onlyChangeSinceWorked / 3;
  return [...byCategory].map(([category, paths]) => ({
    category,
    weight,
    group: 'known-good',
    item: {
      kind: 'snapshot',
      ref: good.snapshot,
      description: `\`${good.job}\` worked at ${good.at}; of what it reads, only ${listSome(paths)} changed before this run started`,
    },
  }));
}

/**
 * What the job reads that changed between where it last worked and the failing run's start, by
 * the category its kind of file points to; empty without a known-good start. The steps after the
 * failing run's snapshot before (an automatic snapshot taken while it ran among them) hold what
 * the run did, and are left out.
 */
export function inputsChangedSinceWorked(input: ClassifyInput): Map<RootCauseCategory, string[]> {
  const byCategory = new Map<RootCauseCategory, string[]>();
  const good = input.knownGood;
  const steps = input.steps;
  const upTo = good ? steps.findIndex((s) => s.to === good.runStart) : -1;
  if (upTo < 0) return byCategory;
  const before = new Set(steps.slice(0, upTo + 1).flatMap((s) => s.changes.map((c) => c.path)));
  for (const c of input.changes) {
    const role = input.roles(c.path);
    // Only the permissions of an input changed: a matter of configuration, not of its content.
    const kind = c.status === 'mode_changed' ? 'config_error' : ROLE_CATEGORY[role];
    const category = INPUT_ROLES.has(role) && before.has(c.path) ? kind : undefined;
    if (category) byCategory.set(category, [...(byCategory.get(category) ?? []), c.path]);
  }
  return byCategory;
}
