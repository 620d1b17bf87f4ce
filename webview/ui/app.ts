/**
 * The incident view: header, actions, and four tabs (timeline, decision chain, evidence,
 * postmortem). Holds the view state, answers host messages, and turns clicks into requests.
 */
import type { IncidentView } from '../../src/protocol/incidentView';
import type { HostMessage, PanelAction } from '../../src/protocol/messages';
import { buildDecisionChain } from '../model/decisionChain';
import type { Zone } from '../../src/model/time';
import { IncidentIndex, type NavTarget } from '../model/navigation';
import { buildTimelineModel } from '../model/timeline';
import { TABS, type Tab, type ViewState, readViewState, stateForIncident } from '../model/viewState';
import type { Bridge } from './bridge';
import { renderChain } from './chainView';
import type { StableContext, ViewContext } from './context';
import { h, icon } from './dom';
import { renderEvidence } from './evidenceView';
import { renderHeader } from './headerView';
import { PostmortemView } from './postmortemView';
import { TimelineView } from './timelineView';

const TAB_LABELS: Record<Tab, { label: string; icon: string }> = {
  timeline: { label: 'Timeline', icon: 'list-flat' },
  chain: { label: 'Decision chain', icon: 'git-merge' },
  evidence: { label: 'Evidence', icon: 'checklist' },
  postmortem: { label: 'Postmortem', icon: 'notebook' },
};

const ACTIONS: { action: PanelAction; label: string; icon: string; testid: string }[] = [
  { action: 'reanalyze', label: 'Re-analyse', icon: 'refresh', testid: 'action-reanalyze' },
  { action: 'resolve', label: 'Mark resolved', icon: 'pass', testid: 'action-resolve' },
  { action: 'exportReport', label: 'Export report', icon: 'export', testid: 'action-export' },
  { action: 'openChanges', label: 'Open all changes', icon: 'diff-multiple', testid: 'action-open-changes' },
];

/** setState on every scroll frame would serialise the whole state each time; once a beat is enough. */
const PERSIST_DELAY_MS = 150;

export class App {
  private state: ViewState;
  private readonly zone: Zone = 'local';
  private incident: IncidentView | null = null;
  private timeline: TimelineView | null = null;
  private readonly postmortem: PostmortemView;
  private postmortemRequested = false;
  private readonly notice = h('div', { class: 'notice', role: 'status', 'aria-live': 'polite', testid: 'notice' });
  private readonly actionButtons = new Map<PanelAction, HTMLElement>();
  private readonly runningActions = new Set<PanelAction>();
  private persistTimer: ReturnType<typeof setTimeout> | undefined;
  private ctx: ViewContext | null = null;
  private readonly stable: StableContext;
  private fillTab: (tab: Tab) => void = () => undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly bridge: Bridge,
  ) {
    this.state = readViewState(bridge.savedState());
    this.stable = {
      zone: this.zone,
      navigate: (t) => this.navigate(t),
      showInTimeline: (ref) => this.showInTimeline(ref),
      openChangeDiff: (path) => this.navigate(this.ctx?.index.changeDiff(path) ?? null),
    };
    this.postmortem = new PostmortemView(this.stable, {
      send: (m) => this.bridge.send(m),
      persistDraft: (pm) => {
        this.state.postmortemDraft = pm;
        this.persist();
      },
      notify: (text, level) => this.notify(text, level),
    });
    bridge.listen((m) => this.onMessage(m));
    window.addEventListener('resize', () => this.fitTimeline());
    // Hiding the panel may end the page before the debounced save runs.
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') this.flush();
    });
    window.addEventListener('pagehide', () => this.flush());
    window.addEventListener('scroll', () => {
      this.state.pageScroll[this.state.tab] = window.scrollY;
      this.persist();
    });
    bridge.send({ type: 'ready' });
  }

  private onMessage(m: HostMessage): void {
    switch (m.type) {
      case 'incident':
        this.showIncident(m.folder, m.incident);
        break;
      case 'loadFailed':
        this.root.replaceChildren(
          h(
            'div',
            { class: 'load-failed', role: 'alert', testid: 'load-failed' },
            icon('error'),
            ` ${m.incidentId} could not be shown: ${m.message}`,
          ),
        );
        break;
      case 'postmortem':
        this.postmortem.load(m.postmortem, m.blameCheckAvailable, this.state.postmortemDraft);
        break;
      case 'postmortemSaved':
        this.postmortem.saved(m.postmortem);
        break;
      case 'postmortemFailed':
        this.postmortem.saveFailed(m.message);
        break;
      case 'blameFindings':
        this.postmortem.showFindings(m.requestId, m.findings);
        break;
      case 'actionState':
        this.onActionState(m.action, m.state, m.message);
        break;
    }
  }

  private showIncident(folder: string, incident: IncidentView): void {
    const reused = this.state.incidentId !== '' && this.state.incidentId !== incident.id;
    this.state = stateForIncident(this.state, folder, incident.id);
    if (reused) this.postmortemRequested = false;
    this.incident = incident;
    const index = new IncidentIndex(incident);
    this.ctx = { ...this.stable, index };
    const model = buildTimelineModel(incident.timeline, incident.decisions, incident.triggers);
    this.timeline = new TimelineView(model, this.ctx, this.state, () => this.persist());
    const tc = incident.rootCause.triggeringChange;
    const chain = buildDecisionChain(incident.decisions, incident.triggers, tc ? [tc.path, ...(tc.keys ?? [])] : []);

    const toolbar = h('div', { class: 'actions', role: 'toolbar', 'aria-label': 'Incident actions' });
    this.actionButtons.clear();
    for (const a of ACTIONS) {
      const b = h('vscode-button', { secondary: a.action !== 'reanalyze', icon: a.icon, testid: a.testid }, a.label);
      b.addEventListener('click', () => this.runAction(a.action));
      this.actionButtons.set(a.action, b);
      toolbar.appendChild(b);
    }
    this.updateActionButtons();

    const tabs = h('vscode-tabs', { 'selected-index': String(TABS.indexOf(this.state.tab)), testid: 'incident-tabs', class: 'tabs' });
    const ctx = this.ctx;
    const timeline = this.timeline;
    // Tabs other than the one shown are built when first opened: a big incident's chain and
    // evidence lists would otherwise double the time to first paint.
    const build: Record<Tab, () => HTMLElement> = {
      timeline: () => timeline.element,
      chain: () => renderChain(chain, ctx),
      evidence: () => renderEvidence(incident, ctx),
      postmortem: () => this.postmortem.element,
    };
    const panels = new Map<Tab, HTMLElement>();
    this.fillTab = (tab) => {
      const panel = panels.get(tab);
      if (panel && panel.childElementCount === 0) panel.appendChild(build[tab]());
    };
    for (const tab of TABS) {
      const panel = h('vscode-tab-panel', { testid: `panel-${tab}` });
      panels.set(tab, panel);
      tabs.appendChild(
        h('vscode-tab-header', { slot: 'header', testid: `tab-${tab}` }, icon(TAB_LABELS[tab].icon), ` ${TAB_LABELS[tab].label}`),
      );
      tabs.appendChild(panel);
    }
    this.fillTab(this.state.tab);
    this.fillTab('timeline');
    tabs.addEventListener('vsc-tabs-select', (ev) => {
      const detail = (ev as CustomEvent<{ selectedIndex?: unknown }>).detail;
      const tab = typeof detail?.selectedIndex === 'number' ? TABS[detail.selectedIndex] : undefined;
      if (tab) this.selectTab(tab);
    });

    this.root.replaceChildren(renderHeader(incident, model, this.ctx), toolbar, this.notice, tabs);
    this.persist();
    requestAnimationFrame(() => {
      this.fitTimeline();
      this.timeline?.attached();
      window.scrollTo(0, this.state.pageScroll[this.state.tab] ?? 0);
    });
    if (this.state.tab === 'postmortem') this.requestPostmortem();
  }

  private selectTab(tab: Tab): void {
    this.state.pageScroll[this.state.tab] = window.scrollY;
    this.state.tab = tab;
    this.fillTab(tab);
    this.persist();
    if (tab === 'postmortem') this.requestPostmortem();
    requestAnimationFrame(() => {
      this.fitTimeline();
      window.scrollTo(0, this.state.pageScroll[tab] ?? 0);
    });
  }

  private requestPostmortem(): void {
    if (this.postmortemRequested) return;
    this.postmortemRequested = true;
    this.bridge.send({ type: 'loadPostmortem' });
  }

  /** The timeline's list fills the window below its top edge, so only the list scrolls. */
  private fitTimeline(): void {
    const list = this.root.querySelector<HTMLElement>('.tl-viewport');
    if (!list) return;
    const top = list.getBoundingClientRect().top + window.scrollY;
    const height = Math.max(240, window.innerHeight - top - 12);
    list.style.setProperty('--tl-height', `${height}px`);
  }

  private navigate(target: NavTarget | null): void {
    if (!target) return;
    switch (target.type) {
      case 'location':
        this.bridge.send({
          type: 'openLocation',
          file: target.file,
          line: target.line,
          ...(target.column !== undefined ? { column: target.column } : {}),
        });
        break;
      case 'diff':
        this.bridge.send({ type: 'openDiff', from: target.from, to: target.to, path: target.path });
        break;
      case 'event':
        this.showEvent(target.eventId);
        break;
    }
  }

  private showInTimeline(ref: string): void {
    const id = this.ctx?.index.eventFor(ref);
    if (id) this.showEvent(id);
  }

  private showEvent(eventId: string): void {
    const tabs = this.root.querySelector<HTMLElement & { selectedIndex: number }>('vscode-tabs');
    if (tabs) tabs.selectedIndex = TABS.indexOf('timeline');
    this.selectTab('timeline');
    requestAnimationFrame(() => this.timeline?.revealEvent(eventId));
  }

  private runAction(action: PanelAction): void {
    if (this.runningActions.has(action)) return;
    this.bridge.send({ type: 'runAction', action });
  }

  private onActionState(action: PanelAction, state: 'running' | 'done' | 'failed', message: string | undefined): void {
    if (state === 'running') this.runningActions.add(action);
    else this.runningActions.delete(action);
    this.updateActionButtons();
    if (message) this.notify(message, state === 'failed' ? 'error' : 'info');
  }

  private updateActionButtons(): void {
    for (const [action, b] of this.actionButtons) {
      const resolved = action === 'resolve' && this.incident?.status === 'resolved';
      b.toggleAttribute('disabled', this.runningActions.has(action) || resolved);
    }
  }

  private notify(text: string, level: 'info' | 'error'): void {
    this.notice.replaceChildren(icon(level === 'error' ? 'error' : 'info'), ` ${text}`);
    this.notice.className = `notice ${level}`;
    this.notice.setAttribute('role', level === 'error' ? 'alert' : 'status');
  }

  private persist(): void {
    clearTimeout(this.persistTimer);
    this.persistTimer = setTimeout(() => this.flush(), PERSIST_DELAY_MS);
  }

  private flush(): void {
    clearTimeout(this.persistTimer);
    this.persistTimer = undefined;
    this.bridge.saveState(this.state);
  }
}
