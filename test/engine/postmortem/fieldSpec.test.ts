/**
 * One field spec, two surfaces: for every field, the CLI's `--set key=text` and the webview form's
 * edit of the same text either both refuse it, with the same message, or both store the same value.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { draftPostmortem } from '../../../src/engine/postmortem/draft';
import { POSTMORTEM_KEYS, setField } from '../../../src/engine/postmortem/edit';
import type { Postmortem } from '../../../src/engine/postmortem/types';
import { InputError } from '../../../src/engine/errors';
import {
  ACTION_FIELDS,
  CONTAINMENT_FIELDS,
  type FieldKind,
  POSTMORTEM_FIELDS,
  type PostmortemField,
  WHY_FIELDS,
  getIn,
  resolveKey,
} from '../../../src/model/postmortemFields';
import {
  type EditResult,
  LIST_SPECS,
  POSTMORTEM_SECTIONS,
  addListItem,
  editField,
  editListCell,
  valueToText,
} from '../../../webview/model/postmortemForm';
import { incident } from '../db/builders';

const NOW = Date.UTC(2024, 4, 20, 10);
const fresh = (): Postmortem => draftPostmortem(incident('INC-0001'), NOW);

/** Seeded inputs per kind: the accepted spellings and the refused ones, with the edges (empty, too long). */
const INPUTS: Record<FieldKind, readonly string[]> = {
  text: ['platform team', '  padded  ', '', '   ', 'x'.repeat(4001)],
  multiline: ['line one\nline two', ' trailing \n', ''],
  lines: ['checkout-api, payments-db', 'first step\nsecond, with a comma', '', ' one item '],
  amount: ['1200', '$1,200.50', '.5', '0', '', '-5', 'lots', '1e3', '12.'],
  duration: ['90s', '1h 30m', '2d', '1 h 30 m', '250ms', '', 'soon', '15', '1h30x'],
  datetime: [
    '2024-05-20T14:00:00Z',
    '2024-05-20 14:00',
    '2024-05-20 14:00:00.250',
    '2024-05-20T16:00:00+02:00',
    '2024-05-20',
    '',
    'yesterday',
    '2024-02-31 10:00',
    '2024-05-20 25:00',
  ],
  date: ['2024-06-03', ' 2024-06-03 ', '', '2024-02-30', '03/06/2024'],
  select: ['', 'nope', '  '],
  boolean: ['yes', 'no', 'Y', 'false', 'TRUE', '', 'maybe'],
  score: ['0', '3', '2:no alert on the replica', '1 : spaced note', '4', 'x', ''],
};

function inputsFor(field: PostmortemField): string[] {
  const spellings = (field.options ?? []).flatMap((o) => [o.id, o.id.toUpperCase(), o.id.replace(/_/g, '-'), ...(o.aliases ?? [])]);
  return [...INPUTS[field.kind], ...(field.kind === 'select' ? spellings : [])];
}

type Outcome = { ok: true; pm: Postmortem } | { ok: false; error: string };

function viaCli(pm: Postmortem, key: string, text: string): Outcome {
  try {
    return { ok: true, pm: setField(pm, key, text, NOW) };
  } catch (err) {
    assert.ok(err instanceof InputError, `${key}=${JSON.stringify(text)}: ${String(err)}`);
    const prefix = `${key}: `;
    assert.ok(err.message.startsWith(prefix), err.message);
    return { ok: false, error: err.message.slice(prefix.length) };
  }
}

const viaForm = (r: EditResult): Outcome => (r.ok ? { ok: true, pm: r.postmortem } : r);

function agree(label: string, cli: Outcome, form: Outcome, valuePath: readonly (string | number)[]): void {
  assert.equal(
    form.ok,
    cli.ok,
    `${label}: CLI ${cli.ok ? 'accepts' : `refuses (${cli.ok ? '' : cli.error})`}, form ${form.ok ? 'accepts' : 'refuses'}`,
  );
  if (!cli.ok || !form.ok) {
    assert.equal(!form.ok && form.error, !cli.ok && cli.error, `${label}: the same message`);
    return;
  }
  assert.deepEqual(getIn(form.pm, valuePath), getIn(cli.pm, valuePath), `${label}: the same stored value`);
}

/** `--set` on the lists that add starts from an empty list, so adding and replacing store the same. */
function cleared(field: PostmortemField): Postmortem {
  return field.listMode === 'add' ? setField(fresh(), field.key, '', NOW) : fresh();
}

test('every fixed field: the CLI and the form accept the same text and store the same value', () => {
  let checked = 0;
  for (const field of POSTMORTEM_FIELDS.filter((f) => !f.cliOnly)) {
    for (const text of inputsFor(field)) {
      const pm = cleared(field);
      const label = `${field.key}=${JSON.stringify(text)}`;
      const cli = viaCli(pm, field.key, text);
      const form = viaForm(editField(pm, field, text, 'local'));
      // A factor's score is merged into the factor: compare the whole of it.
      const valuePath = field.kind === 'score' ? [...field.holder, 'score'] : [...field.holder, ...field.at];
      agree(label, cli, form, valuePath);
      if (field.kind === 'score') agree(label, cli, form, [...field.holder, 'notes']);
      if (cli.ok) {
        // What the form shows of the stored value is text both read back to the same value.
        const shown = valueToText(field, getIn(cli.pm, [...field.holder, ...field.at]), 'local');
        agree(
          `${label} shown as ${JSON.stringify(shown)}`,
          viaCli(pm, field.key, shown),
          viaForm(editField(pm, field, shown, 'local')),
          valuePath,
        );
      }
      checked++;
    }
  }
  assert.ok(checked > 300, `${checked} inputs`);
});

test('why and action item fields: `--set why.<n>` / `action.<id>.<field>` and the form’s list cells agree', () => {
  const lists = [
    { list: LIST_SPECS.find((l) => l.id === 'fiveWhys'), fields: WHY_FIELDS, key: (f: PostmortemField) => f.key.replace('<n>', '1') },
    { list: LIST_SPECS.find((l) => l.id === 'actions'), fields: ACTION_FIELDS, key: (f: PostmortemField) => f.key.replace('<id>', 'A1') },
  ];
  for (const { list, fields, key } of lists) {
    assert.ok(list);
    assert.deepEqual(list.columns, fields, `${list.id}: the form's columns are the spec's fields`);
    for (const field of fields) {
      for (const text of inputsFor(field)) {
        const pm = fresh();
        assert.ok(getIn(pm, [...list.path, 0]), `${list.id}: the draft has a first item`);
        agree(
          `${key(field)}=${JSON.stringify(text)}`,
          viaCli(pm, key(field), text),
          viaForm(editListCell(pm, list, 0, field, text, 'local')),
          [...list.path, 0, ...field.at],
        );
      }
    }
  }
});

test('containment: `--set containment.<kind>` adds the step the form adds as a row of that kind', () => {
  const list = LIST_SPECS.find((l) => l.id === 'containment');
  assert.ok(list);
  const [action, kind] = CONTAINMENT_FIELDS;
  assert.ok(action && kind);
  for (const k of ['temporary', 'permanent']) {
    for (const text of ['Disable the nightly job', '  Revert config/app.json  ']) {
      const empty = setField(setField(fresh(), 'containment.temporary', '', NOW), 'containment.permanent', '', NOW);
      const cli = setField(empty, `containment.${k}`, text, NOW);
      let form = viaForm(addListItem(empty, list));
      if (form.ok) form = viaForm(editListCell(form.pm, list, 0, action, text, 'local'));
      if (form.ok) form = viaForm(editListCell(form.pm, list, 0, kind, k, 'local'));
      assert.ok(form.ok);
      assert.deepEqual(form.pm.containment.value, cli.containment.value);
    }
  }
});

test('the form shows every field of the spec but the CLI-only ones, and every key resolves to its field', () => {
  const shown = POSTMORTEM_SECTIONS.flatMap((s) => s.fields);
  assert.deepEqual(
    shown,
    POSTMORTEM_FIELDS.filter((f) => !f.cliOnly),
  );
  for (const f of POSTMORTEM_FIELDS) assert.equal(resolveKey(f.key)?.field, f, f.key);
  assert.deepEqual(new Set(POSTMORTEM_KEYS).size, POSTMORTEM_KEYS.length, 'no key twice');
  assert.equal(resolveKey('why.3.question')?.why, 3);
  assert.equal(resolveKey('action.a2.due')?.action, 'a2');
  assert.equal(resolveKey('why.10'), undefined);
});

test('a time without an offset is read on the clock it is shown on; one with an offset is absolute', () => {
  const start = POSTMORTEM_FIELDS.find((f) => f.key === 'start');
  assert.ok(start);
  assert.deepEqual(start.parse('2024-05-20 14:00', 'utc'), { ok: true, value: Date.UTC(2024, 4, 20, 14) });
  assert.deepEqual(start.parse('2024-05-20T14:00', 'local'), { ok: true, value: new Date(2024, 4, 20, 14).getTime() });
  assert.deepEqual(start.parse('2024-05-20T16:00:00+02:00', 'local'), { ok: true, value: Date.UTC(2024, 4, 20, 14) });
  assert.equal(start.format(Date.UTC(2024, 4, 20, 14, 0, 0, 250), 'utc'), '2024-05-20 14:00:00.250');
});
