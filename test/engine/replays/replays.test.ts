import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { DEFAULT_CONFIG } from '../../../src/engine/config/defaults';
import { insertIncident } from '../../../src/engine/db/incidentRows';
import { InputError, WouldOverwriteError } from '../../../src/engine/errors';
import { annotateIncident } from '../../../src/engine/postmortem/store';
import {
  annotateReplay,
  collectFailures,
  listReplays,
  loadReplay,
  recordReplay,
  reflect,
  summarizeFailures,
  writeLearnings,
} from '../../../src/engine/replays';
import { SnapshotStore } from '../../../src/engine/snapshotStore';
import { incident } from '../db/builders';
import { TempWorkspace } from '../../support/workspace';

describe('replays in the store', () => {
  let ws: TempWorkspace;
  let store: SnapshotStore;

  beforeEach(async () => {
    ws = new TempWorkspace({ 'README.md': '# project\n' });
    store = await SnapshotStore.open({ workspaceRoot: ws.dir, config: DEFAULT_CONFIG });
  });

  afterEach(() => {
    store.close();
    ws.dispose();
  });

  /** A failed task of `agent`, annotated with how it ended. */
  async function failed(agent: string, plan: string, note: string, fix?: string): Promise<string> {
    const r = await recordReplay(store, { agent, phase: 'execute', plan, task: `run ${plan}` });
    await annotateReplay(store, r.id, { status: 'failure', note, category: 'test-failure', ...(fix ? { fix } : {}) });
    return r.id;
  }

  it('numbers replays, lists them newest first, filters by agent and redacts secrets before storing', async () => {
    const a = await recordReplay(store, {
      agent: 'executor',
      task: 'deploy',
      inputs: { env: { DB_PASSWORD: 'Zq8#vL2!mR9$tW4x' }, token: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789' },
    });
    const b = await recordReplay(store, { agent: 'planner', task: 'plan' });
    assert.deepEqual([a.id, b.id], ['RPL-0001', 'RPL-0002']);
    assert.deepEqual(
      (await listReplays(store)).map((r) => r.id),
      ['RPL-0002', 'RPL-0001'],
    );
    assert.deepEqual(
      (await listReplays(store, { agent: 'executor' })).map((r) => r.id),
      ['RPL-0001'],
    );
    const raw = await store.db.read((db) => db.exec("SELECT payload FROM replays WHERE id = 'RPL-0001'")[0]?.values[0]?.[0]);
    assert.equal(typeof raw, 'string');
    assert.doesNotMatch(String(raw), /Zq8#vL2!mR9\$tW4x|ghp_abcdefghijklmnopqrstuvwxyz0123456789/);
    assert.match(String(raw), /DB_PASSWORD/, 'the names stay readable');
    assert.equal((await loadReplay(store, 'rpl-1')).task, 'deploy', 'ids are forgiving like incident ids');
  });

  it('refuses what it cannot store with a message that says what to do', async () => {
    await assert.rejects(
      recordReplay(store, { agent: 'x', inputs: { blob: 'x'.repeat(300 * 1024) } }),
      (e: Error) => e instanceof InputError && /keep it under 256 KB/.test(e.message),
    );
    await assert.rejects(loadReplay(store, 'RPL-0042'), /no replay RPL-0042 in this store: list_replays shows the ids/);
    const r = await recordReplay(store, { agent: 'x' });
    await assert.rejects(
      annotateReplay(store, r.id, { status: 'meh' as 'success' }),
      /outcome.status "meh" is not one of success, failure, partial, abandoned/,
    );
  });

  it('collects incidents and failed replays as one dataset, the replay lending its agent to the incident it names', async () => {
    await store.db.write((db) =>
      insertIncident(db, incident('INC-0001', { title: 'migration broke the schema', createdAt: Date.now() - 60_000 })),
    );
    await annotateIncident(store, 'INC-0001', 'fixed', 'rolled back the migration');
    const linked = await recordReplay(store, { agent: 'executor', plan: 'migrate', incident: 'INC-0001' });
    await annotateReplay(store, linked.id, { status: 'failure', fix: 'run migrations behind a flag' });
    const ok = await recordReplay(store, { agent: 'executor', plan: 'lint' });
    await annotateReplay(store, ok.id, { status: 'success' });

    const d = await collectFailures(store);
    assert.deepEqual(d.counts, { incidents: 1, replays: 1, runs: 0 });
    const inc = d.items.find((i) => i.id === 'INC-0001');
    assert.equal(inc?.agent, 'executor');
    assert.deepEqual(inc?.related, [linked.id]);
    assert.deepEqual(inc?.fixes, ['fixed: rolled back the migration', 'run migrations behind a flag']);
    const rep = d.items.find((i) => i.id === linked.id);
    assert.equal(rep?.signature, inc?.signature, 'a replay about an incident shares its signature');
    assert.ok(!d.items.some((i) => i.id === ok.id), 'a successful task is not a failure');

    const s = summarizeFailures(d);
    assert.deepEqual(
      s.byAgent.map((a) => [a.key, a.count]),
      [['executor', 2]],
    );
    assert.equal(s.bySignature[0]?.count, 2);
  });

  it("reflect assembles a prompt of one agent's recurring failures and what fixed them", async () => {
    const first = await failed('executor', 'tests', 'pytest failed: fixture db missing');
    const second = await failed('executor', 'tests', 'pytest failed again', 'start the db container before pytest');
    await failed('executor', 'docs', 'broken link');
    await failed('reviewer', 'review', 'missed a secret');

    const r = await reflect(store, 'executor');
    assert.equal(r.failures, 3);
    assert.equal(r.patterns, 2);
    assert.match(r.prompt, /## Recurring failures \(1\)\n1\. \[test-failure\] run tests: pytest failed again — 2×/);
    assert.match(r.prompt, new RegExp(`${first}, ${second}`));
    assert.match(r.prompt, /What fixed it: start the db container before pytest/);
    assert.match(r.prompt, /## One-off failures \(1\)[\s\S]*broken link/);
    assert.doesNotMatch(r.prompt, /missed a secret/, "only this agent's failures");

    const none = await reflect(store, 'nobody');
    assert.equal(none.failures, 0);
    assert.match(
      none.prompt,
      /No failure of the agent "nobody" is recorded in this store\. Agents with recorded failures: executor, reviewer\./,
    );
  });

  it("writes LEARNINGS.md with the agents' failures and never over a hand edit unless forced", async () => {
    await failed('executor', 'tests', 'pytest failed', 'start the db first');
    const w = await writeLearnings(store);
    assert.equal(w.file, ws.path('LEARNINGS.md'));
    const text = readFileSync(w.file, 'utf8');
    assert.match(text, /^<!-- incident-replay:generated sha256=[0-9a-f]{64} -->\n# Learnings/);
    assert.match(
      text,
      /## Agent runs\n\n\| Agent \| Count \| Failure \| Replays \| What fixed it \|[\s\S]*\| executor \| 1 \|[\s\S]*start the db first/,
    );
    // Regenerating its own output is fine.
    await writeLearnings(store);
    writeFileSync(w.file, readFileSync(w.file, 'utf8') + '\nOur own note.\n');
    await assert.rejects(writeLearnings(store), WouldOverwriteError);
    await writeLearnings(store, { force: true });
    assert.doesNotMatch(readFileSync(w.file, 'utf8'), /Our own note/);
  });
});
