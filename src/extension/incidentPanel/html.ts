/**
 * The incident panel's HTML, built in one place with its Content Security Policy: nothing loads
 * by default; the one script runs by a per-render nonce; styles and fonts come only from the
 * extension's own resources (`cspSource`); no inline script or style anywhere. No vscode import,
 * so the policy is tested in plain Node.
 */
import { randomBytes } from 'node:crypto';

export interface PanelHtmlInput {
  /** `webview.cspSource`. */
  cspSource: string;
  nonce: string;
  /** `webview.asWebviewUri(...)` strings of the bundle and the stylesheets. */
  scriptUri: string;
  codiconCssUri: string;
  styleUri: string;
  title: string;
}

/** 128 random bits from the OS, base64: unguessable, unlike `Math.random`. */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

export function buildPanelHtml(input: PanelHtmlInput): string {
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(input.nonce)) throw new Error('the nonce must be at least 16 base64 characters');
  const csp = contentSecurityPolicy(input.cspSource, input.nonce);
  const a = escapeHtml;
  // The codicon stylesheet carries the id @vscode-elements' icon component looks up to load the font in its shadow root.
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${a(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" id="vscode-codicon-stylesheet" href="${a(input.codiconCssUri)}">
<link rel="stylesheet" href="${a(input.styleUri)}">
<title>${a(input.title)}</title>
</head>
<body>
<main id="app" data-testid="incident-app"><p class="loading">Loading ${a(input.title)}…</p></main>
<script nonce="${a(input.nonce)}" src="${a(input.scriptUri)}"></script>
</body>
</html>
`;
}
