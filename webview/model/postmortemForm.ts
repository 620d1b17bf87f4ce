/**
 * The postmortem editor's model: which fields there are, how each reads as text in an input and
 * parses back, and what an edit does to the record (the value changes, and a person's edit turns
 * the field from `drafted` into `confirmed`, or `empty` when cleared). Every edit produces a new
 * record that must still pass `isPostmortem`, so the form cannot build something the host rejects.
 */
import type { BlameCheckText } from '../../src/protocol/messages';
import {
  ACTION_PRIORITIES,
  ACTION_STATUSES,
  ACTIVE_ARTIFACT_KEYS,
  CONTAINMENT_KINDS,
  CONTRIBUTING_FACTOR_KEYS,
  DETECTION_METHODS,
  OUTCOMES,
  POSTMORTEM_SEVERITIES,
  POSTMORTEM_STATUSES,
  SCOPES,
  type FieldState,
  type Postmortem,
  isPostmortem,
} from '../../src/protocol/postmortem';
import { ROOT_CAUSE_CATEGORIES } from '../../src/model/incident';
import { type Zone, formatDateTime, humanize, parseDateTime } from './format';

export type Path = readonly (string | number)[];

export type InputKind = 'text' | 'multiline' | 'lines' | 'number' | 'datetime' | 'select' | 'boolean' | 'keyValues';

export interface Option {
  id: string;
  label: string;
  value: string | number | boolean | null;
}

export interface FieldSpec {
  /** The object holding the value and its `state` (a `Field`, an artifact, a factor, a list item). */
  path: Path;
  /** The property with the value: `value` for a `Field`, `score`/`notes` for a factor, `answer` for a why. */
  key: string;
  label: string;
  input: InputKind;
  options?: readonly Option[];
  /** Empty text means `null`. */
  nullable?: boolean;
  /** Free text the blameless check reads. */
  prose?: boolean;
  hint?: string;
  /** The holder has no `state` of its own (root-cause category, annotation). */
  stateless?: boolean;
}

export interface SectionSpec {
  id: string;
  title: string;
  fields: FieldSpec[];
}

const opts = (values: readonly (string | number)[], label: (v: string) => string = humanize): Option[] =>
  values.map((v) => ({ id: String(v), label: label(String(v)), value: v }));

const field = (path: Path, label: string, input: InputKind, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  path,
  key: 'value',
  label,
  input,
  ...extra,
});

const TRI_STATE: Option[] = [
  { id: 'unknown', label: 'unknown', value: null },
  { id: 'yes', label: 'yes', value: true },
  { id: 'no', label: 'no', value: false },
];

const FACTOR_SCORES: Option[] = [
  { id: '0', label: '0 – not a factor', value: 0 },
  { id: '1', label: '1 – minor', value: 1 },
  { id: '2', label: '2 – significant', value: 2 },
  { id: '3', label: '3 – primary contributor', value: 3 },
];

/** The fixed fields, section by section; lists (containment, five whys, actions) are edited through `LIST_SPECS`. */
export const POSTMORTEM_SECTIONS: readonly SectionSpec[] = [
  {
    id: 'summary',
    title: 'Summary',
    fields: [
      field(['summary', 'text'], 'Summary', 'multiline', { prose: true }),
      field(['summary', 'start'], 'Start', 'datetime', { nullable: true, hint: 'YYYY-MM-DD HH:MM:SS.mmm' }),
      field(['summary', 'end'], 'End', 'datetime', { nullable: true, hint: 'YYYY-MM-DD HH:MM:SS.mmm' }),
      field(['summary', 'severity'], 'Severity', 'select', { options: opts(POSTMORTEM_SEVERITIES, (v) => v) }),
      field(['summary', 'status'], 'Status', 'select', { options: opts(POSTMORTEM_STATUSES) }),
      field(['summary', 'owner'], 'Owner', 'text', { nullable: true }),
      field(['summary', 'impact', 'users'], 'Users affected', 'text', { nullable: true }),
      field(['summary', 'impact', 'systems'], 'Systems affected', 'lines', { hint: 'one per line' }),
      field(['summary', 'impact', 'slaBreached'], 'SLA breached', 'select', { options: TRI_STATE }),
      field(['summary', 'detectionMethod'], 'Detection', 'select', { options: opts(DETECTION_METHODS) }),
      field(['summary', 'detectionDelayMs'], 'Detection delay (ms)', 'number', { nullable: true }),
    ],
  },
  {
    id: 'artifacts',
    title: 'Active artifacts',
    fields: ACTIVE_ARTIFACT_KEYS.map((k) => field(['activeArtifacts', k], k, 'text', { nullable: true })),
  },
  {
    id: 'whatHappened',
    title: 'What happened',
    fields: [field(['whatHappened'], 'What happened', 'lines', { prose: true, hint: 'one step per line' })],
  },
  {
    id: 'blastRadius',
    title: 'Blast radius',
    fields: [
      field(['blastRadius', 'files'], 'Files', 'lines'),
      field(['blastRadius', 'systems'], 'Systems', 'lines'),
      field(['blastRadius', 'data'], 'Data', 'lines'),
      field(['blastRadius', 'memoryRecords'], 'Memory records', 'lines'),
      field(['blastRadius', 'scope'], 'Scope', 'select', { options: opts(SCOPES) }),
    ],
  },
  {
    id: 'rootCause',
    title: 'Root cause',
    fields: [
      { path: ['rootCause'], key: 'category', label: 'Category', input: 'select', options: opts(ROOT_CAUSE_CATEGORIES), stateless: true },
      field(['rootCause', 'immediateCause'], 'Immediate cause', 'multiline', { prose: true }),
      field(['rootCause', 'contributing'], 'Contributing causes', 'lines', { prose: true, hint: 'one per line' }),
    ],
  },
  {
    id: 'factors',
    title: 'Contributing factors (0–3)',
    fields: CONTRIBUTING_FACTOR_KEYS.flatMap((k) => [
      { path: ['factors', k], key: 'score', label: humanize(k), input: 'select' as const, options: FACTOR_SCORES },
      { path: ['factors', k], key: 'notes', label: `${humanize(k)}: notes`, input: 'text' as const, prose: true },
    ]),
  },
  {
    id: 'gaps',
    title: 'Control gaps and what went well',
    fields: [
      field(['controlGaps'], 'Control gaps', 'lines', { prose: true, hint: 'one per line' }),
      field(['wentWell'], 'What went well', 'lines', { prose: true, hint: 'one per line' }),
    ],
  },
  {
    id: 'prevention',
    title: 'Recurrence prevention',
    fields: [
      field(['prevention', 'monitoringAdded'], 'Monitoring added or improved', 'boolean'),
      field(['prevention', 'runbookUpdated'], 'Runbook created or updated', 'boolean'),
      field(['prevention', 'testCoverageAdded'], 'Test coverage added', 'boolean'),
      field(['prevention', 'architectureChangeNeeded'], 'Architecture change needed', 'boolean'),
      field(['prevention', 'trainingNeeded'], 'Training needed', 'boolean'),
    ],
  },
  {
    id: 'cost',
    title: 'Cost',
    fields: [
      field(['cost', 'revenueLost'], 'Revenue lost', 'number', { nullable: true }),
      field(['cost', 'slaCredits'], 'SLA credits', 'number', { nullable: true }),
      field(['cost', 'vendorCosts'], 'Vendor costs', 'number', { nullable: true }),
      field(['cost', 'engineeringHours'], 'Engineering hours', 'number', { nullable: true }),
      field(['cost', 'hourlyRate'], 'Hourly rate', 'number', { nullable: true }),
      field(['cost', 'churnRisk'], 'Churn risk', 'number', { nullable: true }),
    ],
  },
  {
    id: 'lifecycle',
    title: 'Lifecycle updates',
    fields: [field(['lifecycleUpdates'], 'Updates', 'keyValues', { hint: 'artifact: what changed, one per line' })],
  },
  {
    id: 'evals',
    title: 'Evals and rollout',
    fields: [field(['evalsAndRollout'], 'Changes', 'keyValues', { hint: 'eval, gate or canary: what changes, one per line' })],
  },
];

/** A list of records edited row by row. */
export interface ListSpec {
  id: string;
  title: string;
  /** Where the array is. */
  path: Path;
  /** Where the state lives when the whole list shares one (`containment`); absent when each item has its own. */
  sharedState?: Path;
  columns: FieldSpec[];
  addLabel: string;
  newItem(pm: Postmortem): unknown;
}

const col = (key: string, label: string, input: InputKind, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  path: [],
  key,
  label,
  input,
  ...extra,
});

export const LIST_SPECS: readonly ListSpec[] = [
  {
    id: 'containment',
    title: 'Containment',
    path: ['containment', 'value'],
    sharedState: ['containment'],
    columns: [col('action', 'Action', 'text', { prose: true }), col('kind', 'Kind', 'select', { options: opts(CONTAINMENT_KINDS) })],
    addLabel: 'Add containment step',
    newItem: () => ({ action: '', kind: 'temporary' }),
  },
  {
    id: 'fiveWhys',
    title: 'Five whys',
    path: ['rootCause', 'fiveWhys'],
    columns: [col('question', 'Why', 'text', { prose: true }), col('answer', 'Because', 'multiline', { prose: true })],
    addLabel: 'Add why',
    newItem: () => ({ question: '', answer: '', evidence: [], state: 'empty' }),
  },
  {
    id: 'actions',
    title: 'Action items',
    path: ['actions'],
    columns: [
      col('action', 'Action', 'text', { prose: true }),
      col('owner', 'Owner', 'text', { nullable: true }),
      col('due', 'Due', 'text', { nullable: true, hint: 'YYYY-MM-DD' }),
      col('priority', 'Priority', 'select', { options: opts(ACTION_PRIORITIES, (v) => v) }),
      col('status', 'Status', 'select', { options: opts(ACTION_STATUSES) }),
      col('artifact', 'Artifact it updates', 'text', { nullable: true }),
    ],
    addLabel: 'Add action item',
    newItem: (pm) => {
      const ids = new Set(pm.actions.map((a) => a.id));
      let n = pm.actions.length + 1;
      while (ids.has(`A${n}`)) n++;
      return { id: `A${n}`, action: '', owner: null, due: null, priority: 'P1', status: 'open', artifact: null, state: 'empty' };
    },
  },
];

export const OUTCOME_OPTIONS: readonly Option[] = [{ id: 'none', label: 'not annotated', value: null }, ...opts(OUTCOMES)];

// ------------------------------------------------------------------ reading and writing by path

export function getIn(root: unknown, path: Path): unknown {
  let cur: unknown = root;
  for (const k of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string | number, unknown>)[k];
  }
  return cur;
}

/** A copy of `root` with `value` at `path`; only the objects along the path are copied. */
export function setIn(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (Array.isArray(root)) {
    const copy = root.slice();
    copy[head as number] = setIn(root[head as number], rest, value);
    return copy;
  }
  const obj = typeof root === 'object' && root !== null ? (root as Record<string, unknown>) : {};
  return { ...obj, [head]: setIn(obj[head], rest, value) };
}

// ------------------------------------------------------------------ text codecs

const DUE = /^\d{4}-\d{2}-\d{2}$/;

export function valueToText(spec: FieldSpec, value: unknown, zone: Zone): string {
  if (value === null || value === undefined) return '';
  switch (spec.input) {
    case 'lines':
      return Array.isArray(value) ? value.join('\n') : '';
    case 'keyValues':
      return typeof value === 'object'
        ? Object.entries(value as Record<string, unknown>)
            .map(([k, v]) => `${k}: ${String(v)}`)
            .join('\n')
        : '';
    case 'datetime':
      return typeof value === 'number' ? formatDateTime(value, zone) : '';
    case 'select':
      return spec.options?.find((o) => o.value === value)?.id ?? '';
    default:
      return String(value);
  }
}

export type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

export function textToValue(spec: FieldSpec, raw: string | boolean, zone: Zone): Parsed {
  if (spec.input === 'boolean') return typeof raw === 'boolean' ? { ok: true, value: raw } : { ok: false, error: 'expected a checkbox' };
  const text = String(raw);
  if (spec.input === 'select') {
    const o = spec.options?.find((x) => x.id === text);
    return o ? { ok: true, value: o.value } : { ok: false, error: `choose one of: ${(spec.options ?? []).map((x) => x.label).join(', ')}` };
  }
  const trimmed = text.trim();
  if (spec.nullable && trimmed === '') return { ok: true, value: null };
  switch (spec.input) {
    case 'text':
      if (spec.hint === 'YYYY-MM-DD' && !DUE.test(trimmed)) return { ok: false, error: 'write the date as YYYY-MM-DD' };
      return { ok: true, value: spec.nullable ? trimmed : text };
    case 'multiline':
      return { ok: true, value: text };
    case 'lines':
      return { ok: true, value: text.split('\n').map((l) => l.trim()).filter((l) => l !== '') };
    case 'keyValues': {
      const out: Record<string, string> = {};
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        const i = line.indexOf(':');
        if (i <= 0) return { ok: false, error: `"${line.trim()}" needs the form "artifact: what changed"` };
        out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
      }
      return { ok: true, value: out };
    }
    case 'number': {
      const n = Number(trimmed.replace(/[,_\s]/g, ''));
      return trimmed !== '' && Number.isFinite(n) ? { ok: true, value: n } : { ok: false, error: 'expected a number' };
    }
    case 'datetime': {
      const t = parseDateTime(trimmed, zone);
      return t === undefined ? { ok: false, error: 'write the time as YYYY-MM-DD HH:MM:SS.mmm' } : { ok: true, value: t };
    }
  }
}

function isEmptyValue(v: unknown): boolean {
  if (v === null || v === undefined || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v).length === 0;
  return false;
}

// ------------------------------------------------------------------ edits

export type EditResult = { ok: true; postmortem: Postmortem } | { ok: false; error: string };

function checked(next: unknown): EditResult {
  return isPostmortem(next) ? { ok: true, postmortem: next } : { ok: false, error: 'that value does not fit this field' };
}

/** A person typed `raw` into the field `spec` of the holder at `base` (an item's path for list columns). */
export function editField(pm: Postmortem, spec: FieldSpec, raw: string | boolean, zone: Zone, base: Path = spec.path): EditResult {
  const parsed = textToValue(spec, raw, zone);
  if (!parsed.ok) return parsed;
  let next = setIn(pm, [...base, spec.key], parsed.value);
  if (!spec.stateless) {
    const holder = getIn(next, base);
    // A factor's score and notes share one state: it is empty only when both are.
    const empty =
      spec.key === 'score' || spec.key === 'notes'
        ? getIn(holder, ['score']) === 0 && getIn(holder, ['notes']) === ''
        : isEmptyValue(parsed.value);
    next = setIn(next, [...base, 'state'], empty ? 'empty' : 'confirmed');
  }
  return checked(next);
}

/** A person read the draft and accepts it as written. */
export function confirmAt(pm: Postmortem, statePath: Path): EditResult {
  if (getIn(pm, [...statePath, 'state']) !== 'drafted') return { ok: true, postmortem: pm };
  return checked(setIn(pm, [...statePath, 'state'], 'confirmed'));
}

export function listItems(pm: Postmortem, list: ListSpec): unknown[] {
  const v = getIn(pm, list.path);
  return Array.isArray(v) ? v : [];
}

function afterListChange(pm: unknown, list: ListSpec, items: unknown[]): EditResult {
  let next = setIn(pm, list.path, items);
  if (list.sharedState) next = setIn(next, [...list.sharedState, 'state'], items.length === 0 ? 'empty' : 'confirmed');
  return checked(next);
}

export function addListItem(pm: Postmortem, list: ListSpec): EditResult {
  return afterListChange(pm, list, [...listItems(pm, list), list.newItem(pm)]);
}

export function removeListItem(pm: Postmortem, list: ListSpec, index: number): EditResult {
  return afterListChange(pm, list, listItems(pm, list).filter((_, i) => i !== index));
}

/** Edits one cell of a list; items with their own state get it, lists with a shared state update that. */
export function editListCell(pm: Postmortem, list: ListSpec, index: number, column: FieldSpec, raw: string | boolean, zone: Zone): EditResult {
  const base = [...list.path, index];
  const r = editField(pm, { ...column, stateless: true }, raw, zone, base);
  if (!r.ok) return r;
  if (list.sharedState) return afterListChange(r.postmortem, list, listItems(r.postmortem, list));
  const item = getIn(r.postmortem, base);
  // Choices always hold a value, so an item is empty when its free-text cells are.
  const empty = list.columns.every((c) => c.input === 'select' || isEmptyValue(getIn(item, [c.key])));
  return checked(setIn(r.postmortem, [...base, 'state'], empty ? 'empty' : 'confirmed'));
}

export function setAnnotation(pm: Postmortem, outcomeId: string, note: string, now: number): EditResult {
  const o = OUTCOME_OPTIONS.find((x) => x.id === outcomeId);
  if (!o) return { ok: false, error: 'unknown outcome' };
  if (o.value === null) return checked({ ...pm, annotation: null });
  return checked({ ...pm, annotation: { outcome: o.value, note: note.trim() === '' ? null : note.trim(), at: now } });
}

export function keepBlameSentence(pm: Postmortem, sentence: string): Postmortem {
  return pm.keptBlameSentences.includes(sentence) ? pm : { ...pm, keptBlameSentences: [...pm.keptBlameSentences, sentence] };
}

export function unkeepBlameSentence(pm: Postmortem, sentence: string): Postmortem {
  return { ...pm, keptBlameSentences: pm.keptBlameSentences.filter((s) => s !== sentence) };
}

// ------------------------------------------------------------------ reading the whole record

export function stateAt(pm: Postmortem, holder: Path): FieldState | null {
  const s = getIn(pm, [...holder, 'state']);
  return s === 'drafted' || s === 'confirmed' || s === 'empty' ? s : null;
}

/** How many fields are still drafts, confirmed, or empty: the tab's progress line. */
export function stateCounts(pm: Postmortem): Record<FieldState, number> {
  const counts: Record<FieldState, number> = { drafted: 0, confirmed: 0, empty: 0 };
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) {
      const s = (v as Record<string, unknown>).state;
      if (s === 'drafted' || s === 'confirmed' || s === 'empty') counts[s]++;
      for (const [k, child] of Object.entries(v)) if (k !== 'state') walk(child);
    }
  };
  walk(pm);
  return counts;
}

export const pathKey = (path: Path): string => path.join('.');

/** Every piece of free text, keyed by its dotted path, for the blameless check. */
export function proseTexts(pm: Postmortem): BlameCheckText[] {
  const out: BlameCheckText[] = [];
  const push = (path: Path, v: unknown): void => {
    if (typeof v === 'string' && v.trim() !== '') out.push({ field: pathKey(path), text: v });
    else if (Array.isArray(v)) v.forEach((x, i) => push([...path, i], x));
  };
  for (const section of POSTMORTEM_SECTIONS) {
    for (const f of section.fields) if (f.prose) push([...f.path, f.key], getIn(pm, [...f.path, f.key]));
  }
  for (const list of LIST_SPECS) {
    listItems(pm, list).forEach((item, i) => {
      for (const c of list.columns) if (c.prose) push([...list.path, i, c.key], getIn(item, [c.key]));
    });
  }
  if (pm.annotation?.note) push(['annotation', 'note'], pm.annotation.note);
  return out;
}
