import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfigText } from '../../src/engine/config/load';
import { ConfigError } from '../../src/engine/errors';
import { type ConfigProblemInput, placeConfigProblems } from '../../src/extension/problems/configProblems';
import { parseKeyPath } from '../../src/extension/problems/jsonTree';

/** What the extension shows on an `incident-replay.json` being edited: the engine's own findings, placed. */
function problemsOf(text: string): ConfigProblemInput[] {
  try {
    const loaded = parseConfigText(text, '/ws/incident-replay.json');
    return loaded.warningDetails.map((w) => ({ path: w.path, message: w.message, severity: 'warning' }));
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems.map((p) => ({ path: p.path, message: p.message, severity: 'error' }));
  }
}

function shownAt(text: string): { line: number; col: number; text: string; severity: string; message: string }[] {
  const lines = text.split('\n');
  return placeConfigProblems(text, problemsOf(text)).map((p) => ({
    line: p.span.startLine,
    col: p.span.startCharacter,
    text: (lines[p.span.startLine] ?? '').slice(
      p.span.startCharacter,
      p.span.endLine === p.span.startLine ? p.span.endCharacter : undefined,
    ),
    severity: p.severity,
    message: p.message,
  }));
}

test('a wrong value is shown on its key', () => {
  const text = '{\n  "include": ["**"],\n  "keepSnapshots": 0\n}\n';
  const [p, ...rest] = shownAt(text);
  assert.equal(rest.length, 0);
  assert.equal(p?.severity, 'error');
  assert.equal(p?.line, 2);
  assert.equal(p?.text, '"keepSnapshots"');
});

test('a bad list item is shown on the item itself', () => {
  const text = '{\n  "triggers": {\n    "configGlobs": ["a/**", 7]\n  }\n}\n';
  const [p] = shownAt(text);
  assert.equal(p?.line, 2);
  assert.equal(p?.text, '7');
});

test('a regex that does not compile is shown on the pattern', () => {
  const text = '{\n  "triggers": {\n    "logPatterns": [{ "pattern": "([a-z" }]\n  }\n}\n';
  const [p] = shownAt(text);
  assert.equal(p?.severity, 'error');
  assert.equal(p?.text, '"pattern"');
});

test('an unknown key is a warning on that key', () => {
  const text = '{\n  "keepSnapshot": 5\n}\n';
  const [p] = shownAt(text);
  assert.equal(p?.severity, 'warning');
  assert.equal(p?.text, '"keepSnapshot"');
});

test('a syntax error is shown where the parser stopped', () => {
  const text = '{\n  "keepSnapshots": 5,\n}\n';
  const [p] = shownAt(text);
  assert.equal(p?.severity, 'error');
  assert.match(p?.message ?? '', /line 3, column 1/);
  assert.deepEqual([p?.line, p?.col], [2, 0]);
});

test('a missing key is shown on the nearest parent that exists, naming the key path', () => {
  const placed = placeConfigProblems('{\n  "triggers": {}\n}\n', [
    { path: 'triggers.constraints[0].pattern', message: 'is required', severity: 'error' },
  ]);
  assert.equal(placed[0]?.span.startLine, 1);
  assert.equal(placed[0]?.message, 'triggers.constraints[0].pattern: is required');
});

test('key paths are read as the engine writes them', () => {
  assert.deepEqual(parseKeyPath('triggers.configGlobs[2]'), ['triggers', 'configGlobs', 2]);
  assert.deepEqual(parseKeyPath('rootCauseCategories["odd key"].remediation[0]'), ['rootCauseCategories', 'odd key', 'remediation', 0]);
  assert.deepEqual(parseKeyPath('["a.b"]'), ['a.b']);
  assert.deepEqual(parseKeyPath(''), []);
});
