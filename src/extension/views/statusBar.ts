import * as vscode from '../vscodeApi';
import { formatAge, formatShortAge } from './format';
import { plural } from '../../model/format';
import type { WorkspaceServices } from '../services/workspace';
import { intervalDisposable } from './snapshotsView';
import { COMMAND_IDS } from '../commands/ids';

interface FolderState {
  name: string;
  baselineAt: number | null;
  open: number;
}

/** Baseline age and open incidents at a glance; a click runs Analyze Since Baseline. */
class IncidentStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('incidentReplay.status', vscode.StatusBarAlignment.Left, 20);
  private generation = 0;
  private states: FolderState[] = [];

  constructor(private readonly services: WorkspaceServices) {
    this.item.name = 'Incident Replay';
    this.item.command = COMMAND_IDS.analyzeSinceBaseline;
  }

  async refresh(): Promise<void> {
    const mine = ++this.generation;
    const folders = this.services.folders();
    if (folders.length === 0) {
      this.item.hide();
      return;
    }
    const states: FolderState[] = [];
    for (const f of folders) {
      const state = await this.services.stores.peek(f, async (store, engine) => {
        const baseline = await store.baseline();
        const open = (await engine.incidentList(store)).filter((i) => i.status === 'open').length;
        return { name: f.name, baselineAt: baseline?.createdAt ?? null, open };
      });
      states.push(state ?? { name: f.name, baselineAt: null, open: 0 });
    }
    // A slower refresh that started earlier must not overwrite a newer one.
    if (mine !== this.generation) return;
    this.states = states;
    this.rerender();
  }

  /** The active editor moved to another folder: same data, another focus. */
  rerender(): void {
    if (this.states.length > 0) this.render(this.states, this.activeFolderName());
  }

  private activeFolderName(): string | undefined {
    const uri = vscode.window.activeTextEditor?.document.uri;
    return uri ? vscode.workspace.getWorkspaceFolder(uri)?.name : undefined;
  }

  private render(states: FolderState[], active: string | undefined): void {
    const now = Date.now();
    const focus = states.find((s) => s.name === active) ?? states[0];
    const open = states.reduce((n, s) => n + s.open, 0);
    const age = focus?.baselineAt != null ? `baseline ${formatShortAge(focus.baselineAt, now)}` : 'no baseline';
    this.item.text = `$(history) ${age}${open > 0 ? ` $(warning) ${open}` : ''}`;
    const tip = new vscode.MarkdownString(undefined, true);
    tip.appendMarkdown('**Incident Replay**\n\n');
    for (const s of states) {
      const b = s.baselineAt != null ? `baseline taken ${formatAge(s.baselineAt, now)}` : 'no baseline yet';
      tip.appendText(`${states.length > 1 ? `${s.name}: ` : ''}${b}, ${plural(s.open, 'open incident')}\n`);
      tip.appendMarkdown('\n\n');
    }
    tip.appendMarkdown('Click to analyse everything since the baseline.');
    this.item.tooltip = tip;
    this.item.backgroundColor = open > 0 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.accessibilityInformation = { label: `Incident Replay: ${age}, ${plural(open, 'open incident')}` };
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}

export function registerStatusBar(context: vscode.ExtensionContext, services: WorkspaceServices): void {
  const status = new IncidentStatus(services);
  const refresh = (): void => {
    void status.refresh().catch((err: unknown) => services.log.warn(`status bar: ${err instanceof Error ? err.message : String(err)}`));
  };
  context.subscriptions.push(
    status,
    services.onDidChange(refresh),
    vscode.window.onDidChangeActiveTextEditor(() => status.rerender()),
    vscode.workspace.onDidChangeWorkspaceFolders(refresh),
    intervalDisposable(refresh, 60_000),
  );
  // After activation returns: reading the stores loads the engine, which activation never waits for.
  setTimeout(refresh, 0);
}
