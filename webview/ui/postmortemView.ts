/**
 * The postmortem tab: every field of the record, edited in place and saved through the host. Each
 * field shows whether it is the engine's draft, confirmed by a person, or empty; a draft can be
 * accepted as written. The blameless check runs in the extension (the webview never loads the
 * engine); its findings appear under the text they flag.
 */
import type { BlameFinding, WebviewMessage } from '../../src/protocol/messages';
import type { FieldState, Postmortem } from '../../src/protocol/postmortem';
import {
  type EditResult,
  type FieldSpec,
  type ListSpec,
  LIST_SPECS,
  OUTCOME_OPTIONS,
  POSTMORTEM_SECTIONS,
  type Path,
  addListItem,
  confirmAt,
  editField,
  editListCell,
  getIn,
  keepBlameSentence,
  listItems,
  pathKey,
  proseTexts,
  removeListItem,
  setAnnotation,
  stateAt,
  stateCounts,
  unkeepBlameSentence,
  valueToText,
} from '../model/postmortemForm';
import type { StableContext } from './context';
import { h, icon } from './dom';

const STATE_INFO: Record<FieldState, { icon: string; label: string }> = {
  drafted: { icon: 'sparkle', label: 'drafted' },
  confirmed: { icon: 'check', label: 'confirmed' },
  empty: { icon: 'circle-outline', label: 'empty' },
};

/** Which list editors follow which section. */
const LISTS_AFTER: Record<string, string[]> = { whatHappened: ['containment'], rootCause: ['fiveWhys'], gaps: ['actions'] };

const BLAME_DELAY_MS = 600;

type Control = HTMLElement & { value: string; checked?: boolean };

export interface PostmortemDeps {
  send(msg: WebviewMessage): void;
  /** Keeps an unsaved edit across reloads (null once saved or discarded). */
  persistDraft(pm: Postmortem | null): void;
  notify(text: string, level: 'info' | 'error'): void;
}

let controlIds = 0;

const textRows = (text: string): number => Math.min(14, Math.max(2, text.split('\n').length + 1));

export class PostmortemView {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private readonly progress: HTMLElement;
  private readonly dirtyLabel: HTMLElement;
  private readonly blameStatus: HTMLElement;
  private readonly saveButton: HTMLElement;
  private readonly discardButton: HTMLElement;
  private stored: Postmortem | null = null;
  private pm: Postmortem | null = null;
  private dirty = false;
  private saving = false;
  private blameAvailable = false;
  private blameRequest = 0;
  private blameTimer: ReturnType<typeof setTimeout> | undefined;
  private findings: BlameFinding[] = [];
  private readonly findingHosts = new Map<string, HTMLElement>();
  private readonly badgeHosts = new Map<string, { badge: HTMLElement; confirm: HTMLElement | null; holder: Path }>();

  constructor(
    private readonly ctx: StableContext,
    private readonly deps: PostmortemDeps,
  ) {
    this.progress = h('span', { class: 'pm-progress', testid: 'postmortem-progress' });
    this.dirtyLabel = h('span', { class: 'pm-dirty', testid: 'postmortem-dirty', 'aria-live': 'polite' });
    this.blameStatus = h('span', { class: 'pm-blame-status', testid: 'blame-status', 'aria-live': 'polite' });
    this.saveButton = h('vscode-button', { icon: 'save', testid: 'postmortem-save', disabled: true }, 'Save postmortem');
    this.saveButton.addEventListener('click', () => this.save());
    this.discardButton = h(
      'vscode-button',
      { secondary: true, icon: 'discard', testid: 'postmortem-discard', disabled: true },
      'Discard changes',
    );
    this.discardButton.addEventListener('click', () => this.discard());
    this.body = h('div', { class: 'pm-body', testid: 'postmortem-form' }, h('p', { class: 'loading', text: 'Loading the postmortem…' }));
    this.element = h(
      'section',
      { class: 'postmortem', 'aria-label': 'Postmortem' },
      h('div', { class: 'pm-toolbar' }, this.saveButton, this.discardButton, this.progress, this.dirtyLabel, this.blameStatus),
      this.body,
    );
  }

  get loaded(): boolean {
    return this.pm !== null;
  }

  /** The stored record arrived; an unsaved draft of the same incident wins over it. */
  load(stored: Postmortem, blameAvailable: boolean, draft: Postmortem | null): void {
    this.stored = stored;
    this.blameAvailable = blameAvailable;
    const useDraft = draft !== null && draft.incidentId === stored.incidentId;
    this.pm = useDraft ? draft : stored;
    this.setDirty(useDraft && JSON.stringify(draft) !== JSON.stringify(stored));
    this.render();
    this.scheduleBlameCheck(0);
  }

  saved(pm: Postmortem): void {
    this.saving = false;
    this.stored = pm;
    this.pm = pm;
    this.setDirty(false);
    this.deps.persistDraft(null);
    this.render();
    this.deps.notify('Postmortem saved.', 'info');
  }

  saveFailed(message: string): void {
    this.saving = false;
    this.updateToolbar();
    this.deps.notify(`The postmortem was not saved: ${message}`, 'error');
  }

  showFindings(requestId: number, findings: BlameFinding[]): void {
    if (requestId !== this.blameRequest) return;
    this.findings = findings;
    this.drawFindings();
  }

  private save(): void {
    if (!this.pm || !this.dirty || this.saving) return;
    this.saving = true;
    this.updateToolbar();
    this.deps.send({ type: 'savePostmortem', postmortem: this.pm });
  }

  private discard(): void {
    if (!this.stored) return;
    this.pm = this.stored;
    this.setDirty(false);
    this.deps.persistDraft(null);
    this.render();
    this.scheduleBlameCheck(0);
  }

  private setDirty(dirty: boolean): void {
    this.dirty = dirty;
    this.updateToolbar();
  }

  private updateToolbar(): void {
    this.saveButton.toggleAttribute('disabled', !this.dirty || this.saving);
    this.discardButton.toggleAttribute('disabled', !this.dirty || this.saving);
    this.dirtyLabel.textContent = this.saving ? 'Saving…' : this.dirty ? 'Unsaved changes' : '';
    if (this.pm) {
      const c = stateCounts(this.pm);
      this.progress.textContent = `${c.confirmed} confirmed · ${c.drafted} drafted · ${c.empty} empty`;
    }
  }

  /** Applies an edit; `structural` edits (list rows added/removed) redraw the form. */
  private apply(result: EditResult, structural: boolean, errorHost?: HTMLElement): boolean {
    if (!result.ok) {
      if (errorHost) errorHost.textContent = result.error;
      return false;
    }
    if (errorHost) errorHost.textContent = '';
    this.pm = result.postmortem;
    this.setDirty(true);
    this.deps.persistDraft(this.pm);
    if (structural) this.render();
    else this.refreshBadges();
    this.scheduleBlameCheck(BLAME_DELAY_MS);
    return true;
  }

  private scheduleBlameCheck(delay: number): void {
    if (!this.blameAvailable) {
      this.blameStatus.textContent = 'The blameless check is not available in this version.';
      return;
    }
    clearTimeout(this.blameTimer);
    this.blameTimer = setTimeout(() => {
      if (!this.pm) return;
      this.blameRequest++;
      this.blameStatus.textContent = 'Checking wording…';
      this.deps.send({ type: 'checkBlame', requestId: this.blameRequest, texts: proseTexts(this.pm) });
    }, delay);
  }

  private render(): void {
    const pm = this.pm;
    if (!pm) return;
    this.findingHosts.clear();
    this.badgeHosts.clear();
    const parts: HTMLElement[] = [];
    for (const section of POSTMORTEM_SECTIONS) {
      parts.push(
        h(
          'fieldset',
          { class: 'pm-section', testid: `pm-section-${section.id}` },
          h('legend', { text: section.title }),
          ...section.fields.map((f) => this.renderField(pm, f)),
        ),
      );
      for (const listId of LISTS_AFTER[section.id] ?? []) {
        const list = LIST_SPECS.find((l) => l.id === listId);
        if (list) parts.push(this.renderList(pm, list));
      }
    }
    parts.push(this.renderAnnotation(pm));
    this.body.replaceChildren(...parts);
    this.refreshBadges();
    this.drawFindings();
  }

  private stateBadge(holder: Path, key: string): HTMLElement {
    const badge = h('span', { class: 'state-badge', testid: `pm-state-${key}` });
    const confirm = h(
      'vscode-button',
      { secondary: true, icon: 'check', testid: `pm-confirm-${key}`, class: 'pm-confirm' },
      'Confirm draft',
    );
    confirm.addEventListener('click', () => {
      if (this.pm) this.apply(confirmAt(this.pm, holder), false);
    });
    this.badgeHosts.set(key, { badge, confirm, holder });
    return h('span', { class: 'pm-state' }, badge, confirm);
  }

  private refreshBadges(): void {
    if (!this.pm) return;
    for (const { badge, confirm, holder } of this.badgeHosts.values()) {
      const state = stateAt(this.pm, holder);
      badge.className = `state-badge state-${state ?? 'none'}`;
      badge.replaceChildren(...(state ? [icon(STATE_INFO[state].icon), ` ${STATE_INFO[state].label}`] : []));
      confirm?.classList.toggle('hidden', state !== 'drafted');
    }
    this.updateToolbar();
  }

  private control(spec: FieldSpec, value: unknown, key: string, id: string): Control {
    const text = valueToText(spec, value, this.ctx.zone);
    const common = { id, label: spec.label, testid: `pm-field-${key}`, class: 'pm-control' };
    let el: Control;
    switch (spec.kind) {
      case 'select':
      case 'score':
        el = h(
          'vscode-single-select',
          common,
          ...(spec.options ?? []).map((o) => h('vscode-option', { value: o.id, selected: o.id === text, text: o.label })),
        );
        break;
      case 'boolean':
        el = h('vscode-checkbox', common, spec.label);
        el.checked = value === true;
        return el;
      case 'multiline':
      case 'lines':
        // Not resizable by drag: the component's resize handle is a data: image the CSP refuses. It grows with its text instead.
        el = h('vscode-textarea', { ...common, rows: String(textRows(text)) });
        el.addEventListener('input', () => el.setAttribute('rows', String(textRows(el.value))));
        break;
      default:
        el = h('vscode-textfield', { ...common, placeholder: spec.hint ?? '', title: spec.accepts });
    }
    el.value = text;
    return el;
  }

  /** Wires a control to an edit function; text is applied as typed, other inputs when they change. */
  private wire(el: Control, spec: FieldSpec, edit: (raw: string | boolean) => EditResult, errorHost: HTMLElement): void {
    // Text is applied as typed; what only parses once complete (amounts, durations, times, dates) when it changes.
    const live = spec.kind === 'text' || spec.kind === 'multiline' || spec.kind === 'lines';
    el.addEventListener(live ? 'input' : 'change', () => {
      this.apply(edit(spec.kind === 'boolean' ? el.checked === true : el.value), false, errorHost);
    });
  }

  private renderField(pm: Postmortem, spec: FieldSpec): HTMLElement {
    const key = pathKey([...spec.holder, ...spec.at]);
    const id = `pm-${++controlIds}`;
    const el = this.control(spec, getIn(pm, [...spec.holder, ...spec.at]), key, id);
    const error = h('p', { class: 'field-error', role: 'alert', testid: `pm-error-${key}` });
    this.wire(el, spec, (raw) => editField(this.pm as Postmortem, spec, raw, this.ctx.zone), error);
    const findings = h('div', { class: 'blame-findings', testid: `pm-blame-${key}` });
    if (spec.prose) this.findingHosts.set(key, findings);
    const source = getIn(pm, [...spec.holder, 'source']);
    return h(
      'div',
      { class: ['pm-field', `input-${spec.kind}`], 'data-path': key },
      h(
        'div',
        { class: 'pm-field-head' },
        spec.kind === 'boolean' ? null : h('vscode-label', { for: id, text: spec.label }),
        spec.stateless ? null : this.stateBadge(spec.holder, key),
      ),
      el,
      typeof source === 'string' ? h('p', { class: 'pm-source', text: `found at ${source}` }) : null,
      error,
      findings,
    );
  }

  private renderList(pm: Postmortem, list: ListSpec): HTMLElement {
    const items = listItems(pm, list);
    const rows = items.map((item, index) => {
      const base = [...list.path, index];
      const itemKey = pathKey(base);
      const error = h('p', { class: 'field-error', role: 'alert' });
      const cells = list.columns.map((col) => {
        const key = pathKey([...base, ...col.at]);
        const id = `pm-${++controlIds}`;
        const el = this.control(col, getIn(item, col.at), key, id);
        this.wire(el, col, (raw) => editListCell(this.pm as Postmortem, list, index, col, raw, this.ctx.zone), error);
        const findings = h('div', { class: 'blame-findings', testid: `pm-blame-${key}` });
        if (col.prose) this.findingHosts.set(key, findings);
        return h('div', { class: ['pm-cell', `input-${col.kind}`] }, h('vscode-label', { for: id, text: col.label }), el, findings);
      });
      const evidence = getIn(item, ['evidence']);
      const remove = h(
        'button',
        {
          type: 'button',
          class: 'icon-button',
          'aria-label': `Remove ${list.title.toLowerCase()} item ${index + 1}`,
          title: 'Remove',
          testid: `pm-remove-${list.id}`,
        },
        icon('trash'),
      );
      remove.addEventListener('click', () => {
        if (this.pm) this.apply(removeListItem(this.pm, list, index), true);
      });
      return h(
        'div',
        { class: 'pm-list-item', testid: `pm-item-${list.id}`, 'data-path': itemKey },
        h(
          'div',
          { class: 'pm-item-head' },
          h('span', { class: 'pm-item-number', text: `${index + 1}.` }),
          list.sharedState ? null : this.stateBadge(base, itemKey),
          remove,
        ),
        ...cells,
        Array.isArray(evidence) && evidence.length > 0 ? this.renderWhyEvidence(evidence) : null,
        error,
      );
    });
    const add = h('vscode-button', { secondary: true, icon: 'add', testid: `pm-add-${list.id}` }, list.addLabel);
    add.addEventListener('click', () => {
      if (this.pm) this.apply(addListItem(this.pm, list), true);
    });
    return h(
      'fieldset',
      { class: 'pm-section pm-list', testid: `pm-section-${list.id}` },
      h('legend', { text: list.title }),
      list.sharedState ? h('div', { class: 'pm-field-head' }, this.stateBadge(list.sharedState, pathKey(list.sharedState))) : null,
      ...(rows.length > 0 ? rows : [h('p', { class: 'pm-empty', text: 'None yet.' })]),
      add,
    );
  }

  private renderWhyEvidence(evidence: unknown[]): HTMLElement {
    const chips = evidence.flatMap((e) => {
      const kind = getIn(e, ['kind']);
      const ref = getIn(e, ['ref']);
      if (typeof kind !== 'string' || typeof ref !== 'string' || kind === 'none') return [];
      const open = (): void => {
        if (kind === 'change') this.ctx.openChangeDiff(ref);
        else this.ctx.showInTimeline(ref);
      };
      const b = h('button', { type: 'button', class: 'link-button chip', testid: 'pm-why-evidence' }, `${kind} ${ref}`);
      b.addEventListener('click', open);
      return [b];
    });
    return h('p', { class: 'pm-why-evidence' }, h('span', { class: 'label', text: 'Rests on: ' }), ...chips);
  }

  private renderAnnotation(pm: Postmortem): HTMLElement {
    const error = h('p', { class: 'field-error', role: 'alert' });
    const selectId = `pm-${++controlIds}`;
    const noteId = `pm-${++controlIds}`;
    const current = pm.annotation?.outcome ?? 'none';
    const select = h(
      'vscode-single-select',
      { id: selectId, label: 'Outcome', testid: 'pm-field-annotation.outcome' },
      ...OUTCOME_OPTIONS.map((o) => h('vscode-option', { value: o.id, selected: o.id === current, text: o.label })),
    );
    const note = h('vscode-textfield', { id: noteId, label: 'Note', testid: 'pm-field-annotation.note' });
    note.value = pm.annotation?.note ?? '';
    const update = (): void => {
      if (this.pm) this.apply(setAnnotation(this.pm, select.value, note.value, Date.now()), false, error);
    };
    select.addEventListener('change', update);
    note.addEventListener('change', update);
    const findings = h('div', { class: 'blame-findings' });
    this.findingHosts.set('annotation.note', findings);
    const kept = pm.keptBlameSentences.map((s) => {
      const undo = h('button', { type: 'button', class: 'link-button', testid: 'pm-unkeep' }, 'Stop keeping');
      undo.addEventListener('click', () => {
        if (this.pm) this.apply({ ok: true, postmortem: unkeepBlameSentence(this.pm, s) }, true);
      });
      return h('li', {}, h('q', { text: s }), ' ', undo);
    });
    return h(
      'fieldset',
      { class: 'pm-section', testid: 'pm-section-annotation' },
      h('legend', { text: 'Outcome annotation' }),
      h('div', { class: 'pm-field' }, h('vscode-label', { for: selectId, text: 'Outcome' }), select),
      h('div', { class: 'pm-field' }, h('vscode-label', { for: noteId, text: 'Note' }), note, findings),
      error,
      kept.length > 0
        ? h('div', {}, h('h3', { text: 'Sentences kept despite the blameless check' }), h('ul', { testid: 'pm-kept' }, ...kept))
        : null,
    );
  }

  private drawFindings(): void {
    for (const host of this.findingHosts.values()) host.replaceChildren();
    const pm = this.pm;
    if (!pm) return;
    let open = 0;
    for (const f of this.findings) {
      const host = this.hostFor(f.field);
      if (!host) continue;
      const kept = pm.keptBlameSentences.includes(f.sentence);
      if (!kept) open++;
      const keep = h('button', { type: 'button', class: 'link-button', testid: 'blame-keep' }, kept ? 'Stop keeping' : 'Keep as written');
      keep.addEventListener('click', () => {
        if (!this.pm) return;
        const next = kept ? unkeepBlameSentence(this.pm, f.sentence) : keepBlameSentence(this.pm, f.sentence);
        this.apply({ ok: true, postmortem: next }, false);
        this.drawFindings();
      });
      host.appendChild(
        h(
          'p',
          { class: ['blame-finding', kept && 'kept'], testid: 'blame-finding' },
          icon(kept ? 'pass' : 'warning'),
          h('span', { class: 'sr-only', text: kept ? 'Kept: ' : 'Blame wording: ' }),
          ` “${f.sentence}” names ${f.who} next to a mistake. ${f.suggestion} `,
          keep,
        ),
      );
    }
    if (this.blameAvailable) {
      this.blameStatus.textContent =
        open === 0 ? 'Blameless check: no blame wording found.' : `Blameless check: ${open} sentence(s) read as blame.`;
    }
  }

  /** The field a finding belongs to: the registered path that is the longest prefix of its path. */
  private hostFor(field: string): HTMLElement | undefined {
    let best: string | undefined;
    for (const key of this.findingHosts.keys()) {
      if ((field === key || field.startsWith(`${key}.`)) && (best === undefined || key.length > best.length)) best = key;
    }
    return best === undefined ? undefined : this.findingHosts.get(best);
  }
}
