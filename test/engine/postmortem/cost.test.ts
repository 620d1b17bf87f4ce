import assert from 'node:assert/strict';
import { test } from 'node:test';
import { costOf, downtimeOf } from '../../../src/engine/postmortem/cost';
import { draftPostmortem } from '../../../src/engine/postmortem/draft';
import { setField } from '../../../src/engine/postmortem/edit';
import type { Postmortem } from '../../../src/engine/postmortem/types';
import { incident } from '../db/builders';

function withCosts(costs: Record<string, string>): Postmortem {
  let pm = draftPostmortem(incident('INC-0001'), Date.UTC(2024, 4, 20));
  for (const [key, value] of Object.entries(costs)) pm = setField(pm, `cost.${key}`, value);
  return pm;
}

test('direct + indirect = total, and the cost per minute of downtime', () => {
  const pm = withCosts({
    revenue_lost: '12000',
    sla_credits: '2500',
    vendor_costs: '500',
    engineering_hours: '10',
    hourly_rate: '150',
    churn_risk: '3000',
  });
  // 2 h 30 min of downtime: 150 minutes.
  assert.deepEqual(costOf(pm, 150 * 60_000), { direct: 15_000, indirect: 4_500, total: 19_500, perMinute: 130 });
});

test('unknown amounts count as zero, and hours without a rate add nothing', () => {
  const pm = withCosts({ revenue_lost: '1000', engineering_hours: '8' });
  assert.deepEqual(costOf(pm, null), { direct: 1000, indirect: 0, total: 1000, perMinute: null });
  assert.deepEqual(costOf(withCosts({}), 60_000), { direct: 0, indirect: 0, total: 0, perMinute: 0 });
});

test('amounts are reported to the cent', () => {
  const pm = withCosts({ revenue_lost: '0.1', sla_credits: '0.2', engineering_hours: '1.5', hourly_rate: '99.98' });
  const cost = costOf(pm, 7 * 60_000);
  assert.equal(cost.direct, 0.3);
  assert.equal(cost.indirect, 149.97);
  assert.equal(cost.total, 150.27);
  assert.equal(cost.perMinute, 21.47);
});

test('downtime is start → end as recorded, once both are known', () => {
  let pm = withCosts({});
  pm = setField(pm, 'start', '2024-05-20T10:00:00Z');
  pm = setField(pm, 'end', '2024-05-20T12:30:00Z');
  assert.equal(downtimeOf(pm), 150 * 60_000);
  pm = setField(pm, 'end', '2024-05-20T09:00:00Z');
  assert.equal(downtimeOf(pm), null, 'an end before the start is no downtime');
});
