import type { ActionPriority } from './types';

const DAY_MS = 86_400_000;

/**
 * Days a priority allows (the framework's definitions): P0 before the next business day,
 * P1 within a week, P2 within one sprint, taken as two weeks.
 */
const PRIORITY_DAYS: Record<Exclude<ActionPriority, 'P0'>, number> = { P1: 7, P2: 14 };

/** `YYYY-MM-DD` of `ms` in UTC, so a due date does not depend on the machine's time zone. */
export function calendarDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The due date a priority implies when an action is drafted at `now`. */
export function dueDateFor(priority: ActionPriority, now: number): string {
  if (priority !== 'P0') return calendarDay(now + PRIORITY_DAYS[priority] * DAY_MS);
  let day = now + DAY_MS;
  // Saturday (6) and Sunday (0) are not business days.
  while ([0, 6].includes(new Date(day).getUTCDay())) day += DAY_MS;
  return calendarDay(day);
}
