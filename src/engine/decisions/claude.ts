/**
 * Decision steps from a Claude Code session (`~/.claude/projects/<dir>/<session>.jsonl`).
 *
 * Records are `{type: 'user'|'assistant', timestamp, message: {role, content}}`; content is a
 * string or blocks: `text`, `thinking`, `tool_use {id, name, input}` and (in user records)
 * `tool_result {tool_use_id, content, is_error}`. Mapping: user text -> plan, assistant text
 * and thinking -> decision, tool_use -> tool_call, tool_result -> tool_result (paired with its
 * call by id). Meta records and the wrappers Claude Code puts around local slash commands
 * are not the user's requests and are skipped.
 */
import type { JsonlRead } from './jsonl';
import { linkSequentialOutcomes, parseRecordTime, pushProse, pushRequest, type ParsedFile, type RawStep } from './step';
import { clipKeepTail, contentText, isRecord, judgeToolResult, renderToolInput } from './text';

export function parseClaudeSession(read: JsonlRead): ParsedFile {
  const steps: RawStep[] = [];
  const calls = new Map<string, number>();

  for (const { value: r, line } of read.records) {
    const type = r['type'];
    const message = r['message'];
    if ((type !== 'user' && type !== 'assistant') || !isRecord(message) || r['isMeta'] === true) continue;
    const time = parseRecordTime(r['timestamp']);
    const role = message['role'] === 'assistant' || type === 'assistant' ? 'assistant' : 'user';
    const content = message['content'];
    const blocks: unknown[] = typeof content === 'string' ? [{ type: 'text', text: content }] : Array.isArray(content) ? content : [];

    for (const block of blocks) {
      if (!isRecord(block)) continue;
      switch (block['type']) {
        case 'text': {
          const text = typeof block['text'] === 'string' ? block['text'] : '';
          if (role === 'user') pushRequest(steps, text, line, time);
          else pushProse(steps, text, line, time);
          break;
        }
        case 'thinking':
          pushProse(steps, typeof block['thinking'] === 'string' ? block['thinking'] : '', line, time);
          break;
        case 'tool_use': {
          const tool = typeof block['name'] === 'string' ? block['name'] : 'tool';
          steps.push({ kind: 'tool_call', tool, text: renderToolInput(block['input']) || tool, line, time });
          if (typeof block['id'] === 'string') calls.set(block['id'], steps.length - 1);
          break;
        }
        case 'tool_result': {
          const callIndex = typeof block['tool_use_id'] === 'string' ? calls.get(block['tool_use_id']) : undefined;
          const tool = callIndex === undefined ? undefined : steps[callIndex]?.tool;
          const text = contentText(block['content']);
          const facts = typeof block['is_error'] === 'boolean' ? { isError: block['is_error'] } : {};
          const step: RawStep = {
            kind: 'tool_result',
            text: clipKeepTail(text) || '(no output)',
            line,
            time,
            status: judgeToolResult(tool, text, facts),
          };
          if (tool !== undefined) step.tool = tool;
          steps.push(step);
          if (callIndex !== undefined) steps[callIndex]!.outcomeIndex = steps.length - 1;
          break;
        }
        default:
          break;
      }
    }
  }
  linkSequentialOutcomes(steps);
  return { format: 'claude-jsonl', source: 'jsonl', steps, skippedLines: read.skipped };
}
