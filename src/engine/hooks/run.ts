import { createHash } from 'node:crypto';
import { InputError } from '../errors';
import { applyRetention } from '../recorder/retention';
import { DEFAULT_RECORDER_SETTINGS } from '../recorder/settings';
import { annotateReplayOfCall, recordReplay } from '../replays/replays';
import { TOOL_CALL_PHASE } from '../replays/failures';
import type { Replay, ReplayStatus } from '../replays/types';
import type { SnapshotStore } from '../snapshotStore';
import type { HookAgentSpec } from './agents';

/** The fields every supported agent sends on stdin (snake_case in all three). */
interface HookInput {
  hookEvent: string;
  session: string;
  tool: string;
  toolInput: Record<string, unknown>;
  callId: string;
  response: unknown;
  /** What a failure event says went wrong. */
  error: string | null;
}

export interface HookOutcome {
  event: 'before' | 'after' | 'ignored';
  snapshot: string | null;
  replay: Replay | null;
  reason?: string;
}

/** Long strings in a tool's input (a whole file being written) are kept as their start. */
const MAX_INPUT_STRING = 2000;

function capStrings(value: unknown): unknown {
  if (typeof value === 'string')
    return value.length <= MAX_INPUT_STRING
      ? value
      : `${value.slice(0, MAX_INPUT_STRING)}… [${value.length - MAX_INPUT_STRING} more chars]`;
  if (Array.isArray(value)) return value.slice(0, 200).map(capStrings);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, capStrings(v)]));
  return value;
}

function text(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v : null;
}

export function parseHookInput(raw: string): HookInput {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    throw new InputError(
      'the hook input on stdin is not JSON: this command is meant to be run by the agent as a hook (see `incident-replay hooks install --print`)',
    );
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw new InputError('the hook input on stdin is not a JSON object');
  const d = data as Record<string, unknown>;
  const tool = text(d.tool_name);
  if (tool === null)
    throw new InputError(
      'the hook input has no tool_name: install the hook on tool events only (PreToolUse/PostToolUse, BeforeTool/AfterTool)',
    );
  const toolInput =
    d.tool_input !== null && typeof d.tool_input === 'object' && !Array.isArray(d.tool_input)
      ? (d.tool_input as Record<string, unknown>)
      : {};
  // Gemini CLI sends no call id: the same tool with the same input in one session is one call.
  const callId =
    text(d.tool_use_id) ??
    text(d.call_id) ??
    `${tool}:${createHash('sha256').update(JSON.stringify(toolInput)).digest('hex').slice(0, 16)}`;
  return {
    hookEvent: text(d.hook_event_name) ?? '',
    session: text(d.session_id) ?? 'unknown-session',
    tool,
    toolInput,
    callId,
    response: d.tool_response ?? d.tool_result,
    error: text(d.error),
  };
}

/** What the call was about, for lists: the command it ran or the file it wrote. */
function describeCall(tool: string, input: Record<string, unknown>): string {
  const target = text(input.command) ?? text(input.file_path) ?? text(input.path) ?? text(input.notebook_path) ?? text(input.absolute_path);
  const first = target?.split('\n')[0]?.slice(0, 300);
  return first ? `${tool}: ${first}` : tool;
}

function numberField(o: Record<string, unknown>, ...keys: string[]): number | null {
  for (const k of keys) if (typeof o[k] === 'number') return o[k];
  return null;
}

/** Whether the tool failed, from the shapes the agents report results in. */
export function toolStatus(response: unknown): ReplayStatus {
  if (response === null || typeof response !== 'object') return 'success';
  const r = response as Record<string, unknown>;
  if (r.success === false || r.is_error === true || r.isError === true || r.interrupted === true) return 'failure';
  if (r.error !== undefined && r.error !== null && r.error !== '' && r.error !== false) return 'failure';
  const code = numberField(r, 'exit_code', 'exitCode', 'returncode');
  return code !== null && code !== 0 ? 'failure' : 'success';
}

function resultText(response: unknown): string | null {
  if (response === undefined || response === null) return null;
  return typeof response === 'string' ? response : JSON.stringify(response);
}

/**
 * One hook call: before a file-writing or shell tool, snapshot the workspace and record the call
 * as a replay; after it, record how it ended on that replay. Events of other tools are ignored
 * (the matcher should not send them, but a user may widen it).
 */
export async function handleHookEvent(store: SnapshotStore, spec: HookAgentSpec, raw: string): Promise<HookOutcome> {
  const input = parseHookInput(raw);
  if (!new RegExp(`^(?:${spec.matcher})$`).test(input.tool)) {
    return { event: 'ignored', snapshot: null, replay: null, reason: `${input.tool} neither writes files nor runs commands` };
  }
  const failed = spec.failureEvent !== undefined && input.hookEvent === spec.failureEvent;
  const isAfter = failed || input.hookEvent === spec.postEvent || (input.hookEvent === '' && input.response !== undefined);
  if (isAfter) {
    const status = failed ? 'failure' : toolStatus(input.response);
    const replay = await annotateReplayOfCall(store, input.session, input.callId, {
      status,
      result: failed ? (input.error ?? resultText(input.response)) : resultText(input.response),
    });
    return replay === null
      ? {
          event: 'after',
          snapshot: null,
          replay: null,
          reason: `no recorded call ${input.callId} in session ${input.session} (the before hook did not run)`,
        }
      : { event: 'after', snapshot: replay.snapshot, replay };
  }
  // An agent calls tools hundreds of times a task: these are automatic snapshots, kept under the
  // recorder's retention (count, age, disk cap) like the flight recorder's own, never piling up.
  const { snapshot } = await store.snapshot({ label: `before ${spec.agent} ${input.tool}`, origin: 'auto' });
  await applyRetention(store, DEFAULT_RECORDER_SETTINGS.retention);
  const replay = await recordReplay(store, {
    agent: spec.agent,
    phase: TOOL_CALL_PHASE,
    plan: input.tool,
    task: describeCall(input.tool, input.toolInput),
    inputs: capStrings(input.toolInput) as Record<string, unknown>,
    session: input.session,
    callId: input.callId,
    snapshot: snapshot.id,
  });
  return { event: 'before', snapshot: snapshot.id, replay };
}
