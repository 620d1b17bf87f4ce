import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_CONFIG } from '../../../src/engine/config/defaults';
import { InputError } from '../../../src/engine/errors';
import { extractDecisions, type DecisionInputFile } from '../../../src/engine/decisions/index';
import { ROOT, TempWorkspace } from '../../support/workspace';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'transcripts');
const MARKERS = [...DEFAULT_CONFIG.decisionMarkers];
const MEMORY_MTIME = Date.UTC(2024, 4, 21, 9, 0, 0);

function fixture(name: string): string {
  return fs.readFileSync(path.join(FIXTURES, name), 'utf8');
}

/** Reads workspace files the way the engine hands them over: text, mtime, optional first new line. */
function load(ws: TempWorkspace, rel: string, firstNewLine?: number): DecisionInputFile {
  const abs = ws.path(rel);
  const input: DecisionInputFile = { path: rel, text: fs.readFileSync(abs, 'utf8'), mtimeMs: fs.statSync(abs).mtimeMs };
  if (firstNewLine !== undefined) input.firstNewLine = firstNewLine;
  return input;
}

describe('decision markers in agent logs', () => {
  const ws = new TempWorkspace({ 'agent/run.log': fixture('agent-run.log'), 'memory.md': fixture('memory.md') });
  fs.utimesSync(ws.path('memory.md'), MEMORY_MTIME / 1000, MEMORY_MTIME / 1000);
  after(() => ws.dispose());

  it('reads kind, text without the log prefix, time and rationale from each marker line', () => {
    const { decisions, sources } = extractDecisions([load(ws, 'agent/run.log')], { markers: MARKERS, defaultZone: 'utc' });
    assert.deepEqual(
      decisions.map((d) => [d.id, d.kind, d.line, d.timestamp, d.timestampEstimated, d.source, d.file]),
      [
        ['D1', 'plan', 1, Date.UTC(2024, 4, 20, 14, 2, 3, 120), false, 'marker', 'agent/run.log'],
        ['D2', 'decision', 2, Date.UTC(2024, 4, 20, 14, 2, 4, 2), false, 'marker', 'agent/run.log'],
        ['D3', 'decision', 3, Date.UTC(2024, 4, 20, 14, 2, 5, 310), false, 'marker', 'agent/run.log'],
        ['D4', 'action', 5, Date.UTC(2024, 4, 20, 14, 2, 7, 900), false, 'marker', 'agent/run.log'],
        ['D5', 'observation', 6, Date.UTC(2024, 4, 20, 14, 2, 9, 441), false, 'marker', 'agent/run.log'],
        ['D6', 'action', 12, Date.UTC(2024, 4, 20, 14, 2, 12, 500), false, 'marker', 'agent/run.log'],
        ['D7', 'observation', 13, Date.UTC(2024, 4, 20, 14, 2, 15, 100), false, 'marker', 'agent/run.log'],
      ],
    );
    assert.deepEqual(sources, [{ path: 'agent/run.log', format: 'markers', steps: 7 }]);
    assert.equal(decisions[0]?.text, 'migrate the nightly export to the v2 API');
    // The indented line continues the decision; its reason is lifted out, the full text kept.
    assert.equal(
      decisions[2]?.text,
      'rewrite export.py against /v2/rows because v1 is deprecated and the v2 client is already vendored in lib/',
    );
    assert.equal(decisions[2]?.rationale, 'because v1 is deprecated and the v2 client is already vendored in lib/');
    // "since May" is a time, not a reason.
    assert.equal(decisions[1]?.rationale, undefined);
  });

  it('joins an unindented traceback to the observation it follows and reads the observation as a failure', () => {
    const { decisions } = extractDecisions([load(ws, 'agent/run.log')], { markers: MARKERS, defaultZone: 'utc' });
    const observation = decisions[4];
    assert.ok(observation);
    assert.ok(observation.text.startsWith("export failed with KeyError: 'rows'\nTraceback (most recent call last):"));
    assert.ok(observation.text.endsWith("KeyError: 'rows'"));
    assert.ok(!observation.text.includes('urllib3'), 'the next timestamped record is not part of the step');
    assert.deepEqual(observation.outcome, { status: 'error', text: "KeyError: 'rows'" });
  });

  it('gives an action the next observation as its outcome, success or failure', () => {
    const { decisions } = extractDecisions([load(ws, 'agent/run.log')], { markers: MARKERS, defaultZone: 'utc' });
    assert.deepEqual(decisions[3]?.outcome, { status: 'error', text: "KeyError: 'rows'", decisionId: 'D5' });
    assert.deepEqual(decisions[5]?.outcome, { status: 'success', text: '4 passed in 0.31s, no errors', decisionId: 'D7' });
    assert.equal(decisions[0]?.outcome, undefined, 'the plan is followed by another decision before any observation');
  });

  it('reads markdown bullets in memory notes, with list and wrapped continuation lines, placed at the mtime', () => {
    const { decisions } = extractDecisions([load(ws, 'memory.md')], { markers: MARKERS, defaultZone: 'utc' });
    assert.deepEqual(
      decisions.map((d) => [d.kind, d.line, d.text, d.timestamp, d.timestampEstimated]),
      [
        ['plan', 5, 'move the export job to the v2 API\n1. update `config/export.yaml`\n2. rewrite `export.py`', MEMORY_MTIME, true],
        ['decision', 8, 'keep the v1 fallback for one week so that downstream consumers can migrate.', MEMORY_MTIME, true],
        ['observation', 11, 'staging run failed: 401 Unauthorized from /v2/rows', MEMORY_MTIME, true],
      ],
    );
    assert.equal(decisions[1]?.rationale, 'so that downstream consumers can migrate');
    assert.equal(decisions[1]?.outcome?.status, 'error');
    assert.equal(decisions[1]?.outcome?.decisionId, decisions[2]?.id);
  });

  it('drops steps before firstNewLine but still pairs a new observation with the earlier action', () => {
    const { decisions } = extractDecisions([load(ws, 'agent/run.log', 6)], { markers: MARKERS, defaultZone: 'utc' });
    assert.deepEqual(
      decisions.map((d) => [d.id, d.kind, d.line]),
      [
        ['D1', 'observation', 6],
        ['D2', 'action', 12],
        ['D3', 'observation', 13],
      ],
    );
    assert.equal(decisions[0]?.outcome?.status, 'error');
    assert.equal(decisions[1]?.outcome?.decisionId, 'D3');
  });

  it('keeps a phrase marker in the text and takes what follows a separator marker', () => {
    const custom = new TempWorkspace({
      'job.log': [
        '[2024-05-20T14:00:00Z] [INFO] [planner] We Decided to roll back the schema change',
        '[2024-05-20T14:00:05Z] [INFO] [runner] RESULT => rollback finished',
        '[2024-05-20T14:00:06Z] [INFO] [runner] cleanup done, no marker here',
      ].join('\n'),
    });
    try {
      const { decisions } = extractDecisions([load(custom, 'job.log')], { markers: ['Decided to', 'RESULT\\s*=>'] });
      assert.deepEqual(
        decisions.map((d) => [d.kind, d.text, d.timestamp]),
        [
          ['decision', 'Decided to roll back the schema change', Date.UTC(2024, 4, 20, 14, 0, 0)],
          ['observation', 'rollback finished', Date.UTC(2024, 4, 20, 14, 0, 5)],
        ],
      );
    } finally {
      custom.dispose();
    }
  });

  it('reports an invalid marker regex as bad input naming the entry', () => {
    assert.throws(
      () => extractDecisions([{ path: 'a.log', text: 'Decision: x', mtimeMs: 0 }], { markers: ['Decision:', '(unclosed'] }),
      (err: unknown) => err instanceof InputError && /decisionMarkers\[1\]/.test(err.message),
    );
  });

  it('lists no source for a log without any step', () => {
    const result = extractDecisions([{ path: 'logs/app.log', text: 'INFO started\nINFO done\n', mtimeMs: 0 }], {
      markers: MARKERS,
    });
    assert.deepEqual(result, { decisions: [], skippedLines: 0, sources: [] });
  });
});
