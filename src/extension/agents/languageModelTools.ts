import * as vscode from '../vscodeApi';
import type { AgentToolResult } from '../../mcp/tools/catalog';
import { UserError } from '../services/errors';
import { unlessProposed } from '../services/proposedApi';
import type { WorkspaceServices } from '../services/workspace';
import { lmToolsApi, LM_TOOLS_VERSION, type LmPreparedInvocation } from './lmApi';
import { mcpToolName } from './toolNames';

type ToolInput = Record<string, unknown> & { folder?: unknown };

/**
 * The folder a tool call works on: the one the model named (by name or path), else the only
 * one, else the active editor's, else the first. Tools take no UI, so nothing is asked.
 */
function folderFor(services: WorkspaceServices, named: unknown): vscode.WorkspaceFolder {
  const folders = services.folders();
  if (folders.length === 0) throw new UserError('no folder is open: Incident Replay works on a workspace folder on disk');
  if (typeof named === 'string' && named.trim() !== '') {
    const n = named.trim();
    const found = folders.find((f) => f.name === n || f.uri.fsPath === n);
    if (!found) throw new UserError(`no open folder is named ${JSON.stringify(n)}: use one of ${folders.map((f) => f.name).join(', ')}`);
    return found;
  }
  if (folders.length === 1) return folders[0] as vscode.WorkspaceFolder;
  const activeUri = vscode.window.activeTextEditor?.document.uri;
  return (activeUri && vscode.workspace.getWorkspaceFolder(activeUri)) || (folders[0] as vscode.WorkspaceFolder);
}

function splitInput(input: unknown): { folder: unknown; args: Record<string, unknown> } {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return { folder: undefined, args: {} };
  const { folder, ...args } = input as ToolInput;
  return { folder, args };
}

/**
 * Every tool of the MCP server as a VS Code language-model tool, so agent mode calls them in
 * this window's own stores. The names come from package.json (no engine load at activation);
 * the engine loads on the first call. Destructive tools ask for confirmation first.
 */
export function registerLanguageModelTools(context: vscode.ExtensionContext, services: WorkspaceServices): void {
  const lm = lmToolsApi();
  if (!lm) {
    services.log.info(
      `language-model tools (agent mode) need VS Code ${LM_TOOLS_VERSION} or later: not offered in this VS Code ${vscode.version}`,
    );
    return;
  }
  const manifest = context.extension.packageJSON as { contributes?: { languageModelTools?: { name: string }[] } };
  const contributed = manifest.contributes?.languageModelTools ?? [];
  for (const { name } of contributed) {
    const toolName = mcpToolName(name);
    if (toolName === undefined) continue;
    const registered = unlessProposed(() =>
      lm.registerTool<unknown>(name, {
        prepareInvocation: ({ input }): Promise<LmPreparedInvocation | undefined> => {
          const tool = services.engine.get().findAgentTool(toolName);
          if (!tool) return Promise.resolve(undefined);
          const { folder, args } = splitInput(input);
          const where = services.folders().length > 1 && typeof folder === 'string' ? ` in ${folder}` : '';
          if (!tool.hints.destructiveHint) return Promise.resolve({ invocationMessage: `${tool.title}${where}` });
          let message = `${tool.title}${where}?`;
          try {
            message = tool.confirmation?.(args) ?? message;
          } catch {
            // Arguments the tool will reject anyway: the generic question will do.
          }
          return Promise.resolve({ invocationMessage: `${tool.title}${where}`, confirmationMessages: { title: tool.title, message } });
        },
        invoke: async ({ input }) => {
          const { folder: named, args } = splitInput(input);
          const folder = folderFor(services, named);
          const result: AgentToolResult = await services.stores.use(folder, (store, engine) => {
            const tool = engine.findAgentTool(toolName);
            if (!tool) throw new UserError(`${name} is not a tool of this version of Incident Replay`);
            return engine.callAgentTool(store, tool, args);
          });
          if (!services.engine.get().findAgentTool(toolName)?.hints.readOnlyHint) services.notifyChanged(folder);
          services.log.info(`agent tool ${toolName} on ${folder.name}: ${result.isError ? 'error' : 'ok'}`);
          // An error result goes back to the model as the tool's answer, so it can fix its call.
          return lm.textResult(result.isError ? `Error: ${result.text}` : result.text);
        },
      }),
    );
    if ('proposal' in registered) {
      // The first call tells: every tool is refused alike.
      services.log.info(
        `language-model tools (agent mode) need VS Code ${LM_TOOLS_VERSION} or later: not offered in this VS Code ${vscode.version}, which has them only as the API proposal ${registered.proposal}`,
      );
      return;
    }
    context.subscriptions.push(registered.value);
  }
  services.log.info(`language-model tools registered: ${contributed.length}`);
}
