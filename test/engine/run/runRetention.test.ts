import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { it } from 'node:test';
import { appendRunRecord, runLogFiles, runsDir, trimRunLogs } from '../../../src/engine/run/runLog';

it('retention removes the logs of old runs without an incident, and keeps runs with one, recent runs and running ones', () => {
  const store = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-runs-'));
  try {
    fs.mkdirSync(runsDir(store), { recursive: true });
    const run = (start: number, id: string, opts: { incident?: boolean; ended?: boolean } = {}): string => {
      const file = path.join(runsDir(store), `${start}-${id}.jsonl`);
      appendRunRecord(file, { type: 'start', t: start, id, command: ['job'], cwd: '/w', label: id, before: 'aaaa' });
      if (opts.ended !== false) appendRunRecord(file, { type: 'end', t: start + 10, exitCode: opts.incident ? 1 : 0, signal: null });
      if (opts.incident) appendRunRecord(file, { type: 'incident', t: start + 20, id: 'INC-0001' });
      return file;
    };
    const oldOk = run(1_000, 'a1');
    const oldFailed = run(2_000, 'b2', { incident: true });
    const oldRunning = run(3_000, 'c3', { ended: false });
    const recent = run(9_000, 'd4');
    assert.equal(trimRunLogs(store, 5_000), 1);
    assert.deepEqual(runLogFiles(store), [oldFailed, oldRunning, recent]);
    assert.ok(!fs.existsSync(oldOk));
  } finally {
    fs.rmSync(store, { recursive: true, force: true });
  }
});
