import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ManifestEntry } from '../../src/engine/types';
import { diffNote, explanationFor } from '../../src/extension/diffs/fileExplanation';

const entry = (fields: Partial<ManifestEntry>): ManifestEntry => ({
  path: 'img/logo.png',
  type: 'file',
  size: 2048,
  mode: 0o644,
  mtimeMs: 0,
  id: 'a'.repeat(40),
  binary: false,
  stored: true,
  ...fields,
});

test('binary and oversized files are explained instead of diffed, with size and blob id', () => {
  assert.equal(explanationFor(entry({}), 'baseline'), null, 'text is shown as is');
  const bin = explanationFor(entry({ binary: true }), 'baseline') ?? '';
  assert.match(bin, /Binary file: img\/logo\.png/);
  assert.match(bin, /2\.0 KiB · git blob a{40}/);
  const big = explanationFor(entry({ path: 'data/dump.sql', size: 50 * 1024 * 1024, stored: false }), 'post-incident') ?? '';
  assert.match(big, /Oversized file: data\/dump\.sql/);
  assert.match(big, /maxFileSizeBytes/);
  assert.match(explanationFor(entry({ type: 'symlink', target: '../shared/app.json' }), 'x') ?? '', /→ \.\.\/shared\/app\.json/);
  assert.equal(diffNote(entry({ binary: true }), undefined), '(binary)');
  assert.equal(diffNote(entry({}), entry({ stored: false })), '(oversized)');
  assert.equal(diffNote(entry({}), entry({})), undefined);
});
