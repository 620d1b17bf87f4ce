import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { GitBlobHasher, gitBlobId } from '../../../src/engine/store/gitBlobId';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function gitHashObject(content: Buffer): string {
  const file = path.join(dir, `blob-${randomBytes(4).toString('hex')}`);
  fs.writeFileSync(file, content);
  return execFileSync('git', ['hash-object', '--no-filters', file], { encoding: 'utf8' }).trim();
}

describe('gitBlobId', () => {
  const samples: [string, Buffer][] = [
    ['empty', Buffer.alloc(0)],
    ['text with newline', Buffer.from('hello world\n')],
    ['unicode', Buffer.from('naïve café ✓ 日本語\r\n', 'utf8')],
    ['binary with NULs', Buffer.from([0, 1, 2, 255, 0, 128, 10, 13])],
    ['random 100 KiB', randomBytes(100 * 1024)],
  ];
  for (const [name, content] of samples) {
    it(`equals git hash-object for ${name}`, () => {
      assert.equal(gitBlobId(content), gitHashObject(content));
    });
  }

  it('hashes a string as its UTF-8 bytes', () => {
    assert.equal(gitBlobId('é\n'), gitHashObject(Buffer.from('é\n', 'utf8')));
  });

  it('streaming hasher gives the same id as hashing at once', () => {
    const content = randomBytes(3 * 1024 * 1024 + 17);
    const hasher = new GitBlobHasher(content.length);
    for (let off = 0; off < content.length; off += 65536) hasher.update(content.subarray(off, off + 65536));
    assert.equal(hasher.digest(), gitBlobId(content));
    assert.equal(gitBlobId(content), gitHashObject(content));
  });

  it('streaming hasher refuses a digest when fewer bytes arrived than declared', () => {
    const hasher = new GitBlobHasher(10).update(Buffer.from('12345'));
    assert.throws(() => hasher.digest(), /told 10 bytes but received 5/);
  });
});
