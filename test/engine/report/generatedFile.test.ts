import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { InputError, WouldOverwriteError } from '../../../src/engine/errors';
import { markdownOwnership, stampMarkdown, writeGenerated } from '../../../src/engine/report/generatedFile';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ir-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const write = (file: string, text: string, force = false): Promise<void> =>
  writeGenerated(file, text, { force, ownership: markdownOwnership });

test('a stamped report is recognised as untouched, edited or foreign', () => {
  const stamped = stampMarkdown('# INC-0001\n\nbody\n');
  assert.match(stamped, /^<!-- incident-replay:generated sha256=[0-9a-f]{64} -->\n# INC-0001/);
  assert.equal(markdownOwnership(stamped), 'untouched');
  assert.equal(markdownOwnership(stamped.replace('body', 'body, with a note by hand')), 'edited');
  assert.equal(markdownOwnership(stamped + 'appended\n'), 'edited');
  assert.equal(markdownOwnership('# My own notes\n'), 'foreign');
});

test('the tool overwrites its own output, and refuses edited or foreign files unless forced', async () => {
  const file = path.join(dir, 'docs', 'incidents', 'INC-0001-x.md');
  await write(file, stampMarkdown('first\n'));
  await write(file, stampMarkdown('second\n'));
  assert.equal(readFileSync(file, 'utf8'), stampMarkdown('second\n'));

  writeFileSync(file, readFileSync(file, 'utf8').replace('second', 'second, edited by hand'));
  await assert.rejects(
    write(file, stampMarkdown('third\n')),
    (e: unknown) =>
      e instanceof WouldOverwriteError &&
      e.owner === 'edited' &&
      e.file === file &&
      /edited by hand/.test(e.message) &&
      /--force/.test(e.message),
  );
  assert.match(readFileSync(file, 'utf8'), /edited by hand/, 'the edit survives');
  await write(file, stampMarkdown('third\n'), true);
  assert.equal(readFileSync(file, 'utf8'), stampMarkdown('third\n'));

  const mine = path.join(dir, 'NOTES.md');
  writeFileSync(mine, 'my notes\n');
  await assert.rejects(
    write(mine, stampMarkdown('x\n')),
    (e: unknown) =>
      e instanceof WouldOverwriteError &&
      e.owner === 'foreign' &&
      e instanceof InputError &&
      /not written by incident-replay/.test(e.message),
  );
  assert.equal(readFileSync(mine, 'utf8'), 'my notes\n');
  // No temp file is left behind by the atomic writes.
  assert.deepEqual(readdirSync(path.dirname(file)), ['INC-0001-x.md']);
});
