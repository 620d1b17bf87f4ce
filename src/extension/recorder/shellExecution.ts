/**
 * VS Code's terminal shell-execution API (1.93+), newer than the @types/vscode 1.90 this project
 * builds against: the shapes used here, declared once, and a run-time check of what the running
 * VS Code offers. On an older VS Code, terminal commands are simply not recorded (and the log says why).
 */
import type * as vscode from '../vscodeApi';

export interface ShellExecution {
  readonly commandLine: { readonly value: string; readonly isTrusted?: boolean };
  readonly cwd: vscode.Uri | undefined;
  /** The command's raw output (escape sequences included); call once, at the start. */
  read(): AsyncIterable<string>;
}

export interface ShellExecutionStartEvent {
  readonly terminal: vscode.Terminal;
  readonly execution: ShellExecution;
}

export interface ShellExecutionEndEvent {
  readonly terminal: vscode.Terminal;
  readonly execution: ShellExecution;
  /** Undefined when the shell did not report one (killed terminal, incomplete integration). */
  readonly exitCode: number | undefined;
}

export interface ShellExecutionApi {
  onDidStartTerminalShellExecution: vscode.Event<ShellExecutionStartEvent>;
  onDidEndTerminalShellExecution: vscode.Event<ShellExecutionEndEvent>;
}

/** VS Code version that added the API, for the log line when it is missing. */
export const SHELL_EXECUTION_SINCE = '1.93';

/**
 * The API when this VS Code has its functions. VS Code 1.90 to 1.92 have them as a proposal whose
 * calls throw, so the caller subscribes through services/proposedApi.ts's unlessProposed.
 */
export function shellExecutionApi(window: object): ShellExecutionApi | undefined {
  const w = window as Partial<Record<keyof ShellExecutionApi, unknown>>;
  if (typeof w.onDidStartTerminalShellExecution !== 'function' || typeof w.onDidEndTerminalShellExecution !== 'function') return undefined;
  return window as ShellExecutionApi;
}

/** Terminal output without the escape sequences that colour it and mark prompts (CSI, OSC). */
export function plainTerminalText(raw: string): string {
  return raw

    .replace(/\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g, '')

    .replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '')

    .replace(/\x1b[()][0-9A-Za-z]|\x1b[=>]/g, '')
    .replace(/\r\n?/g, '\n');
}
