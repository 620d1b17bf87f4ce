import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { Incident } from '../../src/engine/types';
import { cli, settle, TempWorkspace } from '../support/workspace';

const spaces: TempWorkspace[] = [];
after(() => spaces.forEach((w) => w.dispose()));

test('a log rewritten (not appended) with 200,000 new lines is analysed, not crashed on', async () => {
  const w = new TempWorkspace({ 'agent/run.log': 'previous run\n' });
  spaces.push(w);
  assert.equal(cli(w, 'snapshot', '--baseline').code, 0);
  await settle();
  const lines = Array.from({ length: 200_000 }, (_, i) => `2024-05-20T14:00:00.000Z INFO step ${i} ok`);
  lines[150_000] = '2024-05-20T14:05:00.000Z INFO Decision: skip the schema check because it is slow';
  lines[150_001] = '2024-05-20T14:05:01.000Z ERROR loader: schema mismatch in batch 150001';
  w.write({ 'agent/run.log': lines.join('\n') + '\n' });
  const r = cli(w, 'analyze', '--json');
  assert.equal(r.code, 0, r.stderr);
  const inc = (JSON.parse(r.stdout) as { incident: Incident }).incident;
  assert.ok(
    inc.triggers.some((t) => t.kind === 'log_error' && t.line === 150_002),
    JSON.stringify(inc.triggers.slice(0, 3)),
  );
  assert.ok(inc.decisions.some((d) => /skip the schema check/.test(d.text)));
});
