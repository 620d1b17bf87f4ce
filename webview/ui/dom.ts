/**
 * A small element builder. Text always goes in through `textContent`, never as HTML, so incident
 * data (log lines, file names, agent output) cannot inject markup; and there is no `style`
 * attribute: the CSP forbids inline styles, so looks come from classes in media/webview.
 */

export type Child = Node | string | null | undefined | false;

export interface Attrs {
  class?: string | (string | false | null | undefined)[];
  testid?: string;
  text?: string;
  on?: { [K in keyof HTMLElementEventMap]?: (ev: HTMLElementEventMap[K]) => void } & Record<string, (ev: Event) => void>;
  [attr: string]: unknown;
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs, ...children: Child[]): HTMLElementTagNameMap[K];
export function h(tag: string, attrs?: Attrs, ...children: Child[]): HTMLElement;
export function h(tag: string, attrs: Attrs = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = Array.isArray(v) ? v.filter(Boolean).join(' ') : String(v);
    else if (k === 'testid') el.dataset.testid = String(v);
    else if (k === 'text') el.textContent = String(v);
    else if (k === 'on') {
      for (const [type, fn] of Object.entries(v as Record<string, (ev: Event) => void>)) el.addEventListener(type, fn);
    } else if (k === 'style') throw new Error('inline styles are blocked by the CSP; use a class');
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

/** A codicon, hidden from screen readers: whatever it means is also said in text next to it. */
export function icon(name: string, extra = ''): HTMLElement {
  return h('span', { class: `codicon codicon-${name} ${extra}`.trim(), 'aria-hidden': 'true' });
}

/** Text only screen readers hear (the icon-only parts of a row). */
export function srOnly(text: string): HTMLElement {
  return h('span', { class: 'sr-only', text });
}

/** A plain button that looks like a link, for things that open something. */
export function linkButton(label: Child[], onClick: () => void, attrs: Attrs = {}): HTMLButtonElement {
  const cls = ['link-button', ...(Array.isArray(attrs.class) ? attrs.class : [attrs.class])];
  return h('button', { type: 'button', ...attrs, class: cls, on: { click: () => onClick() } }, ...label);
}
