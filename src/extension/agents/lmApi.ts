import * as vscode from '../vscodeApi';

/**
 * The few VS Code APIs newer than our @types/vscode 1.90 (engines.vscode ^1.90, and vsce refuses
 * newer types than the engine), declared as used and detected at run time: an older VS Code
 * still activates the extension, without these features, and the log says which version has them.
 */
export interface LmTextPart {
  readonly value: string;
}

export interface LmToolResult {
  readonly content: readonly unknown[];
}

export interface LmToolInvocationOptions<T> {
  readonly input: T;
  readonly toolInvocationToken: unknown;
}

export interface LmPreparedInvocation {
  invocationMessage?: string;
  confirmationMessages?: { title: string; message: string | vscode.MarkdownString };
}

export interface LmTool<T> {
  invoke(options: LmToolInvocationOptions<T>, token: vscode.CancellationToken): Promise<LmToolResult>;
  prepareInvocation?(options: { readonly input: T }, token: vscode.CancellationToken): Promise<LmPreparedInvocation | undefined>;
}

export interface LmToolInformation {
  readonly name: string;
  readonly description: string;
  readonly tags: readonly string[];
}

export interface McpServerDefinitionProvider {
  readonly onDidChangeMcpServerDefinitions?: vscode.Event<void>;
  provideMcpServerDefinitions(token: vscode.CancellationToken): unknown[];
}

interface LmNamespace {
  registerTool?<T>(name: string, tool: LmTool<T>): vscode.Disposable;
  invokeTool?(
    name: string,
    options: { input: object; toolInvocationToken: undefined },
    token?: vscode.CancellationToken,
  ): Thenable<LmToolResult>;
  readonly tools?: readonly LmToolInformation[];
  registerMcpServerDefinitionProvider?(id: string, provider: McpServerDefinitionProvider): vscode.Disposable;
}

interface NewerVsCode {
  readonly lm?: LmNamespace;
  readonly LanguageModelToolResult?: new (content: unknown[]) => LmToolResult;
  readonly LanguageModelTextPart?: new (value: string) => LmTextPart;
  readonly McpStdioServerDefinition?: new (
    label: string,
    command: string,
    args?: string[],
    env?: Record<string, string | number | null>,
    version?: string,
  ) => object;
}

const api = vscode as unknown as NewerVsCode;

/** The versions that brought each API: what the log names when one is missing. */
export const LM_TOOLS_VERSION = '1.95';
export const MCP_PROVIDER_VERSION = '1.101';

export interface LmToolsApi {
  registerTool<T>(name: string, tool: LmTool<T>): vscode.Disposable;
  textResult(text: string): LmToolResult;
}

export function lmToolsApi(): LmToolsApi | undefined {
  const lm = api.lm;
  const Result = api.LanguageModelToolResult;
  const Text = api.LanguageModelTextPart;
  if (!lm?.registerTool || !Result || !Text) return undefined;
  const register = lm.registerTool.bind(lm);
  return { registerTool: register, textResult: (text) => new Result([new Text(text)]) };
}

export interface LmInvokeApi {
  tools(): readonly LmToolInformation[];
  invokeTool(name: string, input: object, token?: vscode.CancellationToken): Thenable<LmToolResult>;
}

export function lmInvokeApi(): LmInvokeApi | undefined {
  const lm = api.lm;
  if (!lm?.invokeTool) return undefined;
  const invoke = lm.invokeTool.bind(lm);
  return {
    tools: () => lm.tools ?? [],
    invokeTool: (name, input, token) => invoke(name, { input, toolInvocationToken: undefined }, token),
  };
}

/** The text of a tool result's text parts (other parts, such as prompt elements, are skipped). */
export function resultText(result: LmToolResult): string {
  return result.content
    .map((p) =>
      p !== null && typeof p === 'object' && 'value' in p && typeof (p as LmTextPart).value === 'string' ? (p as LmTextPart).value : '',
    )
    .filter((t) => t !== '')
    .join('\n');
}

export interface McpApi {
  registerProvider(id: string, provider: McpServerDefinitionProvider): vscode.Disposable;
  stdioServer(label: string, command: string, args: string[], env: Record<string, string>, version: string): object;
}

export function mcpApi(): McpApi | undefined {
  const lm = api.lm;
  const Stdio = api.McpStdioServerDefinition;
  if (!lm?.registerMcpServerDefinitionProvider || !Stdio) return undefined;
  const register = lm.registerMcpServerDefinitionProvider.bind(lm);
  return { registerProvider: register, stdioServer: (label, command, args, env, version) => new Stdio(label, command, args, env, version) };
}
