/**
 * The postmortem editor's model: which fields there are, how each reads as text in an input and
 * parses back, and what an edit does to the record (the value changes, and a person's edit turns
 * the field from `drafted` into `confirmed`, or `empty` when cleared). The fields, their labels,
 * inputs and text codecs are the shared specs of src/model/postmortemFields.ts, the same the CLI's
 * `--set` parses through, so both accept the same text and store the same value. Every edit
 * produces a new record that must still pass `isPostmortem`, so the form cannot build something
 * the host rejects.
 */
import type { BlameCheckText } from '../../src/protocol/messages';
import { OUTCOMES } from '../../src/model/postmortem';
import { type FieldState, type Postmortem, isPostmortem } from '../../src/protocol/postmortem';
import {
  ACTION_FIELDS,
  CONTAINMENT_FIELDS,
  POSTMORTEM_FIELDS,
  WHY_FIELDS,
  type FieldPath,
  type Option,
  type Parsed,
  type PostmortemField,
  getIn,
  setIn,
  writeValue,
} from '../../src/model/postmortemFields';
import type { Zone } from '../../src/model/time';
import { humanize } from './format';

export type Path = FieldPath;
export type FieldSpec = PostmortemField;
export type { Option, Parsed };
export { getIn, setIn };

export interface SectionSpec {
  id: string;
  title: string;
  fields: FieldSpec[];
}

const SECTION_TITLES: readonly (readonly [id: string, title: string])[] = [
  ['summary', 'Summary'],
  ['artifacts', 'Active artifacts'],
  ['whatHappened', 'What happened'],
  ['blastRadius', 'Blast radius'],
  ['rootCause', 'Root cause'],
  ['factors', 'Contributing factors (0–3)'],
  ['gaps', 'Control gaps and what went well'],
  ['prevention', 'Recurrence prevention'],
  ['cost', 'Cost'],
  ['lifecycle', 'Lifecycle updates'],
  ['evals', 'Evals and rollout'],
];

/** The fixed fields, section by section; lists (containment, five whys, actions) are edited through `LIST_SPECS`. */
export const POSTMORTEM_SECTIONS: readonly SectionSpec[] = SECTION_TITLES.map(([id, title]) => ({
  id,
  title,
  fields: POSTMORTEM_FIELDS.filter((f) => f.section === id && !f.cliOnly),
}));

/** A list of records edited row by row. */
export interface ListSpec {
  id: string;
  title: string;
  /** Where the array is. */
  path: Path;
  /** Where the state lives when the whole list shares one (`containment`); absent when each item has its own. */
  sharedState?: Path;
  /** Each column's `at` is relative to the item. */
  columns: readonly FieldSpec[];
  addLabel: string;
  newItem(pm: Postmortem): unknown;
}

export const LIST_SPECS: readonly ListSpec[] = [
  {
    id: 'containment',
    title: 'Containment',
    path: ['containment', 'value'],
    sharedState: ['containment'],
    columns: CONTAINMENT_FIELDS,
    addLabel: 'Add containment step',
    newItem: () => ({ action: '', kind: 'temporary' }),
  },
  {
    id: 'fiveWhys',
    title: 'Five whys',
    path: ['rootCause', 'fiveWhys'],
    columns: WHY_FIELDS,
    addLabel: 'Add why',
    newItem: () => ({ question: '', answer: '', evidence: [], state: 'empty' }),
  },
  {
    id: 'actions',
    title: 'Action items',
    path: ['actions'],
    columns: ACTION_FIELDS,
    addLabel: 'Add action item',
    newItem: (pm) => {
      const ids = new Set(pm.actions.map((a) => a.id));
      let n = pm.actions.length + 1;
      while (ids.has(`A${n}`)) n++;
      return { id: `A${n}`, action: '', owner: null, due: null, priority: 'P1', status: 'open', artifact: null, state: 'empty' };
    },
  },
];

export const OUTCOME_OPTIONS: readonly Option[] = [
  { id: 'none', label: 'not annotated', value: null },
  ...OUTCOMES.map((o) => ({ id: o, label: humanize(o), value: o })),
];

// ------------------------------------------------------------------ text codecs

export function valueToText(spec: FieldSpec, value: unknown, zone: Zone): string {
  return value === null || value === undefined ? '' : spec.format(value, zone);
}

/** What a person typed, parsed as the CLI's `--set` parses it; a checkbox gives its state. */
export function textToValue(spec: FieldSpec, raw: string | boolean, zone: Zone): Parsed {
  if (typeof raw === 'boolean') return spec.kind === 'boolean' ? { ok: true, value: raw } : { ok: false, error: 'expected text' };
  return spec.parse(raw, zone);
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
export function editField(pm: Postmortem, spec: FieldSpec, raw: string | boolean, zone: Zone, base: Path = spec.holder): EditResult {
  const parsed = textToValue(spec, raw, zone);
  if (!parsed.ok) return parsed;
  let next = writeValue(pm, spec, base, parsed.value);
  if (!spec.stateless) {
    const holder = getIn(next, base);
    // A factor's score and notes share one state: it is empty only when both are.
    const empty =
      base[0] === 'factors' ? getIn(holder, ['score']) === 0 && getIn(holder, ['notes']) === '' : isEmptyValue(getIn(holder, ['value']));
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
  return afterListChange(
    pm,
    list,
    listItems(pm, list).filter((_, i) => i !== index),
  );
}

/** Edits one cell of a list; items with their own state get it, lists with a shared state update that. */
export function editListCell(
  pm: Postmortem,
  list: ListSpec,
  index: number,
  column: FieldSpec,
  raw: string | boolean,
  zone: Zone,
): EditResult {
  const base = [...list.path, index];
  const r = editField(pm, { ...column, stateless: true }, raw, zone, base);
  if (!r.ok) return r;
  if (list.sharedState) return afterListChange(r.postmortem, list, listItems(r.postmortem, list));
  const item = getIn(r.postmortem, base);
  // Choices always hold a value, so an item is empty when its free-text cells are.
  const empty = list.columns.every((c) => c.options !== undefined || isEmptyValue(getIn(item, c.at)));
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
    for (const f of section.fields) if (f.prose) push([...f.holder, ...f.at], getIn(pm, [...f.holder, ...f.at]));
  }
  for (const list of LIST_SPECS) {
    listItems(pm, list).forEach((item, i) => {
      for (const c of list.columns) if (c.prose) push([...list.path, i, ...c.at], getIn(item, c.at));
    });
  }
  if (pm.annotation?.note) push(['annotation', 'note'], pm.annotation.note);
  return out;
}
