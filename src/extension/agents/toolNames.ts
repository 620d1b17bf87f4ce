/**
 * Language-model tool names: the MCP tool's name behind one prefix (VS Code tool names allow
 * letters, digits, `_` and `-` only, so not our usual `incidentReplay.` ids).
 */
export const LM_TOOL_PREFIX = 'incidentReplay_';

export function lmToolName(mcpName: string): string {
  return `${LM_TOOL_PREFIX}${mcpName}`;
}

export function mcpToolName(lmName: string): string | undefined {
  return lmName.startsWith(LM_TOOL_PREFIX) ? lmName.slice(LM_TOOL_PREFIX.length) : undefined;
}

/** The MCP server definitions' provider id, as contributed in package.json. */
export const MCP_PROVIDER_ID = 'incidentReplay.mcpServers';
