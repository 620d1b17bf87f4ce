/**
 * Repeats of one error in one log folded into one finding. Errors are keyed by a template of
 * their message (numbers, ids, hex, paths, quoted values, addresses and UUIDs masked, as
 * log-template miners such as Drain do), so 595 `[error] File does not exist: /var/www/...`
 * lines are one finding with a count, not 595.
 */
import type { LogFinding, LogOccurrence } from './findings';
import { normaliseMessage } from './signature';

/** Occurrences listed from the first on; the last one is always listed too. */
export const MAX_OCCURRENCES = 100;
/**
 * At least this many occurrences, all within BURST_SPAN_MS of each other, make a burst: an error
 * that broke out, not one a service has been logging steadily for an hour.
 */
const BURST_SIZE = 10;
const BURST_SPAN_MS = 60_000;

interface Group {
  first: LogFinding;
  count: number;
  occurrences: LogOccurrence[];
  last: LogOccurrence | null;
  /** Earliest and latest time among the occurrences that have one. */
  earliest: number;
  latest: number;
}

/** What makes two findings of one file the same error. */
export function findingTemplate(f: Pick<LogFinding, 'rule' | 'errorType' | 'message' | 'exitCode' | 'signal'>): string {
  return [f.rule, f.errorType ?? '', f.exitCode ?? '', f.signal ?? '', normaliseMessage(f.message)].join('\u0000');
}

export class FindingGroups {
  private readonly groups = new Map<string, Group>();

  /**
   * Adds an occurrence: `repeat` when it repeats an error already seen (it is then only
   * counted), `first` when it is the first of its kind and the caller keeps it as a finding,
   * `dropped` when it is new but `room` says no more findings are kept (so none are tracked).
   */
  add(f: LogFinding, room: boolean): 'first' | 'repeat' | 'dropped' {
    const key = findingTemplate(f);
    const occurrence: LogOccurrence = f.timestamp === undefined ? { line: f.line } : { line: f.line, timestamp: f.timestamp };
    const g = this.groups.get(key);
    if (!g) {
      if (!room) return 'dropped';
      const fresh: Group = { first: f, count: 1, occurrences: [occurrence], last: null, earliest: Infinity, latest: -Infinity };
      this.noteTime(fresh, f.timestamp);
      this.groups.set(key, fresh);
      return 'first';
    }
    g.count++;
    if (g.occurrences.length < MAX_OCCURRENCES) g.occurrences.push(occurrence);
    else g.last = occurrence;
    this.noteTime(g, f.timestamp);
    return 'repeat';
  }

  /** Writes count, occurrences and burst onto the first finding of every repeated error. */
  finish(): void {
    for (const g of this.groups.values()) {
      if (g.count < 2) continue;
      g.first.count = g.count;
      g.first.occurrences = g.last ? [...g.occurrences, g.last] : g.occurrences;
      if (g.count >= BURST_SIZE && g.latest - g.earliest <= BURST_SPAN_MS) g.first.burst = true;
    }
  }

  private noteTime(g: Group, ms: number | undefined): void {
    if (ms === undefined) return;
    if (ms < g.earliest) g.earliest = ms;
    if (ms > g.latest) g.latest = ms;
  }
}
