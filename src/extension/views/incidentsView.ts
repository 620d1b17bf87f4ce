import * as vscode from '../vscodeApi';
import type { IncidentListItem } from '../../engine/db/incidentRows';
import type { IncidentSeverity } from '../../engine/types';
import { formatAge } from './format';
import type { WorkspaceServices } from '../services/workspace';
import { FolderNode, IncidentNode } from './nodes';
import { intervalDisposable } from './snapshotsView';
import { COMMAND_IDS } from '../commands/ids';

export const INCIDENTS_VIEW_ID = 'incidentReplay.incidents';

type Node = FolderNode | IncidentNode;

const SEVERITY_ICON: Record<IncidentSeverity, [string, string]> = {
  critical: ['error', 'errorForeground'],
  high: ['error', 'list.errorForeground'],
  medium: ['warning', 'list.warningForeground'],
  low: ['info', 'descriptionForeground'],
};

/** The Incidents view: newest first; open ones carry their severity icon, resolved ones a check. */
class IncidentsTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  view: vscode.TreeView<Node> | undefined;

  constructor(private readonly services: WorkspaceServices) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  dispose(): void {
    this.changed.dispose();
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (node instanceof IncidentNode) return [];
    if (node instanceof FolderNode) return this.incidentsOf(node.folder);
    const folders = this.services.folders();
    if (folders.length === 1 && folders[0]) return this.incidentsOf(folders[0]);
    return folders.some((f) => this.services.stores.exists(f)) ? folders.map((f) => new FolderNode(f)) : [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node instanceof FolderNode) {
      const item = new vscode.TreeItem(node.folder.name, vscode.TreeItemCollapsibleState.Expanded);
      item.iconPath = vscode.ThemeIcon.Folder;
      item.contextValue = 'folder';
      return item;
    }
    const inc = node.incident;
    const open = inc.status === 'open';
    const item = new vscode.TreeItem(`${inc.id}: ${inc.title}`, vscode.TreeItemCollapsibleState.None);
    item.id = `${node.folder.uri.toString()}#${inc.id}`;
    item.description = `${inc.category} ${Math.round(inc.confidence * 100)}% · ${open ? inc.severity : 'resolved'} · ${formatAge(inc.createdAt, Date.now())}`;
    const [icon, color] = open ? SEVERITY_ICON[inc.severity] : ['pass', 'testing.iconPassed'];
    item.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
    item.contextValue = open ? 'incident.open' : 'incident.resolved';
    item.tooltip = tooltip(inc);
    item.command = { command: COMMAND_IDS.openIncident, title: 'Open Incident', arguments: [node] };
    item.accessibilityInformation = {
      label: `${inc.id}, ${inc.severity} ${inc.status} incident: ${inc.title}; root cause ${inc.category}`,
    };
    return item;
  }

  private async incidentsOf(folder: vscode.WorkspaceFolder): Promise<IncidentNode[]> {
    try {
      const list = await this.services.stores.peek(folder, (store, engine) => engine.incidentsNewestFirst(store));
      if (this.view) this.view.message = undefined;
      return (list ?? []).map((i) => new IncidentNode(folder, i));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.services.log.warn(`Incidents view: ${folder.name}: ${message}`);
      if (this.view) this.view.message = `${folder.name}: ${message}`;
      return [];
    }
  }
}

function tooltip(inc: IncidentListItem): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendText(`${inc.id}: ${inc.title}`);
  md.appendMarkdown(`\n\n**${inc.severity}** · ${inc.status} · recorded ${new Date(inc.createdAt).toLocaleString()}\n\n`);
  md.appendText(`Root cause: ${inc.category} (${Math.round(inc.confidence * 100)}%)`);
  if (inc.repeatOf) md.appendText(`\nRepeat of ${inc.repeatOf}`);
  return md;
}

export function registerIncidentsView(context: vscode.ExtensionContext, services: WorkspaceServices): void {
  const tree = new IncidentsTree(services);
  tree.view = vscode.window.createTreeView(INCIDENTS_VIEW_ID, { treeDataProvider: tree });
  context.subscriptions.push(
    tree,
    tree.view,
    services.onDidChange(() => tree.refresh()),
    intervalDisposable(() => tree.refresh(), 60_000),
  );
}
