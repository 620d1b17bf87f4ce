/**
 * Every postmortem field a person edits, described once: the flat key the CLI's `--set` speaks,
 * where the value sits in the record, the label and input the webview's form shows, and how the
 * value reads as text and parses back. The engine's `setField` and the form both parse through
 * these specs, so a value one accepts the other accepts, and both store the same value.
 *
 * Plain data and pure functions only (no engine, no Node, no DOM): the browser bundle loads it.
 * The record's types stay in the engine, so values here are `unknown` past the parser.
 */
import { ROOT_CAUSE_CATEGORIES } from './incident';
import {
  ACTION_PRIORITIES,
  ACTION_STATUSES,
  ACTIVE_ARTIFACT_KEYS,
  CONTAINMENT_KINDS,
  CONTRIBUTING_FACTOR_KEYS,
  DETECTION_METHODS,
  EVALS_KEYS,
  LIFECYCLE_KEYS,
  POSTMORTEM_SEVERITIES,
  POSTMORTEM_STATUSES,
  SCOPES,
} from './postmortem';
import { formatDateTime, isCalendarDate, parseDateTime, type Zone } from './time';
import { upperFirst } from './format';

export type FieldPath = readonly (string | number)[];

/**
 * How a value is typed: `lines` is a list (one item per line; `names` lists also split on commas),
 * `score` a factor's 0–3 (the CLI may append `:note`), `select` one of `options`.
 */
export type FieldKind = 'text' | 'multiline' | 'lines' | 'amount' | 'duration' | 'datetime' | 'date' | 'select' | 'boolean' | 'score';

export interface Option {
  id: string;
  label: string;
  value: string | number | boolean | null;
  /** Other spellings people type (`sev1`, `customer-report`), compared case- and separator-insensitively. */
  aliases?: readonly string[];
}

export type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

export interface PostmortemField {
  /** The key `--set` takes: `impact.sla_breached`; `why.<n>` and `action.<id>.due` for items of a list. */
  key: string;
  /** The object holding the value and its `state`: a `Field`, an artifact, a factor; an item's fields are relative to the item. */
  holder: FieldPath;
  /** Where the value sits in the holder; empty for a factor's score, whose parsed value is merged into the holder. */
  at: FieldPath;
  /** The form's section (a list's fields have none). */
  section?: string;
  label: string;
  kind: FieldKind;
  options?: readonly Option[];
  /** Empty text means `null` (for a keyed record's entry: removes it). */
  nullable: boolean;
  /** Empty text is refused. */
  required: boolean;
  /** Free text the blameless check reads. */
  prose: boolean;
  /** For lists: whether commas also separate items (names do; sentences keep their commas). */
  names?: boolean;
  /** How `--set` applies a list: `add` appends its items (empty clears), `replace` replaces it. */
  listMode?: 'add' | 'replace';
  /** The holder has no `state` of its own (the root-cause category). */
  stateless: boolean;
  /** An entry of a keyed record (`lifecycle.<key>`): empty removes it. */
  entry?: boolean;
  /** What the key accepts, for `--keys`, error messages and the form's tooltip. */
  accepts: string;
  /** The form's placeholder. */
  hint?: string;
  /** Shown by `--set` only: the form edits the same value through a list editor (containment). */
  cliOnly?: boolean;
  parse(text: string, zone: Zone): Parsed;
  format(value: unknown, zone: Zone): string;
}

export const MAX_TEXT = 4000;

// ------------------------------------------------------------------ text codecs, one per kind

const ok = (value: unknown): Parsed => ({ ok: true, value });
const fail = (error: string): Parsed => ({ ok: false, error });
const quoted = (text: string): string => JSON.stringify(text);

interface TextRules {
  required: boolean;
  nullable: boolean;
}

function parseText(text: string, rules: TextRules): Parsed {
  const t = text.trim();
  if (rules.required && t === '') return fail('give a non-empty text');
  if (t.length > MAX_TEXT) return fail(`keep it under ${MAX_TEXT} characters (got ${t.length})`);
  return ok(rules.nullable && t === '' ? null : t);
}

function parseList(text: string, names: boolean): Parsed {
  const items = text
    .split(names ? /[\n,]/ : /\n/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const long = items.find((s) => s.length > MAX_TEXT);
  return long === undefined ? ok(items) : fail(`keep each item under ${MAX_TEXT} characters (got ${long.length})`);
}

function parseAmount(text: string): Parsed {
  const t = text.trim();
  if (t === '') return ok(null);
  const m = /^\$?\s*(\d[\d,]*(?:\.\d+)?|\.\d+)$/.exec(t);
  const n = m?.[1] === undefined ? NaN : Number(m[1].replace(/,/g, ''));
  return Number.isFinite(n) ? ok(n) : fail(`${quoted(text)} is not a non-negative number (e.g. 1200, 1,200.50 or $1200)`);
}

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };

function parseDuration(text: string): Parsed {
  const t = text.trim().toLowerCase();
  if (t === '') return ok(null);
  const parts = [...t.matchAll(/(\d+(?:\.\d+)?)\s*(ms|sec|min|s|m|h|d)\b/g)];
  if (
    parts.length === 0 ||
    parts
      .map((p) => p[0])
      .join('')
      .replace(/\s+/g, '') !== t.replace(/\s+/g, '')
  ) {
    return fail(`${quoted(text)} is not a duration: use e.g. 90s, 15m, 2h or 1h 30m`);
  }
  return ok(parts.reduce((sum, p) => sum + Number(p[1]) * (UNIT_MS[p[2] ?? ''] ?? 0), 0));
}

/** `1h 30m`, `2d 4h`, `45s 120ms`: what `parseDuration` reads back to the same number. */
export function formatDurationInput(ms: number): string {
  if (ms === 0) return '0s';
  const out: string[] = [];
  let rest = ms;
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) out.push(`${n}${unit}`);
    rest -= n * size;
  }
  if (rest > 0) out.push(`${Number(rest.toFixed(3))}ms`);
  return out.join(' ');
}

function parseDate(text: string): Parsed {
  const t = text.trim();
  if (t === '') return ok(null);
  return isCalendarDate(t) ? ok(t) : fail(`${quoted(text)} is not a date: use YYYY-MM-DD, e.g. 2024-06-03`);
}

/** Compared the way people type choices: `Customer Report`, `customer_report` and `customer-report` are one. */
const normalChoice = (text: string): string =>
  text
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');

function parseChoice(text: string, options: readonly Option[], shown: string, nullable: boolean): Parsed {
  const wanted = normalChoice(text);
  if (nullable && wanted === '') return ok(null);
  const o = options.find((x) => [x.id, ...(x.aliases ?? [])].some((a) => normalChoice(a) === wanted));
  return o ? ok(o.value) : fail(`${quoted(text)} is not one of ${shown}`);
}

// ------------------------------------------------------------------ options

/** `customer_report` → `customer report`. */
const words = (id: string): string => id.replace(/_/g, ' ');
/** `customer_report` → `customer-report`: how the CLI prints and lists a choice. */
const dashed = (id: string): string => id.replace(/_/g, '-');

const choices = (values: readonly string[], label: (v: string) => string = words): Option[] =>
  values.map((v) => ({ id: v, label: label(v), value: v }));

const SEVERITY_OPTIONS: readonly Option[] = POSTMORTEM_SEVERITIES.map((v) => {
  const n = v.slice(-1);
  return { id: v, label: v, value: v, aliases: [`sev${n}`, n] };
});

export const YES_NO: readonly Option[] = [
  { id: 'yes', label: 'yes', value: true, aliases: ['y', 'true'] },
  { id: 'no', label: 'no', value: false, aliases: ['n', 'false'] },
];

const TRI_STATE: readonly Option[] = [{ id: 'unknown', label: 'unknown', value: null }, ...YES_NO];

export const FACTOR_SCORES: readonly Option[] = [
  { id: '0', label: '0 – not a factor', value: 0 },
  { id: '1', label: '1 – minor', value: 1 },
  { id: '2', label: '2 – significant', value: 2 },
  { id: '3', label: '3 – primary contributor', value: 3 },
];

const STATUS_OPTIONS: readonly Option[] = ACTION_STATUSES.map((v) => ({
  id: v,
  label: words(v),
  value: v,
  aliases: v === 'wont_do' ? ["won't-do"] : [],
}));

// ------------------------------------------------------------------ field builders

type Extra = Partial<Omit<PostmortemField, 'key' | 'holder' | 'label' | 'kind' | 'parse' | 'format'>>;

function base(
  key: string,
  holder: FieldPath,
  label: string,
  kind: FieldKind,
  extra: Extra,
): Omit<PostmortemField, 'parse' | 'format' | 'accepts'> {
  return { key, holder, at: ['value'], label, kind, nullable: false, required: false, prose: false, stateless: false, ...extra };
}

function text(
  key: string,
  holder: FieldPath,
  label: string,
  accepts: string,
  extra: Extra & { multiline?: boolean } = {},
): PostmortemField {
  const { multiline, ...rest } = extra;
  const f = base(key, holder, label, multiline ? 'multiline' : 'text', rest);
  return {
    ...f,
    accepts,
    parse: (t) => parseText(t, f),
    format: (v) => (typeof v === 'string' ? v : ''),
  };
}

function lines(key: string, holder: FieldPath, label: string, accepts: string, extra: Extra): PostmortemField {
  const f = base(key, holder, label, 'lines', { hint: extra.names ? 'one per line, or a comma list' : 'one per line', ...extra });
  return {
    ...f,
    accepts,
    parse: (t) => parseList(t, f.names === true),
    format: (v) => (Array.isArray(v) ? v.join('\n') : ''),
  };
}

function select(
  key: string,
  holder: FieldPath,
  label: string,
  options: readonly Option[],
  shown: string,
  extra: Extra & { accepts?: string } = {},
): PostmortemField {
  const { accepts, ...rest } = extra;
  const f = base(key, holder, label, 'select', { options, ...rest });
  return {
    ...f,
    accepts: accepts ?? shown,
    parse: (t) => parseChoice(t, options, shown, f.nullable),
    format: (v) => options.find((o) => o.value === v)?.id ?? '',
  };
}

function yesNo(key: string, holder: FieldPath, label: string): PostmortemField {
  return {
    ...base(key, holder, label, 'boolean', { options: YES_NO }),
    accepts: 'yes, no',
    parse: (t) => parseChoice(t, YES_NO, 'yes, no', false),
    format: (v) => (v === true ? 'yes' : v === false ? 'no' : ''),
  };
}

function amount(key: string, holder: FieldPath, label: string, what: string): PostmortemField {
  return {
    ...base(key, holder, label, 'amount', { nullable: true, hint: 'e.g. 1,200.50' }),
    accepts: `non-negative ${what} (empty: unknown)`,
    parse: parseAmount,
    format: (v) => (typeof v === 'number' ? String(v) : ''),
  };
}

function dateTime(key: string, holder: FieldPath, label: string, example: string): PostmortemField {
  return {
    ...base(key, holder, label, 'datetime', { nullable: true, hint: 'YYYY-MM-DD HH:MM:SS.mmm' }),
    accepts: `ISO 8601 time, e.g. ${example} (empty: unknown)`,
    parse: (t, zone) => {
      if (t.trim() === '') return ok(null);
      const ms = parseDateTime(t, zone);
      return ms === undefined
        ? fail(`${quoted(t)} is not a date and time: use ISO 8601, e.g. 2024-05-20T14:00:00Z, or 2024-05-20 14:00`)
        : ok(ms);
    },
    format: (v, zone) => (typeof v === 'number' ? formatDateTime(v, zone) : ''),
  };
}

const titled = (id: string): string => upperFirst(words(id));

// ------------------------------------------------------------------ the fields

const SUMMARY = ['summary'];

const inSection = (section: string, fields: readonly PostmortemField[]): PostmortemField[] => fields.map((f) => ({ ...f, section }));

/** Every field with a fixed key, in the order of the form's sections. */
export const POSTMORTEM_FIELDS: readonly PostmortemField[] = [
  ...inSection('summary', [
    text('summary', [...SUMMARY, 'text'], 'Summary', 'text', { multiline: true, required: true, prose: true }),
    dateTime('start', [...SUMMARY, 'start'], 'Start', '2024-05-20T14:00:00Z'),
    dateTime('end', [...SUMMARY, 'end'], 'End', '2024-05-20T16:30:00Z'),
    select('severity', [...SUMMARY, 'severity'], 'Severity', SEVERITY_OPTIONS, 'SEV-1, SEV-2, SEV-3', {
      accepts: 'SEV-1 (revenue impact), SEV-2 (customer impact), SEV-3 (internal impact)',
    }),
    select('status', [...SUMMARY, 'status'], 'Status', choices(POSTMORTEM_STATUSES), POSTMORTEM_STATUSES.join(', ')),
    text('owner', [...SUMMARY, 'owner'], 'Owner', 'team or person who owns the postmortem (empty: none)', { nullable: true }),
    text('impact.users', [...SUMMARY, 'impact', 'users'], 'Users affected', 'who was affected, e.g. "all EU customers" (empty: none)', {
      nullable: true,
      prose: true,
    }),
    lines('impact.systems', [...SUMMARY, 'impact', 'systems'], 'Systems affected', 'comma list of systems (replaces)', {
      names: true,
      listMode: 'replace',
    }),
    select('impact.sla_breached', [...SUMMARY, 'impact', 'slaBreached'], 'SLA breached', TRI_STATE, 'yes, no, unknown', { nullable: true }),
    select('detection', [...SUMMARY, 'detectionMethod'], 'Detection', choices(DETECTION_METHODS), DETECTION_METHODS.map(dashed).join(', ')),
    {
      ...base('detection_delay', [...SUMMARY, 'detectionDelayMs'], 'Detection delay', 'duration', {
        nullable: true,
        hint: 'e.g. 15m or 1h 30m',
      }),
      accepts: 'duration from start to first alert, e.g. 15m, 2h, 1h 30m (empty: unknown)',
      parse: parseDuration,
      format: (v) => (typeof v === 'number' ? formatDurationInput(v) : ''),
    },
  ]),
  ...ACTIVE_ARTIFACT_KEYS.map((k) =>
    text(`artifacts.${k}`, ['activeArtifacts', k], k, `the active ${k} (empty: confirmed none)`, { section: 'artifacts', nullable: true }),
  ),
  lines('what_happened', ['whatHappened'], 'What happened', 'text (adds an event, one per line; empty clears)', {
    section: 'whatHappened',
    prose: true,
    listMode: 'add',
  }),
  ...CONTAINMENT_KINDS.map((kind) =>
    text(
      `containment.${kind}`,
      ['containment'],
      `${titled(kind)} containment`,
      `text (adds a ${kind} containment action; empty clears the ${kind} ones)`,
      {
        section: 'containment',
        prose: true,
        cliOnly: true,
      },
    ),
  ),
  lines('blast_radius.files', ['blastRadius', 'files'], 'Files', 'comma list (replaces)', {
    section: 'blastRadius',
    names: true,
    listMode: 'replace',
  }),
  lines('blast_radius.systems', ['blastRadius', 'systems'], 'Systems', 'comma list (replaces)', {
    section: 'blastRadius',
    names: true,
    listMode: 'replace',
  }),
  lines('blast_radius.data', ['blastRadius', 'data'], 'Data', 'comma list (replaces)', {
    section: 'blastRadius',
    names: true,
    listMode: 'replace',
  }),
  lines('blast_radius.memory', ['blastRadius', 'memoryRecords'], 'Memory records', 'comma list (replaces)', {
    section: 'blastRadius',
    names: true,
    listMode: 'replace',
  }),
  select('blast_radius.scope', ['blastRadius', 'scope'], 'Scope', choices(SCOPES), SCOPES.map(dashed).join(', '), {
    section: 'blastRadius',
  }),
  select('root_cause.category', ['rootCause'], 'Category', choices(ROOT_CAUSE_CATEGORIES), ROOT_CAUSE_CATEGORIES.map(dashed).join(', '), {
    section: 'rootCause',
    at: ['category'],
    stateless: true,
  }),
  text('root_cause.immediate', ['rootCause', 'immediateCause'], 'Immediate cause', 'text', {
    section: 'rootCause',
    multiline: true,
    required: true,
    prose: true,
  }),
  lines('root_cause.contributing', ['rootCause', 'contributing'], 'Contributing causes', 'text (adds, one per line; empty clears)', {
    section: 'rootCause',
    prose: true,
    listMode: 'add',
  }),
  ...CONTRIBUTING_FACTOR_KEYS.flatMap((k): PostmortemField[] => [
    {
      ...base(`factors.${k}`, ['factors', k], titled(k), 'score', { section: 'factors', at: [], options: FACTOR_SCORES, prose: true }),
      accepts: '0-3, optionally ":note" (0 = not a factor, 3 = primary contributor), e.g. 2:no alert on the replica',
      parse: (t) => {
        const m = /^\s*([0-3])\s*(?::\s*([\s\S]*))?$/.exec(t);
        if (m === null) return fail(`${quoted(t)} is not a score: use 0, 1, 2 or 3, optionally followed by ":note"`);
        if (m[2] === undefined) return ok({ score: Number(m[1]) });
        const notes = parseText(m[2], { required: false, nullable: false });
        return notes.ok ? ok({ score: Number(m[1]), notes: notes.value }) : notes;
      },
      format: (v) => {
        const score = typeof v === 'object' && v !== null ? (v as { score?: unknown }).score : undefined;
        return typeof score === 'number' ? String(score) : '';
      },
    },
    text(`factors.${k}.notes`, ['factors', k], `${titled(k)}: notes`, 'text: why it contributed (empty: no notes)', {
      section: 'factors',
      at: ['notes'],
      prose: true,
    }),
  ]),
  lines('control_gaps', ['controlGaps'], 'Control gaps', 'text (adds: which check, approval or eval should have caught it; empty clears)', {
    section: 'gaps',
    prose: true,
    listMode: 'add',
  }),
  lines('what_went_well', ['wentWell'], 'What went well', 'text (adds, one per line; empty clears)', {
    section: 'gaps',
    prose: true,
    listMode: 'add',
  }),
  ...(
    [
      ['monitoring_added', 'monitoringAdded', 'Monitoring added or improved'],
      ['runbook_updated', 'runbookUpdated', 'Runbook created or updated'],
      ['test_coverage_added', 'testCoverageAdded', 'Test coverage added'],
      ['architecture_change_needed', 'architectureChangeNeeded', 'Architecture change needed'],
      ['training_needed', 'trainingNeeded', 'Training needed'],
    ] as const
  ).map(([key, prop, label]) => ({ ...yesNo(`prevention.${key}`, ['prevention', prop], label), section: 'prevention' })),
  ...(
    [
      ['revenue_lost', 'revenueLost', 'Revenue lost', 'amount'],
      ['sla_credits', 'slaCredits', 'SLA credits', 'amount'],
      ['vendor_costs', 'vendorCosts', 'Vendor costs', 'amount'],
      ['engineering_hours', 'engineeringHours', 'Engineering hours', 'hours'],
      ['hourly_rate', 'hourlyRate', 'Hourly rate', 'loaded cost per engineering hour'],
      ['churn_risk', 'churnRisk', 'Churn risk', 'amount'],
    ] as const
  ).map(([key, prop, label, what]) => ({ ...amount(`cost.${key}`, ['cost', prop], label, what), section: 'cost' })),
  ...LIFECYCLE_KEYS.map((k) =>
    text(`lifecycle.${k}`, ['lifecycleUpdates'], titled(k), 'text (empty removes)', {
      section: 'lifecycle',
      at: ['value', k],
      nullable: true,
      entry: true,
      prose: true,
    }),
  ),
  ...EVALS_KEYS.map((k) =>
    text(`evals.${k}`, ['evalsAndRollout'], titled(k), 'text (empty removes)', {
      section: 'evals',
      at: ['value', k],
      nullable: true,
      entry: true,
      prose: true,
    }),
  ),
];

/** A why of the five whys: `why.<n>` answers it, `why.<n>.question` rewords it (1–9; the next number adds one). */
export const MAX_WHYS = 9;
export const WHY_FIELDS: readonly PostmortemField[] = [
  text('why.<n>.question', [], 'Why', 'the question of why <n>', { at: ['question'], required: true, prose: true }),
  text('why.<n>', [], 'Because', `answer to why <n> (1-${MAX_WHYS}; the next number adds a why)`, {
    at: ['answer'],
    multiline: true,
    prose: true,
  }),
];

/** An action item's fields, `action.<id>.<field>`. */
export const ACTION_FIELDS: readonly PostmortemField[] = [
  text('action.<id>.text', [], 'Action', 'text of the action', { at: ['action'], required: true, prose: true }),
  text('action.<id>.owner', [], 'Owner', 'who owns it (empty: nobody yet)', { at: ['owner'], nullable: true }),
  {
    ...base('action.<id>.due', [], 'Due', 'date', { at: ['due'], nullable: true, hint: 'YYYY-MM-DD' }),
    accepts: 'YYYY-MM-DD',
    parse: parseDate,
    format: (v) => (typeof v === 'string' ? v : ''),
  },
  select(
    'action.<id>.priority',
    [],
    'Priority',
    choices(ACTION_PRIORITIES, (v) => v),
    'P0 (next business day), P1 (one week), P2 (one sprint)',
    { at: ['priority'], accepts: ACTION_PRIORITIES.join(', ') },
  ),
  select('action.<id>.status', [], 'Status', STATUS_OPTIONS, ACTION_STATUSES.map(dashed).join(', '), { at: ['status'] }),
  text('action.<id>.artifact', [], 'Artifact it updates', 'the artifact it updates (policy bundle, eval dataset, regression test...)', {
    at: ['artifact'],
    nullable: true,
  }),
];

/** A containment step in the form's list editor; `--set containment.<kind>` adds one. */
export const CONTAINMENT_FIELDS: readonly PostmortemField[] = [
  text('containment.<kind>', [], 'Action', 'text', { at: ['action'], prose: true }),
  select('containment.<kind>.kind', [], 'Kind', choices(CONTAINMENT_KINDS), CONTAINMENT_KINDS.join(', '), { at: ['kind'] }),
];

const BY_KEY = new Map(POSTMORTEM_FIELDS.map((f) => [f.key, f]));

/** A key resolved to its field; `why` is the why's number, `action` the action id as typed. */
export interface ResolvedKey {
  field: PostmortemField;
  why?: number;
  action?: string;
}

/** The field a `--set` key names (fixed keys case-insensitively), or undefined. */
export function resolveKey(key: string): ResolvedKey | undefined {
  const fixed = BY_KEY.get(key.toLowerCase());
  if (fixed) return { field: fixed };
  const why = /^why\.([1-9])(\.question)?$/i.exec(key);
  if (why) {
    const field = WHY_FIELDS.find((f) => f.key === (why[2] ? 'why.<n>.question' : 'why.<n>'));
    const n = Number(why[1]);
    return field && n <= MAX_WHYS ? { field, why: n } : undefined;
  }
  const action = /^action\.([A-Za-z]\d+)\.(\w+)$/i.exec(key);
  const field = ACTION_FIELDS.find((f) => f.key === `action.<id>.${action?.[2]?.toLowerCase() ?? ''}`);
  return action?.[1] && field ? { field, action: action[1] } : undefined;
}

/** Every `--set` key; `<n>` and `<id>` stand for a why number and an action id (A1...). */
export const POSTMORTEM_KEYS: readonly string[] = [
  ...POSTMORTEM_FIELDS.map((f) => f.key),
  'why.<n>',
  'why.<n>.question',
  ...ACTION_FIELDS.map((f) => f.key),
];

// ------------------------------------------------------------------ reading and writing by path

export function getIn(root: unknown, path: FieldPath): unknown {
  let cur: unknown = root;
  for (const k of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string | number, unknown>)[k];
  }
  return cur;
}

/** A copy of `root` with `value` at `path` (`undefined` removes the property); only the objects along the path are copied. */
export function setIn(root: unknown, path: FieldPath, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (Array.isArray(root)) {
    const copy = root.slice();
    copy[head as number] = setIn(root[head as number], rest, value);
    return copy;
  }
  const obj = typeof root === 'object' && root !== null ? (root as Record<string, unknown>) : {};
  const next = setIn(obj[head], rest, value);
  if (next === undefined && rest.length === 0) {
    const { [head]: _removed, ...others } = obj;
    return others;
  }
  return { ...obj, [head]: next };
}

/**
 * `root` with a parsed value written where `field` keeps it, under the holder at `holder`: a
 * factor's score (and note) merge into the factor, an empty entry leaves its record, and a value a
 * person typed replaces where the draft had found one (`source`). States are the caller's.
 */
export function writeValue(root: unknown, field: PostmortemField, holder: FieldPath, value: unknown): unknown {
  if (field.at.length === 0) {
    const current = getIn(root, holder);
    return setIn(root, holder, { ...(typeof current === 'object' && current !== null ? current : {}), ...(value as object) });
  }
  let next = setIn(root, [...holder, ...field.at], field.entry && value === null ? undefined : value);
  if (getIn(next, [...holder, 'source']) !== undefined && field.at[0] === 'value') next = setIn(next, [...holder, 'source'], undefined);
  return next;
}
