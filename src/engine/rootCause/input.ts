import type { EngineConfig } from '../config/types';
import type { Decision, FileChange, FileRole, MetricTrend, Trigger } from '../types';
import { shellQuote, sinceWords, startWords } from '../../model/format';
import type { configKeyChanges } from './configKeys';

export interface ClassifyInput {
  triggers: readonly Trigger[];
  /** Baseline → post. */
  changes: readonly FileChange[];
  /** Consecutive snapshot pairs in the window, oldest first (for drift). */
  steps: readonly { from: string; to: string; changes: readonly FileChange[] }[];
  decisions: readonly Decision[];
  /** Changed config files → their key changes. */
  configKeys: ReadonlyMap<string, ReturnType<typeof configKeyChanges>>;
  roles: (path: string) => FileRole;
  /** Numbers that moved one way across the window (metrics files, `name=value` log lines). */
  metricTrends?: readonly MetricTrend[];
  categoryText: EngineConfig['rootCauseCategories'];
  /**
   * The window starts where the same job last worked (a `run` after an earlier successful run of
   * its command): that snapshot and its name (`night-1:after`), the job (`node job.js`), and the
   * snapshot the failing run started from (what changed after it is the run's own doing).
   */
  knownGood?: {
    snapshot: string;
    at: string;
    job: string;
    runStart: string;
    /**
     * How long the job's recent runs that worked took (ms, oldest first, the last one at `at`), and
     * how long the failing run went on: a job slowing down run after run until its time limit
     * stops it is the slow drift no single diff shows (see runHistory.ts).
     */
    durations?: readonly number[];
    failedAfterMs?: number;
  };
  /** The ref the window starts from, as the incident records it (`baseline`, `git:HEAD`, `night-1:after`). */
  since?: string;
  /**
   * The source at each error's innermost workspace frame, by `file:line` (see frameSourceKey): the
   * failing line and a few above it, as of the snapshot the window ends at. What the code there
   * reads tells a failure's cause where the log quotes no source (Java, Go, JavaScript, Rust).
   */
  frameSource?: ReadonlyMap<string, string>;
}

/** The key of a frame in ClassifyInput.frameSource. */
export function frameSourceKey(file: string, line: number): string {
  return `${file}:${line}`;
}

/** "since the baseline", "since it last worked (night-1:after)": how evidence names the window's start. */
export function windowStart(input: ClassifyInput): string {
  return sinceWords(input.since, input.knownGood?.at);
}

/** "the baseline", "night-1:after (where it last worked)": the window's start, to restore or compare from. */
export function startOf(input: ClassifyInput): string {
  return startWords(input.since, input.knownGood?.at);
}

/** Where to restore `file` from, with the command that does it: "from the baseline (`incident-replay restore baseline --path f --force`)". */
export function restoreFrom(input: ClassifyInput, file: string): string {
  const lastWorked = input.knownGood?.at;
  const ref = lastWorked ?? input.since ?? 'baseline';
  const from = lastWorked !== undefined ? `${lastWorked}, where it last worked` : startOf(input);
  return `from ${from} (\`incident-replay restore ${shellQuote(ref)} --path ${shellQuote(file)} --force\`)`;
}
