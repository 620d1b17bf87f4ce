import type { Trigger } from '../types';

export function triggerText(t: Trigger): string {
  return t.evidence && !t.message.includes(t.evidence) ? `${t.message}\n${t.evidence}` : t.message;
}

/** A trigger's message without the error type some tools repeat in front of it (`ValueError: could not…`). */
export function errorMessage(t: Pick<Trigger, 'errorType' | 'message'>): string {
  return t.errorType && t.message.startsWith(`${t.errorType}: `) ? t.message.slice(t.errorType.length + 2) : t.message;
}

/** A trigger's error as one line: its type once, then its message. */
export function errorLine(t: Pick<Trigger, 'errorType' | 'message'>): string {
  return t.errorType ? `${t.errorType}: ${errorMessage(t)}` : t.message;
}

/** Oldest first; the id settles triggers of the same instant so the order never depends on input order. */
function byTime(a: Trigger, b: Trigger): number {
  return a.timestamp - b.timestamp || a.id.localeCompare(b.id);
}

/** Error-level log errors, oldest first: the hard failures of the window. */
export function errorTriggers(triggers: readonly Trigger[]): Trigger[] {
  return triggers.filter((t) => t.kind === 'log_error' && t.severity === 'error').sort(byTime);
}

/**
 * The failure to anchor on: the first log error that is new (not already in the log before the
 * window), else the first log error, else the first other error-level trigger but secrets, else
 * the first finding.
 */
export function firstFailure(triggers: readonly Trigger[]): Trigger | null {
  const logErrors = errorTriggers(triggers);
  const fresh = logErrors.find((t) => !t.recurring);
  if (fresh) return fresh;
  if (logErrors[0]) return logErrors[0];
  const errors = triggers.filter((t) => t.severity === 'error' && t.kind !== 'secret').sort(byTime);
  if (errors[0]) return errors[0];
  return [...triggers].filter((t) => t.kind !== 'secret').sort(byTime)[0] ?? null;
}

/** The innermost frame inside the workspace, which is where "our" code failed. */
export function innermostWorkspaceFrame(t: Trigger): NonNullable<Trigger['frames']>[number] | null {
  const frames = (t.frames ?? []).filter((f) => f.inWorkspace);
  return frames[frames.length - 1] ?? null;
}
