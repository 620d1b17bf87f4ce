/**
 * The webview's only channel to the extension: typed sends, guarded receives, saved state.
 * `acquireVsCodeApi` may be called once per page, so this is the one place that calls it.
 */
import { type HostMessage, type WebviewMessage, isHostMessage } from '../../src/protocol/messages';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export class Bridge {
  private readonly api: VsCodeApi = acquireVsCodeApi();

  send(message: WebviewMessage): void {
    this.api.postMessage(message);
  }

  /** Calls `handler` for each well-formed host message; anything else is dropped (and logged for whoever debugs the webview). */
  listen(handler: (message: HostMessage) => void): void {
    window.addEventListener('message', (ev: MessageEvent<unknown>) => {
      if (isHostMessage(ev.data)) handler(ev.data);
      else console.warn('incident view: dropped a malformed message from the extension');
    });
  }

  savedState(): unknown {
    return this.api.getState();
  }

  saveState(state: unknown): void {
    this.api.setState(state);
  }
}
