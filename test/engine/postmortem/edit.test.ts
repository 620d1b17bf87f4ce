import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dueDateFor } from '../../../src/engine/postmortem/dates';
import { isCalendarDate } from '../../../src/model/time';
import { draftPostmortem } from '../../../src/engine/postmortem/draft';
import { addAction, describeKey, POSTMORTEM_KEYS, setField } from '../../../src/engine/postmortem/edit';
import type { Postmortem } from '../../../src/engine/postmortem/types';
import { InputError } from '../../../src/engine/errors';
import { incident } from '../db/builders';

const NOW = Date.UTC(2024, 4, 20, 10); // Monday 2024-05-20
const fresh = (): Postmortem => draftPostmortem(incident('INC-0001'), NOW);

function rejects(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof InputError, `expected an InputError, got ${String(err)}`);
    assert.match(err.message, message);
    return true;
  });
}

describe('setField', () => {
  test('sets a field, marks it confirmed and leaves the original untouched', () => {
    const pm = fresh();
    const next = setField(pm, 'owner', 'platform-operations', NOW + 1);
    assert.deepEqual(next.summary.owner, { value: 'platform-operations', state: 'confirmed' });
    assert.deepEqual(pm.summary.owner, { value: null, state: 'empty' });
    assert.equal(next.updatedAt, NOW + 1);
  });

  test('parses each kind of value', () => {
    let pm = fresh();
    pm = setField(pm, 'severity', 'sev-2');
    pm = setField(pm, 'status', 'Mitigated');
    pm = setField(pm, 'impact.users', 'all EU customers');
    pm = setField(pm, 'impact.systems', 'checkout-api, payments-db ,');
    pm = setField(pm, 'impact.sla_breached', 'yes');
    pm = setField(pm, 'detection', 'customer-report');
    pm = setField(pm, 'detection_delay', '1h 30m');
    pm = setField(pm, 'start', '2024-05-20T10:00:00Z');
    pm = setField(pm, 'artifacts.trace_id', 'trace-2024-05-20-001');
    pm = setField(pm, 'artifacts.bundle_id', '');
    pm = setField(pm, 'factors.third_party_dependency', '2:the replica was down for maintenance');
    pm = setField(pm, 'factors.technical_debt', '1');
    pm = setField(pm, 'cost.revenue_lost', '$12,500.50');
    pm = setField(pm, 'cost.hourly_rate', '150');
    pm = setField(pm, 'prevention.runbook_updated', 'no');
    pm = setField(pm, 'blast_radius.scope', 'wider-pattern');
    pm = setField(pm, 'lifecycle.change_id', 'chg-2024-05-21-003');
    pm = setField(pm, 'evals.rollout_gate', 'block when the config schema check fails');
    assert.deepEqual(pm.summary.severity, { value: 'SEV-2', state: 'confirmed' });
    assert.deepEqual(pm.summary.status, { value: 'mitigated', state: 'confirmed' });
    assert.deepEqual(pm.summary.impact.systems.value, ['checkout-api', 'payments-db']);
    assert.equal(pm.summary.impact.slaBreached.value, true);
    assert.equal(pm.summary.detectionMethod.value, 'customer_report');
    assert.equal(pm.summary.detectionDelayMs.value, 90 * 60_000);
    assert.equal(pm.summary.start.value, Date.UTC(2024, 4, 20, 10));
    assert.deepEqual(pm.activeArtifacts.trace_id, { value: 'trace-2024-05-20-001', state: 'confirmed' });
    assert.deepEqual(pm.activeArtifacts.bundle_id, { value: null, state: 'confirmed' }, 'an empty value confirms "none"');
    assert.deepEqual(pm.factors.third_party_dependency, { score: 2, notes: 'the replica was down for maintenance', state: 'confirmed' });
    assert.equal(pm.factors.technical_debt.score, 1);
    assert.deepEqual(pm.cost.revenueLost, { value: 12500.5, state: 'confirmed' });
    assert.deepEqual(pm.prevention.runbookUpdated, { value: false, state: 'confirmed' });
    assert.equal(pm.blastRadius.scope.value, 'wider_pattern');
    assert.deepEqual(pm.lifecycleUpdates, { value: { change_id: 'chg-2024-05-21-003' }, state: 'confirmed' });
    assert.deepEqual(pm.evalsAndRollout?.value, { rollout_gate: 'block when the config schema check fails' });
  });

  test('list keys add one item each, and an empty value clears the list', () => {
    let pm = fresh();
    const drafted = pm.wentWell.value.length;
    pm = setField(pm, 'what_went_well', 'The on-call noticed within minutes');
    pm = setField(pm, 'control_gaps', 'No eval covers config edits by agents');
    assert.equal(pm.wentWell.value.length, drafted + 1);
    assert.equal(pm.wentWell.state, 'confirmed');
    assert.equal(pm.controlGaps.value.at(-1), 'No eval covers config edits by agents');
    pm = setField(pm, 'containment.temporary', 'Disable the nightly job');
    assert.ok(pm.containment.value.some((c) => c.kind === 'temporary' && c.action === 'Disable the nightly job'));
    pm = setField(pm, 'what_went_well', '');
    assert.deepEqual(pm.wentWell, { value: [], state: 'confirmed' });
  });

  test('why.<n> answers a why, and the next number adds one', () => {
    let pm = fresh();
    const count = pm.rootCause.fiveWhys.length;
    pm = setField(pm, `why.${count}`, 'Agents may edit config without review');
    assert.equal(pm.rootCause.fiveWhys[count - 1]?.answer, 'Agents may edit config without review');
    assert.equal(pm.rootCause.fiveWhys[count - 1]?.state, 'confirmed');
    pm = setField(pm, `why.${count + 1}`, 'The review policy predates agents');
    assert.equal(pm.rootCause.fiveWhys.length, count + 1);
    rejects(() => setField(pm, `why.${count + 3}`, 'x'), new RegExp(`set why\\.${count + 2} to add the next one`));
  });

  test('action.<id>.<field> edits a drafted action and confirms it', () => {
    let pm = fresh();
    const first = pm.actions[0];
    assert.ok(first);
    pm = setField(pm, `action.${first.id}.status`, 'in-progress');
    pm = setField(pm, `action.${first.id}.owner`, 'runtime-team');
    assert.equal(pm.actions[0]?.status, 'in_progress');
    assert.equal(pm.actions[0]?.owner, 'runtime-team');
    assert.equal(pm.actions[0]?.state, 'confirmed');
    rejects(() => setField(pm, 'action.A99.status', 'done'), /no action A99; actions are A1/);
  });

  test('an unknown key is rejected with a suggestion and the list of valid keys', () => {
    rejects(
      () => setField(fresh(), 'severty', 'SEV-1'),
      /unknown postmortem key "severty" \(did you mean severity\?\); valid keys: .*owner.*impact\.sla_breached/,
    );
    rejects(() => setField(fresh(), 'factors.bad_luck', '3'), /unknown postmortem key/);
  });

  test('a bad value says what the key accepts', () => {
    const pm = fresh();
    rejects(() => setField(pm, 'severity', 'SEV-4'), /severity: "SEV-4" is not one of SEV-1, SEV-2, SEV-3/);
    rejects(() => setField(pm, 'detection', 'pager'), /monitoring, customer-report, internal-discovery/);
    rejects(() => setField(pm, 'impact.sla_breached', 'maybe'), /yes, no/);
    rejects(() => setField(pm, 'factors.missing_monitoring', '4'), /use 0, 1, 2 or 3/);
    rejects(() => setField(pm, 'cost.revenue_lost', '-5'), /not a non-negative number/);
    rejects(() => setField(pm, 'start', 'yesterday'), /ISO 8601/);
    rejects(() => setField(pm, 'detection_delay', 'soon'), /15m/);
    rejects(() => setField(pm, 'summary', '   '), /non-empty/);
    rejects(() => setField(pm, 'prevention.training_needed', ''), /yes, no/);
  });

  test('a blaming sentence is kept when a person sets it, and recorded as kept', () => {
    const pm = setField(fresh(), 'summary', 'The nightly job failed. Alice broke the build.');
    assert.equal(pm.summary.text.value, 'The nightly job failed. Alice broke the build.');
    assert.deepEqual(pm.keptBlameSentences, ['Alice broke the build.']);
    const again = setField(pm, 'root_cause.immediate', 'Alice broke the build.');
    assert.deepEqual(again.keptBlameSentences, ['Alice broke the build.'], 'recorded once');
    assert.deepEqual(setField(fresh(), 'summary', 'The deploy script broke.').keptBlameSentences, []);
  });

  test('every listed key is described', () => {
    for (const key of POSTMORTEM_KEYS) assert.ok(describeKey(key), key);
    for (const key of [
      'owner',
      'severity',
      'status',
      'impact.users',
      'impact.systems',
      'impact.sla_breached',
      'detection',
      'summary',
      'artifacts.trace_id',
      'factors.third_party_dependency',
      'cost.revenue_lost',
      'cost.engineering_hours',
      'cost.hourly_rate',
      'what_went_well',
      'control_gaps',
      'prevention.runbook_updated',
      'lifecycle.change_id',
    ]) {
      assert.ok(POSTMORTEM_KEYS.includes(key), key);
    }
  });
});

describe('addAction', () => {
  test('adds an open, confirmed action with the next id', () => {
    const pm = fresh();
    const next = addAction(
      pm,
      {
        action: 'Tighten the approval policy for config edits',
        owner: 'platform-safety',
        due: '2024-05-24',
        priority: 'P1',
        artifact: 'approval policy',
      },
      NOW,
    );
    const added = next.actions.at(-1);
    assert.deepEqual(added, {
      id: `A${pm.actions.length + 1}`,
      action: 'Tighten the approval policy for config edits',
      owner: 'platform-safety',
      due: '2024-05-24',
      priority: 'P1',
      status: 'open',
      artifact: 'approval policy',
      state: 'confirmed',
    });
    assert.equal(pm.actions.length + 1, next.actions.length);
  });

  test('validates the date, the priority and that there is an owner', () => {
    const base = { action: 'Add a regression test', owner: 'qa', due: '2024-05-24', priority: 'P1' as const };
    rejects(() => addAction(fresh(), { ...base, due: '2024-02-30' }), /--due: "2024-02-30" is not a date: use YYYY-MM-DD/);
    rejects(() => addAction(fresh(), { ...base, due: '24/05/2024' }), /YYYY-MM-DD/);
    rejects(() => addAction(fresh(), { ...base, priority: 'P3' as never }), /--priority: "P3" is not one of P0/);
    rejects(() => addAction(fresh(), { ...base, owner: ' ' }), /--owner: every action needs an owner/);
    rejects(() => addAction(fresh(), { ...base, action: '' }), /--action: give a non-empty text/);
  });
});

test('due dates follow the priority definitions, skipping weekends for P0', () => {
  assert.equal(dueDateFor('P0', Date.UTC(2024, 4, 20, 10)), '2024-05-21'); // Monday → Tuesday
  assert.equal(dueDateFor('P0', Date.UTC(2024, 4, 24, 10)), '2024-05-27'); // Friday → Monday
  assert.equal(dueDateFor('P1', Date.UTC(2024, 4, 20, 10)), '2024-05-27');
  assert.equal(dueDateFor('P2', Date.UTC(2024, 4, 20, 10)), '2024-06-03');
  assert.equal(isCalendarDate('2024-02-29'), true);
  assert.equal(isCalendarDate('2023-02-29'), false);
});
