import { z } from 'zod';
import { IncidentReplayError } from '../../engine/errors';
import { redactDeep } from '../../engine/report/redactExport';
import type { SnapshotStore } from '../../engine/snapshotStore';
import { INCIDENT_TOOLS } from './incidentTools';
import { REPLAY_TOOLS } from './replayTools';
import { SNAPSHOT_TOOLS } from './snapshotTools';
import type { AgentTool } from './tool';

/** Every tool agents get, in the order clients list them; the MCP server and VS Code share it. */
export const AGENT_TOOLS: readonly AgentTool[] = [...SNAPSHOT_TOOLS, ...INCIDENT_TOOLS, ...REPLAY_TOOLS];

export function findAgentTool(name: string): AgentTool | undefined {
  return AGENT_TOOLS.find((t) => t.name === name);
}

/** A tool call's answer: an error is an answer too, with a message that says what to fix. */
export type AgentToolResult = { isError: false; text: string; structured: Record<string, unknown> } | { isError: true; text: string };

function issueText(issue: z.ZodIssue): string {
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return `${where}${issue.message}`;
}

/**
 * Validates `args`, runs the tool and redacts the answer like every export. Errors the user or
 * agent can fix (bad input, unknown ids, a busy store) come back as `isError` results; nothing
 * thrown here escapes to crash the server.
 */
export async function callAgentTool(store: SnapshotStore, tool: AgentTool, args: unknown): Promise<AgentToolResult> {
  const parsed = z
    .object(tool.input)
    .strict()
    .safeParse(args ?? {});
  if (!parsed.success) {
    return { isError: true, text: `${tool.name}: invalid input: ${parsed.error.issues.map(issueText).join('; ')}` };
  }
  try {
    const out = await tool.run(store, parsed.data);
    const structured = redactDeep(out.structured) as Record<string, unknown>;
    return { isError: false, text: `${redactDeep(out.summary)}\n${JSON.stringify(structured)}`, structured };
  } catch (e) {
    const known = e instanceof IncidentReplayError;
    const message = e instanceof Error ? e.message : String(e);
    return { isError: true, text: redactDeep(known ? `${tool.name}: ${message}` : `${tool.name} failed: ${message}`) };
  }
}
