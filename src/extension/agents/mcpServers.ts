import path from 'node:path';
import * as vscode from '../vscodeApi';
import type { WorkspaceServices } from '../services/workspace';
import { unlessProposed } from '../services/proposedApi';
import { mcpApi, MCP_PROVIDER_VERSION } from './lmApi';
import { MCP_PROVIDER_ID } from './toolNames';

/**
 * One MCP server per workspace folder for VS Code's own MCP support: the bundled CLI's `mcp`
 * on the folder and the store this extension uses for it, so every agent in the window finds
 * the same snapshots and incidents with no setup. Only in a trusted workspace: the server
 * applies the workspace's own config (regular expressions included) as the CLI does.
 */
export function registerMcpServers(context: vscode.ExtensionContext, services: WorkspaceServices): void {
  const mcp = mcpApi();
  if (!mcp) {
    services.log.info(
      `the MCP server definitions (VS Code's MCP support) need VS Code ${MCP_PROVIDER_VERSION} or later: not offered in this VS Code ${vscode.version}`,
    );
    return;
  }
  const changed = new vscode.EventEmitter<void>();
  const fire = (): void => changed.fire();
  const cli = path.join(context.extensionUri.fsPath, 'dist', 'cli.js');
  const version = (context.extension.packageJSON as { version?: string }).version ?? '0.0.0';
  const provider = unlessProposed(() =>
    mcp.registerProvider(MCP_PROVIDER_ID, {
      onDidChangeMcpServerDefinitions: changed.event,
      provideMcpServerDefinitions: () => {
        if (!vscode.workspace.isTrusted) {
          services.log.info('MCP server not offered: the workspace is not trusted (the server applies the workspace configuration)');
          return [];
        }
        return services.folders().flatMap((folder) => {
          let store: string;
          try {
            store = services.stores.storeDir(folder);
          } catch (err) {
            services.log.warn(`no MCP server for ${folder.name}: ${err instanceof Error ? err.message : String(err)}`);
            return [];
          }
          // The extension host's executable runs as plain Node with ELECTRON_RUN_AS_NODE (in a
          // desktop VS Code it is Electron; in a remote or web host it is Node already).
          return [
            mcp.stdioServer(
              `Incident Replay: ${folder.name}`,
              process.execPath,
              [cli, '--workspace', folder.uri.fsPath, '--store', store, 'mcp'],
              { ELECTRON_RUN_AS_NODE: '1' },
              version,
            ),
          ];
        });
      },
    }),
  );
  if ('proposal' in provider) {
    changed.dispose();
    services.log.info(
      `the MCP server definitions (VS Code's MCP support) need VS Code ${MCP_PROVIDER_VERSION} or later: not offered in this VS Code ${vscode.version}, which has them only as the API proposal ${provider.proposal}`,
    );
    return;
  }
  context.subscriptions.push(
    changed,
    provider.value,
    vscode.workspace.onDidChangeWorkspaceFolders(fire),
    vscode.workspace.onDidGrantWorkspaceTrust(fire),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('incidentReplay')) fire();
    }),
  );
  services.log.info(`MCP server definitions registered (${MCP_PROVIDER_ID}): one server per trusted workspace folder`);
}
