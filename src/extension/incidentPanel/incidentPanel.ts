import * as vscode from '../vscodeApi';
import type { Incident } from '../../engine/types';
import { type HostMessage, type PanelAction, type WebviewMessage, isWebviewMessage } from '../../protocol/messages';
import type { Postmortem } from '../../protocol/postmortem';
import { buildPanelHtml, makeNonce } from './html';
import type { IncidentPanelHost } from './panelHost';
import { TargetPolicy, toIncidentView } from './viewModel';

export const VIEW_TYPE = 'incidentReplay.incident';

/** The folders a panel's webview may load from: the bundle (with the codicons) and the stylesheet. */
export function resourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media', 'webview')];
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, enableCommandUris: false, localResourceRoots: resourceRoots(extensionUri) };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * One webview panel showing one incident. It owns its own disposables (shorter-lived than the
 * extension's), answers the webview's requests through the host, and checks every request
 * against what the incident names before acting on it.
 */
export class IncidentPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private policy: TargetPolicy | null = null;
  private disposed = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly host: IncidentPanelHost,
    readonly folder: string,
    readonly incidentId: string,
    /** Opens another incident (after a re-analysis flags a new one). */
    private readonly openIncident: (folder: string, incidentId: string) => Promise<void>,
    onDispose: () => void,
  ) {
    const webview = panel.webview;
    webview.options = webviewOptions(host.extensionUri);
    const asUri = (...segments: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(host.extensionUri, ...segments)).toString();
    webview.html = buildPanelHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: asUri('dist', 'webview', 'main.js'),
      codiconCssUri: asUri('dist', 'webview', 'codicons', 'codicon.css'),
      styleUri: asUri('media', 'webview', 'incident.css'),
      title: incidentId,
    });
    panel.title = incidentId;
    this.disposables.push(
      webview.onDidReceiveMessage((raw: unknown) => {
        // Anything that is not one of our messages is dropped unanswered.
        if (isWebviewMessage(raw)) void this.handle(raw);
      }),
      panel.onDidDispose(() => {
        this.dispose();
        onDispose();
      }),
    );
  }

  reveal(): void {
    this.panel.reveal();
  }

  private post(msg: HostMessage): void {
    if (!this.disposed) void this.panel.webview.postMessage(msg);
  }

  private async handle(msg: WebviewMessage): Promise<void> {
    try {
      switch (msg.type) {
        case 'ready':
          await this.loadIncident();
          return;
        case 'openLocation':
          if (this.policy?.allowsLocation(msg.file)) await this.host.openLocation(this.folder, msg.file, msg.line, msg.column);
          return;
        case 'openDiff':
          if (this.policy?.allowsDiff(msg.from, msg.to, msg.path)) await this.host.openDiff(this.folder, msg.from, msg.to, msg.path);
          return;
        case 'runAction':
          await this.runAction(msg.action);
          return;
        case 'loadPostmortem':
          await this.sendPostmortem();
          return;
        case 'savePostmortem':
          await this.savePostmortem(msg.postmortem);
          return;
        case 'checkBlame':
          if (this.host.checkBlame) {
            const findings = await this.host.checkBlame(msg.texts);
            this.post({
              type: 'blameFindings',
              requestId: msg.requestId,
              findings: findings.map((f) => ({ field: f.field, sentence: f.sentence, who: f.who, suggestion: f.suggestion })),
            });
          }
          return;
      }
    } catch (err) {
      // Opening a file that is gone, a store that is locked: say so where the person is looking.
      void vscode.window.showErrorMessage(`Incident Replay: ${message(err)}`);
    }
  }

  private setIncident(incident: Incident): void {
    this.policy = new TargetPolicy(incident);
    this.panel.title = `${incident.id}: ${incident.title}`;
    this.post({ type: 'incident', folder: this.folder, incident: toIncidentView(incident) });
  }

  private async loadIncident(): Promise<void> {
    try {
      this.setIncident(await this.host.getIncident(this.folder, this.incidentId));
    } catch (err) {
      this.post({ type: 'loadFailed', incidentId: this.incidentId, message: message(err) });
    }
  }

  private async runAction(action: PanelAction): Promise<void> {
    this.post({ type: 'actionState', action, state: 'running' });
    try {
      const done = await this.perform(action);
      this.post({ type: 'actionState', action, state: 'done', ...(done ? { message: done } : {}) });
    } catch (err) {
      this.post({ type: 'actionState', action, state: 'failed', message: message(err) });
    }
  }

  /** Runs one toolbar action; returns what to tell the reader, if anything. */
  private async perform(action: PanelAction): Promise<string | undefined> {
    switch (action) {
      case 'reanalyze': {
        const found = await this.host.reanalyze(this.folder);
        if (!found) return 'Re-analysis found nothing new to flag since the baseline.';
        if (found.id === this.incidentId) {
          this.setIncident(found);
          return `Re-analysed ${found.id}.`;
        }
        await this.openIncident(this.folder, found.id);
        return `Re-analysis recorded ${found.id}; it is open in its own tab.`;
      }
      case 'resolve': {
        this.setIncident(await this.host.resolve(this.folder, this.incidentId));
        return `${this.incidentId} is marked resolved.`;
      }
      case 'exportReport': {
        const written = await this.host.exportReport(this.folder, this.incidentId);
        return written ? `Report written to ${written}.` : undefined;
      }
      case 'openChanges':
        await this.host.openChanges(this.folder, this.incidentId);
        return undefined;
    }
  }

  private async sendPostmortem(): Promise<void> {
    const postmortem = await this.host.getPostmortem(this.folder, this.incidentId);
    this.post({ type: 'postmortem', postmortem, blameCheckAvailable: this.host.checkBlame !== undefined });
  }

  private async savePostmortem(postmortem: Postmortem): Promise<void> {
    if (postmortem.incidentId !== this.incidentId) {
      this.post({ type: 'postmortemFailed', message: `this panel shows ${this.incidentId}, not ${postmortem.incidentId}` });
      return;
    }
    try {
      await this.host.savePostmortem(this.folder, postmortem);
      // Read it back: the store stamps the save time and is the source of truth.
      this.post({ type: 'postmortemSaved', postmortem: await this.host.getPostmortem(this.folder, this.incidentId) });
    } catch (err) {
      this.post({ type: 'postmortemFailed', message: message(err) });
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    while (this.disposables.length > 0) this.disposables.pop()?.dispose();
    this.panel.dispose();
  }
}
