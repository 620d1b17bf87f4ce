// What scripts/e2e/run.mjs hands the suite, and read-only views of what the extension left on
// disk (its installed manifest, its snapshot store) so tests can check effects, not just pixels.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { storeSubfolderName } from '../../../src/extension/services/storeLocation';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const CLI = path.join(ROOT, 'dist', 'cli.js');
const EXTENSION_ID = 'incident-replay.incident-replay';
const DB_FILE = 'incident-replay.sqlite';

export interface E2EEnv {
  url: string;
  extensionId: string;
  /** The (first) workspace folder. */
  workspace: string;
  /** Every workspace folder, in order. */
  folders: string[];
  /** The .code-workspace file opened, for a multi-root run. */
  workspaceFile?: string;
  /** 'off': workspace trust disabled; 'restricted': trust on and the workspace untrusted. */
  trust: 'off' | 'restricted';
  userData: string;
  extensionsDir: string;
  artifacts: string;
  browserProfile: string;
  chromium: string;
  headed: boolean;
}

function required(name: string): string {
  const v = process.env[name];
  if (!v)
    throw new Error(`${name} is not set: run the end-to-end suite through \`node scripts/e2e/run.mjs\`, which starts code-server for it`);
  return v;
}

/**
 * Whether the VS Code under test is `version` (`1.95`) or newer. scripts/e2e/run.mjs names it
 * (`--vscode=min` tests the oldest engines.vscode accepts); a suite checks a feature that needs a
 * newer API only there, and elsewhere checks that the extension says which VS Code it needs.
 */
export function vscodeAtLeast(version: string): boolean {
  const running = process.env.IR_E2E_VSCODE_VERSION;
  if (!running) return true;
  const [a = 0, b = 0] = running.split('.').map(Number);
  const [x = 0, y = 0] = version.split('.').map(Number);
  return a !== x ? a > x : b >= y;
}

export function e2eEnv(): E2EEnv {
  return {
    url: required('IR_E2E_URL'),
    extensionId: EXTENSION_ID,
    workspace: required('IR_E2E_WORKSPACE'),
    folders: JSON.parse(process.env.IR_E2E_FOLDERS || JSON.stringify([required('IR_E2E_WORKSPACE')])) as string[],
    ...(process.env.IR_E2E_WORKSPACE_FILE ? { workspaceFile: process.env.IR_E2E_WORKSPACE_FILE } : {}),
    trust: process.env.IR_E2E_TRUST === 'restricted' ? 'restricted' : 'off',
    userData: required('IR_E2E_USER_DATA'),
    extensionsDir: required('IR_E2E_EXTENSIONS'),
    artifacts: required('IR_E2E_ARTIFACTS'),
    browserProfile: required('IR_E2E_BROWSER_PROFILE'),
    chromium: required('IR_E2E_CHROMIUM'),
    headed: process.env.IR_E2E_HEADED === '1',
  };
}

export interface InstalledExtension {
  dir: string;
  /** Ids of the commands the installed package.json contributes, with their palette titles. */
  commands: Map<string, string>;
  /** Commands the manifest keeps out of the command palette, always or under a condition. */
  notAlwaysInPalette: Set<string>;
  /** Whether the package ships the incident view's browser bundle. */
  hasWebviewBundle: boolean;
  activationEvents: string[];
}

interface ManifestCommand {
  command: string;
  title: string;
  category?: string;
}

/** The manifest code-server actually installed (not the working tree's), so gating follows the package under test. */
export function installedExtension(env: E2EEnv): InstalledExtension {
  const name = readdirSync(env.extensionsDir).find((d) => d.startsWith(`${EXTENSION_ID}-`));
  if (!name) throw new Error(`no ${EXTENSION_ID} in ${env.extensionsDir}: the .vsix was not installed`);
  const dir = path.join(env.extensionsDir, name);
  const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
    activationEvents?: string[];
    contributes?: { commands?: ManifestCommand[]; menus?: { commandPalette?: Array<{ command: string; when?: string }> } };
  };
  const commands = new Map<string, string>();
  for (const c of manifest.contributes?.commands ?? []) commands.set(c.command, c.category ? `${c.category}: ${c.title}` : c.title);
  const notAlwaysInPalette = new Set((manifest.contributes?.menus?.commandPalette ?? []).filter((m) => m.when).map((m) => m.command));
  return {
    dir,
    commands,
    notAlwaysInPalette,
    hasWebviewBundle: existsSync(path.join(dir, 'dist', 'webview', 'main.js')),
    activationEvents: manifest.activationEvents ?? [],
  };
}

/**
 * Where the extension keeps this workspace's snapshot store: somewhere under its workspace (or
 * global) storage, or, with the workspaceFolder storage setting, inside the workspace. Found by
 * its database file, so the test does not depend on the extension's folder naming.
 */
export function findStore(env: E2EEnv): string | undefined {
  const roots: string[] = [];
  const wsStorage = path.join(env.userData, 'User', 'workspaceStorage');
  if (existsSync(wsStorage)) for (const d of readdirSync(wsStorage)) roots.push(path.join(wsStorage, d, EXTENSION_ID));
  roots.push(path.join(env.userData, 'User', 'globalStorage', EXTENSION_ID));
  const found: string[] = [];
  const walk = (dir: string, depth: number): void => {
    if (!existsSync(dir)) return;
    if (existsSync(path.join(dir, DB_FILE))) found.push(dir);
    if (depth === 0) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) walk(path.join(dir, e.name), depth - 1);
  };
  walk(env.workspace, 1);
  for (const r of roots) walk(r, 2);
  if (found.length > 1) throw new Error(`more than one snapshot store for one workspace: ${found.join(', ')}`);
  return found[0];
}

/**
 * The store of one folder of a multi-root window: in the window's workspace storage, in the
 * sub-folder the extension names after the folder (see src/extension/services/storeLocation.ts).
 */
export function findFolderStore(env: E2EEnv, folder: string): string | undefined {
  const name = storeSubfolderName(pathToFileURL(folder).href, path.basename(folder));
  const wsStorage = path.join(env.userData, 'User', 'workspaceStorage');
  if (!existsSync(wsStorage)) return undefined;
  for (const d of readdirSync(wsStorage)) {
    const dir = path.join(wsStorage, d, EXTENSION_ID, name);
    if (existsSync(path.join(dir, DB_FILE))) return dir;
  }
  return undefined;
}

export interface StoredSnapshot {
  id: string;
  label: string | null;
  baseline: boolean;
  fileCount: number;
}

export interface StoredIncident {
  id: string;
  title: string;
  severity: string;
}

/** Runs the project's CLI read-only against the extension's store (of `folder`, by default the first). */
export function storeJson<T>(env: E2EEnv, store: string, ...args: string[]): T {
  return folderStoreJson<T>(env.workspace, store, ...args);
}

export function folderStoreJson<T>(folder: string, store: string, ...args: string[]): T {
  const r = spawnSync(process.execPath, [CLI, '--workspace', folder, '--store', store, ...args, '--json'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (r.status !== 0) throw new Error(`incident-replay ${args.join(' ')} exited ${r.status}: ${r.stderr.trim()}`);
  return JSON.parse(r.stdout) as T;
}
