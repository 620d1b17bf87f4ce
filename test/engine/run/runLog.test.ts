import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, test } from 'node:test';
import { runJob } from '../../../src/engine/run/runJob';
import { listRuns, readRunLog } from '../../../src/engine/run/runLog';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = (): string => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'ir-run-'));
  dirs.push(d);
  return d;
};

function sink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const parts: Buffer[] = [];
  stream.on('data', (d: Buffer) => parts.push(d));
  return { stream, text: () => Buffer.concat(parts).toString('utf8') };
}

// Writes a line in three pieces with pauses, a multi-byte character split across writes, CRLF, and no final newline.
const PIECES = `
const w = (s) => new Promise((r) => process.stdout.write(s, r));
const pause = (ms) => new Promise((r) => setTimeout(r, ms));
(async () => {
  await w('first '); await pause(60); await w('half');
  await w(Buffer.from([0xc3])); await pause(60); await w(Buffer.from([0xa9]));
  await w(' done\\r\\nsecond line\\n');
  await pause(80);
  process.stderr.write('no newline at the end');
})();
`;

test('output is passed through byte for byte and logged as whole lines, each at the time its end arrived', async () => {
  const store = tempDir();
  const out = sink();
  const err = sink();
  const outcome = await runJob({
    storeDir: store,
    id: 'abcd1234',
    command: [process.execPath, '-e', PIECES],
    cwd: store,
    label: 'pieces',
    before: 'snap0001',
    stdout: out.stream,
    stderr: err.stream,
  });
  assert.equal(outcome.shellCode, 0);
  assert.equal(out.text(), 'first halfé done\r\nsecond line\n');
  assert.equal(err.text(), 'no newline at the end');
  const run = readRunLog(outcome.file);
  assert.ok(run);
  assert.deepEqual(
    run.output.map((o) => [o.stream, o.text]),
    [
      ['stdout', 'first halfé done'],
      ['stdout', 'second line'],
      ['stderr', 'no newline at the end'],
    ],
  );
  const [first, , last] = run.output;
  assert.ok(first && first.t - run.start >= 100, 'the first line is dated when its end arrived, not its start');
  assert.ok(last && last.t >= first.t + 60);
  assert.equal(run.exitCode, 0);
  assert.equal(run.before, 'snap0001');
});

test('a run log cut off by a crash is read up to its last whole record', async () => {
  const store = tempDir();
  const sinkOut = sink();
  const outcome = await runJob({
    storeDir: store,
    id: 'feed0001',
    command: [process.execPath, '-e', "console.log('one'); console.log('two')"],
    cwd: store,
    label: 'torn',
    before: 'snap0001',
    stdout: sinkOut.stream,
    stderr: sink().stream,
  });
  // What a crash mid-write leaves: the records so far, then half of one.
  const whole = readFileSync(outcome.file, 'utf8').split('\n').slice(0, 3).join('\n') + '\n';
  const torn = path.join(path.dirname(outcome.file), '1-feed0002.jsonl');
  appendFileSync(torn, whole.replace('"id":"feed0001"', '"id":"feed0002"') + '{"t":17000000,"stream":"stdout","li');
  const run = readRunLog(torn);
  assert.ok(run);
  assert.deepEqual(
    run.output.map((o) => o.text),
    ['one', 'two'],
  );
  assert.equal(run.end, null, 'no end was recorded');
  assert.equal(run.damagedLines, 1);
  assert.deepEqual(
    listRuns(store).map((r) => r.id),
    ['feed0002', 'feed0001'],
  );
});
