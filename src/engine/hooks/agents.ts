/**
 * The coding agents whose hooks we install, each in its own documented format:
 * - Claude Code: `.claude/settings.json`, `hooks.PreToolUse` / `hooks.PostToolUse` (and
 *   `PostToolUseFailure`, which a failed call fires instead, with `error`), timeout in seconds;
 *   stdin carries session_id, tool_name, tool_input, tool_use_id and (after) tool_response.
 * - Codex: `.codex/hooks.json`, the same shape and events as Claude Code (Bash and apply_patch);
 *   no failure event, so a call that fails outright keeps no result.
 * - Gemini CLI: `.gemini/settings.json`, `hooks.BeforeTool` / `hooks.AfterTool`, timeout in
 *   milliseconds, stdout must be JSON only; there is no call id, so calls are matched by input.
 */
export const HOOK_AGENTS = ['claude-code', 'codex', 'gemini'] as const;
export type HookAgent = (typeof HOOK_AGENTS)[number];

export interface HookAgentSpec {
  agent: HookAgent;
  displayName: string;
  /** Workspace-relative file the agent reads project hooks from. */
  standardFile: string;
  preEvent: string;
  postEvent: string;
  /** The event a failed tool call fires instead of `postEvent`, where the agent has one. */
  failureEvent?: string;
  /** The agent's names for tools that write files or run commands (a regex, as the agent matches it). */
  matcher: string;
  timeout: number;
  /** What to print on stdout when the hook has nothing to say (Gemini parses stdout as JSON). */
  quietOutput: string;
}

export const HOOK_AGENT_SPECS: Readonly<Record<HookAgent, HookAgentSpec>> = {
  'claude-code': {
    agent: 'claude-code',
    displayName: 'Claude Code',
    standardFile: '.claude/settings.json',
    preEvent: 'PreToolUse',
    postEvent: 'PostToolUse',
    failureEvent: 'PostToolUseFailure',
    matcher: 'Write|Edit|MultiEdit|NotebookEdit|Bash',
    timeout: 60,
    quietOutput: '',
  },
  codex: {
    agent: 'codex',
    displayName: 'Codex',
    standardFile: '.codex/hooks.json',
    preEvent: 'PreToolUse',
    postEvent: 'PostToolUse',
    matcher: 'Bash|apply_patch|Edit|Write',
    timeout: 60,
    quietOutput: '',
  },
  gemini: {
    agent: 'gemini',
    displayName: 'Gemini CLI',
    standardFile: '.gemini/settings.json',
    preEvent: 'BeforeTool',
    postEvent: 'AfterTool',
    matcher: 'write_file|replace|run_shell_command',
    timeout: 60_000,
    quietOutput: '{}',
  },
};

export function hookAgent(raw: string): HookAgentSpec | undefined {
  const found = HOOK_AGENTS.find((a) => a === raw.trim().toLowerCase());
  return found === undefined ? undefined : HOOK_AGENT_SPECS[found];
}
