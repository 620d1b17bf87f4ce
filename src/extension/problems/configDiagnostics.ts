import * as vscode from '../vscodeApi';
import { CONFIG_FILE_NAME } from '../../model/config';
import { type ConfigProblemInput, placeConfigProblems } from './configProblems';
import type { WorkspaceServices } from '../services/workspace';

const DEBOUNCE_MS = 300;

/**
 * Validates each folder's `incident-replay.json` as it is edited, with the engine's own
 * reader, and shows errors and warnings on the file itself. Saving the file (or any change on
 * disk) also makes the folder's store pick up the new config on its next use.
 */
class ConfigValidator implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('Incident Replay config');
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly services: WorkspaceServices) {}

  isConfigFile(doc: vscode.TextDocument): vscode.WorkspaceFolder | undefined {
    if (doc.uri.scheme !== 'file') return undefined;
    const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
    return folder && vscode.Uri.joinPath(folder.uri, CONFIG_FILE_NAME).toString() === doc.uri.toString() ? folder : undefined;
  }

  schedule(doc: vscode.TextDocument): void {
    if (!this.isConfigFile(doc)) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.validateSafely(doc);
      }, DEBOUNCE_MS),
    );
  }

  validateSafely(doc: vscode.TextDocument): void {
    try {
      this.validate(doc);
    } catch (err) {
      this.services.log.error(`validating ${doc.uri.fsPath}`, err);
    }
  }

  private validate(doc: vscode.TextDocument): void {
    if (doc.isClosed) return;
    const engine = this.services.engine.get();
    const text = doc.getText();
    const file = doc.uri.fsPath;
    const problems: ConfigProblemInput[] = [];
    try {
      const loaded = engine.parseConfigText(text, file, { trustWorkspacePatterns: vscode.workspace.isTrusted });
      for (const w of loaded.warningDetails)
        if (w.source === file) problems.push({ path: w.path, message: w.message, severity: 'warning' });
    } catch (err) {
      if (!(err instanceof engine.ConfigError)) throw err;
      for (const p of err.problems) problems.push({ path: p.path, message: p.message, severity: 'error' });
    }
    this.collection.set(
      doc.uri,
      placeConfigProblems(text, problems).map((p) => {
        const d = new vscode.Diagnostic(
          new vscode.Range(p.span.startLine, p.span.startCharacter, p.span.endLine, p.span.endCharacter),
          p.message,
          p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
        );
        d.source = 'Incident Replay';
        return d;
      }),
    );
  }

  forget(uri: vscode.Uri): void {
    this.collection.delete(uri);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.collection.dispose();
  }
}

export function registerConfigDiagnostics(context: vscode.ExtensionContext, services: WorkspaceServices): void {
  const validator = new ConfigValidator(services);
  const watcher = vscode.workspace.createFileSystemWatcher(`**/${CONFIG_FILE_NAME}`);
  const configChanged = (uri: vscode.Uri): void => {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder) return;
    services.stores.invalidate(folder);
    services.notifyChanged(folder);
  };
  context.subscriptions.push(
    validator,
    watcher,
    watcher.onDidChange(configChanged),
    watcher.onDidCreate(configChanged),
    watcher.onDidDelete((uri) => {
      validator.forget(uri);
      configChanged(uri);
    }),
    vscode.workspace.onDidOpenTextDocument((doc) => validator.schedule(doc)),
    vscode.workspace.onDidChangeTextDocument((e) => validator.schedule(e.document)),
    vscode.workspace.onDidGrantWorkspaceTrust(() => vscode.workspace.textDocuments.forEach((d) => validator.schedule(d))),
  );
  // Files already open when the extension activates; validated after activation returns,
  // since validating loads the engine.
  setTimeout(() => {
    for (const doc of vscode.workspace.textDocuments) if (validator.isConfigFile(doc)) validator.validateSafely(doc);
  }, 0);
}
