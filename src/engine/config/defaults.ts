import type { RootCauseCategory } from '../types';
import { deepFreeze } from '../../model/freeze';
import type { EngineConfig, RootCauseCategoryText } from './types';

const MiB = 1024 * 1024;

/**
 * Decision markers are compiled with this flag (see `compileDecisionMarkers`): agents and
 * people write `PLAN:`, `Plan:` and `plan:` alike, and JavaScript has no inline `(?i)`.
 */
export const DECISION_MARKER_FLAGS = 'i';

// What may come before a marker on a log or memory line. Each prefix token must consume
// text and tokens are separated by a delimiter or whitespace, which keeps backtracking
// linear on long lines that end up not matching.
const TIMESTAMP = String.raw`(?:\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?|\d{2}:\d{2}:\d{2}(?:[.,]\d+)?)`;
const LEVEL = String.raw`(?:trace|debug|info|notice|warn|warning|error|critical|fatal)`;
/** A timestamp, `[bracketed]` or `(parenthesised)` field, a level (`INFO`, Python's `INFO:root`), or a logger name before ` - `. */
const PREFIX_TOKEN = String.raw`(?:${TIMESTAMP}|\[[^\]\n]{1,80}\]|\([^)\n]{1,80}\)|${LEVEL}(?::[\w.]+)?|[\w.]{1,60}(?=\s+[-|]\s))`;
const PREFIX_SEPARATOR = String.raw`(?:\s*[-|:>]\s*|\s+|(?<=[\])]))`;
/** Markdown list bullets, quotes, numbered items and headings, then optional bold or italic. */
const MARKDOWN = String.raw`(?:(?:[-*+>]|#{1,6}|\d{1,3}[.)])\s+){0,3}(?:\*\*|__|\*|_)?`;
const LINE_START = String.raw`^\s*(?:${PREFIX_TOKEN}${PREFIX_SEPARATOR})*${MARKDOWN}`;

/** `Keyword:` with an optional ReAct step number (`Thought 2:`) and emphasis around the colon (`**Plan:**`). */
function labelled(keywords: string): string {
  return String.raw`${LINE_START}(?<marker>${keywords})(?:\s+\d{1,3})?(?:\*\*|__|\*|_)?\s*:(?:\*\*|__|\*|_)?\s*(?<text>.*)$`;
}

/**
 * One source per kind of step, so the decision extractor can tell plans from actions by
 * the `marker` group; `text` holds what follows the marker.
 */
const DEFAULT_DECISION_MARKERS: string[] = [
  labelled('decision'),
  String.raw`${LINE_START}(?<marker>(?:(?:i|we)\s+)?decided\s+to)\b\s*(?<text>.*)$`,
  labelled('plan|next steps?|thought|reasoning|rationale'),
  labelled(String.raw`action(?:\s+input)?`),
  labelled('observation'),
];

/** Compiles decision markers the way the engine matches them. */
export function compileDecisionMarkers(sources: readonly string[]): RegExp[] {
  return sources.map((source) => new RegExp(source, DECISION_MARKER_FLAGS));
}

const ROOT_CAUSE_TEXT: Record<RootCauseCategory, RootCauseCategoryText> = {
  config_error: {
    description:
      'A configuration value the job depends on was changed, removed or set to something invalid, so the code ran with settings it was not written for.',
    remediation: [
      'Restore the last known-good configuration from the baseline snapshot and re-run the job to confirm it recovers.',
      'Validate configuration before the job starts (schema check or dry run) and fail fast on missing, unknown or out-of-range keys.',
      'Keep configuration under version control and require a review for changes to it, including changes made by agents.',
      'Log the effective configuration at startup, with secrets redacted, so the next incident shows what was in force.',
    ],
  },
  data_corruption: {
    description:
      'Input or state data was truncated, malformed or overwritten, so later steps read content that no longer matched what they expected.',
    remediation: [
      'Restore the damaged files from the last good snapshot and keep the corrupted copies aside for analysis.',
      'Write outputs atomically (write to a temporary file, then rename) so an interrupted run cannot leave half-written data behind.',
      'Validate data at the boundary (schema, row counts, checksums) and stop the job instead of passing bad records on.',
      'Add an integrity check between the producing and the consuming step so corruption is caught where it happens.',
    ],
  },
  drift: {
    description:
      'The environment, dependencies or surrounding files moved away from what the job was built and tested against, without one obviously wrong edit.',
    remediation: [
      'Compare the current state with the baseline snapshot and list every dependency, tool version and file that changed.',
      'Pin dependency and tool versions (lock files, image digests) and upgrade them deliberately, one change at a time.',
      'Assert the expected environment (versions, paths, required variables) when the job starts.',
      'Run the job or its checks on a schedule so drift is caught before it turns into a failure.',
    ],
  },
  external_failure: {
    description: 'A service, network resource or tool outside the workspace failed, timed out or answered with something unexpected.',
    remediation: [
      "Confirm the dependency's state for the incident window (status page, health endpoint, error rates) before changing local code.",
      'Wrap the external call in a timeout with retries using exponential backoff and jitter, and stop retrying after a bounded number of attempts.',
      'Degrade gracefully when the dependency is down: use cached results or skip non-critical work instead of failing the whole job.',
      "Alert on the dependency's error rate and latency so the next outage is visible before the job fails.",
    ],
  },
  logic_error: {
    description: "The code or the agent's own steps did the wrong thing with valid inputs: a bug, a wrong assumption or a bad decision.",
    remediation: [
      "Reproduce the failure with the inputs from the incident's snapshots and add it as a regression test.",
      'Fix the faulty step and trace the decision chain back to the assumption that led to it.',
      'Add assertions or guards for the invariants the failing step relied on, so a violation fails loudly and early.',
      'Require a review or a dry run before agents change code paths that have failed before.',
    ],
  },
  resource_exhaustion: {
    description:
      'The job ran out of a finite resource (disk, memory, file handles, API quota or time), often after unbounded growth of data or output.',
    remediation: [
      'Free or extend the exhausted resource to restore service, then find what consumed it.',
      'Bound growth: rotate logs, cap output sizes, and stream or paginate large data instead of loading it whole.',
      'Set resource limits and alerts with headroom (disk, memory, quota) so pressure is visible before a hard failure.',
      'Clean up temporary files and old artifacts at the end of every run, including failed ones.',
    ],
  },
};

export const DEFAULT_CONFIG: EngineConfig = deepFreeze<EngineConfig>({
  include: ['**'],
  exclude: [],
  respectGitignore: true,
  maxFileSizeBytes: 20 * MiB,
  keepSnapshots: 50,
  triggers: {
    logPatterns: [],
    deletionAllow: [],
    configGlobs: ['**/*.json', '**/*.yaml', '**/*.yml', '**/*.toml', '**/*.ini', '**/.env*', 'config/**'],
    outputGlobs: ['output/**', 'out/**', 'results/**'],
    sizeGrowthFactor: 10,
    sizeGrowthMinBytes: 1 * MiB,
    secretPatterns: [],
    secretlint: true,
    constraints: [],
    ignore: [],
    maxLineLength: 10_000,
    scanTimeBudgetMs: 5_000,
  },
  rootCauseCategories: ROOT_CAUSE_TEXT,
  decisionMarkers: DEFAULT_DECISION_MARKERS,
  logFiles: ['agent/**/*.log', 'logs/**/*.log', '*.log', 'memory*.md', '**/memory/**'],
  reportDir: 'docs/incidents',
  learningsFile: 'LEARNINGS.md',
  trustWorkspacePatterns: true,
  trustWorkspaceConfig: true,
  userPaths: { reportDir: false, learningsFile: false },
});
