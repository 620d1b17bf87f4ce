import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPostmortem } from '../../src/protocol/postmortem';
import {
  type EditResult,
  type FieldSpec,
  LIST_SPECS,
  POSTMORTEM_SECTIONS,
  addListItem,
  confirmAt,
  editField,
  editListCell,
  getIn,
  keepBlameSentence,
  proseTexts,
  removeListItem,
  setAnnotation,
  setIn,
  stateCounts,
  textToValue,
  valueToText,
} from '../../webview/model/postmortemForm';
import { T0, postmortem } from './builders';

const spec = (path: string): FieldSpec => {
  for (const s of POSTMORTEM_SECTIONS) for (const f of s.fields) if ([...f.holder, ...f.at].join('.') === path) return f;
  return assert.fail(`no field ${path}`);
};
const list = (id: string) => LIST_SPECS.find((l) => l.id === id) ?? assert.fail(id);
const ok = (r: EditResult) => (r.ok ? r.postmortem : assert.fail(r.error));

test('every field in the form points at a value the record has (or may have)', () => {
  const pm = postmortem();
  for (const s of POSTMORTEM_SECTIONS) {
    for (const f of s.fields) {
      // A status and evals are absent from records stored before they existed; a keyed record's entries come and go.
      const optional = f.key === 'status' || f.entry === true;
      if (!optional) assert.notEqual(getIn(pm, [...f.holder, ...f.at]), undefined, f.key);
    }
  }
});

test('setIn copies only along the path and leaves the original untouched', () => {
  const a = { x: { y: [1, 2, 3] }, z: { w: 1 } };
  const b = setIn(a, ['x', 'y', 1], 9) as typeof a;
  assert.deepEqual(b.x.y, [1, 9, 3]);
  assert.deepEqual(a.x.y, [1, 2, 3]);
  assert.equal(b.z, a.z);
});

test('a person’s edit changes the value and confirms the field; clearing it makes it empty', () => {
  const pm = postmortem();
  const edited = ok(editField(pm, spec('summary.text.value'), 'The job could not reach its database after a config change.', 'utc'));
  assert.deepEqual(edited.summary.text, { value: 'The job could not reach its database after a config change.', state: 'confirmed' });
  assert.equal(pm.summary.text.state, 'drafted', 'the original record is not modified');
  const cleared = ok(editField(edited, spec('summary.owner.value'), '   ', 'utc'));
  assert.deepEqual(cleared.summary.owner, { value: null, state: 'empty' });
  const owned = ok(editField(cleared, spec('summary.owner.value'), ' sre-team ', 'utc'));
  assert.deepEqual(owned.summary.owner, { value: 'sre-team', state: 'confirmed' });
  assert.ok(isPostmortem(owned));
});

test('each input kind reads and writes its type: lines, numbers, times, choices, booleans, key/values', () => {
  const pm = postmortem();
  const lines = ok(editField(pm, spec('whatHappened.value'), 'config changed\n\n  job failed  \nalert fired', 'utc'));
  assert.deepEqual(lines.whatHappened.value, ['config changed', 'job failed', 'alert fired']);
  assert.equal(valueToText(spec('whatHappened.value'), lines.whatHappened.value, 'utc'), 'config changed\njob failed\nalert fired');

  const num = ok(editField(pm, spec('cost.engineeringHours.value'), '1,250.5', 'utc'));
  assert.equal(num.cost.engineeringHours.value, 1250.5);
  assert.deepEqual(editField(pm, spec('cost.engineeringHours.value'), 'lots', 'utc'), {
    ok: false,
    error: '"lots" is not a non-negative number (e.g. 1200, 1,200.50 or $1200)',
  });
  assert.equal(editField(pm, spec('cost.engineeringHours.value'), '-3', 'utc').ok, false, 'no negative amounts');
  const delay = ok(editField(pm, spec('summary.detectionDelayMs.value'), '1h 30m', 'utc'));
  assert.equal(delay.summary.detectionDelayMs.value, 90 * 60_000);
  assert.equal(valueToText(spec('summary.detectionDelayMs.value'), 90 * 60_000 + 5_250, 'utc'), '1h 30m 5s 250ms');

  const start = ok(editField(pm, spec('summary.start.value'), '2026-11-22 04:32:14.129', 'utc'));
  assert.equal(start.summary.start.value, Date.UTC(2026, 10, 22, 4, 32, 14, 129));
  assert.equal(valueToText(spec('summary.start.value'), T0, 'utc'), '2026-11-22 04:32:14.000');
  assert.equal(editField(pm, spec('summary.start.value'), '2026-02-31 10:00', 'utc').ok, false, 'no 31 February');

  const sev = ok(editField(pm, spec('summary.severity.value'), 'SEV-1', 'utc'));
  assert.deepEqual(sev.summary.severity, { value: 'SEV-1', state: 'confirmed' });
  assert.equal(editField(pm, spec('summary.severity.value'), 'SEV-9', 'utc').ok, false);
  const sla = ok(editField(pm, spec('summary.impact.slaBreached.value'), 'no', 'utc'));
  assert.equal(sla.summary.impact.slaBreached.value, false);
  assert.equal(sla.summary.impact.slaBreached.state, 'confirmed', 'a "no" is an answer, not an empty field');

  const flag = ok(editField(pm, spec('prevention.monitoringAdded.value'), true, 'utc'));
  assert.deepEqual(flag.prevention.monitoringAdded, { value: true, state: 'confirmed' });

  const entry = ok(editField(pm, spec('lifecycleUpdates.value.change_id'), 'chg-2024-05-21-003', 'utc'));
  assert.deepEqual(entry.lifecycleUpdates, { value: { change_id: 'chg-2024-05-21-003' }, state: 'confirmed' });
  const removed = ok(editField(entry, spec('lifecycleUpdates.value.change_id'), ' ', 'utc'));
  assert.deepEqual(removed.lifecycleUpdates, { value: {}, state: 'empty' }, 'an emptied entry leaves the record');
  const gate = ok(editField(pm, spec('evalsAndRollout.value.rollout_gate'), 'canary 5%', 'utc'));
  assert.deepEqual(
    gate.evalsAndRollout,
    { value: { rollout_gate: 'canary 5%' }, state: 'confirmed' },
    'older records without evals get them',
  );

  const status = ok(editField(pm, spec('summary.status.value'), 'mitigated', 'utc'));
  assert.deepEqual(
    status.summary.status,
    { value: 'mitigated', state: 'confirmed' },
    'an optional field absent from older records can be set',
  );

  const category = ok(editField(pm, spec('rootCause.category'), 'drift', 'utc'));
  assert.equal(category.rootCause.category, 'drift');
  assert.equal(textToValue(spec('rootCause.category'), 'not_a_category', 'utc').ok, false);
});

test('a factor’s score and notes share one state, empty only when both are', () => {
  const pm = postmortem();
  const scoreSpec = spec('factors.missing_monitoring');
  const notesSpec = spec('factors.missing_monitoring.notes');
  const scored = ok(editField(pm, scoreSpec, '2', 'utc'));
  assert.deepEqual(scored.factors.missing_monitoring, { score: 2, notes: '', state: 'confirmed' });
  const zeroed = ok(editField(scored, scoreSpec, '0', 'utc'));
  assert.equal(zeroed.factors.missing_monitoring.state, 'empty');
  const noted = ok(editField(zeroed, notesSpec, 'no alert on exit code', 'utc'));
  assert.equal(noted.factors.missing_monitoring.state, 'confirmed');
});

test('a draft can be confirmed as written; confirmed and empty fields are left alone', () => {
  const pm = postmortem();
  const c = ok(confirmAt(pm, ['summary', 'text']));
  assert.deepEqual(c.summary.text, { ...pm.summary.text, state: 'confirmed' });
  assert.equal(ok(confirmAt(pm, ['summary', 'owner'])).summary.owner.state, 'empty');
  assert.deepEqual(stateCounts(c).confirmed, stateCounts(pm).confirmed + 1);
  assert.deepEqual(stateCounts(c).drafted, stateCounts(pm).drafted - 1);
});

test('list rows are added, edited and removed; each action item keeps its own state', () => {
  const pm = postmortem();
  const actions = list('actions');
  const added = ok(addListItem(pm, actions));
  assert.equal(added.actions.length, 2);
  assert.equal(added.actions[1]?.id, 'A2');
  assert.equal(added.actions[1]?.state, 'empty');
  const col = (key: string) => actions.columns.find((c) => c.at[0] === key) ?? assert.fail(key);
  const named = ok(editListCell(added, actions, 1, col('action'), 'Add a port check to CI', 'utc'));
  assert.equal(named.actions[1]?.action, 'Add a port check to CI');
  assert.equal(named.actions[1]?.state, 'confirmed');
  assert.equal(named.actions[0]?.state, 'drafted', 'other rows keep their state');
  const due = ok(editListCell(named, actions, 1, col('due'), '2026-12-01', 'utc'));
  assert.equal(due.actions[1]?.due, '2026-12-01');
  assert.equal(editListCell(named, actions, 1, col('due'), 'next week', 'utc').ok, false);
  assert.equal(editListCell(named, actions, 1, col('priority'), 'P7', 'utc').ok, false);
  const removed = ok(removeListItem(due, actions, 0));
  assert.deepEqual(
    removed.actions.map((a) => a.id),
    ['A2'],
  );
});

test('containment shares one state for the whole list', () => {
  const pm = postmortem();
  const containment = list('containment');
  const added = ok(addListItem(pm, containment));
  assert.equal(added.containment.state, 'confirmed');
  const edited = ok(editListCell(added, containment, 0, containment.columns[0] ?? assert.fail(), 'Reverted config/app.json', 'utc'));
  assert.deepEqual(edited.containment.value, [{ action: 'Reverted config/app.json', kind: 'temporary' }]);
  assert.equal(ok(removeListItem(edited, containment, 0)).containment.state, 'empty');
});

test('the annotation records the outcome with a time, or is cleared', () => {
  const pm = postmortem();
  const a = ok(setAnnotation(pm, 'mitigated', ' config reverted ', 42));
  assert.deepEqual(a.annotation, { outcome: 'mitigated', note: 'config reverted', at: 42 });
  assert.equal(ok(setAnnotation(a, 'none', '', 43)).annotation, null);
  assert.equal(setAnnotation(pm, 'exploded', '', 1).ok, false);
});

test('the blameless check gets every piece of free text under its path; kept sentences are recorded once', () => {
  const pm = ok(editField(postmortem(), spec('factors.process_not_followed.notes'), 'Bob skipped review', 'utc'));
  const texts = proseTexts(pm);
  const fields = texts.map((t) => t.field);
  assert.ok(fields.includes('summary.text.value'));
  assert.ok(fields.includes('whatHappened.value.1'));
  assert.ok(fields.includes('rootCause.fiveWhys.0.question'));
  assert.ok(fields.includes('rootCause.fiveWhys.0.answer'));
  assert.ok(fields.includes('actions.0.action'));
  assert.ok(fields.includes('factors.process_not_followed.notes'));
  assert.ok(!fields.includes('factors.missing_monitoring.notes'), 'empty text is not sent');
  assert.ok(!fields.some((f) => f.startsWith('summary.owner')), 'owners are names by design');
  assert.equal(texts.find((t) => t.field === 'whatHappened.value.1')?.text, 'job failed');
  const kept = keepBlameSentence(keepBlameSentence(pm, 'Bob skipped review'), 'Bob skipped review');
  assert.deepEqual(kept.keptBlameSentences, ['Bob skipped review']);
});
