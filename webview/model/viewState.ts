/**
 * What the webview keeps across hiding and window reloads (`vscode.getState/setState`): which
 * incident it shows (the host's serializer reads `folder` and `incidentId` back), the tab, the
 * timeline's filters, search, grouping and scroll, and an unsaved postmortem edit. Restored state
 * is untrusted input like any message: anything unreadable falls back to the default.
 */
import { isArrayOf, isBoolean, isNumber, isObject, isOneOf, isString } from '../../src/protocol/guards';
import { type Postmortem, isPostmortem } from '../../src/protocol/postmortem';
import { DISPLAY_KINDS, type DisplayKind, SEVERITY_FILTERS, type SeverityFilter } from './timeline';

export const TABS = ['timeline', 'chain', 'evidence', 'postmortem'] as const;
export type Tab = (typeof TABS)[number];

export interface ViewState {
  folder: string;
  incidentId: string;
  tab: Tab;
  hiddenKinds: DisplayKind[];
  hiddenSeverities: SeverityFilter[];
  search: string;
  groupByKind: boolean;
  collapsedKinds: DisplayKind[];
  /** Timeline events of repeated errors expanded to their occurrences. */
  expandedEvents: string[];
  /** Scroll position of the timeline list and of each tab's page. */
  timelineScroll: number;
  pageScroll: Partial<Record<Tab, number>>;
  activeEventId: string | null;
  /** An edited postmortem not yet saved. */
  postmortemDraft: Postmortem | null;
}

export function defaultViewState(folder = '', incidentId = ''): ViewState {
  return {
    folder,
    incidentId,
    tab: 'timeline',
    hiddenKinds: [],
    hiddenSeverities: [],
    search: '',
    groupByKind: false,
    collapsedKinds: [],
    expandedEvents: [],
    timelineScroll: 0,
    pageScroll: {},
    activeEventId: null,
    postmortemDraft: null,
  };
}

/** Expanded events remembered at most; an incident has far fewer repeated errors. */
const MAX_EXPANDED = 500;
const isTab = isOneOf(TABS);
const isKinds = isArrayOf(isOneOf(DISPLAY_KINDS), DISPLAY_KINDS.length);
const isSeverities = isArrayOf(isOneOf(SEVERITY_FILTERS), SEVERITY_FILTERS.length);

/** Reads saved state field by field, so one bad field does not throw the rest away. */
export function readViewState(saved: unknown): ViewState {
  const s = defaultViewState();
  if (!isObject(saved)) return s;
  if (isString(saved.folder)) s.folder = saved.folder;
  if (isString(saved.incidentId)) s.incidentId = saved.incidentId;
  if (isTab(saved.tab)) s.tab = saved.tab;
  if (isKinds(saved.hiddenKinds)) s.hiddenKinds = [...new Set(saved.hiddenKinds)];
  if (isSeverities(saved.hiddenSeverities)) s.hiddenSeverities = [...new Set(saved.hiddenSeverities)];
  if (isString(saved.search) && saved.search.length <= 500) s.search = saved.search;
  if (isBoolean(saved.groupByKind)) s.groupByKind = saved.groupByKind;
  if (isKinds(saved.collapsedKinds)) s.collapsedKinds = [...new Set(saved.collapsedKinds)];
  if (isArrayOf(isString, MAX_EXPANDED)(saved.expandedEvents)) s.expandedEvents = [...new Set(saved.expandedEvents)];
  if (isNumber(saved.timelineScroll) && saved.timelineScroll >= 0) s.timelineScroll = saved.timelineScroll;
  if (isObject(saved.pageScroll)) {
    for (const tab of TABS) {
      const v = saved.pageScroll[tab];
      if (isNumber(v) && v >= 0) s.pageScroll[tab] = v;
    }
  }
  if (isString(saved.activeEventId)) s.activeEventId = saved.activeEventId;
  if (isPostmortem(saved.postmortemDraft)) s.postmortemDraft = saved.postmortemDraft;
  return s;
}

/** A saved state that belongs to another incident (the panel was reused) keeps nothing but its identity. */
export function stateForIncident(state: ViewState, folder: string, incidentId: string): ViewState {
  if (state.folder === folder && state.incidentId === incidentId) return state;
  return { ...defaultViewState(folder, incidentId), tab: state.tab };
}
