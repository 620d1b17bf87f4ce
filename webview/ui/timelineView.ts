/**
 * The timeline tab: toolbar (search, kind and severity filters, grouping, jump to first error),
 * the time axis, and a virtualised grid of fixed-height rows. Only the rows in view (plus
 * overscan) exist in the DOM; keyboard focus stays on the grid and moves a highlighted row
 * (`aria-activedescendant`), so rows can come and go while scrolling without losing focus.
 */
import { formatPreciseDuration } from '../../src/model/format';
import { formatClock } from '../../src/model/time';
import { formatDelta } from '../model/format';
import { buildTimeAxis } from '../model/timeAxis';
import {
  DISPLAY_KINDS,
  type DisplayKind,
  KIND_INFO,
  SEVERITY_FILTERS,
  SEVERITY_INFO,
  type SeverityFilter,
  type TimelineModel,
  type TimelineQuery,
  type TimelineRow,
  type TimelineEntry,
  type Repeats,
  facetCounts,
  firstErrorRow,
  rowOfEvent,
  timelineRows,
} from '../model/timeline';
import type { ViewState } from '../model/viewState';
import { computeWindow, isNavKey, moveActive, revealRow } from '../model/virtualWindow';
import type { ViewContext } from './context';
import { h, icon, srOnly } from './dom';

/** Must match `--tl-row-height` in media/webview/incident.css; set from here so they cannot disagree. */
export const ROW_HEIGHT = 26;
const OVERSCAN = 12;
const AXIS_BUCKETS = 80;

export class TimelineView {
  readonly element: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly rowsHost: HTMLElement;
  private readonly axis: HTMLElement;
  private readonly axisSummary: HTMLElement;
  private readonly countLabel: HTMLElement;
  private readonly jumpButton: HTMLElement;
  private readonly kindButtons = new Map<DisplayKind, HTMLButtonElement>();
  private readonly severityButtons = new Map<SeverityFilter, HTMLButtonElement>();
  private readonly groupToggle: HTMLElement;
  private readonly search: HTMLElement & { value: string };
  private rows: TimelineRow[] = [];
  private active = -1;
  private drawn = { first: -1, end: -1, active: -2 };
  private frame = 0;

  constructor(
    private readonly model: TimelineModel,
    private readonly ctx: ViewContext,
    private readonly state: ViewState,
    private readonly persist: () => void,
  ) {
    const counts = facetCounts(model);
    this.search = h('vscode-textfield', {
      type: 'search',
      placeholder: 'Search events (title, detail, file)',
      label: 'Search events',
      testid: 'timeline-search',
      class: 'tl-search',
    });
    this.search.value = state.search;
    this.search.addEventListener('input', () => {
      this.state.search = this.search.value;
      this.requery(true);
    });

    const kindFilters = h('div', { class: 'filter-group', role: 'group', 'aria-label': 'Show event kinds' });
    for (const kind of DISPLAY_KINDS) {
      if (counts.kinds[kind] === 0) continue;
      const b = h(
        'button',
        { type: 'button', class: ['filter-toggle', `kind-${kind}`], testid: `filter-kind-${kind}` },
        icon(KIND_INFO[kind].icon, 'kind-icon'),
        ` ${KIND_INFO[kind].label} `,
        h('span', { class: 'filter-count', text: String(counts.kinds[kind]) }),
      );
      b.addEventListener('click', () => this.toggle(this.state.hiddenKinds, kind));
      this.kindButtons.set(kind, b);
      kindFilters.appendChild(b);
    }
    const severityFilters = h('div', { class: 'filter-group', role: 'group', 'aria-label': 'Show severities' });
    for (const sev of SEVERITY_FILTERS) {
      if (counts.severities[sev] === 0) continue;
      const b = h(
        'button',
        { type: 'button', class: ['filter-toggle', `sev-${sev}`], testid: `filter-severity-${sev}` },
        icon(SEVERITY_INFO[sev].icon, 'sev-icon'),
        ` ${SEVERITY_INFO[sev].label} `,
        h('span', { class: 'filter-count', text: String(counts.severities[sev]) }),
      );
      b.addEventListener('click', () => this.toggle(this.state.hiddenSeverities, sev));
      this.severityButtons.set(sev, b);
      severityFilters.appendChild(b);
    }
    this.groupToggle = h('vscode-checkbox', { label: 'Group by kind', testid: 'timeline-group-by-kind' });
    (this.groupToggle as HTMLElement & { checked: boolean }).checked = state.groupByKind;
    this.groupToggle.addEventListener('change', () => {
      this.state.groupByKind = (this.groupToggle as HTMLElement & { checked: boolean }).checked;
      this.requery(true);
    });
    this.jumpButton = h('vscode-button', { secondary: true, icon: 'debug-step-over', testid: 'jump-first-error' }, 'Jump to first error');
    this.jumpButton.addEventListener('click', () => this.jumpToFirstError());
    this.countLabel = h('span', { class: 'tl-count', 'aria-live': 'polite', testid: 'timeline-count' });

    this.axis = h('div', { class: 'time-axis', testid: 'time-axis', 'aria-hidden': 'true' });
    this.axisSummary = h('p', { class: 'axis-summary', testid: 'time-axis-summary' });

    this.rowsHost = h('div', { class: 'tl-rows', role: 'rowgroup' });
    this.spacer = h('div', { class: 'tl-spacer' }, this.rowsHost);
    this.viewport = h(
      'div',
      {
        class: 'tl-viewport',
        role: 'grid',
        tabindex: '0',
        'aria-label': 'Timeline events. Arrow keys move, Enter opens the file or diff, Shift+Enter opens the other view.',
        'aria-keyshortcuts': 'Enter Shift+Enter ArrowUp ArrowDown PageUp PageDown Home End',
        testid: 'timeline-list',
      },
      this.spacer,
    );
    this.viewport.style.setProperty('--tl-row-height', `${ROW_HEIGHT}px`);
    this.viewport.addEventListener('scroll', () => this.scheduleDraw());
    this.viewport.addEventListener('keydown', (ev) => this.onKey(ev));
    this.viewport.addEventListener('focus', () => {
      // Keyboard focus with nothing selected selects the first row; a click selects its own.
      if (this.active < 0 && this.rows.length > 0 && this.viewport.matches(':focus-visible')) this.setActive(0, false);
    });
    this.rowsHost.addEventListener('click', (ev) => this.onRowClick(ev));

    this.element = h(
      'section',
      { class: 'timeline', 'aria-label': 'Timeline' },
      h('div', { class: 'tl-toolbar' }, this.search, kindFilters, severityFilters, this.groupToggle, this.jumpButton, this.countLabel),
      this.axis,
      this.axisSummary,
      this.viewport,
    );
    this.requery(false);
    const restored = state.activeEventId === null ? -1 : rowOfEvent(model, this.rows, state.activeEventId);
    this.active = restored;
  }

  /** Called once the element is in the document and has a size: restores the scroll position. */
  attached(): void {
    this.viewport.scrollTop = this.state.timelineScroll;
    this.draw();
  }

  /** Selects the row of an event (clearing filters that hide it) and scrolls it into view. */
  revealEvent(eventId: string): void {
    let row = rowOfEvent(this.model, this.rows, eventId);
    if (row < 0) {
      this.state.hiddenKinds = [];
      this.state.hiddenSeverities = [];
      this.state.search = '';
      this.state.collapsedKinds = [];
      this.search.value = '';
      this.requery(false);
      row = rowOfEvent(this.model, this.rows, eventId);
    }
    if (row >= 0) {
      this.setActive(row, true);
      this.viewport.focus();
    }
  }

  jumpToFirstError(): void {
    const row = firstErrorRow(this.model, this.rows);
    if (row >= 0) {
      this.setActive(row, true);
      this.viewport.focus();
    }
  }

  private toggle<T>(list: T[], value: T, resetScroll = true): void {
    const i = list.indexOf(value);
    if (i >= 0) list.splice(i, 1);
    else list.push(value);
    this.requery(resetScroll);
  }

  private query(): TimelineQuery {
    return {
      hiddenKinds: new Set(this.state.hiddenKinds),
      hiddenSeverities: new Set(this.state.hiddenSeverities),
      search: this.state.search,
      groupByKind: this.state.groupByKind,
      collapsedKinds: new Set(this.state.collapsedKinds),
      expandedEvents: new Set(this.state.expandedEvents),
    };
  }

  /** Recomputes the rows; a filter or search change starts again from the top. */
  private requery(resetScroll: boolean): void {
    const activeId = this.activeEventId();
    this.rows = timelineRows(this.model, this.query());
    this.active = activeId === null ? -1 : rowOfEvent(this.model, this.rows, activeId);
    for (const [kind, b] of this.kindButtons) b.setAttribute('aria-pressed', String(!this.state.hiddenKinds.includes(kind)));
    for (const [sev, b] of this.severityButtons) b.setAttribute('aria-pressed', String(!this.state.hiddenSeverities.includes(sev)));
    const shown = this.rows.filter((r) => r.type === 'event').length;
    this.countLabel.textContent = `${shown} of ${this.model.entries.length} events`;
    this.viewport.setAttribute('aria-rowcount', String(this.rows.length));
    this.jumpButton.toggleAttribute('disabled', firstErrorRow(this.model, this.rows) < 0);
    this.drawAxis();
    this.drawn = { first: -1, end: -1, active: -2 };
    if (resetScroll) this.viewport.scrollTop = 0;
    this.persist();
    this.draw();
  }

  private activeEventId(): string | null {
    const r = this.rows[this.active];
    return r?.type === 'event' ? (this.model.entries[r.entry]?.event.id ?? null) : null;
  }

  private drawAxis(): void {
    const axis = buildTimeAxis(this.model, this.rows, AXIS_BUCKETS);
    const bars = axis.buckets.map((b) => {
      const bar = h('div', {
        class: ['axis-bucket', b.count === 0 && 'empty', b.errors > 0 && 'has-error', b.burst && 'burst', b.gap && 'gap'],
        title: `${formatClock(b.start, this.ctx.zone)} – ${formatClock(b.end, this.ctx.zone)}: ${b.count} event(s)${b.errors ? `, ${b.errors} error(s)` : ''}${b.burst ? ' (burst)' : ''}${b.gap ? ' (gap)' : ''}`,
      });
      // Bar height through a custom property set via CSSOM: allowed by the CSP, unlike a style attribute.
      bar.style.setProperty('--fill', axis.maxCount === 0 ? '0' : (b.count / axis.maxCount).toFixed(3));
      if (b.firstRow >= 0) bar.addEventListener('click', () => this.setActive(b.firstRow, true));
      return bar;
    });
    this.axis.replaceChildren(...bars);
    const bursts = axis.buckets.filter((b) => b.burst).length;
    const parts = [
      axis.buckets.length === 0 ? 'No events shown.' : `Span ${formatPreciseDuration(axis.end - axis.start)}.`,
      axis.gaps.length > 0
        ? `${axis.gaps.length} gap(s), longest ${formatPreciseDuration(Math.max(...axis.gaps.map((g) => g.to - g.from)))}.`
        : '',
      bursts > 0 ? `${bursts} burst(s).` : '',
    ];
    this.axisSummary.textContent = parts.filter(Boolean).join(' ');
  }

  private scheduleDraw(): void {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.state.timelineScroll = this.viewport.scrollTop;
      this.persist();
      this.draw();
    });
  }

  private draw(): void {
    const win = computeWindow({
      rowCount: this.rows.length,
      rowHeight: ROW_HEIGHT,
      scrollTop: this.viewport.scrollTop,
      viewportHeight: this.viewport.clientHeight || 600,
      overscan: OVERSCAN,
    });
    this.spacer.style.setProperty('--tl-total', `${win.totalHeight}px`);
    this.rowsHost.style.setProperty('--tl-offset', `${win.offsetTop}px`);
    if (win.first !== this.drawn.first || win.end !== this.drawn.end) {
      const frag = document.createDocumentFragment();
      for (let i = win.first; i < win.end; i++) frag.appendChild(this.renderRow(i));
      this.rowsHost.replaceChildren(frag);
    } else if (this.active !== this.drawn.active) {
      // Only the selection moved: restyle the rows in place, so a click in progress keeps its target.
      for (const el of this.rowsHost.children) {
        if (!(el instanceof HTMLElement)) continue;
        const on = Number(el.dataset.row) === this.active;
        el.classList.toggle('active', on);
        if (el.hasAttribute('aria-selected')) el.setAttribute('aria-selected', String(on));
      }
    } else {
      return;
    }
    this.drawn = { first: win.first, end: win.end, active: this.active };
    const activeRow = this.rows[this.active];
    if (activeRow && this.active >= win.first && this.active < win.end)
      this.viewport.setAttribute('aria-activedescendant', `tl-cell-${this.active}`);
    else this.viewport.removeAttribute('aria-activedescendant');
  }

  private renderRow(i: number): HTMLElement {
    const row = this.rows[i] as TimelineRow;
    const common = { role: 'row', 'aria-rowindex': String(i + 1), 'data-row': String(i) };
    if (row.type === 'group') {
      const info = KIND_INFO[row.kind];
      return h(
        'div',
        {
          ...common,
          class: ['tl-row', 'tl-group', `kind-${row.kind}`, i === this.active && 'active'],
          testid: `timeline-group-${row.kind}`,
          'aria-expanded': String(!row.collapsed),
        },
        h(
          'div',
          { role: 'gridcell', id: `tl-cell-${i}`, class: 'tl-cell' },
          icon(row.collapsed ? 'chevron-right' : 'chevron-down'),
          icon(info.icon, 'kind-icon'),
          h('span', { class: 'tl-group-label', text: `${info.label} (${row.count})` }),
        ),
      );
    }
    const entry = this.model.entries[row.entry];
    if (!entry) return h('div', common);
    if (row.type === 'occurrence') return this.renderOccurrence(i, row, entry, common);
    const e = entry.event;
    const repeats = entry.repeats;
    const expanded = repeats !== null && this.state.expandedEvents.includes(e.id);
    const info = KIND_INFO[entry.kind];
    const targets = this.ctx.index.eventTargets(e);
    const sev = entry.severity;
    return h(
      'div',
      {
        ...common,
        class: [
          'tl-row',
          `kind-${entry.kind}`,
          `sev-${sev}`,
          entry.gap && 'gap',
          e.estimated && 'estimated',
          i === this.active && 'active',
          targets.primary && 'actionable',
        ],
        testid: 'timeline-row',
        'data-event-id': e.id,
        'data-kind': entry.kind,
        'aria-selected': String(i === this.active),
        ...(repeats ? { 'aria-expanded': String(expanded) } : {}),
      },
      h(
        'div',
        { role: 'gridcell', id: `tl-cell-${i}`, class: 'tl-cell' },
        h('span', { class: 'tl-time', text: `${e.estimated ? '~' : ''}${formatClock(e.timestamp, this.ctx.zone)}` }),
        e.estimated ? srOnly(' (estimated time)') : null,
        h('span', { class: ['tl-delta', entry.gap && 'gap'], text: entry.deltaMs === null ? '' : formatDelta(entry.deltaMs) }),
        entry.gap ? srOnly(' (gap)') : null,
        h('span', { class: 'tl-kind' }, icon(info.icon, 'kind-icon'), h('span', { class: 'tl-kind-label', text: info.label })),
        h(
          'span',
          { class: 'tl-sev' },
          sev === 'none' ? null : icon(SEVERITY_INFO[sev].icon, 'sev-icon'),
          sev === 'none' ? null : srOnly(`${SEVERITY_INFO[sev].label}: `),
        ),
        h('span', { class: 'tl-title', text: e.title, title: e.detail ?? e.title }),
        repeats
          ? h(
              'button',
              {
                type: 'button',
                tabindex: '-1',
                class: 'tl-repeats icon-button',
                'data-expand': '1',
                testid: 'timeline-row-repeats',
                'aria-label': `${expanded ? 'Hide' : 'Show'} the ${repeats.count} occurrences`,
                title: `${repeats.count} occurrences (Right/Left arrow shows or hides them)`,
              },
              icon(expanded ? 'chevron-down' : 'chevron-right'),
              h('span', { text: `×${repeats.count}` }),
            )
          : null,
        e.file ? h('span', { class: 'tl-file', text: `${e.file}${e.line ? `:${e.line}` : ''}` }) : null,
        targets.secondary
          ? h(
              'button',
              {
                type: 'button',
                tabindex: '-1',
                class: 'tl-secondary icon-button',
                'data-secondary': '1',
                testid: targets.secondary.type === 'diff' ? 'timeline-row-diff' : 'timeline-row-open',
                'aria-label': targets.secondary.type === 'diff' ? `Open diff of ${e.file ?? ''}` : `Open ${e.file ?? ''}`,
                title: targets.secondary.type === 'diff' ? 'Open diff (Shift+Enter)' : 'Open file (Shift+Enter)',
              },
              icon(targets.secondary.type === 'diff' ? 'diff' : 'go-to-file'),
            )
          : null,
      ),
    );
  }

  private renderOccurrence(
    i: number,
    row: Extract<TimelineRow, { type: 'occurrence' }>,
    entry: TimelineEntry,
    common: Record<string, string>,
  ): HTMLElement {
    const repeats = entry.repeats as Repeats;
    const o = repeats.occurrences[row.index];
    return h(
      'div',
      {
        ...common,
        class: ['tl-row', 'tl-occurrence', `sev-${entry.severity}`, i === this.active && 'active', 'actionable'],
        testid: 'timeline-occurrence',
        'data-event-id': entry.event.id,
        'aria-selected': String(i === this.active),
      },
      h(
        'div',
        { role: 'gridcell', id: `tl-cell-${i}`, class: 'tl-cell' },
        h('span', { class: 'tl-time', text: o ? formatClock(o.timestamp, this.ctx.zone) : '' }),
        h('span', { class: 'tl-title', text: `occurrence ${row.ordinal} of ${repeats.count}` }),
        o ? h('span', { class: 'tl-file', text: `${repeats.file}:${o.line}` }) : null,
      ),
    );
  }

  private toggleRepeats(row: number): boolean {
    const r = this.rows[row];
    const entry = r && r.type !== 'group' ? this.model.entries[r.entry] : undefined;
    if (!entry?.repeats) return false;
    this.toggle(this.state.expandedEvents, entry.event.id, false);
    // The event keeps the selection, wherever its occurrences were.
    const at = rowOfEvent(this.model, this.rows, entry.event.id);
    if (at >= 0) this.setActive(at, false);
    return true;
  }

  private setActive(row: number, reveal: boolean): void {
    if (row < 0 || row >= this.rows.length) return;
    this.active = row;
    this.state.activeEventId = this.activeEventId();
    if (reveal) {
      const viewportHeight = this.viewport.clientHeight || 600;
      this.viewport.scrollTop = revealRow(row, ROW_HEIGHT, this.viewport.scrollTop, viewportHeight);
    }
    this.persist();
    this.draw();
  }

  private activate(row: number, secondary: boolean): void {
    const r = this.rows[row];
    if (!r) return;
    if (r.type === 'group') {
      this.toggle(this.state.collapsedKinds, r.kind, false);
      return;
    }
    if (r.type === 'occurrence') {
      const repeats = this.model.entries[r.entry]?.repeats;
      const o = repeats?.occurrences[r.index];
      if (repeats && o) this.ctx.navigate({ type: 'location', file: repeats.file, line: Math.max(1, o.line) });
      return;
    }
    const e = this.model.entries[r.entry]?.event;
    if (!e) return;
    const targets = this.ctx.index.eventTargets(e);
    this.ctx.navigate(secondary ? targets.secondary : targets.primary);
  }

  private onRowClick(ev: MouseEvent): void {
    const target = ev.target instanceof Element ? ev.target : null;
    const rowEl = target?.closest<HTMLElement>('[data-row]');
    if (!rowEl) return;
    const row = Number(rowEl.dataset.row);
    this.setActive(row, false);
    this.viewport.focus({ preventScroll: true });
    if (target?.closest('[data-expand]') && this.toggleRepeats(row)) return;
    this.activate(row, target?.closest('[data-secondary]') !== null);
  }

  /** Whether the arrow key opens (Right) or closes (Left) the occurrences of the selected row's repeated error. */
  private expandsWith(key: 'ArrowLeft' | 'ArrowRight'): boolean {
    const r = this.rows[this.active];
    if (!r || r.type === 'group') return false;
    const entry = this.model.entries[r.entry];
    if (!entry?.repeats) return false;
    const open = this.state.expandedEvents.includes(entry.event.id);
    return key === 'ArrowRight' ? !open : open;
  }

  private onKey(ev: KeyboardEvent): void {
    if (isNavKey(ev.key)) {
      ev.preventDefault();
      const pageSize = Math.floor((this.viewport.clientHeight || 600) / ROW_HEIGHT);
      this.setActive(moveActive(ev.key, this.active, this.rows.length, pageSize), true);
    } else if (ev.key === 'Enter' || ev.key === ' ') {
      ev.preventDefault();
      if (this.active >= 0) this.activate(this.active, ev.shiftKey);
    } else if ((ev.key === 'ArrowLeft' || ev.key === 'ArrowRight') && this.expandsWith(ev.key)) {
      ev.preventDefault();
      this.toggleRepeats(this.active);
    } else if ((ev.key === 'ArrowLeft' || ev.key === 'ArrowRight') && this.state.groupByKind) {
      const r = this.rows[this.active];
      if (r?.type === 'group' && r.collapsed === (ev.key === 'ArrowRight')) {
        ev.preventDefault();
        this.toggle(this.state.collapsedKinds, r.kind, false);
      }
    }
  }
}
