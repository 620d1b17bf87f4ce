import * as vscode from '../vscodeApi';
import { readPanelIdentity } from '../../protocol/panelState';
import { IncidentPanel, VIEW_TYPE, webviewOptions } from './incidentPanel';
import type { IncidentPanelHost } from './panelHost';

export type { IncidentPanelHost } from './panelHost';
export { VIEW_TYPE } from './incidentPanel';

export interface IncidentPanels {
  /** Reveals the incident's panel, opening one if there is none. */
  show(folder: string, incidentId: string): Promise<void>;
}

/**
 * Registers the incident view: one panel per incident, restored after a window reload by the
 * serializer (needs `onWebviewPanel:incidentReplay.incident` in activationEvents). The returned
 * registration, pushed onto `context.subscriptions`, owns the serializer and every open panel.
 */
export function registerIncidentPanel(context: vscode.ExtensionContext, host: IncidentPanelHost): IncidentPanels {
  const panels = new Map<string, IncidentPanel>();
  const key = (folder: string, incidentId: string): string => `${folder}\n${incidentId}`;

  const adopt = (panel: vscode.WebviewPanel, folder: string, incidentId: string): IncidentPanel => {
    const k = key(folder, incidentId);
    const p = new IncidentPanel(panel, host, folder, incidentId, show, () => {
      if (panels.get(k) === p) panels.delete(k);
    });
    panels.set(k, p);
    return p;
  };

  async function show(folder: string, incidentId: string): Promise<void> {
    const existing = panels.get(key(folder, incidentId));
    if (existing) {
      existing.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, incidentId, vscode.ViewColumn.Active, {
      ...webviewOptions(host.extensionUri),
      // The view keeps its own state (getState/setState), so it need not stay alive while hidden.
      retainContextWhenHidden: false,
    });
    adopt(panel, folder, incidentId);
  }

  const serializer = vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
      const identity = readPanelIdentity(state);
      // A panel whose state we cannot read would show nothing useful: close it rather than guess.
      if (!identity || panels.has(key(identity.folder, identity.incidentId))) {
        panel.dispose();
        return;
      }
      adopt(panel, identity.folder, identity.incidentId);
    },
  });

  context.subscriptions.push({
    dispose() {
      serializer.dispose();
      for (const p of [...panels.values()]) p.dispose();
      panels.clear();
    },
  });
  return { show };
}
