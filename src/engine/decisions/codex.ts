/**
 * Decision steps from a Codex CLI rollout (`~/.codex/sessions/.../rollout-*.jsonl`).
 *
 * Current rollouts wrap each record as `{timestamp, type, payload}` with `type` one of
 * `session_meta`, `turn_context`, `response_item` or `event_msg`; older ones write the
 * response items flat after a `{id, timestamp, instructions}` header, without per-record
 * times. Response items (see ResponseItem in codex-rs/protocol): `message {role, content}`,
 * `reasoning {summary, content}`, `function_call {name, arguments, call_id}`,
 * `custom_tool_call {name, input, call_id}`, `local_shell_call {call_id, action}`, and their
 * outputs `function_call_output` / `custom_tool_call_output {call_id, output}`.
 * Mapping: user message -> plan, assistant message and reasoning summary -> decision, calls ->
 * tool_call, outputs -> tool_result paired by call id. A call's exit code comes from the
 * output's metadata, the output text, or a matching `exec_command_end` event.
 * Event messages otherwise repeat the response items and are not read as steps.
 */
import type { JsonlRead } from './jsonl';
import { linkSequentialOutcomes, parseRecordTime, pushProse, pushRequest, type ParsedFile, type RawStep } from './step';
import { clip, clipKeepTail, contentText, isRecord, judgeToolResult, renderCommand, renderToolInput } from './text';

const ITEM_TYPES = new Set([
  'message',
  'reasoning',
  'function_call',
  'function_call_output',
  'custom_tool_call',
  'custom_tool_call_output',
  'local_shell_call',
]);

export function parseCodexRollout(read: JsonlRead): ParsedFile {
  const steps: RawStep[] = [];
  const calls = new Map<string, number>();
  const results = new Map<string, number>();
  const exitCodes = new Map<string, number>();
  let sessionStart: number | undefined;

  const add = (step: RawStep): number => steps.push(step) - 1;

  for (const { value: r, line } of read.records) {
    const envelope = r['type'];
    let item: Record<string, unknown> | null = null;
    let time = parseRecordTime(r['timestamp']);
    if (envelope === 'session_meta' && isRecord(r['payload'])) {
      sessionStart = parseRecordTime(r['payload']['timestamp']) ?? time ?? sessionStart;
      continue;
    }
    if (envelope === 'event_msg' && isRecord(r['payload'])) {
      const p = r['payload'];
      if (p['type'] === 'exec_command_end' && typeof p['call_id'] === 'string' && typeof p['exit_code'] === 'number') {
        exitCodes.set(p['call_id'], p['exit_code']);
      }
      continue;
    }
    if (envelope === 'response_item' && isRecord(r['payload'])) item = r['payload'];
    else if (typeof envelope === 'string' && ITEM_TYPES.has(envelope)) item = r;
    else if (envelope === undefined && 'id' in r && 'timestamp' in r) {
      sessionStart = time ?? sessionStart;
      continue;
    }
    if (!item) continue;
    time ??= parseRecordTime(item['timestamp']);

    switch (item['type']) {
      case 'message': {
        const text = contentText(item['content']);
        if (item['role'] === 'user') pushRequest(steps, text, line, time);
        else if (item['role'] === 'assistant') pushProse(steps, text, line, time);
        break;
      }
      case 'reasoning': {
        pushProse(steps, reasoningText(item), line, time);
        break;
      }
      case 'function_call':
      case 'custom_tool_call':
      case 'local_shell_call': {
        const tool = typeof item['name'] === 'string' ? item['name'] : item['type'] === 'local_shell_call' ? 'local_shell' : 'tool';
        const index = add({ kind: 'tool_call', tool, text: renderCall(item, tool) || tool, line, time });
        const id = callId(item);
        if (id) calls.set(id, index);
        break;
      }
      case 'function_call_output':
      case 'custom_tool_call_output': {
        const id = callId(item);
        const callIndex = id ? calls.get(id) : undefined;
        const tool = callIndex === undefined ? undefined : steps[callIndex]?.tool;
        const out = readOutput(item['output']);
        const step: RawStep = {
          kind: 'tool_result',
          text: clipKeepTail(out.text) || '(no output)',
          line,
          time,
          status: judgeToolResult(tool, out.text, out.facts),
        };
        if (tool !== undefined) step.tool = tool;
        const index = add(step);
        if (callIndex !== undefined) steps[callIndex]!.outcomeIndex = index;
        if (id) results.set(id, index);
        break;
      }
      default:
        break;
    }
  }

  // The exec event knows the exit code even when the output text does not show it.
  for (const [id, code] of exitCodes) {
    const index = results.get(id);
    if (index !== undefined) steps[index]!.status = code === 0 ? 'success' : 'error';
  }
  // Flat rollouts time only the session; their steps keep file order at its start.
  if (sessionStart !== undefined) for (const step of steps) if (step.time === null) step.timeHint = sessionStart;
  linkSequentialOutcomes(steps);
  return { format: 'codex-jsonl', source: 'jsonl', steps, skippedLines: read.skipped };
}

function callId(item: Record<string, unknown>): string | undefined {
  const id = item['call_id'] ?? item['id'];
  return typeof id === 'string' ? id : undefined;
}

function reasoningText(item: Record<string, unknown>): string {
  const summary = contentText(item['summary']);
  return summary.trim() !== '' ? summary : contentText(item['content']);
}

function renderCall(item: Record<string, unknown>, tool: string): string {
  if (item['type'] === 'local_shell_call') {
    const action = item['action'];
    return (isRecord(action) && renderCommand(action['command'])) || '';
  }
  if (item['type'] === 'custom_tool_call') {
    const input = typeof item['input'] === 'string' ? item['input'] : '';
    const files = [...input.matchAll(/^\*\*\* (?:Add|Update|Delete) File: (.+)$/gm)].map((m) => m[1]!.trim());
    return files.length > 0 ? clip(`${tool} ${files.join(', ')}`, 240) : renderToolInput(input);
  }
  const args = item['arguments'];
  if (typeof args !== 'string') return renderToolInput(args);
  try {
    return renderToolInput(JSON.parse(args) as unknown);
  } catch {
    return renderToolInput(args);
  }
}

interface Output {
  text: string;
  facts: { isError?: boolean; exitCode?: number };
}

/**
 * A call's output is a string, often JSON-encoded `{output, metadata: {exit_code}}`, or an
 * object `{content, success}` in some versions.
 */
function readOutput(output: unknown): Output {
  let value: unknown = output;
  if (typeof output === 'string' && /^\s*\{/.test(output)) {
    try {
      value = JSON.parse(output) as unknown;
    } catch {
      value = output;
    }
  }
  if (typeof value === 'string') return { text: value, facts: {} };
  if (!isRecord(value)) return { text: '', facts: {} };
  const facts: Output['facts'] = {};
  const metadata = value['metadata'];
  if (isRecord(metadata) && typeof metadata['exit_code'] === 'number') facts.exitCode = metadata['exit_code'];
  if (typeof value['success'] === 'boolean') facts.isError = !value['success'];
  const inner = value['output'] ?? value['content'];
  const text = typeof inner === 'string' ? inner : contentText(inner);
  return { text, facts };
}
