import * as vscode from '../vscodeApi';
import { CONTEXT_KEYS } from '../commands/ids';
import { lmInvokeApi } from './lmApi';
import type { WorkspaceServices } from '../services/workspace';
import { registerLanguageModelTools } from './languageModelTools';
import { registerMcpServers } from './mcpServers';

/** What agents in VS Code call: the language-model tools and the MCP server definitions. */
export function registerAgents(context: vscode.ExtensionContext, services: WorkspaceServices): void {
  registerLanguageModelTools(context, services);
  registerMcpServers(context, services);
  // Where tools cannot be called (before VS Code 1.95), the palette does not offer to call one.
  void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.agentToolsAvailable, lmInvokeApi() !== undefined);
}
