import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeManifest, encodeManifest } from '../../../src/engine/store/manifest';
import { InvalidManifestError, unsafePathReason } from '../../../src/engine/store/manifestValidation';
import type { ManifestEntry } from '../../../src/engine/types';

const entry = (p: string, extra: Partial<ManifestEntry> = {}): ManifestEntry => ({
  path: p,
  type: 'file',
  size: 1,
  mode: 0o644,
  mtimeMs: 1,
  id: 'b'.repeat(40),
  binary: false,
  stored: true,
  ...extra,
});

function reason(entries: ManifestEntry[]): string {
  try {
    decodeManifest(encodeManifest(entries));
  } catch (e) {
    assert.ok(e instanceof InvalidManifestError, String(e));
    return e.reason;
  }
  return 'accepted';
}

describe('manifest validation when read', () => {
  it('names what is wrong with a path, on POSIX and on Windows', () => {
    const cases: [string, string | null, string | null][] = [
      ['a/b.txt', null, null],
      ['a\\b.txt', null, null],
      ['C:\\temp\\out.txt', null, 'starts with a drive letter'],
      ['../x', 'has a "." or ".." segment', 'has a "." or ".." segment'],
      ['a/./x', 'has a "." or ".." segment', 'has a "." or ".." segment'],
      ['..\\x', 'has a "." or ".." segment', 'has a "." or ".." segment'],
      ['a\\..\\..\\x', 'has a "." or ".." segment', 'has a "." or ".." segment'],
      ['/etc/passwd', 'is absolute', 'is absolute'],
      ['\\x', null, 'is absolute'],
      ['a//b', 'has an empty segment', 'has an empty segment'],
      ['a\\\\b', null, 'has an empty segment'],
      ['a/', 'has an empty segment', 'has an empty segment'],
      ['a\0b', 'contains a NUL byte', 'contains a NUL byte'],
      ['', 'is empty', 'is empty'],
      ['...', null, null],
      ['.hidden/..x', null, null],
    ];
    for (const [p, posix, windows] of cases) {
      assert.equal(unsafePathReason(p, false), posix, `POSIX: ${JSON.stringify(p)}`);
      assert.equal(unsafePathReason(p, true), windows, `Windows: ${JSON.stringify(p)}`);
    }
  });

  it('refuses duplicates, a path that is a file and a folder, modes beyond rwxrwxrwx and ids that are not blob ids', () => {
    assert.match(reason([entry('a'), entry('a')]), /entry 1 \("a"\): the path appears twice/);
    assert.match(reason([entry('a'), entry('a/b')]), /"a" is also a file or symlink in this snapshot/);
    assert.match(
      reason([entry('link', { type: 'symlink', target: '/etc', mode: 0o777 }), entry('link/passwd')]),
      /"link" is also a file or symlink/,
    );
    assert.match(reason([entry('x', { mode: 0o4755 })]), /mode 4755 has bits beyond rwxrwxrwx/);
    assert.match(reason([entry('x', { mode: 0o100644 })]), /mode 100644 has bits beyond/);
    assert.match(reason([entry('x', { id: '../../etc/passwd' })]), /id is not a 40-character blob id/);
    assert.match(reason([entry('x', { size: -1 })]), /size is not a whole number/);
    assert.match(reason([entry('l', { type: 'symlink', target: 'a\0b' })]), /symlink target contains a NUL byte/);
  });

  it('checks a raw (non-UTF-8) name on its bytes and against the path shown', () => {
    const raw = (bytes: number[]): string => Buffer.from(bytes).toString('base64');
    // b\xff/c below a raw folder is fine; a raw file with the folder's very bytes is not.
    assert.equal(reason([entry('b\uFFFD/c', { rawPath: raw([0x62, 0xff, 0x2f, 0x63]) })]), 'accepted');
    assert.match(
      reason([entry('b\uFFFD', { rawPath: raw([0x62, 0xff]) }), entry('b\uFFFD/c', { rawPath: raw([0x62, 0xff, 0x2f, 0x63]) })]),
      /entry 1 \("b\uFFFD\/c"\): "b\uFFFD" is also a file or symlink in this snapshot/,
    );
    // `..` followed by another byte is a name like any other.
    assert.equal(
      reason([
        entry('..\uFFFD', { rawPath: raw([0x2e, 0x2e, 0xff]) }),
        entry('x/..\uFFFD', { rawPath: raw([0x78, 0x2f, 0x2e, 0x2e, 0xff]) }),
      ]),
      'accepted',
    );
    assert.match(
      reason([entry('x/\uFFFD', { rawPath: raw([0x78, 0x2f, 0xff]) }), entry('y\uFFFD', { rawPath: raw([0x2e, 0x2e, 0x2f, 0x79, 0xff]) })]),
      /rawPath does not decode to the path/,
    );
    assert.match(reason([entry('ok\uFFFD', { rawPath: raw([0x2e, 0x2e, 0x2f, 0xff]) })]), /rawPath does not decode to the path/);
    assert.match(reason([entry('plain', { rawPath: raw([0x70, 0x6c, 0x61, 0x69, 0x6e]) })]), /rawPath is valid UTF-8/);
    assert.match(reason([entry('x\uFFFD', { rawPath: 'eP8=garbage' })]), /rawPath is not canonical base64/);
    // Two names that both show as b\uFFFD are different files, told apart by their bytes.
    assert.equal(reason([entry('b\uFFFD', { rawPath: raw([0x62, 0xff]) }), entry('b\uFFFD', { rawPath: raw([0x62, 0xfe]) })]), 'accepted');
  });
});
