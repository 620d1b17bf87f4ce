import type { z } from 'zod';
import type { SnapshotStore } from '../../engine/snapshotStore';

/** The MCP tool annotations (spec 2025-06-18): hints a client shows or confirms on. */
export interface ToolHints {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  /** Every tool works on the local workspace and store only. */
  openWorldHint: false;
}

export interface ToolOutput<O> {
  structured: O;
  /** What a model reads first: one or two lines, the structured JSON follows. */
  summary: string;
}

/**
 * One capability offered to agents, the same over MCP and as a VS Code language-model tool:
 * a zod shape for its input and output (the JSON schemas clients see) and a handler on a store.
 */
export interface AgentTool<I extends z.ZodRawShape = z.ZodRawShape, O extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  input: I;
  output: O;
  hints: ToolHints;
  /** Asked of the user before a destructive call in VS Code. */
  confirmation?: (args: z.objectOutputType<I, z.ZodTypeAny>) => string;
  /**
   * Only the output's keys are checked here: engine records are interfaces without index
   * signatures, and the output schema (which the SDK checks every answer against) allows more.
   */
  run(store: SnapshotStore, args: z.objectOutputType<I, z.ZodTypeAny>): Promise<ToolOutput<{ [K in keyof O]: unknown }>>;
}

export const READ_ONLY: ToolHints = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
export const ADDITIVE: ToolHints = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false };
export const IDEMPOTENT_WRITE: ToolHints = { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false };
export const DESTRUCTIVE: ToolHints = { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false };

/** Keeps each tool's own input and output types while listing tools of different shapes together. */
export function defineTool<I extends z.ZodRawShape, O extends z.ZodRawShape>(tool: AgentTool<I, O>): AgentTool {
  return tool as unknown as AgentTool;
}
