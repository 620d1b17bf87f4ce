import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CLI, ROOT } from '../support/workspace';

interface LmToolContribution {
  name: string;
  displayName: string;
  userDescription: string;
  modelDescription: string;
  inputSchema: { type: string; properties: Record<string, unknown>; required?: string[] };
}

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  contributes: { languageModelTools?: LmToolContribution[]; mcpServerDefinitionProviders?: { id: string; label: string }[] };
};

/**
 * VS Code reads the language-model tools from package.json without running anything; agents
 * over MCP read them from the server. Both must offer the same tools with the same schemas.
 */
test("package.json offers every MCP tool as a language-model tool with the server's own schema, plus a folder", async () => {
  const ws = mkdtempSync(path.join(os.tmpdir(), 'ir-manifest-'));
  const client = new Client({ name: 'manifest-check', version: '0' });
  try {
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [CLI, '--workspace', ws, 'mcp'] }));
    const { tools } = await client.listTools();
    const contributed = new Map((pkg.contributes.languageModelTools ?? []).map((t) => [t.name, t]));
    assert.deepEqual(
      [...contributed.keys()].sort(),
      tools.map((t) => `incidentReplay_${t.name}`).sort(),
      'one language-model tool per MCP tool',
    );
    for (const t of tools) {
      const c = contributed.get(`incidentReplay_${t.name}`);
      assert.ok(c);
      assert.equal(c.displayName, t.title, t.name);
      assert.equal(c.modelDescription, t.description, t.name);
      const { folder, ...rest } = c.inputSchema.properties;
      assert.deepEqual({ ...c.inputSchema, properties: rest }, t.inputSchema, `${t.name}: the input schema`);
      assert.equal((folder as { type: string }).type, 'string', `${t.name} takes a folder`);
      assert.ok(!(c.inputSchema.required ?? []).includes('folder'));
    }
  } finally {
    await client.close();
    rmSync(ws, { recursive: true, force: true });
  }
});

test('the MCP server definition provider the extension registers is contributed under its id', () => {
  const source = readFileSync(path.join(ROOT, 'src', 'extension', 'agents', 'toolNames.ts'), 'utf8');
  const id = /MCP_PROVIDER_ID = '([^']+)'/.exec(source)?.[1];
  assert.deepEqual(
    pkg.contributes.mcpServerDefinitionProviders?.map((p) => p.id),
    [id],
  );
});
