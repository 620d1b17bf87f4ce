import { closestKey } from '../config/suggest';
import { InputError } from '../errors';
import { findBlame } from './blameless';
import { isCalendarDate } from './dates';
import {
  ACTIVE_ARTIFACT_KEYS,
  CONTRIBUTING_FACTOR_KEYS,
  type ActionItem,
  type ActionPriority,
  type ActionStatus,
  type Containment,
  type DetectionMethod,
  type Field,
  type Postmortem,
  type PostmortemSeverity,
  type PostmortemStatus,
  type WhyStep,
} from './types';

/*
 * Every postmortem field is settable by a flat key (`impact.sla_breached=yes`), which is what
 * the CLI's `--set` and the extension's edit box both speak. A set field becomes `confirmed`:
 * a person has looked at it. List keys marked "adds" append one item (an empty value clears
 * the list); nullable text keys take an empty value as "confirmed: none".
 */

export const LIFECYCLE_KEYS = [
  'change_id',
  'bundle_id',
  'retirement_plan',
  'registry_record',
  'inventory',
  'incident_taxonomy',
  'postmortem_rubric',
] as const;

export const EVALS_KEYS = ['dataset_cases', 'new_evals', 'rollout_gate', 'canary_scope', 'approval_thresholds'] as const;

const ACTION_FIELDS = ['text', 'owner', 'due', 'priority', 'status', 'artifact'] as const;
type ActionField = (typeof ACTION_FIELDS)[number];

const MAX_WHYS = 9;
const MAX_TEXT = 4000;

interface Ctx {
  key: string;
}

interface KeySpec {
  /** What the key accepts, for `--keys` and error messages. */
  values: string;
  set: (pm: Postmortem, value: string, ctx: Ctx) => void;
  /** Free text a person writes: checked by the blameless rule. */
  prose?: boolean;
}

// ---------------------------------------------------------------- value parsers

function bad(ctx: Ctx, message: string): InputError {
  return new InputError(`${ctx.key}: ${message}`);
}

function oneOf<T extends string>(ctx: Ctx, value: string, aliases: Record<string, T>, shown: string): T {
  const found = aliases[value.trim().toLowerCase().replace(/[\s_]+/g, '-')];
  if (found === undefined) throw bad(ctx, `${JSON.stringify(value)} is not one of ${shown}`);
  return found;
}

function yesNo(ctx: Ctx, value: string): boolean {
  return oneOf(ctx, value, { yes: 'y', y: 'y', true: 'y', no: 'n', n: 'n', false: 'n' }, 'yes, no') === 'y';
}

function text(ctx: Ctx, value: string, opts: { required?: boolean } = {}): string {
  const t = value.trim();
  if (opts.required && t === '') throw bad(ctx, 'give a non-empty text');
  if (t.length > MAX_TEXT) throw bad(ctx, `keep it under ${MAX_TEXT} characters (got ${t.length})`);
  return t;
}

function amount(ctx: Ctx, value: string): number | null {
  const t = value.trim();
  if (t === '') return null;
  const m = /^\$?\s*(\d[\d,]*(?:\.\d+)?|\.\d+)$/.exec(t);
  const n = m?.[1] === undefined ? NaN : Number(m[1].replace(/,/g, ''));
  if (!Number.isFinite(n)) throw bad(ctx, `${JSON.stringify(value)} is not a non-negative number (e.g. 1200, 1,200.50 or $1200)`);
  return n;
}

function time(ctx: Ctx, value: string): number {
  const t = value.trim();
  const ms = /^\d{4}-\d{2}-\d{2}/.test(t) ? Date.parse(t) : NaN;
  if (!Number.isFinite(ms)) throw bad(ctx, `${JSON.stringify(value)} is not a date and time: use ISO 8601, e.g. 2024-05-20T14:00:00Z`);
  return ms;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };

function duration(ctx: Ctx, value: string): number {
  const t = value.trim().toLowerCase();
  const parts = [...t.matchAll(/(\d+(?:\.\d+)?)\s*(ms|sec|min|s|m|h|d)\b/g)];
  const rebuilt = parts.map((p) => p[0]).join('');
  if (parts.length === 0 || rebuilt !== t.replace(/\s+/g, '')) {
    throw bad(ctx, `${JSON.stringify(value)} is not a duration: use e.g. 90s, 15m, 2h or 1h 30m`);
  }
  return parts.reduce((sum, p) => sum + Number(p[1]) * (UNIT_MS[p[2] ?? ''] ?? 0), 0);
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function priority(ctx: Ctx, value: string): ActionPriority {
  return oneOf(ctx, value, { p0: 'P0', p1: 'P1', p2: 'P2' }, 'P0 (next business day), P1 (one week), P2 (one sprint)');
}

function due(ctx: Ctx, value: string): string {
  const t = value.trim();
  if (!isCalendarDate(t)) throw bad(ctx, `${JSON.stringify(value)} is not a date: use YYYY-MM-DD, e.g. 2024-06-03`);
  return t;
}

const STATUS_ALIASES: Record<string, ActionStatus> = {
  open: 'open',
  'in-progress': 'in_progress',
  done: 'done',
  'wont-do': 'wont_do',
  "won't-do": 'wont_do',
};

// ---------------------------------------------------------------- field writers

function confirm<T>(field: Field<T>, value: T): void {
  field.value = value;
  field.state = 'confirmed';
}

/** Appends one item; an empty value clears the list. Either way a person has now looked at it. */
function addTo(field: Field<string[]>, item: string): void {
  confirm(field, item === '' ? [] : field.value.includes(item) ? field.value : [...field.value, item]);
}

function record(pm: Postmortem, name: 'lifecycleUpdates' | 'evalsAndRollout', key: string, value: string): void {
  const field = pm[name] ?? { value: {}, state: 'empty' };
  const next = { ...field.value };
  if (value === '') delete next[key];
  else next[key] = value;
  pm[name] = { value: next, state: 'confirmed' };
}

function containmentSpec(kind: Containment['kind']): KeySpec {
  return {
    values: `text (adds a ${kind} containment action; empty clears the ${kind} ones)`,
    prose: true,
    set: (pm, value, ctx) => {
      const action = text(ctx, value);
      const others = pm.containment.value.filter((c) => c.kind !== kind);
      const mine = action === '' ? [] : pm.containment.value.filter((c) => c.kind === kind && c.action !== action);
      confirm(pm.containment, [...others, ...mine, ...(action === '' ? [] : [{ action, kind }])]);
    },
  };
}

const SEVERITIES: Record<string, PostmortemSeverity> = {
  'sev-1': 'SEV-1', sev1: 'SEV-1', '1': 'SEV-1',
  'sev-2': 'SEV-2', sev2: 'SEV-2', '2': 'SEV-2',
  'sev-3': 'SEV-3', sev3: 'SEV-3', '3': 'SEV-3',
};

const DETECTIONS: Record<string, DetectionMethod> = {
  monitoring: 'monitoring',
  'customer-report': 'customer_report',
  'internal-discovery': 'internal_discovery',
};

const STATUSES: Record<string, PostmortemStatus> = { open: 'open', mitigated: 'mitigated', resolved: 'resolved' };

const PREVENTION = {
  monitoring_added: 'monitoringAdded',
  runbook_updated: 'runbookUpdated',
  test_coverage_added: 'testCoverageAdded',
  architecture_change_needed: 'architectureChangeNeeded',
  training_needed: 'trainingNeeded',
} as const satisfies Record<string, keyof Postmortem['prevention']>;

const COSTS = {
  revenue_lost: 'revenueLost',
  sla_credits: 'slaCredits',
  vendor_costs: 'vendorCosts',
  engineering_hours: 'engineeringHours',
  hourly_rate: 'hourlyRate',
  churn_risk: 'churnRisk',
} as const satisfies Record<string, keyof Postmortem['cost']>;

const BLAST_LISTS = { files: 'files', systems: 'systems', data: 'data', memory: 'memoryRecords' } as const;

function staticSpecs(): Record<string, KeySpec> {
  const specs: Record<string, KeySpec> = {
    summary: { values: 'text', prose: true, set: (pm, v, c) => confirm(pm.summary.text, text(c, v, { required: true })) },
    owner: { values: 'team or person who owns the postmortem (empty: none)', set: (pm, v, c) => confirm(pm.summary.owner, text(c, v) || null) },
    severity: { values: 'SEV-1 (revenue impact), SEV-2 (customer impact), SEV-3 (internal impact)', set: (pm, v, c) => confirm(pm.summary.severity, oneOf(c, v, SEVERITIES, 'SEV-1, SEV-2, SEV-3')) },
    status: {
      values: 'open, mitigated, resolved',
      set: (pm, v, c) => {
        pm.summary.status = { value: oneOf(c, v, STATUSES, 'open, mitigated, resolved'), state: 'confirmed' };
      },
    },
    start: { values: 'ISO 8601 time, e.g. 2024-05-20T14:00:00Z', set: (pm, v, c) => confirm(pm.summary.start, time(c, v)) },
    end: { values: 'ISO 8601 time, e.g. 2024-05-20T16:30:00Z', set: (pm, v, c) => confirm(pm.summary.end, time(c, v)) },
    detection: { values: 'monitoring, customer-report, internal-discovery', set: (pm, v, c) => confirm(pm.summary.detectionMethod, oneOf(c, v, DETECTIONS, 'monitoring, customer-report, internal-discovery')) },
    detection_delay: { values: 'duration from start to first alert, e.g. 15m, 2h, 1h 30m', set: (pm, v, c) => confirm(pm.summary.detectionDelayMs, duration(c, v)) },
    'impact.users': { values: 'who was affected, e.g. "all EU customers" (empty: none)', prose: true, set: (pm, v, c) => confirm(pm.summary.impact.users, text(c, v) || null) },
    'impact.systems': { values: 'comma list of systems (replaces)', set: (pm, v) => confirm(pm.summary.impact.systems, list(v)) },
    'impact.sla_breached': { values: 'yes, no', set: (pm, v, c) => confirm(pm.summary.impact.slaBreached, yesNo(c, v)) },
    what_happened: { values: 'text (adds an event; empty clears)', prose: true, set: (pm, v, c) => addTo(pm.whatHappened, text(c, v)) },
    'containment.temporary': containmentSpec('temporary'),
    'containment.permanent': containmentSpec('permanent'),
    'blast_radius.scope': {
      values: 'single-run, wider-pattern',
      set: (pm, v, c) => confirm(pm.blastRadius.scope, oneOf(c, v, { 'single-run': 'single_run', 'wider-pattern': 'wider_pattern' }, 'single-run, wider-pattern')),
    },
    'root_cause.immediate': { values: 'text', prose: true, set: (pm, v, c) => confirm(pm.rootCause.immediateCause, text(c, v, { required: true })) },
    'root_cause.contributing': { values: 'text (adds; empty clears)', prose: true, set: (pm, v, c) => addTo(pm.rootCause.contributing, text(c, v)) },
    control_gaps: { values: 'text (adds: which check, approval or eval should have caught it; empty clears)', prose: true, set: (pm, v, c) => addTo(pm.controlGaps, text(c, v)) },
    what_went_well: { values: 'text (adds; empty clears)', prose: true, set: (pm, v, c) => addTo(pm.wentWell, text(c, v)) },
  };
  for (const key of ACTIVE_ARTIFACT_KEYS) {
    specs[`artifacts.${key}`] = {
      values: `the active ${key} (empty: confirmed none)`,
      set: (pm, v, c) => {
        const value = text(c, v) || null;
        pm.activeArtifacts[key] = { value, state: 'confirmed' };
      },
    };
  }
  for (const [suffix, name] of Object.entries(BLAST_LISTS)) {
    specs[`blast_radius.${suffix}`] = { values: 'comma list (replaces)', set: (pm, v) => confirm(pm.blastRadius[name], list(v)) };
  }
  for (const key of CONTRIBUTING_FACTOR_KEYS) {
    specs[`factors.${key}`] = {
      values: '0-3, optionally ":note" (0 = not a factor, 3 = primary contributor), e.g. 2:no alert on the replica',
      prose: true,
      set: (pm, v, c) => {
        const m = /^\s*([0-3])\s*(?::\s*([\s\S]*))?$/.exec(v);
        if (m === null) throw bad(c, `${JSON.stringify(v)} is not a score: use 0, 1, 2 or 3, optionally followed by ":note"`);
        const score = Number(m[1]) as 0 | 1 | 2 | 3;
        const notes = m[2] === undefined ? pm.factors[key].notes : text(c, m[2]);
        pm.factors[key] = { score, notes, state: 'confirmed' };
      },
    };
  }
  for (const [suffix, name] of Object.entries(PREVENTION)) {
    specs[`prevention.${suffix}`] = { values: 'yes, no', set: (pm, v, c) => confirm(pm.prevention[name], yesNo(c, v)) };
  }
  for (const [suffix, name] of Object.entries(COSTS)) {
    const what = suffix === 'engineering_hours' ? 'hours' : suffix === 'hourly_rate' ? 'loaded cost per engineering hour' : 'amount';
    specs[`cost.${suffix}`] = { values: `non-negative ${what} (empty: unknown)`, set: (pm, v, c) => confirm(pm.cost[name], amount(c, v)) };
  }
  for (const key of LIFECYCLE_KEYS) {
    specs[`lifecycle.${key}`] = { values: 'text (empty removes)', prose: true, set: (pm, v, c) => record(pm, 'lifecycleUpdates', key, text(c, v)) };
  }
  for (const key of EVALS_KEYS) {
    specs[`evals.${key}`] = { values: 'text (empty removes)', prose: true, set: (pm, v, c) => record(pm, 'evalsAndRollout', key, text(c, v)) };
  }
  return specs;
}

const STATIC_SPECS = staticSpecs();

// ---------------------------------------------------------------- keys with an index or id

function whySpec(n: number, part: 'answer' | 'question'): KeySpec {
  return {
    values: part === 'answer' ? `answer to why ${n} (1-${MAX_WHYS}; the next number adds a why)` : `the question of why ${n}`,
    prose: true,
    set: (pm, value, ctx) => {
      const whys = pm.rootCause.fiveWhys;
      if (n > whys.length + 1) throw bad(ctx, `there are ${whys.length} whys: set why.${whys.length + 1} to add the next one`);
      const existing = whys[n - 1];
      const step: WhyStep = existing ? { ...existing } : { question: 'Why did that happen?', answer: '', evidence: [], state: 'empty' };
      const t = text(ctx, value, { required: part === 'question' });
      if (part === 'answer') step.answer = t;
      else step.question = t;
      step.state = 'confirmed';
      pm.rootCause.fiveWhys = existing ? whys.map((w, i) => (i === n - 1 ? step : w)) : [...whys, step];
    },
  };
}

function actionSpec(id: string, field: ActionField): KeySpec {
  return {
    values: {
      text: 'text of the action',
      owner: 'who owns it (empty: nobody yet)',
      due: 'YYYY-MM-DD',
      priority: 'P0, P1, P2',
      status: 'open, in-progress, done, wont-do',
      artifact: 'the artifact it updates (policy bundle, eval dataset, regression test...)',
    }[field],
    prose: field === 'text',
    set: (pm, value, ctx) => {
      const index = pm.actions.findIndex((a) => a.id.toLowerCase() === id.toLowerCase());
      const current = pm.actions[index];
      if (current === undefined) {
        throw bad(ctx, `no action ${id}; actions are ${pm.actions.map((a) => a.id).join(', ') || 'none yet (add one with --action)'}`);
      }
      const next: ActionItem = { ...current, state: 'confirmed' };
      if (field === 'text') next.action = text(ctx, value, { required: true });
      else if (field === 'owner') next.owner = text(ctx, value) || null;
      else if (field === 'due') next.due = value.trim() === '' ? null : due(ctx, value);
      else if (field === 'priority') next.priority = priority(ctx, value);
      else if (field === 'status') next.status = oneOf(ctx, value, STATUS_ALIASES, 'open, in-progress, done, wont-do');
      else next.artifact = text(ctx, value) || null;
      pm.actions = pm.actions.map((a, i) => (i === index ? next : a));
    },
  };
}

function specFor(key: string): KeySpec | undefined {
  const fixed = STATIC_SPECS[key.toLowerCase()];
  if (fixed) return fixed;
  const why = /^why\.([1-9])(\.question)?$/i.exec(key);
  if (why) {
    const n = Number(why[1]);
    return n <= MAX_WHYS ? whySpec(n, why[2] ? 'question' : 'answer') : undefined;
  }
  const action = /^action\.([A-Za-z]\d+)\.(\w+)$/i.exec(key);
  const field = ACTION_FIELDS.find((f) => f === action?.[2]?.toLowerCase());
  return action?.[1] && field ? actionSpec(action[1], field) : undefined;
}

/** Every settable key; `<n>` and `<id>` stand for a why number and an action id (A1...). */
export const POSTMORTEM_KEYS: readonly string[] = [
  ...Object.keys(STATIC_SPECS),
  'why.<n>',
  'why.<n>.question',
  ...ACTION_FIELDS.map((f) => `action.<id>.${f}`),
];

/** What `key` accepts, for help output; undefined for an unknown key. */
export function describeKey(key: string): string | undefined {
  const concrete = key.replace('<n>', '1').replace('<id>', 'A1');
  return specFor(concrete)?.values;
}

function unknownKey(key: string): InputError {
  const guess = closestKey(key, POSTMORTEM_KEYS.filter((k) => !k.includes('<')));
  return new InputError(
    `unknown postmortem key ${JSON.stringify(key)}${guess ? ` (did you mean ${guess}?)` : ''}; ` +
      `valid keys: ${POSTMORTEM_KEYS.join(', ')} (incident-replay postmortem --keys says what each accepts)`,
  );
}

/** Remembers blaming sentences a person wrote anyway, so reports can say they were kept. */
function keepBlame(pm: Postmortem, value: string, key: string): void {
  for (const finding of findBlame(value, key)) {
    if (!pm.keptBlameSentences.includes(finding.sentence)) pm.keptBlameSentences = [...pm.keptBlameSentences, finding.sentence];
  }
}

/**
 * A copy of `pm` with `key` set from its text form and marked confirmed. An unknown key or a
 * value the key does not accept is an InputError that says what would be accepted.
 */
export function setField(pm: Postmortem, key: string, value: string, now: number = Date.now()): Postmortem {
  const trimmed = key.trim();
  const spec = specFor(trimmed);
  if (spec === undefined) throw unknownKey(key);
  const next = structuredClone(pm);
  spec.set(next, value, { key: trimmed });
  if (spec.prose) keepBlame(next, value, trimmed);
  next.updatedAt = now;
  return next;
}

export interface NewAction {
  action: string;
  owner: string;
  due: string;
  priority: ActionPriority;
  artifact?: string;
}

/** A copy of `pm` with one more action item (open, confirmed); the owner, due date and priority are required. */
export function addAction(pm: Postmortem, a: NewAction, now: number = Date.now()): Postmortem {
  const ctx = (key: string): Ctx => ({ key });
  const action = text(ctx('--action'), a.action, { required: true });
  const owner = text(ctx('--owner'), a.owner ?? '');
  if (owner === '') throw new InputError('--owner: every action needs an owner (a team or a person)');
  if (a.due === undefined || a.due === '') throw new InputError('--due: every action needs a deadline, as YYYY-MM-DD');
  const item: ActionItem = {
    id: `A${pm.actions.reduce((max, x) => Math.max(max, Number(/\d+$/.exec(x.id)?.[0] ?? 0)), 0) + 1}`,
    action,
    owner,
    due: due(ctx('--due'), a.due),
    priority: priority(ctx('--priority'), String(a.priority ?? '')),
    status: 'open',
    artifact: a.artifact === undefined ? null : text(ctx('--artifact'), a.artifact) || null,
    state: 'confirmed',
  };
  const next = structuredClone(pm);
  next.actions = [...next.actions, item];
  keepBlame(next, action, `action.${item.id}`);
  next.updatedAt = now;
  return next;
}
