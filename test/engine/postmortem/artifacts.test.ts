import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { extractArtifacts } from '../../../src/engine/postmortem/artifacts';

const TRANSCRIPTS = path.resolve(__dirname, '..', '..', 'fixtures', 'transcripts');
const fixture = (name: string): { path: string; text: string } => ({
  path: `agent/${name}`,
  text: readFileSync(path.join(TRANSCRIPTS, name), 'utf8'),
});

test('a Claude Code transcript gives its sessionId, found on the first line that carries it', () => {
  const found = extractArtifacts([fixture('claude-session.jsonl')]);
  assert.deepEqual(found.session_id, { value: '4f35e220-c435-4cf7-b9b9-f40426042847', source: 'agent/claude-session.jsonl:2' });
});

test('a Codex rollout gives the session_meta id as session and its approval policy as approval mode', () => {
  const found = extractArtifacts([fixture('codex-rollout.jsonl')]);
  assert.deepEqual(found.session_id, { value: '0199a213-81c0-7800-8aa1-bbab2a035a53', source: 'agent/codex-rollout.jsonl:1' });
  assert.equal(found.approval_mode?.value, 'on-request');
});

test('key=value, key: value, JSON fields and camelCase spellings in plain logs', () => {
  const text = [
    '2024-05-20T14:00:00Z INFO start trace_id=abc123def rollout_wave: canary',
    '2024-05-20T14:00:01Z INFO {"bundleId": "bundle-2024-05-19-a", "change_id": "chg-77"}',
    'policyBundle=pb-v3 TOOL_PRINCIPAL="svc-reporter"',
    'approvalMode: never',
  ].join('\n');
  const found = extractArtifacts([{ path: 'logs/run.log', text }]);
  assert.deepEqual(found, {
    trace_id: { value: 'abc123def', source: 'logs/run.log:1' },
    rollout_wave: { value: 'canary', source: 'logs/run.log:1' },
    bundle_id: { value: 'bundle-2024-05-19-a', source: 'logs/run.log:2' },
    change_id: { value: 'chg-77', source: 'logs/run.log:2' },
    policy_bundle: { value: 'pb-v3', source: 'logs/run.log:3' },
    tool_principal: { value: 'svc-reporter', source: 'logs/run.log:3' },
    approval_mode: { value: 'never', source: 'logs/run.log:4' },
  });
});

test('the first occurrence wins across files, and nested JSON fields are found', () => {
  const found = extractArtifacts([
    { path: 'a.jsonl', text: '{"event":"start","meta":{"trace":{"traceId":"t-first"}}}\n' },
    { path: 'b.log', text: 'trace_id=t-second\n' },
  ]);
  assert.deepEqual(found.trace_id, { value: 't-first', source: 'a.jsonl:1' });
});

test('a W3C traceparent gives its trace id', () => {
  const found = extractArtifacts([{ path: 'x.log', text: 'traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\n' }]);
  assert.equal(found.trace_id?.value, '4bf92f3577b34da6a3ce929d0e0e4736');
});

test('placeholders, nulls and unrelated ids are not artifacts', () => {
  const text = [
    'session_id=${SESSION_ID} trace_id: null bundle_id=<bundle>',
    '{"session_id": null, "id": "msg_01A", "request_id": "req-9"}',
    'the sessions identifier was not logged',
  ].join('\n');
  assert.deepEqual(extractArtifacts([{ path: 'x.log', text }]), {});
});

test('ids a tool printed inside a transcript message come after the structured fields of that line', () => {
  const line = JSON.stringify({ sessionId: 'real-session', message: { content: 'ran it: session_id=printed-by-tool' } });
  assert.equal(extractArtifacts([{ path: 't.jsonl', text: line }]).session_id?.value, 'real-session');
  const only = JSON.stringify({ type: 'tool_result', content: 'deploy done change_id=chg-9' });
  assert.deepEqual(extractArtifacts([{ path: 't.jsonl', text: only }]).change_id, { value: 'chg-9', source: 't.jsonl:1' });
});
