import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { detectTranscriptFormat, extractDecisions, type DecisionInputFile, type ExtractResult } from '../../../src/engine/decisions/index';
import { ROOT, TempWorkspace } from '../../support/workspace';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'transcripts');

function fixture(name: string): string {
  return fs.readFileSync(path.join(FIXTURES, name), 'utf8');
}

function load(ws: TempWorkspace, rel: string): DecisionInputFile {
  const abs = ws.path(rel);
  return { path: rel, text: fs.readFileSync(abs, 'utf8'), mtimeMs: fs.statSync(abs).mtimeMs };
}

function extract(ws: TempWorkspace, ...rels: string[]): ExtractResult {
  return extractDecisions(
    rels.map((rel) => load(ws, rel)),
    { markers: ['Decision:', 'Observation:'], defaultZone: 'utc' },
  );
}

const ws = new TempWorkspace({
  '.aider.chat.history.md': fixture('aider.chat.history.md'),
  'sessions/claude/4f35e220.jsonl': fixture('claude-session.jsonl'),
  'sessions/codex/rollout-2025-09-10.jsonl': fixture('codex-rollout.jsonl'),
});
after(() => ws.dispose());

describe('aider chat history', () => {
  const { decisions, sources } = extract(ws, '.aider.chat.history.md');
  const session = new Date(2024, 4, 20, 14, 2, 3).getTime(); // aider writes local time

  it('maps requests, replies, edits, commits and commands to steps in file order at the session start', () => {
    assert.deepEqual(
      decisions.map((d) => [d.kind, d.tool ?? null, d.text.slice(0, 40), d.line]),
      [
        ['plan', null, 'Make the totals report skip empty batche', 13],
        ['decision', null, 'The crash comes from `average()` dividin', 15],
        ['action', 'edit', 'Applied edit to app.py', 31],
        ['action', 'git', 'Commit 1a2b3c4 fix: Skip empty batches i', 32],
        ['tool_call', 'shell', 'python report.py --date 2024-05-19', 35],
        ['tool_result', 'shell', 'Traceback (most recent call last):\nFile ', 36],
        ['plan', null, 'The report still crashes on the empty da', 44],
        ['decision', null, 'The remaining crash is in `format_totals', 46],
        ['action', 'edit', 'Applied edit to report.py', 62],
        ['action', 'git', 'Commit 5d6e7f8 fix: Handle zero day tota', 63],
        ['tool_call', 'shell', 'python report.py --date 2024-05-19', 67],
        ['tool_result', 'shell', 'Totals for 2024-05-19: 0 batches, 0 rows', 68],
        ['tool_call', 'test', 'pytest -q', 71],
      ],
    );
    assert.ok(decisions.every((d) => d.source === 'aider' && d.timestamp === session && d.timestampEstimated));
    assert.deepEqual(sources, [{ path: '.aider.chat.history.md', format: 'aider', steps: 13 }]);
  });

  it("takes the reply's reason as rationale and never reads the code it proposes as steps", () => {
    assert.equal(decisions[1]?.rationale, 'because empty batches are legitimate when a shard has no rows');
    assert.ok(!decisions.some((d) => d.text.includes('SEARCH') || d.text.startsWith('def ')));
  });

  it('judges command output: a traceback fails the /run, plain output succeeds, /test adding output means it failed', () => {
    assert.deepEqual(decisions[4]?.outcome, {
      status: 'error',
      text: 'ZeroDivisionError: division by zero',
      decisionId: decisions[5]?.id,
    });
    assert.equal(decisions[10]?.outcome?.status, 'success');
    assert.equal(decisions[12]?.outcome?.status, 'error');
  });
});

describe('Claude Code session', () => {
  const { decisions, sources, skippedLines } = extract(ws, 'sessions/claude/4f35e220.jsonl');

  it('maps user text, thinking, text, tool_use and tool_result with their record times', () => {
    assert.deepEqual(
      decisions.map((d) => [d.kind, d.tool ?? null, d.timestamp]),
      [
        ['plan', null, Date.parse('2024-05-20T12:02:03.100Z')],
        ['decision', null, Date.parse('2024-05-20T12:02:05.000Z')],
        ['tool_call', 'Read', Date.parse('2024-05-20T12:02:06.000Z')],
        ['tool_result', 'Read', Date.parse('2024-05-20T12:02:06.200Z')],
        ['decision', null, Date.parse('2024-05-20T12:02:08.000Z')],
        ['tool_call', 'Bash', Date.parse('2024-05-20T12:02:08.000Z')],
        ['tool_result', 'Bash', Date.parse('2024-05-20T12:02:09.500Z')],
        ['decision', null, Date.parse('2024-05-20T12:02:12.000Z')],
        ['tool_call', 'Edit', Date.parse('2024-05-20T12:02:12.000Z')],
        ['tool_result', 'Edit', Date.parse('2024-05-20T12:02:12.300Z')],
        ['tool_call', 'Bash', Date.parse('2024-05-20T12:02:14.000Z')],
        ['tool_result', 'Bash', Date.parse('2024-05-20T12:02:15.000Z')],
        ['decision', null, Date.parse('2024-05-20T12:02:16.000Z')],
      ],
    );
    assert.ok(decisions.every((d) => d.source === 'jsonl' && !d.timestampEstimated));
    assert.deepEqual(sources, [{ path: 'sessions/claude/4f35e220.jsonl', format: 'claude-jsonl', steps: 13 }]);
    assert.equal(skippedLines, 0);
  });

  it('renders a Bash call as its command line and pairs it with its failing result by id', () => {
    const bash = decisions[5];
    assert.equal(bash?.text, 'python report.py --date 2024-05-19 >> logs/report.log 2>&1');
    assert.deepEqual(bash?.outcome, { status: 'error', text: 'ZeroDivisionError: division by zero', decisionId: decisions[6]?.id });
    assert.equal(decisions[6]?.outcome?.status, 'error');
    assert.equal(decisions[11]?.outcome?.status, 'success');
  });

  it('does not call a file read failed because the file mentions errors', () => {
    assert.equal(decisions[2]?.text, '/home/dev/shop/report.py');
    assert.equal(decisions[3]?.outcome?.status, 'success');
  });

  it('reads reasons from thinking and replies, and skips meta records', () => {
    assert.equal(decisions[1]?.rationale, 'since the traceback is not in the prompt');
    assert.equal(decisions[7]?.rationale, 'because an empty day is a valid input');
    assert.ok(!decisions.some((d) => d.text.startsWith('Caveat')));
  });

  it('skips and counts malformed lines, keeping everything else', () => {
    const broken = new TempWorkspace({
      's.jsonl': [
        ...fixture('claude-session.jsonl').trimEnd().split('\n').slice(0, 6),
        'this is not json',
        '[1, 2, 3]',
        '{"type":"assistant","message":{"role":"assistant","content":[{"type":"text","text":"cut off mid-wri',
      ].join('\n'),
    });
    try {
      const result = extract(broken, 's.jsonl');
      assert.equal(result.skippedLines, 3);
      assert.equal(result.decisions.length, 4);
      assert.equal(result.sources[0]?.format, 'claude-jsonl');
    } finally {
      broken.dispose();
    }
  });
});

describe('Codex CLI rollout', () => {
  const { decisions, sources } = extract(ws, 'sessions/codex/rollout-2025-09-10.jsonl');

  it('maps messages, reasoning, function and custom tool calls, skipping context preambles and echoed events', () => {
    assert.deepEqual(
      decisions.map((d) => [d.kind, d.tool ?? null, d.text]),
      [
        ['plan', null, 'Run the migration script and tell me if it works'],
        ['decision', null, "I'll run migrate.py directly because the Makefile target needs docker, which is not available here."],
        ['tool_call', 'shell', 'python migrate.py --apply'],
        ['tool_result', 'shell', 'Applying 0007_add_index...\nsqlite3.OperationalError: no such table: orders'],
        ['decision', null, "The migration failed: table `orders` does not exist yet. I'll make the index step skip missing tables."],
        ['tool_call', 'apply_patch', 'apply_patch migrate.py'],
        ['tool_result', 'apply_patch', 'Success. Updated the following files:\nM migrate.py'],
      ],
    );
    assert.equal(decisions[1]?.rationale, 'because the Makefile target needs docker, which is not available here');
    assert.deepEqual(sources, [{ path: 'sessions/codex/rollout-2025-09-10.jsonl', format: 'codex-jsonl', steps: 7 }]);
  });

  it("fails a shell call by the exit code in its output's metadata and passes the patch", () => {
    assert.deepEqual(decisions[2]?.outcome, {
      status: 'error',
      text: 'sqlite3.OperationalError: no such table: orders',
      decisionId: decisions[3]?.id,
    });
    assert.equal(decisions[5]?.outcome?.status, 'success');
  });

  it('reads the older flat rollout, timed by its session header and kept in file order', () => {
    const flat = new TempWorkspace({
      'rollout-old.jsonl': [
        JSON.stringify({ id: 'a1b2', timestamp: '2025-04-18T10:00:00.000Z', instructions: null }),
        JSON.stringify({ record_type: 'state' }),
        JSON.stringify({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'clean the tmp dir' }] }),
        JSON.stringify({
          type: 'function_call',
          name: 'shell',
          arguments: JSON.stringify({ command: ['bash', '-lc', 'rm -r tmp/cache'] }),
          call_id: 'call_1',
        }),
        JSON.stringify({
          type: 'function_call_output',
          call_id: 'call_1',
          output: JSON.stringify({ output: 'rm: cannot remove tmp/cache: Permission denied\n', metadata: { exit_code: 1 } }),
        }),
      ].join('\n'),
    });
    try {
      const result = extract(flat, 'rollout-old.jsonl');
      assert.equal(result.sources[0]?.format, 'codex-jsonl');
      assert.deepEqual(
        result.decisions.map((d) => [d.kind, d.text, d.timestamp, d.timestampEstimated]),
        [
          ['plan', 'clean the tmp dir', Date.parse('2025-04-18T10:00:00.000Z'), true],
          ['tool_call', 'rm -r tmp/cache', Date.parse('2025-04-18T10:00:00.000Z'), true],
          ['tool_result', 'rm: cannot remove tmp/cache: Permission denied', Date.parse('2025-04-18T10:00:00.000Z'), true],
        ],
      );
      assert.equal(result.decisions[1]?.outcome?.status, 'error');
    } finally {
      flat.dispose();
    }
  });
});

describe('OpenAI-style chat messages', () => {
  it('maps user, assistant, tool calls and tool messages, pairing results by tool_call_id', () => {
    const chat = new TempWorkspace({
      'agent/transcript.jsonl': [
        { role: 'system', content: 'You are a DevOps agent.' },
        { role: 'user', content: 'Free up disk space on the build box', timestamp: '2024-06-01T09:00:00Z' },
        {
          role: 'assistant',
          content: "I'll remove old build artifacts since they can be regenerated by the next build.",
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'run_shell', arguments: '{"command":"rm -rf build/ dist/"}' } }],
          timestamp: '2024-06-01T09:00:02Z',
        },
        { role: 'tool', tool_call_id: 'call_1', content: '', timestamp: '2024-06-01T09:00:03Z' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_2', type: 'function', function: { name: 'run_shell', arguments: '{"command":"make release"}' } }],
        },
        {
          role: 'tool',
          tool_call_id: 'call_2',
          content: "make: *** No rule to make target 'build/version.txt', needed by 'release'.  Stop.\nexit code 2",
        },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n'),
    });
    try {
      const result = extract(chat, 'agent/transcript.jsonl');
      assert.equal(result.sources[0]?.format, 'chat-jsonl');
      assert.deepEqual(
        result.decisions.map((d) => [d.kind, d.tool ?? null, d.text, d.timestamp, d.timestampEstimated]),
        [
          ['plan', null, 'Free up disk space on the build box', Date.parse('2024-06-01T09:00:00Z'), false],
          [
            'decision',
            null,
            "I'll remove old build artifacts since they can be regenerated by the next build.",
            Date.parse('2024-06-01T09:00:02Z'),
            false,
          ],
          ['tool_call', 'run_shell', 'rm -rf build/ dist/', Date.parse('2024-06-01T09:00:02Z'), false],
          ['tool_result', 'run_shell', '(no output)', Date.parse('2024-06-01T09:00:03Z'), false],
          // Records without a time sit at the previous step's time, in file order.
          ['tool_call', 'run_shell', 'make release', Date.parse('2024-06-01T09:00:03Z'), true],
          [
            'tool_result',
            'run_shell',
            "make: *** No rule to make target 'build/version.txt', needed by 'release'.  Stop.\nexit code 2",
            Date.parse('2024-06-01T09:00:03Z'),
            true,
          ],
        ],
      );
      assert.equal(result.decisions[1]?.rationale, 'since they can be regenerated by the next build');
      assert.equal(result.decisions[2]?.outcome?.status, 'success');
      assert.equal(result.decisions[4]?.outcome?.status, 'error');
    } finally {
      chat.dispose();
    }
  });
});

describe('detectTranscriptFormat', () => {
  it('tells the dialects apart by content, not by name', () => {
    assert.equal(detectTranscriptFormat('.aider.chat.history.md', fixture('aider.chat.history.md')), 'aider');
    assert.equal(detectTranscriptFormat('notes/old-chat.md', fixture('aider.chat.history.md')), 'aider');
    assert.equal(detectTranscriptFormat('x.jsonl', fixture('claude-session.jsonl')), 'claude-jsonl');
    assert.equal(detectTranscriptFormat('claude.jsonl', fixture('codex-rollout.jsonl')), 'codex-jsonl');
    assert.equal(detectTranscriptFormat('a.log', '{"role":"user","content":"hi"}\n'), 'chat-jsonl');
  });

  it('leaves structured logs and plain notes alone', () => {
    const log = ['{"level":"info","msg":"started","time":"2024-05-20T14:00:00Z"}', '{"level":"error","msg":"boom"}'].join('\n');
    assert.equal(detectTranscriptFormat('logs/app.jsonl', log), null);
    assert.equal(detectTranscriptFormat('memory.md', fixture('memory.md')), null);
    assert.equal(detectTranscriptFormat('empty.jsonl', ''), null);
  });
});
