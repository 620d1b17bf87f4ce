/**
 * Decision steps from OpenAI-style chat messages written one per line:
 * `{role: 'user'|'assistant'|'tool', content, tool_calls: [{id, function: {name, arguments}}], tool_call_id}`
 * (and the older `function_call` / `role: 'function'` spelling). Mapping: user -> plan,
 * assistant content -> decision, each tool call -> tool_call, tool message -> tool_result paired
 * by `tool_call_id`. A record's time is read from `timestamp`, `created_at`, `time` or `ts`.
 */
import type { JsonlRead } from './jsonl';
import { linkSequentialOutcomes, parseRecordTime, pushProse, pushRequest, type ParsedFile, type RawStep } from './step';
import { clipKeepTail, contentText, isRecord, judgeToolResult, renderToolInput, type ToolResultFacts } from './text';

export function parseChatMessages(read: JsonlRead): ParsedFile {
  const steps: RawStep[] = [];
  const calls = new Map<string, number>();
  // `role: 'function'` results name their function instead of an id.
  const openByName = new Map<string, number[]>();

  for (const { value: r, line } of read.records) {
    const role = r['role'];
    const time = parseRecordTime(r['timestamp'] ?? r['created_at'] ?? r['time'] ?? r['ts']);
    const text = contentText(r['content']);
    if (role === 'user') {
      pushRequest(steps, text, line, time);
    } else if (role === 'assistant') {
      pushProse(steps, text, line, time);
      const toolCalls: unknown[] = Array.isArray(r['tool_calls']) ? (r['tool_calls'] as unknown[]) : [];
      const legacy = isRecord(r['function_call']) ? [{ function: r['function_call'] }] : [];
      for (const call of [...toolCalls, ...legacy]) {
        if (!isRecord(call) || !isRecord(call['function'])) continue;
        const fn = call['function'];
        const tool = typeof fn['name'] === 'string' ? fn['name'] : 'tool';
        const index = steps.push({ kind: 'tool_call', tool, text: renderArguments(fn['arguments']) || tool, line, time }) - 1;
        if (typeof call['id'] === 'string') calls.set(call['id'], index);
        else openByName.set(tool, [...(openByName.get(tool) ?? []), index]);
      }
    } else if (role === 'tool' || role === 'function') {
      let callIndex = typeof r['tool_call_id'] === 'string' ? calls.get(r['tool_call_id']) : undefined;
      if (callIndex === undefined && typeof r['name'] === 'string') callIndex = openByName.get(r['name'])?.shift();
      const tool = callIndex === undefined ? (typeof r['name'] === 'string' ? r['name'] : undefined) : steps[callIndex]?.tool;
      const step: RawStep = {
        kind: 'tool_result',
        text: clipKeepTail(text) || '(no output)',
        line,
        time,
        status: judgeToolResult(tool, text, resultFacts(r, text)),
      };
      if (tool !== undefined) step.tool = tool;
      const index = steps.push(step) - 1;
      if (callIndex !== undefined) steps[callIndex]!.outcomeIndex = index;
    }
  }
  linkSequentialOutcomes(steps);
  return { format: 'chat-jsonl', source: 'jsonl', steps, skippedLines: read.skipped };
}

function renderArguments(args: unknown): string {
  if (typeof args !== 'string') return renderToolInput(args);
  try {
    return renderToolInput(JSON.parse(args) as unknown);
  } catch {
    return renderToolInput(args);
  }
}

/** Error flags and exit codes a tool message may carry on the record or in JSON content. */
function resultFacts(r: Record<string, unknown>, text: string): ToolResultFacts {
  const facts: ToolResultFacts = {};
  const sources: Record<string, unknown>[] = [r];
  if (/^\s*\{/.test(text)) {
    try {
      const parsed = JSON.parse(text) as unknown;
      if (isRecord(parsed)) sources.push(parsed);
    } catch {
      // Not JSON after all: the text alone decides.
    }
  }
  for (const s of sources) {
    if (typeof s['is_error'] === 'boolean') facts.isError = s['is_error'];
    for (const key of ['exit_code', 'exitCode', 'returncode', 'return_code']) {
      if (typeof s[key] === 'number') facts.exitCode = s[key];
    }
  }
  return facts;
}
