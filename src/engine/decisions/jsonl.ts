/**
 * Reading JSONL transcripts and telling their dialect apart by the records themselves,
 * never by the file name: a Claude Code session, a Codex CLI rollout (with or without the
 * `payload` envelope) or plain OpenAI-style chat messages.
 */
import type { TranscriptFormat } from './step';
import { isRecord } from './text';

export interface JsonlRecord {
  value: Record<string, unknown>;
  /** 1-based line number. */
  line: number;
}

export interface JsonlRead {
  records: JsonlRecord[];
  /** Lines that were not a JSON object (a partial write, a stray log line). */
  skipped: number;
}

export function readJsonl(text: string): JsonlRead {
  const records: JsonlRecord[] = [];
  let skipped = 0;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      skipped++;
      return;
    }
    if (isRecord(value)) records.push({ value, line: i + 1 });
    else skipped++;
  });
  return { records, skipped };
}

export type JsonlFormat = Exclude<TranscriptFormat, 'aider'>;

const SNIFF_RECORDS = 40;
const CODEX_ENVELOPES = new Set(['session_meta', 'response_item', 'event_msg', 'turn_context', 'compacted']);
const CODEX_ITEMS = new Set([
  'message',
  'reasoning',
  'function_call',
  'function_call_output',
  'custom_tool_call',
  'custom_tool_call_output',
  'local_shell_call',
  'web_search_call',
]);
const CHAT_ROLES = new Set(['user', 'assistant', 'tool', 'system', 'developer', 'function']);

/** The dialect most of the first records speak; null when they are not a transcript at all. */
export function sniffJsonl(text: string): JsonlFormat | null {
  const votes: Record<JsonlFormat, number> = { 'claude-jsonl': 0, 'codex-jsonl': 0, 'chat-jsonl': 0 };
  let seen = 0;
  let start = 0;
  while (seen < SNIFF_RECORDS && start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end).trim();
    start = end + 1;
    if (line === '' || line[0] !== '{') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue;
    }
    if (!isRecord(value)) continue;
    seen++;
    const vote = classify(value);
    if (vote) votes[vote]++;
  }
  let best: JsonlFormat | null = null;
  for (const key of Object.keys(votes) as JsonlFormat[]) {
    if (votes[key] > 0 && (!best || votes[key] > votes[best])) best = key;
  }
  // A structured log that happens to have one `role` field is not a transcript.
  return best && votes[best] * 3 >= seen ? best : null;
}

function classify(r: Record<string, unknown>): JsonlFormat | null {
  const type = r['type'];
  if ((type === 'user' || type === 'assistant') && isRecord(r['message'])) return 'claude-jsonl';
  if (type === 'summary' && 'leafUuid' in r) return 'claude-jsonl';
  if (typeof type === 'string' && CODEX_ENVELOPES.has(type) && isRecord(r['payload'])) return 'codex-jsonl';
  if (typeof type === 'string' && CODEX_ITEMS.has(type) && ('call_id' in r || 'role' in r || 'summary' in r)) {
    return 'codex-jsonl';
  }
  if (r['record_type'] === 'state') return 'codex-jsonl';
  if (typeof r['role'] === 'string' && CHAT_ROLES.has(r['role']) && ('content' in r || 'tool_calls' in r)) {
    return 'chat-jsonl';
  }
  return null;
}
