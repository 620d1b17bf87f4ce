import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { SnapshotStore } from '../engine/snapshotStore';
import { registerResources, type StoreUser } from './resources';
import { AGENT_TOOLS, callAgentTool } from './tools/catalog';

export const SERVER_NAME = 'incident-replay';

const INSTRUCTIONS = [
  'Incident Replay snapshots this workspace and finds what went wrong when an agent or job breaks it.',
  'Before a risky step: take_snapshot (baseline=true for the known-good state). After something broke: analyze, then get_incident.',
  'Record your own tasks with record_replay and how they ended with annotate_replay; reflect assembles a prompt of your recurring failures.',
  'restore_snapshot is destructive (a safety snapshot is taken first). Everything returned is redacted of secrets.',
].join(' ');

/**
 * The MCP server on one workspace's store. `open` opens the store for one request; each request
 * opens its own, so the server always sees what the CLI, the extension and other agents wrote.
 */
export function createMcpServer(open: () => Promise<SnapshotStore>, version: string): McpServer {
  const server = new McpServer({ name: SERVER_NAME, version }, { instructions: INSTRUCTIONS, capabilities: { tools: {}, resources: {} } });
  const use: StoreUser = async (fn) => {
    const store = await open();
    try {
      return await fn(store);
    } finally {
      store.close();
    }
  };
  for (const tool of AGENT_TOOLS) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.input,
        outputSchema: tool.output,
        annotations: { title: tool.title, ...tool.hints },
      },
      async (args: unknown): Promise<CallToolResult> => {
        let r;
        try {
          r = await use((store) => callAgentTool(store, tool, args));
        } catch (e) {
          // Opening the store failed (the workspace is gone, the database is damaged...).
          return { isError: true, content: [{ type: 'text', text: `${tool.name}: ${e instanceof Error ? e.message : String(e)}` }] };
        }
        return r.isError
          ? { isError: true, content: [{ type: 'text', text: r.text }] }
          : { content: [{ type: 'text', text: r.text }], structuredContent: r.structured };
      },
    );
  }
  registerResources(server, use);
  return server;
}

/**
 * Serves over stdin/stdout until the client closes stdin, then answers what was already asked
 * before exiting (a client may pipe a batch of requests and close). Nothing else may write to stdout.
 */
export async function serveStdio(open: () => Promise<SnapshotStore>, version: string): Promise<void> {
  const server = createMcpServer(open, version);
  const transport = new StdioServerTransport();
  await server.connect(transport);
  let pending = 0;
  let settled: (() => void) | undefined;
  const receive = transport.onmessage;
  transport.onmessage = (msg) => {
    if ('method' in msg && 'id' in msg) pending++;
    receive?.(msg);
  };
  const send = transport.send.bind(transport);
  transport.send = async (msg) => {
    await send(msg);
    if (!('method' in msg) && 'id' in msg && --pending === 0) settled?.();
  };
  await new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  if (pending > 0) await new Promise<void>((resolve) => (settled = resolve));
  await server.close();
}
