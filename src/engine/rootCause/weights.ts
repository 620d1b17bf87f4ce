import type { FileRole, RootCauseCategory } from '../types';

/*
 * Everything that moves a score lives here. Error wording gives up to ~0.9 (see errorSignals);
 * what the changed files add on top is of the same order, so "the error names a file that
 * changed" can outvote the wording of the error alone (a refused connection to the port a config
 * change just set is a config error, not an outage).
 */
export const W = {
  /** A targeted signal (parse, missing file) names a file that changed since the baseline. */
  namedChangedFile: 0.45,
  namedDeletedFile: 0.5,
  /** An error names a changed config key or its new value. */
  configKeyNamed: 0.9,
  /** The code at the innermost workspace frame reads a changed key by name (the error text names none). */
  configKeyRead: 0.6,
  /** A job stopped by its time limit after its runs that worked slowed down run after run (see runHistory.ts). */
  jobSlowedToLimit: 0.5,
  /** The share of configKeyNamed left when the error is a typed resource failure: the key is the trigger, not a config mistake. */
  keyNamedUnderResource: 0.4,
  /** An error names a token from a changed line of a config file we cannot read as keys (requirements.txt, Dockerfile). */
  configLineNamed: 0.6,
  /** An error quotes a name found on a changed line of a data file (a renamed column). */
  dataLineNamed: 0.5,
  /** An error names a changed config file, no key. */
  configFileNamed: 0.35,
  /** An error's trace reads a changed data file (no parse wording). */
  dataFileNamed: 0.3,
  /** The innermost workspace frame of an error is in a changed source file. */
  frameInChangedCode: 0.5,
  frameInChangedCodeNoLogicSignal: 0.3,
  /** A numeric config value changed by this factor or more alongside a resource / timeout error. */
  sizingFactor: 4,
  sizingKeyChanged: 0.35,
  /** A setting of where the job connects changed, and the job then failed to reach something. */
  addressKeyChanged: 0.6,
  /** A timeout or exhaustion whose error names a data file that grew by dataGrowthFactor or more. */
  dataGrewUnderLoad: 0.35,
  /** The same job worked at the window's start and, of what it reads, only one kind of file changed since. */
  onlyChangeSinceWorked: 0.45,
  dataGrowthFactor: 1.5,
  configParseError: 0.7,
  configKeysChanged: 0.2,
  deletion: { config: 0.4, data: 0.35, code: 0.3, output: 0.15 } as Partial<Record<FileRole, number>>,
  dataTruncated: 0.3,
  dataNoLongerText: 0.3,
  emptyOutputSilent: 0.3,
  emptyOutputWithDataChange: 0.25,
  sizeGrowth: { output: 0.25, log: 0.15, data: 0.2, other: 0.1 } as Partial<Record<FileRole, number>>,
  constraintByRole: 0.25,
  unknownErrorAfterCodeChange: 0.1,
  decisionOutcomeFactor: 0.6,
  trendBase: { output: 0.35, data: 0.25, log: 0.1 } as Partial<Record<FileRole, number>>,
  /** A metric that kept moving the way its name says is worse (accuracy down, latency up). */
  metricWorse: 0.5,
  /** A number that kept moving one way, its meaning unknown. */
  metricMoved: 0.15,
  smallChangesSpread: 0.2,
  warningsBase: 0.15,
  noHardFailure: 0.3,
  /** Drift evidence counts half when a hard failure happened anyway. */
  driftWithFailure: 0.5,
  /** When a config change explains an error, the error's wording counts this much for its own category. */
  explainedAway: { external_failure: 0.25, resource_exhaustion: 0.5, data_corruption: 0.5, logic_error: 0.75 } as Partial<
    Record<RootCauseCategory, number>
  >,
  /**
   * Repeats of one fact (a retry loop logging the same error) decay geometrically: a reproducible
   * error is a little more certain, not three times as certain.
   */
  repeatDecay: 0.25,
  /** Each further subject of the same kind of fact (a second changed file...) counts this much less. */
  otherSubjectDecay: 0.5,
  /** Score at which `1 - exp(-score / k)` reaches 63%: how much evidence "enough" is. */
  evidenceScale: 0.7,
  maxConfidence: 0.97,
} as const;

export const SEVERITY_SCALE = { error: 1, warning: 0.5, info: 0.25 } as const;

/** The category a broken file of each role points to. */
export const ROLE_CATEGORY: Partial<Record<FileRole, RootCauseCategory>> = {
  config: 'config_error',
  data: 'data_corruption',
  output: 'data_corruption',
  code: 'logic_error',
};
