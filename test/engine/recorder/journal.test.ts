import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { Journal, parseJournal, type JournalRecord } from '../../../src/engine/recorder/journal';
import { ROOT } from '../../support/workspace';

const dirs: string[] = [];
const tempStore = (): string => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'ir-journal-'));
  dirs.push(d);
  return d;
};
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A separate Node process appending `count` records in batches of `batch`. */
function appender(store: string, writer: number, count: number, batch: number): Promise<number> {
  const script = path.join(__dirname, 'support', 'appendJournal.ts');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, store, String(writer), String(count), String(batch)], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('close', (c) => resolve(c ?? -1));
  });
}

test('several processes appending at once leave every record whole and none lost', async () => {
  const store = tempStore();
  const codes = await Promise.all([0, 1, 2, 3].map((w) => appender(store, w, 400, 7)));
  assert.deepEqual(codes, [0, 0, 0, 0]);
  const read = await new Journal(store).read(0, Date.now() + 1000);
  assert.equal(read.length, 1600);
  for (let w = 0; w < 4; w++) {
    const mine = read
      .filter((r) => r.kind === 'change' && r.path.startsWith(`w${w}/`))
      .map((r) => (r.kind === 'command' ? '' : r.path.slice(3, 8)));
    assert.equal(mine.length, 400, `writer ${w}`);
    // One process's records stay in its own order.
    assert.deepEqual(mine, [...mine].sort());
  }
});

test('a journal cut off by a crash is read up to its last whole record, and the next append starts clean', async () => {
  const store = tempStore();
  const j = new Journal(store);
  const t = Date.parse('2026-03-04T10:00:00Z');
  await j.append([
    { t, kind: 'create', path: 'a.txt' },
    { t: t + 5, kind: 'command', command: 'npm test', cwd: '/w', start: t + 1, end: t + 5, exitCode: 1, output: 'Error: boom\n' },
  ]);
  const file = path.join(store, 'journal', '2026-03-04.jsonl');
  // What a crash in the middle of a write leaves behind.
  appendFileSync(file, '{"t":' + String(t + 9) + ',"kind":"chan');
  const cut = await j.read(0, t + 100);
  assert.deepEqual(
    cut.map((r) => r.kind),
    ['create', 'command'],
  );
  assert.equal(cut[1]?.kind === 'command' && cut[1].exitCode, 1);
  // A fresh process (a new Journal) appends after the crash: its record is not glued to the torn one.
  await new Journal(store).append([{ t: t + 20, kind: 'delete', path: 'a.txt' }]);
  const again = await new Journal(store).read(0, t + 100);
  assert.deepEqual(
    again.map((r) => [r.kind, r.t]),
    [
      ['create', t],
      ['command', t + 5],
      ['delete', t + 20],
    ],
  );
});

test('lines that are not records (garbage, other shapes) are skipped, not fatal', () => {
  const text = [
    '{"t":1,"kind":"change","path":"x"}',
    'not json',
    '{"t":"soon","kind":"change","path":"y"}',
    '{"t":2,"kind":"rename","path":"z"}',
    '[1,2]',
    '{"t":3,"kind":"command","command":"ls","start":2}',
    '',
  ].join('\n');
  const recs: JournalRecord[] = parseJournal(text);
  assert.deepEqual(
    recs.map((r) => r.t),
    [1, 3],
  );
});

test('trim removes day files that end before the oldest kept snapshot, never the current day', async () => {
  const store = tempStore();
  const j = new Journal(store);
  const day = (s: string): number => Date.parse(`${s}T12:00:00Z`);
  await j.append([
    { t: day('2026-01-01'), kind: 'change', path: 'old' },
    { t: day('2026-01-02'), kind: 'change', path: 'mid' },
    { t: day('2026-01-03'), kind: 'change', path: 'new' },
    { t: Date.now(), kind: 'change', path: 'today' },
  ]);
  const removed = await j.trim(day('2026-01-02'));
  assert.equal(removed, 1);
  const names = readdirSync(path.join(store, 'journal')).sort();
  assert.ok(!names.includes('2026-01-01.jsonl'));
  assert.ok(names.includes('2026-01-02.jsonl') && names.includes('2026-01-03.jsonl'));
  assert.equal(await j.trim(Date.now() + 86_400_000 * 3), 2, 'everything but today goes');
  assert.deepEqual(
    (await j.read(0, Date.now() + 1000)).map((r) => (r.kind === 'command' ? '' : r.path)),
    ['today'],
  );
  // Files that are not day files (an editor's backup, a note) are left alone.
  writeFileSync(path.join(store, 'journal', 'notes.txt'), 'x');
  utimesSync(path.join(store, 'journal', 'notes.txt'), 0, 0);
  await j.trim(Date.now() + 86_400_000 * 30);
  assert.ok(readdirSync(path.join(store, 'journal')).includes('notes.txt'));
});
