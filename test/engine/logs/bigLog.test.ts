/**
 * A big log is read from disk after (or while) the snapshot is taken: only the bytes the
 * snapshot recorded, from where its new part starts, and with a verdict on whether those bytes
 * are still the snapshot's.
 */
import assert from 'node:assert/strict';
import { appendFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { type BigLog, ChangedOnDisk, readNewLines } from '../../../src/engine/logs/bigLog';
import { gitBlobId } from '../../../src/engine/store/gitBlobId';
import { TempWorkspace } from '../../support/workspace';

const spaces: TempWorkspace[] = [];
after(() => spaces.forEach((w) => w.dispose()));

function logOf(text: string): { w: TempWorkspace; log: BigLog } {
  const w = new TempWorkspace({ 'logs/big.log': text });
  spaces.push(w);
  const st = statSync(w.path('logs/big.log'));
  return { w, log: { path: 'logs/big.log', file: w.path('logs/big.log'), size: st.size, mtimeMs: Math.floor(st.mtimeMs) } };
}

async function read(log: BigLog, maxLineLength = 10_000): Promise<{ first: number; lines: string[]; id: string | null }> {
  const lines: string[] = [];
  let first = 0;
  const id = await readNewLines(log, maxLineLength, (start) => {
    first = start.firstLine;
    return (line) => lines.push(line);
  });
  return { first, lines, id };
}

describe('readNewLines', () => {
  const old = 'one\ntwo\nthree, still being written';

  it('reads from the line where the appended part starts, CRLF or not, and vouches by stat when nothing moved', async () => {
    const { log } = logOf(old + ' and done\r\nfour\r\nfive');
    log.before = { size: Buffer.byteLength(old), id: gitBlobId(Buffer.from(old)) };
    const r = await read(log);
    assert.equal(r.first, 3, 'the partial old last line counts as new');
    assert.deepEqual(r.lines, ['three, still being written and done', 'four', 'five']);
    assert.equal(r.id, null);
  });

  it('reads every line when the old version is not a prefix (a rewritten log)', async () => {
    const { log } = logOf('new one\nnew two\n');
    log.before = { size: 4, id: gitBlobId(Buffer.from('old\n')) };
    const r = await read(log);
    assert.equal(r.first, 1);
    assert.deepEqual(r.lines, ['new one', 'new two']);
  });

  it('reads only what the snapshot recorded of a log still being appended to, and hashes it', async () => {
    const recorded = 'a\nb\nc\n';
    const { w, log } = logOf(recorded);
    appendFileSync(w.path('logs/big.log'), 'd written after the snapshot\n');
    const r = await read(log);
    assert.deepEqual(r.lines, ['a', 'b', 'c']);
    assert.equal(r.id, gitBlobId(Buffer.from(recorded)));
  });

  it('tells a same-size rewrite apart by its id', async () => {
    const { w, log } = logOf('ok  \n');
    writeFileSync(w.path('logs/big.log'), 'BAD!\n');
    utimesSync(w.path('logs/big.log'), new Date(), new Date(Date.now() + 5_000));
    const r = await read(log);
    assert.notEqual(r.id, null);
    assert.notEqual(r.id, gitBlobId(Buffer.from('ok  \n')));
  });

  it('refuses a log that became shorter than the snapshot recorded', async () => {
    const { w, log } = logOf('a long line that the snapshot saw\n');
    writeFileSync(w.path('logs/big.log'), 'short\n');
    await assert.rejects(read(log), ChangedOnDisk);
  });

  it('cuts a huge line to the limit plus one character', async () => {
    const { log } = logOf('x'.repeat(200_000) + '\nafter\n');
    const r = await read(log, 100);
    assert.deepEqual(
      r.lines.map((l) => l.length),
      [101, 5],
    );
  });
});
