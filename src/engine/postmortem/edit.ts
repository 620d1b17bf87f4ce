import { closestKey } from '../config/suggest';
import { InputError } from '../errors';
import {
  ACTION_FIELDS,
  getIn,
  POSTMORTEM_KEYS,
  resolveKey,
  setIn,
  writeValue,
  type FieldPath,
  type PostmortemField,
} from '../../model/postmortemFields';
import { findBlame } from './blameless';
import type { ActionItem, ActionPriority, Containment, Postmortem, WhyStep } from './types';

/*
 * Every postmortem field is settable by a flat key (`impact.sla_breached=yes`), which is what
 * the CLI's `--set` speaks. The keys, what each accepts and how its text parses are the shared
 * field specs (src/model/postmortemFields.ts), which the webview's form parses through too. A set
 * field becomes `confirmed`: a person has looked at it. List keys marked "adds" append their items
 * (an empty value clears the list); nullable keys take an empty value as "confirmed: none".
 */

export { EVALS_KEYS, LIFECYCLE_KEYS } from '../../model/postmortem';
export { POSTMORTEM_KEYS } from '../../model/postmortemFields';

/** The CLI reads a time without an offset as local time, the clock it prints times in. */
const CLI_ZONE = 'local';

/** The parsed value, or an InputError that names the key, says what is wrong and what would be accepted. */
function parse(field: PostmortemField, key: string, value: string): unknown {
  const result = field.parse(value, CLI_ZONE);
  if (!result.ok) throw new InputError(`${key}: ${result.error}`);
  return result.value;
}

const NEW_WHY: WhyStep = { question: 'Why did that happen?', answer: '', evidence: [], state: 'empty' };

/** Where the holder of a key's value is: fixed for most keys, the why's or the action's place for the others. */
function holderOf(pm: Postmortem, key: string, field: PostmortemField, why?: number, actionId?: string): FieldPath {
  if (why !== undefined) {
    const whys = pm.rootCause.fiveWhys.length;
    if (why > whys + 1) throw new InputError(`${key}: there are ${whys} whys: set why.${whys + 1} to add the next one`);
    return ['rootCause', 'fiveWhys', why - 1];
  }
  if (actionId !== undefined) {
    const index = pm.actions.findIndex((a) => a.id.toLowerCase() === actionId.toLowerCase());
    if (index < 0) {
      throw new InputError(
        `${key}: no action ${actionId}; actions are ${pm.actions.map((a) => a.id).join(', ') || 'none yet (add one with --action)'}`,
      );
    }
    return ['actions', index];
  }
  return field.holder;
}

/** `--set` on a list that adds: its items join the list once each; an empty value clears it. */
function added(current: unknown, items: string[]): string[] {
  const list = Array.isArray(current) ? (current as string[]) : [];
  return items.length === 0 ? [] : [...list, ...items.filter((item, i) => !list.includes(item) && items.indexOf(item) === i)];
}

/** `containment.<kind>`: adds one step of that kind (moved to the end if already there); empty clears that kind. */
function withContainment(pm: Postmortem, kind: Containment['kind'], action: string): Postmortem {
  const others = pm.containment.value.filter((c) => c.kind !== kind);
  const mine = action === '' ? [] : pm.containment.value.filter((c) => c.kind === kind && c.action !== action);
  return { ...pm, containment: { value: [...others, ...mine, ...(action === '' ? [] : [{ action, kind }])], state: 'confirmed' } };
}

function unknownKey(key: string): InputError {
  const guess = closestKey(
    key,
    POSTMORTEM_KEYS.filter((k) => !k.includes('<')),
  );
  return new InputError(
    `unknown postmortem key ${JSON.stringify(key)}${guess ? ` (did you mean ${guess}?)` : ''}; ` +
      `valid keys: ${POSTMORTEM_KEYS.join(', ')} (incident-replay postmortem --keys says what each accepts)`,
  );
}

/** What `key` accepts, for help output; undefined for an unknown key. */
export function describeKey(key: string): string | undefined {
  const concrete = key.replace('<n>', '1').replace('<id>', 'A1');
  return resolveKey(concrete)?.field.accepts.replace('<n>', concrete.split('.')[1] ?? '');
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
  const resolved = resolveKey(trimmed);
  if (resolved === undefined) throw unknownKey(key);
  const { field } = resolved;
  const holder = holderOf(pm, trimmed, field, resolved.why, resolved.action);
  const parsedValue = parse(field, trimmed, value);
  let next: Postmortem;
  if (field.key.startsWith('containment.')) {
    next = withContainment(pm, field.key.slice('containment.'.length) as Containment['kind'], parsedValue as string);
  } else {
    // The next why number adds a why.
    const start = resolved.why !== undefined && getIn(pm, holder) === undefined ? (setIn(pm, holder, NEW_WHY) as Postmortem) : pm;
    const written = field.listMode === 'add' ? added(getIn(start, [...holder, ...field.at]), parsedValue as string[]) : parsedValue;
    next = writeValue(start, field, holder, written) as Postmortem;
    if (!field.stateless) next = setIn(next, [...holder, 'state'], 'confirmed') as Postmortem;
  }
  next = structuredClone(next);
  if (field.prose) keepBlame(next, value, trimmed);
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

/** The spec of an action item's field, which `--action`, `--owner`, `--due`, `--priority` and `--artifact` parse through too. */
function actionField(name: string): PostmortemField {
  const field = ACTION_FIELDS.find((f) => f.key === `action.<id>.${name}`);
  if (field === undefined) throw new Error(`no action field ${name}`);
  return field;
}

/** A copy of `pm` with one more action item (open, confirmed); the owner, due date and priority are required. */
export function addAction(pm: Postmortem, a: NewAction, now: number = Date.now()): Postmortem {
  const action = parse(actionField('text'), '--action', a.action) as string;
  const owner = parse(actionField('owner'), '--owner', a.owner ?? '') as string | null;
  if (owner === null) throw new InputError('--owner: every action needs an owner (a team or a person)');
  const due = parse(actionField('due'), '--due', a.due ?? '') as string | null;
  if (due === null) throw new InputError('--due: every action needs a deadline, as YYYY-MM-DD');
  const item: ActionItem = {
    id: `A${pm.actions.reduce((max, x) => Math.max(max, Number(/\d+$/.exec(x.id)?.[0] ?? 0)), 0) + 1}`,
    action,
    owner,
    due,
    priority: parse(actionField('priority'), '--priority', String(a.priority ?? '')) as ActionPriority,
    status: 'open',
    artifact: a.artifact === undefined ? null : (parse(actionField('artifact'), '--artifact', a.artifact) as string | null),
    state: 'confirmed',
  };
  const next = structuredClone(pm);
  next.actions = [...next.actions, item];
  keepBlame(next, action, `action.${item.id}`);
  next.updatedAt = now;
  return next;
}
