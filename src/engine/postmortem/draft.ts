import { innermostWorkspaceFrame, triggerText } from '../rootCause/index';
import type { Incident } from '../types';
import { draftControlGaps } from './controlGaps';
import { draftFactors } from './factors';
import { byTime, isMemoryPath, oneLine, readFacts, statusWord, type IncidentFacts } from './facts';
import { draftFiveWhys } from './fiveWhys';
import { draftActions } from './suggestedActions';
import {
  ACTIVE_ARTIFACT_KEYS,
  type ActiveArtifact,
  type ActiveArtifactKey,
  type Containment,
  type Field,
  type Postmortem,
  type PostmortemSeverity,
} from './types';

const MAX_WHAT_HAPPENED = 20;
const MAX_WENT_WELL = 5;

function drafted<T>(value: T): Field<T> {
  return { value, state: 'drafted' };
}

function empty<T>(value: T): Field<T> {
  return { value, state: 'empty' };
}

/** A list is drafted when the evidence produced items, else left empty for a person. */
function listField<T>(items: T[]): Field<T[]> {
  return items.length ? drafted(items) : empty(items);
}

/*
 * SEV-1 is revenue impact, SEV-2 customer impact, SEV-3 internal impact. A job or agent
 * breaking its own workspace is internal unless the errors themselves speak of money or
 * customers; either way the severity stays drafted for a person to confirm.
 */
const REVENUE_WORDS = /\b(?:revenue|payments?|billing|checkout|invoices?|refunds?|purchases?|charges? failed)\b/i;
const CUSTOMER_WORDS = /\b(?:customers?|end users?|user-facing|clients? (?:saw|got|received)|storefront)\b/i;

function draftSeverity(incident: Incident): PostmortemSeverity {
  const errorText = incident.triggers
    .filter((t) => t.kind === 'log_error')
    .map(triggerText)
    .join('\n');
  if (REVENUE_WORDS.test(errorText)) return 'SEV-1';
  if (CUSTOMER_WORDS.test(errorText)) return 'SEV-2';
  return 'SEV-3';
}

/** The event chain from the timeline, in order and without interpretation. */
function draftWhatHappened(f: IncidentFacts): string[] {
  const timeline = [...f.incident.timeline].sort((a, b) => a.timestamp - b.timestamp);
  const triggered = new Set(timeline.filter((e) => e.kind === 'trigger' && e.file).map((e) => e.file));
  const events = timeline.filter((e) => {
    if (e.kind === 'decision' || e.kind === 'trigger' || e.kind === 'commit') return true;
    // A change a trigger already reports, or a log growing, adds nothing to the chain.
    if (e.kind === 'file_change') return e.file !== undefined && !triggered.has(e.file) && f.role(e.file) !== 'log';
    return false;
  });
  const lines = events.map((e) => {
    const when = `${new Date(e.timestamp).toISOString()}${e.estimated ? '~' : ''}`;
    const where = e.kind === 'trigger' && e.file ? ` (${e.file}${e.line ? `:${e.line}` : ''})` : '';
    return `${when} ${e.ref && e.kind !== 'file_change' ? `${e.ref} ` : ''}${oneLine(e.title, 140)}${where}`;
  });
  if (lines.length <= MAX_WHAT_HAPPENED) return lines;
  const rest = lines.length - (MAX_WHAT_HAPPENED - 1);
  return [...lines.slice(0, MAX_WHAT_HAPPENED - 1), `… ${rest} more events (incident-replay show ${f.incident.id})`];
}

/** Restoring and re-running contain an incident; guards, checks and limits correct it for good. */
const TEMPORARY =
  /^(?:restore|revert|roll ?back|re-?run|restart|free|add `[^`]+` back|set the environment variable|start|stop|close files)\b/i;
/** Remediation steps that investigate rather than act are not containment. */
const INVESTIGATION = /^(?:check|review|confirm|compare|find out|trace why)\b/i;

function draftContainment(remediation: readonly string[]): Containment[] {
  return remediation
    .filter((r) => !INVESTIGATION.test(r))
    .map((action) => ({ action, kind: TEMPORARY.test(action) ? 'temporary' : 'permanent' }));
}

function draftWentWell(f: IncidentFacts): string[] {
  const { incident } = f;
  const out = [`A baseline snapshot (${incident.baselineId}) existed, so every change since then can be diffed and replayed`];
  const first = [...incident.triggers].sort(byTime)[0];
  if (first !== undefined) {
    out.push(
      `The failure was detected by an automated check: ${incident.triggers.length} trigger${incident.triggers.length === 1 ? '' : 's'} from the analysis, the first ${first.id} (${first.kind.replace(/_/g, ' ')} in ${first.file})`,
    );
  }
  const traced = incident.triggers.map((t) => ({ t, frame: innermostWorkspaceFrame(t) })).find((x) => x.frame !== null);
  if (traced?.frame) {
    out.push(`The stack trace named the line: ${traced.frame.file}:${traced.frame.line} (${traced.t.id})`);
  } else if (f.failure?.kind === 'log_error') {
    out.push(`The log named the failing line: ${f.failure.file}:${f.failure.line} (${f.failure.id})`);
  }
  if (f.endpoints[0] !== undefined) out.push(`The error named the endpoint involved: ${f.endpoints[0]}`);
  if (incident.decisions.length) {
    out.push(`The agent's decision chain was recorded (${incident.decisions.length} steps), so the path to the failure can be replayed`);
  }
  const restorable = f.change?.path ?? incident.changes.find((c) => c.status === 'removed')?.path;
  if (restorable !== undefined) {
    out.push(`The baseline snapshot allows restoring ${restorable} (incident-replay restore ${incident.baselineId} --path ${restorable})`);
  }
  return out.slice(0, MAX_WENT_WELL);
}

function draftArtifacts(incident: Incident): Record<ActiveArtifactKey, ActiveArtifact> {
  const out = {} as Record<ActiveArtifactKey, ActiveArtifact>;
  for (const key of ACTIVE_ARTIFACT_KEYS) {
    const found = incident.artifacts?.[key];
    out[key] = found ? { value: found.value, source: found.source, state: 'drafted' } : { value: null, state: 'empty' };
  }
  return out;
}

/**
 * The postmortem pre-filled from an incident's evidence. Every field the evidence supports is
 * `drafted` (a person confirms or edits it); what only people know (owner, users, cost...) is
 * `empty`. Nothing here is stored: see store.ts.
 */
export function draftPostmortem(incident: Incident, now: number): Postmortem {
  const f = readFacts(incident);
  const start = f.start;
  const delay = start !== null && f.firstError !== null ? f.firstError.timestamp - start : null;
  const changes = incident.changes.filter((c) => f.role(c.path) !== 'log');
  const dataRoles = new Set(['data', 'output']);
  const whys = draftFiveWhys(f);
  return {
    incidentId: incident.id,
    summary: {
      start: start === null ? empty(null) : drafted(start),
      end: f.end === null ? empty(null) : drafted(f.end),
      severity: drafted(draftSeverity(incident)),
      status: drafted(incident.status === 'resolved' ? 'resolved' : 'open'),
      owner: empty(null),
      impact: {
        users: empty(null),
        systems: listField(f.endpoints),
        slaBreached: empty(null),
      },
      // A tool-run analysis is how it was found; monitoring or a customer report is for a person to say.
      detectionMethod: drafted('internal_discovery'),
      detectionDelayMs: delay === null ? empty(null) : drafted(Math.max(0, delay)),
      text: drafted(`${incident.title}. ${oneLine(incident.rootCause.description, 400)}`),
    },
    activeArtifacts: draftArtifacts(incident),
    whatHappened: listField(draftWhatHappened(f)),
    containment: listField(draftContainment(incident.remediation)),
    blastRadius: {
      // The analysis saw every workspace change, so "none" is a finding; external systems it can only see when errors name them.
      files: drafted(changes.map((c) => `${c.path} (${statusWord(c.status)})`)),
      systems: listField(f.endpoints),
      data: drafted(changes.filter((c) => dataRoles.has(f.role(c.path))).map((c) => c.path)),
      memoryRecords: drafted(incident.changes.filter((c) => isMemoryPath(c.path)).map((c) => c.path)),
      scope: drafted(incident.repeatOf !== null ? 'wider_pattern' : 'single_run'),
    },
    rootCause: {
      category: incident.rootCause.category,
      immediateCause: drafted(oneLine(incident.rootCause.description, 400)),
      contributing: listField([...incident.rootCause.contributingFactors]),
      fiveWhys: whys,
    },
    factors: draftFactors(f),
    controlGaps: listField(draftControlGaps(f)),
    wentWell: listField(draftWentWell(f)),
    actions: draftActions(f, now),
    prevention: {
      monitoringAdded: drafted(false),
      runbookUpdated: drafted(false),
      testCoverageAdded: drafted(false),
      architectureChangeNeeded: drafted(false),
      trainingNeeded: drafted(false),
    },
    cost: {
      revenueLost: empty(null),
      slaCredits: empty(null),
      vendorCosts: empty(null),
      engineeringHours: empty(null),
      hourlyRate: empty(null),
      churnRisk: empty(null),
    },
    lifecycleUpdates: empty({}),
    evalsAndRollout: empty({}),
    annotation: null,
    keptBlameSentences: [],
    updatedAt: now,
  };
}
