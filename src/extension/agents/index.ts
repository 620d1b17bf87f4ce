import type * as vscode from '../vscodeApi';
import type { WorkspaceServices } from '../services/workspace';
import { registerLanguageModelTools } from './languageModelTools';
import { registerMcpServers } from './mcpServers';

/** What agents in VS Code call: the language-model tools and the MCP server definitions. */
export function registerAgents(context: vscode.ExtensionContext, services: WorkspaceServices): void {
  registerLanguageModelTools(context, services);
  registerMcpServers(context, services);
}
