import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readPanelIdentity } from '../../src/protocol/panelState';
import { defaultViewState, readViewState, stateForIncident } from '../../webview/model/viewState';
import { postmortem } from './builders';

test('saved view state round-trips: tab, filters, search, grouping, scroll, selection, draft', () => {
  const s = {
    ...defaultViewState('file:///ws', 'INC-0002'),
    tab: 'postmortem' as const,
    hiddenKinds: ['snapshot' as const],
    hiddenSeverities: ['info' as const],
    search: 'econn',
    groupByKind: true,
    collapsedKinds: ['decision' as const],
    timelineScroll: 2600,
    pageScroll: { evidence: 300 },
    activeEventId: 'trigger:T3',
    postmortemDraft: postmortem(),
  };
  assert.deepEqual(readViewState(structuredClone(s)), s);
});

test('unreadable saved state falls back field by field, never throws', () => {
  for (const junk of [null, undefined, 5, 'x', [], { tab: 7 }]) assert.deepEqual(readViewState(junk), defaultViewState());
  const partly = readViewState({
    folder: 'file:///ws',
    incidentId: 'INC-0001',
    tab: 'secrets',
    hiddenKinds: ['snapshot', 'bogus'],
    hiddenSeverities: ['error', 'error'],
    search: 'x'.repeat(10_000),
    timelineScroll: -4,
    pageScroll: { chain: 10, timeline: 'far' },
    postmortemDraft: { incidentId: 'INC-0001' },
  });
  assert.equal(partly.folder, 'file:///ws');
  assert.equal(partly.tab, 'timeline');
  assert.deepEqual(partly.hiddenKinds, []);
  assert.deepEqual(partly.hiddenSeverities, ['error'], 'duplicates collapse');
  assert.equal(partly.search, '');
  assert.equal(partly.timelineScroll, 0);
  assert.deepEqual(partly.pageScroll, { chain: 10 });
  assert.equal(partly.postmortemDraft, null, 'a broken draft is dropped rather than saved later');
});

test('state saved for another incident keeps only the tab', () => {
  const s = { ...defaultViewState('file:///ws', 'INC-0001'), tab: 'chain' as const, search: 'x', postmortemDraft: postmortem() };
  assert.equal(stateForIncident(s, 'file:///ws', 'INC-0001'), s);
  assert.deepEqual(stateForIncident(s, 'file:///ws', 'INC-0002'), { ...defaultViewState('file:///ws', 'INC-0002'), tab: 'chain' });
});

test('the host reads back which incident a restored panel showed, and nothing it cannot trust', () => {
  assert.deepEqual(readPanelIdentity({ folder: 'file:///ws', incidentId: 'INC-0007', tab: 'chain' }), {
    folder: 'file:///ws',
    incidentId: 'INC-0007',
  });
  for (const bad of [
    null,
    {},
    { folder: 'file:///ws' },
    { folder: '', incidentId: 'INC-1' },
    { folder: 'file:///ws', incidentId: '../../etc' },
    { folder: 'f', incidentId: 'x'.repeat(100) },
  ]) {
    assert.equal(readPanelIdentity(bad), null, JSON.stringify(bad));
  }
});
