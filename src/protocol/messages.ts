/**
 * Every message between the incident panel (extension host) and its webview, both directions, as
 * tagged unions with one runtime guard per direction. Whatever arrives is `unknown` until
 * `isHostMessage` / `isWebviewMessage` accepts it; unknown types and malformed payloads are dropped.
 * The webview never names a folder or an incident: the panel it talks to already knows both.
 */
import { type Guard, isArrayOf, isBoolean, isInteger, isObject, isOneOf, isShape, isString, optional } from './guards';
import { type IncidentView, isIncidentView } from './incidentView';
import { type Postmortem, isPostmortem } from './postmortem';

/** The panel's toolbar actions; each maps to one `IncidentPanelHost` call. */
export const PANEL_ACTIONS = ['reanalyze', 'resolve', 'exportReport', 'openChanges'] as const;
export type PanelAction = (typeof PANEL_ACTIONS)[number];

/** One sentence the blameless check flagged in a postmortem text field (the engine's `findBlame` finding, keyed by our field path). */
export interface BlameFinding {
  /** Dotted path of the text inside the postmortem record (`summary.text.value`, `whatHappened.value.2`, `rootCause.fiveWhys.0.answer`). */
  field: string;
  sentence: string;
  /** The person the sentence names (`Alice`, `@bob`). */
  who: string;
  /** How to say it as a process gap. */
  suggestion: string;
}

export const isBlameFinding: Guard<BlameFinding> = isShape({
  field: isString,
  sentence: isString,
  who: isString,
  suggestion: isString,
});

// ------------------------------------------------------------------ extension → webview

export type HostMessage =
  /** The incident to show (first load, after re-analysis, after resolve). */
  | { type: 'incident'; folder: string; incident: IncidentView }
  /** The incident could not be loaded (deleted, store unreadable). */
  | { type: 'loadFailed'; incidentId: string; message: string }
  | { type: 'postmortem'; postmortem: Postmortem; blameCheckAvailable: boolean }
  | { type: 'postmortemSaved'; postmortem: Postmortem }
  | { type: 'postmortemFailed'; message: string }
  | { type: 'blameFindings'; requestId: number; findings: BlameFinding[] }
  | { type: 'actionState'; action: PanelAction; state: 'running' | 'done' | 'failed'; message?: string };

const isPanelAction = isOneOf(PANEL_ACTIONS);

const hostGuards: { [K in HostMessage['type']]: Guard<Extract<HostMessage, { type: K }>> } = {
  incident: isShape({ type: isOneOf(['incident'] as const), folder: isString, incident: isIncidentView }),
  loadFailed: isShape({ type: isOneOf(['loadFailed'] as const), incidentId: isString, message: isString }),
  postmortem: isShape({
    type: isOneOf(['postmortem'] as const),
    postmortem: isPostmortem,
    blameCheckAvailable: isBoolean,
  }),
  postmortemSaved: isShape({ type: isOneOf(['postmortemSaved'] as const), postmortem: isPostmortem }),
  postmortemFailed: isShape({ type: isOneOf(['postmortemFailed'] as const), message: isString }),
  blameFindings: isShape({
    type: isOneOf(['blameFindings'] as const),
    requestId: isInteger,
    findings: isArrayOf(isBlameFinding, 10_000),
  }),
  actionState: isShape({
    type: isOneOf(['actionState'] as const),
    action: isPanelAction,
    state: isOneOf(['running', 'done', 'failed'] as const),
    message: optional(isString),
  }),
};

// ------------------------------------------------------------------ webview → extension

/** A postmortem text field to run the blameless check on. */
export interface BlameCheckText {
  field: string;
  text: string;
}

export type WebviewMessage =
  /** The webview's script has started and listens; the host answers with `incident`. */
  | { type: 'ready' }
  | { type: 'openLocation'; file: string; line: number; column?: number }
  | { type: 'openDiff'; from: string; to: string; path: string }
  | { type: 'runAction'; action: PanelAction }
  | { type: 'loadPostmortem' }
  | { type: 'savePostmortem'; postmortem: Postmortem }
  | { type: 'checkBlame'; requestId: number; texts: BlameCheckText[] };

const isPositiveLine = (x: unknown): x is number => isInteger(x) && x >= 1;

const webviewGuards: { [K in WebviewMessage['type']]: Guard<Extract<WebviewMessage, { type: K }>> } = {
  ready: isShape({ type: isOneOf(['ready'] as const) }),
  openLocation: isShape({
    type: isOneOf(['openLocation'] as const),
    file: isString,
    line: isPositiveLine,
    column: optional(isPositiveLine),
  }),
  openDiff: isShape({ type: isOneOf(['openDiff'] as const), from: isString, to: isString, path: isString }),
  runAction: isShape({ type: isOneOf(['runAction'] as const), action: isPanelAction }),
  loadPostmortem: isShape({ type: isOneOf(['loadPostmortem'] as const) }),
  savePostmortem: isShape({ type: isOneOf(['savePostmortem'] as const), postmortem: isPostmortem }),
  checkBlame: isShape({
    type: isOneOf(['checkBlame'] as const),
    requestId: isInteger,
    texts: isArrayOf(isShape({ field: isString, text: isString }), 2_000),
  }),
};

function dispatchGuard<M extends { type: string }>(guards: Record<string, Guard<M>>, x: unknown): x is M {
  if (!isObject(x) || typeof x.type !== 'string' || !Object.hasOwn(guards, x.type)) return false;
  const guard = guards[x.type];
  return guard !== undefined && guard(x);
}

export function isHostMessage(x: unknown): x is HostMessage {
  return dispatchGuard<HostMessage>(hostGuards, x);
}

export function isWebviewMessage(x: unknown): x is WebviewMessage {
  return dispatchGuard<WebviewMessage>(webviewGuards, x);
}
