import * as vscode from '../vscodeApi';
import { formatAge, snapshotName } from './format';
import { formatBytes, plural } from '../../model/format';
import type { WorkspaceServices } from '../services/workspace';
import { FolderNode, SnapshotNode } from './nodes';

export const SNAPSHOTS_VIEW_ID = 'incidentReplay.snapshots';

type Node = FolderNode | SnapshotNode;

/**
 * The Snapshots view: newest first, a star on the baseline. In a multi-root workspace the
 * folders come first. Folders without a store show nothing, so the welcome content appears
 * until the first snapshot.
 */
class SnapshotsTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** Where a store that cannot be read says so (the welcome text would wrongly say "no snapshots"). */
  view: vscode.TreeView<Node> | undefined;
  /** Each folder's store size on disk, shown in the view's title bar (retention keeps it under the recorder's cap). */
  private readonly sizes = new Map<string, number>();

  constructor(private readonly services: WorkspaceServices) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  dispose(): void {
    this.changed.dispose();
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (node instanceof SnapshotNode) return [];
    if (node instanceof FolderNode) return this.snapshotsOf(node.folder);
    const folders = this.services.folders();
    if (folders.length === 1 && folders[0]) return this.snapshotsOf(folders[0]);
    return folders.some((f) => this.services.stores.exists(f)) ? folders.map((f) => new FolderNode(f)) : [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node instanceof FolderNode) {
      const item = new vscode.TreeItem(node.folder.name, vscode.TreeItemCollapsibleState.Expanded);
      item.iconPath = vscode.ThemeIcon.Folder;
      item.contextValue = 'folder';
      item.description = this.services.stores.exists(node.folder) ? undefined : 'no snapshots yet';
      return item;
    }
    const s = node.snapshot;
    const item = new vscode.TreeItem(snapshotName(s), vscode.TreeItemCollapsibleState.None);
    item.id = `${node.folder.uri.toString()}#${s.id}`;
    item.description = `${formatAge(s.createdAt, Date.now())} · ${plural(s.fileCount, 'file')}`;
    item.iconPath = new vscode.ThemeIcon(
      s.baseline ? 'star-full' : 'history',
      s.baseline ? new vscode.ThemeColor('charts.yellow') : undefined,
    );
    item.contextValue = s.baseline ? 'snapshot.baseline' : 'snapshot';
    const tip = new vscode.MarkdownString(undefined, true);
    tip.appendMarkdown(`**${s.baseline ? '$(star-full) Baseline · ' : ''}${escape(snapshotName(s))}**\n\n`);
    tip.appendMarkdown(`id \`${s.id}\` · ${new Date(s.createdAt).toLocaleString()}\n\n`);
    tip.appendMarkdown(`${plural(s.fileCount, 'file')}, ${formatBytes(s.byteCount)}`);
    item.tooltip = tip;
    item.accessibilityInformation = { label: `${s.baseline ? 'Baseline snapshot' : 'Snapshot'} ${snapshotName(s)}, ${item.description}` };
    return item;
  }

  private async snapshotsOf(folder: vscode.WorkspaceFolder): Promise<SnapshotNode[]> {
    try {
      const found = await this.services.stores.peek(folder, async (store, engine) => ({
        list: await store.list(),
        bytes: await engine.storeDiskBytes(store.dir),
      }));
      const list = found?.list;
      this.showSize(folder, found?.bytes);
      if (this.view) this.view.message = undefined;
      return (list ?? [])
        .slice()
        .reverse()
        .map((s) => new SnapshotNode(folder, s));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.services.log.warn(`Snapshots view: ${folder.name}: ${message}`);
      if (this.view) this.view.message = `${folder.name}: ${message}`;
      return [];
    }
  }

  private showSize(folder: vscode.WorkspaceFolder, bytes: number | undefined): void {
    const key = folder.uri.toString();
    if (bytes === undefined) this.sizes.delete(key);
    else this.sizes.set(key, bytes);
    const total = [...this.sizes.values()].reduce((a, b) => a + b, 0);
    if (this.view) this.view.description = this.sizes.size > 0 ? `store ${formatBytes(total)} on disk` : undefined;
  }
}

function escape(s: string): string {
  return s.replace(/[\\`*_[\]<>]/g, '\\$&');
}

export function registerSnapshotsView(context: vscode.ExtensionContext, services: WorkspaceServices): void {
  const tree = new SnapshotsTree(services);
  tree.view = vscode.window.createTreeView(SNAPSHOTS_VIEW_ID, { treeDataProvider: tree, showCollapseAll: false });
  context.subscriptions.push(
    tree,
    tree.view,
    services.onDidChange(() => tree.refresh()),
    // Ages in descriptions go stale; a minute is the finest age shown.
    intervalDisposable(() => tree.refresh(), 60_000),
  );
}

export function intervalDisposable(fn: () => void, ms: number): vscode.Disposable {
  const handle = setInterval(fn, ms);
  return new vscode.Disposable(() => clearInterval(handle));
}
