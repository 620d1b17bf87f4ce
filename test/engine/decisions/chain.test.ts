import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_CONFIG } from '../../../src/engine/config/defaults';
import { extractDecisions, linkDecisionsToTriggers, type DecisionInputFile } from '../../../src/engine/decisions/index';
import type { Decision, Trigger } from '../../../src/engine/types';
import { ROOT, TempWorkspace } from '../../support/workspace';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'transcripts');
const MARKERS = [...DEFAULT_CONFIG.decisionMarkers];
// Between the failed export (14:02:09.441) and the test run (14:02:12.500) of agent-run.log.
const MEMORY_MTIME = Date.UTC(2024, 4, 20, 14, 2, 11);

function fixture(name: string): string {
  return fs.readFileSync(path.join(FIXTURES, name), 'utf8');
}

function load(ws: TempWorkspace, rel: string): DecisionInputFile {
  const abs = ws.path(rel);
  return { path: rel, text: fs.readFileSync(abs, 'utf8'), mtimeMs: fs.statSync(abs).mtimeMs };
}

/** A trigger as the log detectors produce it; only what a test names differs from a plain log error. */
function trigger(t: Pick<Trigger, 'id' | 'file' | 'message' | 'timestamp'> & Partial<Trigger>): Trigger {
  return {
    kind: 'log_error',
    severity: 'error',
    line: 1,
    column: 1,
    endLine: 1,
    evidence: t.message,
    timestampEstimated: false,
    ...t,
  };
}

const ZERO_DIVISION = trigger({
  id: 'T1',
  file: 'logs/report.log',
  line: 7,
  endLine: 12,
  message: 'ZeroDivisionError: division by zero',
  errorType: 'ZeroDivisionError',
  rule: 'python_traceback',
  timestamp: Date.parse('2024-05-20T12:02:09.000Z'),
  frames: [
    { file: 'report.py', line: 18, function: '<module>', inWorkspace: true },
    { file: 'report.py', line: 9, function: 'format_totals', inWorkspace: true },
  ],
});

const ws = new TempWorkspace({
  'agent/run.log': fixture('agent-run.log'),
  'memory.md': fixture('memory.md'),
  '.aider.chat.history.md': fixture('aider.chat.history.md'),
  '.claude/session.jsonl': fixture('claude-session.jsonl'),
});
fs.utimesSync(ws.path('memory.md'), MEMORY_MTIME / 1000, MEMORY_MTIME / 1000);
after(() => ws.dispose());

function chain(...rels: string[]): Decision[] {
  return extractDecisions(
    rels.map((rel) => load(ws, rel)),
    { markers: MARKERS, defaultZone: 'utc' },
  ).decisions;
}

function linked(decisions: readonly Decision[]): [string, string, string[]][] {
  return decisions.filter((d) => d.triggerIds).map((d) => [d.id, d.text, d.triggerIds ?? []]);
}

describe('ordering across files', () => {
  it('merges files by time, placing untimed steps at their file mtime in file order, with ids in that order', () => {
    const decisions = chain('memory.md', 'agent/run.log', '.claude/session.jsonl');
    assert.deepEqual(
      decisions.map((d) => d.id),
      decisions.map((_, i) => `D${i + 1}`),
    );
    assert.deepEqual(
      decisions.map((d) => `${d.file}:${d.line}`),
      [
        ...[2, 4, 5, 6, 7, 7, 8, 9, 9, 10, 11, 12, 13].map((line) => `.claude/session.jsonl:${line}`),
        'agent/run.log:1',
        'agent/run.log:2',
        'agent/run.log:3',
        'agent/run.log:5',
        'agent/run.log:6',
        'memory.md:5',
        'memory.md:8',
        'memory.md:11',
        'agent/run.log:12',
        'agent/run.log:13',
      ],
    );
    const memory = decisions.filter((d) => d.file === 'memory.md');
    assert.ok(memory.every((d) => d.timestamp === MEMORY_MTIME && d.timestampEstimated));
  });

  it('points outcomes at the ids the merged chain gave', () => {
    const decisions = chain('memory.md', 'agent/run.log');
    const byId = new Map(decisions.map((d) => [d.id, d]));
    const exportRun = decisions.find((d) => d.text.startsWith('run `python export.py'));
    assert.equal(byId.get(exportRun?.outcome?.decisionId ?? '')?.text.startsWith('export failed with KeyError'), true);
    const keepFallback = decisions.find((d) => d.text.startsWith('keep the v1 fallback'));
    assert.equal(byId.get(keepFallback?.outcome?.decisionId ?? '')?.file, 'memory.md');
  });
});

describe('linkDecisionsToTriggers', () => {
  it('links a failing Bash call to the Python traceback it produced, by error type, message, file and time', () => {
    const decisions = chain('.claude/session.jsonl');
    const result = linkDecisionsToTriggers(decisions, [ZERO_DIVISION]);
    assert.deepEqual(linked(result), [['D6', 'python report.py --date 2024-05-19 >> logs/report.log 2>&1', ['T1']]]);
  });

  it('does not link a successful step, even one that names the trigger file right before it fired', () => {
    const decisions = chain('.claude/session.jsonl');
    const emptyOutput = trigger({
      id: 'T2',
      kind: 'empty_output',
      severity: 'warning',
      file: 'out/totals.csv',
      message: 'out/totals.csv is empty (0 bytes)',
      timestamp: Date.parse('2024-05-20T12:02:15.200Z'),
    });
    assert.equal(decisions.find((d) => d.text.endsWith('> out/totals.csv'))?.outcome?.status, 'success');
    assert.deepEqual(linked(linkDecisionsToTriggers(decisions, [emptyOutput])), []);
  });

  it('does not link on timing alone', () => {
    const decisions = chain('.claude/session.jsonl');
    const unrelated = trigger({
      id: 'T3',
      file: 'logs/db.log',
      message: 'connect ECONNREFUSED 127.0.0.1:5432',
      errorType: 'ECONNREFUSED',
      timestamp: Date.parse('2024-05-20T12:02:09.200Z'),
    });
    assert.deepEqual(linked(linkDecisionsToTriggers(decisions, [unrelated])), []);
  });

  it('links the action rather than its observation or the decision before it, in a marker log', () => {
    const decisions = chain('agent/run.log');
    const keyError = trigger({
      id: 'T4',
      file: 'logs/export.log',
      message: "KeyError: 'rows'",
      errorType: 'KeyError',
      timestamp: Date.UTC(2024, 4, 20, 14, 2, 9),
      frames: [{ file: 'export.py', line: 42, function: '<module>', inWorkspace: true }],
    });
    assert.deepEqual(linked(linkDecisionsToTriggers(decisions, [keyError])), [['D4', 'run `python export.py --since 2024-05-19`', ['T4']]]);
  });

  it('gives each trigger to one step only, the best; a step may collect several triggers', () => {
    // Both sessions ran report.py into the same ZeroDivisionError; only the Claude run is timed to match.
    const decisions = chain('.aider.chat.history.md', '.claude/session.jsonl');
    const duplicate = { ...ZERO_DIVISION, id: 'T5', rule: 'log_pattern', timestamp: ZERO_DIVISION.timestamp + 100 };
    const result = linkDecisionsToTriggers(decisions, [ZERO_DIVISION, duplicate]);
    const claudeRun = result.find((d) => d.file === '.claude/session.jsonl' && d.kind === 'tool_call' && d.outcome?.status === 'error');
    assert.deepEqual(linked(result), [[claudeRun?.id ?? '?', claudeRun?.text ?? '?', ['T1', 'T5']]]);
  });

  it('falls back to the failing aider command when its times are only estimated', () => {
    const decisions = chain('.aider.chat.history.md');
    const result = linkDecisionsToTriggers(decisions, [ZERO_DIVISION]);
    assert.deepEqual(linked(result), [['D5', 'python report.py --date 2024-05-19', ['T1']]]);
  });

  it('returns copies: the input keeps no links and stale links are cleared', () => {
    const decisions = chain('.claude/session.jsonl');
    const once = linkDecisionsToTriggers(decisions, [ZERO_DIVISION]);
    assert.ok(decisions.every((d) => d.triggerIds === undefined));
    assert.deepEqual(linked(linkDecisionsToTriggers(once, [])), []);
    assert.equal(once.length, decisions.length);
  });
});
