/**
 * The incident view's entry point (bundled to dist/webview/main.js). Registers only the
 * @vscode-elements components the view uses, then starts the app once the page is parsed.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { App } from './ui/app';
import { Bridge } from './ui/bridge';

function start(): void {
  const root = document.getElementById('app');
  if (root) new App(root, new Bridge());
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
