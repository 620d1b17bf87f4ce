import * as vscode from '../vscodeApi';
import { lmInvokeApi, LM_TOOLS_VERSION, resultText } from '../agents/lmApi';
import { lmToolName, mcpToolName } from '../agents/toolNames';
import { UserError } from '../services/errors';
import type { Command } from './command';
import { COMMAND_IDS } from './ids';

function parseArguments(text: string): Record<string, unknown> | string {
  try {
    const v: unknown = JSON.parse(text.trim() === '' ? '{}' : text);
    return v !== null && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : 'give a JSON object, e.g. {"since": "baseline"}';
  } catch (e) {
    return `not JSON: ${(e as Error).message}`;
  }
}

/** The summary line, then the structured answer indented (the model gets it on one line). */
function readable(text: string): string {
  const nl = text.indexOf('\n');
  if (nl < 0) return text;
  try {
    return `${text.slice(0, nl)}\n\n\`\`\`json\n${JSON.stringify(JSON.parse(text.slice(nl + 1)), null, 2)}\n\`\`\``;
  } catch {
    return text;
  }
}

/**
 * Calls one of the language-model tools the way agent mode does (`vscode.lm.invokeTool`), for a
 * person to see what an agent gets back, and opens the answer. From a script:
 * `executeCommand(id, { tool: 'analyze', input: {} })` skips the questions and resolves to the text.
 */
export const runAgentTool: Command = {
  id: COMMAND_IDS.runAgentTool,
  title: 'Run Agent Tool',
  async run(services, arg) {
    const lm = lmInvokeApi();
    if (!lm) throw new UserError(`calling language-model tools needs VS Code ${LM_TOOLS_VERSION} or later (this is ${vscode.version})`);
    const given = arg !== null && typeof arg === 'object' ? (arg as { tool?: unknown; input?: unknown }) : {};
    let name = typeof given.tool === 'string' ? lmToolName(given.tool) : undefined;
    if (name === undefined) {
      const ours = lm.tools().filter((t) => mcpToolName(t.name) !== undefined);
      if (ours.length === 0) throw new UserError('no Incident Replay tool is registered in this window: see the Incident Replay output');
      const picked = await vscode.window.showQuickPick(
        ours.map((t) => ({ label: mcpToolName(t.name) ?? t.name, detail: t.description, name: t.name })),
        { title: 'Run Agent Tool', placeHolder: 'Which tool?', matchOnDetail: true, ignoreFocusOut: true },
      );
      if (!picked) return undefined;
      name = picked.name;
    }
    let input = given.input !== null && typeof given.input === 'object' ? (given.input as Record<string, unknown>) : undefined;
    if (input === undefined) {
      const text = await vscode.window.showInputBox({
        title: `Run Agent Tool: ${mcpToolName(name) ?? name}`,
        prompt: 'Arguments as JSON (an empty object takes the defaults)',
        value: '{}',
        ignoreFocusOut: true,
        validateInput: (t) => {
          const parsed = parseArguments(t);
          return typeof parsed === 'string' ? parsed : undefined;
        },
      });
      if (text === undefined) return undefined;
      const parsed = parseArguments(text);
      if (typeof parsed === 'string') return undefined;
      input = parsed;
    }
    const text = resultText(await lm.invokeTool(name, input));
    services.log.info(`Run Agent Tool ${name}: ${text.split('\n')[0] ?? ''}`);
    const doc = await vscode.workspace.openTextDocument({
      language: 'markdown',
      content: `# ${mcpToolName(name) ?? name}\n\n${readable(text)}\n`,
    });
    await vscode.window.showTextDocument(doc, { preview: true });
    return text;
  },
};
