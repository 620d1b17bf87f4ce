import { ROOT_CAUSE_CATEGORIES, SEVERITIES, TRIGGER_KINDS } from '../../model/incident';
import { deepFreeze } from '../../model/freeze';
import { DEFAULT_CONFIG } from './defaults';

/**
 * The subset of JSON Schema (draft-07) the config schema uses. Validation runs through
 * ajv; the error translation and the unknown-key walk read these same nodes.
 */
export interface SchemaNode {
  $schema?: string;
  title?: string;
  description?: string;
  type?: SchemaType | SchemaType[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  required?: string[];
  minProperties?: number;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  enum?: (string | number | boolean)[];
  minimum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  default?: unknown;
}

export type SchemaType = 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object';

const text = (description: string): SchemaNode => ({ type: 'string', minLength: 1, description });
const regex = (description: string): SchemaNode => ({ type: 'string', minLength: 1, description });
const flag = (description: string, dflt?: boolean): SchemaNode => ({
  type: 'boolean',
  description,
  ...(dflt === undefined ? {} : { default: dflt }),
});
const count = (minimum: number, description: string, dflt?: number): SchemaNode => ({
  type: 'integer',
  minimum,
  description,
  ...(dflt === undefined ? {} : { default: dflt }),
});
const list = (items: SchemaNode, description: string, dflt?: readonly unknown[]): SchemaNode => ({
  type: 'array',
  items,
  description,
  ...(dflt === undefined ? {} : { default: [...dflt] }),
});
const globs = (description: string, dflt?: readonly string[]): SchemaNode => list({ type: 'string', minLength: 1 }, description, dflt);
const severity = (): SchemaNode => ({ type: 'string', enum: [...SEVERITIES], description: 'How serious a match is.' });
const object = (properties: Record<string, SchemaNode>, description: string, required?: string[]): SchemaNode => ({
  type: 'object',
  properties,
  ...(required ? { required } : {}),
  description,
});
/** Python-tool form: `{"name": "regex", ...}`. */
const namedRegexes = (description: string): SchemaNode => ({
  type: 'object',
  additionalProperties: { type: 'string', minLength: 1 },
  description,
});

const logPatternRule = object(
  {
    pattern: regex('Regular expression; a log line matching it becomes a `log_error` trigger.'),
    severity: severity(),
    message: text('Trigger message; the matched line is used when omitted.'),
  },
  'A log pattern.',
  ['pattern'],
);

const constraintRule = object(
  {
    pattern: regex('Regular expression that must not match in changed files.'),
    message: text('What the constraint protects, shown on the trigger.'),
    files: globs('Globs of files the constraint applies to; all text files when empty.'),
    severity: severity(),
  },
  'A constraint.',
  ['pattern'],
);

const secretPatternRule = object(
  {
    name: text('Name shown on the trigger (for example `internal-token`).'),
    pattern: regex('Regular expression matching the secret.'),
  },
  'An extra secret pattern.',
  ['pattern'],
);

const ignoreRule: SchemaNode = {
  ...object(
    {
      kind: { type: 'string', enum: [...TRIGGER_KINDS], description: 'Trigger kind to ignore.' },
      file: text('Glob of files whose triggers are ignored.'),
      message: regex('Regular expression matched against the trigger message.'),
    },
    'A trigger to ignore; every given field must match.',
  ),
  minProperties: 1,
};

const categoryText = object(
  {
    description: text('One sentence describing the category, used in reports.'),
    remediation: list({ type: 'string', minLength: 1 }, 'Generic remediation steps for the category.'),
  },
  'Text of a root-cause category; given fields replace the defaults, the others are kept.',
);

const pythonCategoryText = object(
  {
    description: text('One sentence describing the category.'),
    remediation: {
      anyOf: [{ type: 'string', minLength: 1 }, list({ type: 'string', minLength: 1 }, 'Remediation steps.')],
      description: 'Remediation steps: a list, or one string with a step per line.',
    },
  },
  'Text of a root-cause category.',
);

const categoryMap = (item: SchemaNode, description: string): SchemaNode => ({
  type: 'object',
  properties: Object.fromEntries(ROOT_CAUSE_CATEGORIES.map((c) => [c, item])),
  additionalProperties: false,
  description,
});

const T = DEFAULT_CONFIG.triggers;

const triggers = object(
  {
    logPatterns: list(logPatternRule, 'Log patterns that fire `log_error` triggers, on top of the built-in detectors.'),
    deletionAllow: globs('Globs of files whose deletion is expected and does not fire.', T.deletionAllow),
    configGlobs: globs('Globs of configuration files; changes to them fire `config_change`.', T.configGlobs),
    outputGlobs: globs('Globs of job outputs; an empty or emptied output fires `empty_output`.', T.outputGlobs),
    sizeGrowthFactor: {
      type: 'number',
      exclusiveMinimum: 1,
      description: 'A file that grew by this factor or more fires `size_growth`.',
      default: T.sizeGrowthFactor,
    },
    sizeGrowthMinBytes: count(0, '`size_growth` only fires once the file is at least this big.', T.sizeGrowthMinBytes),
    secretPatterns: list(secretPatternRule, "Extra secret patterns, on top of secretlint's recommended preset."),
    secretlint: flag("Whether secretlint's recommended preset runs.", T.secretlint),
    constraints: list(constraintRule, 'Regexes that must not match in changed files.'),
    ignore: list(ignoreRule, 'Triggers to ignore.'),
    maxLineLength: count(1, 'Lines longer than this are cut before user patterns run.', T.maxLineLength),
    scanTimeBudgetMs: count(1, 'Time budget in milliseconds for content scanning.', T.scanTimeBudgetMs),
  },
  'What fires a trigger.',
);

const stringOrRule = (rule: SchemaNode, description: string): SchemaNode =>
  list({ anyOf: [{ type: 'string', minLength: 1 }, rule] }, description);
const onOrGlobs = (description: string): SchemaNode => ({
  anyOf: [{ type: 'boolean' }, globs('Globs.')],
  description,
});
const deletionSwitch: SchemaNode = {
  anyOf: [{ type: 'boolean' }, object({ allow: globs('Globs of files whose deletion is expected.') }, 'Deletion options.')],
  description: '`false` treats every deletion as expected; `{"allow": [globs]}` lists expected deletions.',
};

const pythonFileChanges = object(
  {
    unexpected_deletions: deletionSwitch,
    config_files: globs('Globs of configuration files (→ `triggers.configGlobs`).'),
    config_modifications: onOrGlobs('`false` disables config-change triggers; a list of globs sets `triggers.configGlobs`.'),
  },
  'File-change triggers.',
);

const pythonTriggers = object(
  {
    log_patterns: stringOrRule(logPatternRule, 'Log patterns: regex strings or `{pattern, severity}` (→ `triggers.logPatterns`).'),
    file_changes: {
      anyOf: [{ type: 'boolean' }, pythonFileChanges],
      description: '`false` disables deletion and config-change triggers; an object sets them one by one.',
    },
    unexpected_deletions: deletionSwitch,
    config_files: globs('Globs of configuration files (→ `triggers.configGlobs`).'),
    config_modifications: onOrGlobs('`false` disables config-change triggers; a list of globs sets `triggers.configGlobs`.'),
    content_patterns: {
      anyOf: [stringOrRule(constraintRule, 'Content patterns.'), namedRegexes('Content patterns by name.')],
      description: 'Regexes that must not appear in changed files (→ `triggers.constraints`).',
    },
    constraints: stringOrRule(constraintRule, 'Constraints (→ `triggers.constraints`).'),
    secret_patterns: {
      anyOf: [stringOrRule(secretPatternRule, 'Secret patterns.'), namedRegexes('Secret patterns by name.')],
      description: 'Extra secret patterns (→ `triggers.secretPatterns`).',
    },
    empty_output: onOrGlobs('`false` disables empty-output triggers; a list of globs sets `triggers.outputGlobs`.'),
    empty_outputs: onOrGlobs('`false` disables empty-output triggers; a list of globs sets `triggers.outputGlobs`.'),
    output_files: globs('Globs of job outputs (→ `triggers.outputGlobs`).'),
    size_growth_factor: { type: 'number', exclusiveMinimum: 1, description: '→ `triggers.sizeGrowthFactor`.' },
    size_growth_min_bytes: count(0, '→ `triggers.sizeGrowthMinBytes`.'),
  },
  "The Python Incident Replay tool's trigger settings (→ `triggers`).",
);

export const CONFIG_SCHEMA: SchemaNode = deepFreeze<SchemaNode>({
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Incident Replay configuration (incident-replay.json)',
  description:
    "Settings of Incident Replay. Unset keys keep their defaults; lists replace the default list. The Python Incident Replay tool's upper-case keys are accepted too.",
  type: 'object',
  properties: {
    $schema: { type: 'string', description: 'The JSON schema of this file.' },
    include: globs('Globs of workspace files to snapshot.', DEFAULT_CONFIG.include),
    exclude: globs('Globs of workspace files never to snapshot.', DEFAULT_CONFIG.exclude),
    respectGitignore: flag(
      'Skip files git ignores: .gitignore files, .git/info/exclude and the global excludes file.',
      DEFAULT_CONFIG.respectGitignore,
    ),
    maxFileSizeBytes: count(
      1,
      'Files larger than this are recorded by size and hash only; their content is not kept.',
      DEFAULT_CONFIG.maxFileSizeBytes,
    ),
    keepSnapshots: count(1, 'How many snapshots to keep; older ones are pruned.', DEFAULT_CONFIG.keepSnapshots),
    triggers,
    rootCauseCategories: categoryMap(categoryText, 'Descriptions and generic remediation of root-cause categories.'),
    decisionMarkers: list(
      regex('Regular expression (matched case-insensitively).'),
      'Regexes marking decision-chain lines in agent logs and memory files; replaces the built-in list.',
    ),
    logFiles: globs('Globs of agent log and memory files read for the decision chain.', DEFAULT_CONFIG.logFiles),
    reportDir: { ...text('Folder for postmortem reports, relative to the workspace.'), default: DEFAULT_CONFIG.reportDir },
    learningsFile: {
      ...text('File that collects learnings, relative to the workspace.'),
      default: DEFAULT_CONFIG.learningsFile,
    },

    WORKSPACE_ROOT: text('Python-tool key: the workspace folder, relative to this file (used when no --workspace is given).'),
    INCLUDE_PATTERNS: globs('Python-tool key for `include`.'),
    EXCLUDE_PATTERNS: globs('Python-tool key for `exclude`.'),
    MAX_SNAPSHOTS: count(1, 'Python-tool key for `keepSnapshots`.'),
    TRIGGERS: pythonTriggers,
    ROOT_CAUSE_CATEGORIES: categoryMap(pythonCategoryText, 'Python-tool key for `rootCauseCategories`.'),
    DECISION_MARKERS: list(regex('Regular expression.'), 'Python-tool key for `decisionMarkers`.'),
    LOG_FILES: globs('Python-tool key for `logFiles`.'),
  },
});

/** The schema file's text, as stored in `media/incident-replay.schema.json`. */
export function renderSchemaFile(): string {
  return JSON.stringify(CONFIG_SCHEMA, null, 2) + '\n';
}
