export { HOOK_AGENTS, HOOK_AGENT_SPECS, hookAgent, type HookAgent, type HookAgentSpec } from './agents';
export {
  applyHookInstall,
  HOOK_COMMAND_MARKER,
  mergeHooks,
  planHookInstall,
  type HookInstallPlan,
  type HookInstallResult,
} from './install';
export { handleHookEvent, parseHookInput, toolStatus, type HookOutcome } from './run';
