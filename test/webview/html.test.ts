import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildPanelHtml, contentSecurityPolicy, makeNonce } from '../../src/extension/incidentPanel/html';

const cspSource = 'https://file+.vscode-resource.vscode-cdn.net';
const input = {
  cspSource,
  nonce: makeNonce(),
  scriptUri: `${cspSource}/ext/dist/webview/main.js`,
  codiconCssUri: `${cspSource}/ext/dist/webview/codicons/codicon.css`,
  styleUri: `${cspSource}/ext/media/webview/incident.css`,
  title: 'INC-0001',
};

function cspOf(html: string): Map<string, string[]> {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html);
  assert.ok(m, 'the page declares a CSP');
  const directives = new Map<string, string[]>();
  for (const d of (m[1] ?? '').replace(/&#39;/g, "'").split(';')) {
    const [name, ...values] = d.trim().split(/\s+/);
    if (name) directives.set(name, values);
  }
  return directives;
}

test('nonces are fresh, long and base64 (from crypto, not Math.random)', () => {
  const a = makeNonce();
  const b = makeNonce();
  assert.notEqual(a, b);
  assert.match(a, /^[A-Za-z0-9+/]{22}==$/);
});

test('the CSP denies everything by default and allows only the nonce script and cspSource styles, fonts and images', () => {
  const html = buildPanelHtml(input);
  const csp = cspOf(html);
  assert.deepEqual(csp.get('default-src'), ["'none'"]);
  assert.deepEqual(csp.get('script-src'), [`'nonce-${input.nonce}'`]);
  assert.deepEqual(csp.get('style-src'), [cspSource]);
  assert.deepEqual(csp.get('font-src'), [cspSource]);
  assert.deepEqual(csp.get('img-src'), [cspSource]);
  for (const [name, values] of csp) {
    for (const v of values) {
      assert.ok(!/unsafe-|^\*$|^https?:$|^data:$|^blob:$/.test(v), `${name} allows ${v}`);
    }
  }
  assert.equal(contentSecurityPolicy(cspSource, 'n'.repeat(16)).includes("default-src 'none'"), true);
});

test('no inline script or style: every script has the nonce and a src, no style element or attribute, no handlers', () => {
  const html = buildPanelHtml(input);
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
  assert.equal(scripts.length, 1);
  for (const [, attrs, body] of scripts) {
    assert.match(attrs ?? '', new RegExp(`nonce="${input.nonce.replace(/[+/]/g, (c) => `\\${c}`)}"`));
    assert.match(attrs ?? '', /src="[^"]+"/);
    assert.equal((body ?? '').trim(), '', 'no inline script body');
  }
  assert.doesNotMatch(html, /<style\b/i);
  assert.doesNotMatch(html, /\sstyle\s*=/i);
  assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'no inline event handlers');
  assert.doesNotMatch(html, /javascript:/i);
});

test('every resource the page loads comes from cspSource; the codicon sheet carries the id the icon component looks for', () => {
  const html = buildPanelHtml(input);
  const urls = [...html.matchAll(/\s(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
  assert.equal(urls.length, 3);
  for (const u of urls) assert.ok(u.startsWith(`${cspSource}/`), u);
  assert.match(html, /<link rel="stylesheet" id="vscode-codicon-stylesheet" href="[^"]+codicon\.css">/);
});

test('text in the page is escaped, and a malformed nonce is refused', () => {
  const html = buildPanelHtml({ ...input, title: '<img src=x onerror=alert(1)>"' });
  assert.doesNotMatch(html, /<img/);
  assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;&quot;/);
  assert.throws(() => buildPanelHtml({ ...input, nonce: 'short' }), /nonce/);
  assert.throws(() => buildPanelHtml({ ...input, nonce: `${'a'.repeat(20)}" onload="x` }), /nonce/);
});
