import { parse, stringify } from 'yaml';
import { blamelessCheck, type BlameFinding } from '../postmortem/blameless';
import { costOf, downtimeOf, type IncidentCost } from '../postmortem/cost';
import type { Postmortem } from '../postmortem/types';
import type { Incident } from '../types';
import { markerHash, markerText, sha256, type Ownership } from './generatedFile';
import type { ReportFacts } from './reportFacts';
import type { ChecklistItem } from './reviewChecklist';
import { isoTime } from './timeText';

export const REPORT_SCHEMA = 'incident-replay.report/1';

/**
 * The JSON and YAML export, one shape for both (YAML parses back to exactly the JSON's data).
 *
 * - `marker`: `incident-replay:generated sha256=<hex>`, the hash of the canonical JSON of the
 *   document without `marker`; it lets a re-export tell its own untouched output from an edited file.
 * - `schema`: `incident-replay.report/1`; a breaking change to this shape bumps the number.
 * - `generatedAt`: ISO 8601 UTC with milliseconds.
 * - `incident`: the recorded `Incident` (src/engine/types.ts), secrets redacted.
 * - `postmortem`: the `Postmortem` (src/engine/postmortem/types.ts), stored or freshly drafted, secrets redacted.
 * - `derived`: values computed from the two, so consumers need not reimplement them.
 */
export interface ReportDocument {
  marker: string;
  schema: typeof REPORT_SCHEMA;
  generatedAt: string;
  incident: Incident;
  postmortem: Postmortem;
  derived: {
    /** Postmortem start → end. */
    durationMs: number | null;
    cost: IncidentCost;
    blameless: BlameFinding[];
    checklist: ChecklistItem[];
  };
}

type Unmarked = Omit<ReportDocument, 'marker'>;

function withMarker(body: Unmarked): ReportDocument {
  return { marker: markerText(sha256(JSON.stringify(body))), ...body };
}

export function reportDocument(facts: ReportFacts, generatedAt: number): ReportDocument {
  const down = downtimeOf(facts.postmortem);
  return withMarker({
    schema: REPORT_SCHEMA,
    generatedAt: isoTime(generatedAt),
    incident: facts.incident,
    postmortem: facts.postmortem,
    derived: {
      durationMs: down,
      cost: costOf(facts.postmortem, down),
      blameless: blamelessCheck(facts.postmortem),
      checklist: facts.checklist,
    },
  });
}

export function documentJson(doc: ReportDocument): string {
  return JSON.stringify(doc, null, 2) + '\n';
}

export function documentYaml(doc: ReportDocument): string {
  // lineWidth 0: no folding, so long excerpts read back byte for byte.
  return stringify(doc, { lineWidth: 0 });
}

/**
 * Untouched when the data still matches its marker's hash and re-serialising it gives the file
 * back byte for byte (so an added comment or reformatting counts as an edit too).
 */
function structuredOwnership(text: string, parseText: (t: string) => unknown, serialise: (d: ReportDocument) => string): Ownership {
  let data: unknown;
  try {
    data = parseText(text);
  } catch {
    return /incident-replay:generated sha256=/.test(text) ? 'edited' : 'foreign';
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return 'foreign';
  const { marker, ...rest } = data as Record<string, unknown>;
  const hash = markerHash(marker);
  if (hash === null) return 'foreign';
  if (sha256(JSON.stringify(rest)) !== hash) return 'edited';
  return serialise(data as ReportDocument) === text ? 'untouched' : 'edited';
}

export function jsonOwnership(text: string): Ownership {
  return structuredOwnership(text, (t) => JSON.parse(t), documentJson);
}

export function yamlOwnership(text: string): Ownership {
  return structuredOwnership(text, (t) => parse(t), documentYaml);
}
