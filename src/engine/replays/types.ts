/** How an agent's task ended, as the agent (or its hook) reports it. */
export const REPLAY_STATUSES = ['success', 'failure', 'partial', 'abandoned'] as const;
export type ReplayStatus = (typeof REPLAY_STATUSES)[number];
/** The outcomes that count as a failed task: learnings and failure lists take them, and prune keeps their checkpoints. */
export const FAILED_REPLAY_STATUSES: readonly ReplayStatus[] = ['failure', 'partial', 'abandoned'];

/** What an agent records before (or while) it works on a task: the seed tool's `Task()` payload. */
export interface ReplayPayload {
  /** Which agent (`executor`, `claude-code`, ...): what `reflect` and summaries group by. */
  agent?: string;
  phase?: string;
  plan?: string;
  /** The task in the agent's words. */
  task?: string;
  /** Whatever the agent wants to replay the task with later (prompt, arguments, tool input). */
  inputs?: Record<string, unknown>;
  /** The agent's session, and the id of one tool call in it (hooks match the call's result by these). */
  session?: string;
  callId?: string;
  /** A snapshot taken before the task (hooks take one before file-writing tools). */
  snapshot?: string;
  /** An incident this task caused or was about. */
  incident?: string;
}

export interface ReplayOutcomeInput {
  status: ReplayStatus;
  note?: string | null;
  /** What fixed it (or would have): what `reflect` and the learnings file show. */
  fix?: string | null;
  /** A root-cause category or a short error class, when the agent knows it. */
  category?: string | null;
  incident?: string | null;
  /** The tool's result or error text (hooks store it), capped. */
  result?: string | null;
}

export interface ReplayOutcome {
  status: ReplayStatus;
  note: string | null;
  fix: string | null;
  category: string | null;
  incident: string | null;
  result: string | null;
  at: number;
}

export interface Replay {
  id: string;
  recordedAt: number;
  agent: string | null;
  phase: string | null;
  plan: string | null;
  task: string | null;
  inputs: Record<string, unknown>;
  session: string | null;
  callId: string | null;
  snapshot: string | null;
  incident: string | null;
  outcome: ReplayOutcome | null;
}

/** A replay without its inputs: what lists show. */
export type ReplayListItem = Pick<Replay, 'id' | 'recordedAt' | 'agent' | 'phase' | 'plan' | 'task'> & { status: ReplayStatus | null };
