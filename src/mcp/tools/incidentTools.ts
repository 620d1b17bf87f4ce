import { z } from 'zod';
import { getIncidentOrThrow, incidentsNewestFirst, resolveIncident } from '../../engine/incidents';
import { annotateIncident, CLOSING_OUTCOMES, getPostmortem, OUTCOMES } from '../../engine/postmortem/store';
import type { Outcome } from '../../engine/postmortem/types';
import { analyzeSince } from '../../engine/analysis/analyzeSince';
import type { Incident } from '../../engine/types';
import { incidentIdSchema, incidentItemSchema } from './schemas';
import { defineTool, IDEMPOTENT_WRITE, READ_ONLY } from './tool';

const MAX_LIST = 200;

/** What an agent needs first about an incident: enough to act, small enough to read. */
export function incidentBrief(i: Incident): Record<string, unknown> {
  return {
    id: i.id,
    title: i.title,
    severity: i.severity,
    status: i.status,
    category: i.rootCause.category,
    confidence: i.rootCause.confidence,
    description: i.rootCause.description,
    triggeringChange: i.rootCause.triggeringChange,
    changedFiles: i.changes.map((c) => ({ status: c.status, path: c.path, ...(c.oldPath ? { oldPath: c.oldPath } : {}) })),
    triggers: i.triggers
      .slice(0, 20)
      .map((t) => ({ id: t.id, kind: t.kind, severity: t.severity, file: t.file, line: t.line, message: t.message })),
    remediation: i.remediation,
    repeatOf: i.repeatOf,
  };
}

const briefSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    severity: z.string(),
    status: z.string(),
    category: z.string(),
    confidence: z.number(),
    changedFiles: z.array(z.object({ status: z.string(), path: z.string() }).passthrough()),
    triggers: z.array(z.object({ kind: z.string(), file: z.string(), line: z.number(), message: z.string() }).passthrough()),
    remediation: z.array(z.string()),
  })
  .passthrough();

const analyze = defineTool({
  name: 'analyze',
  title: 'Analyze what went wrong',
  description:
    "Snapshot the workspace now and analyse everything since `since` (default the baseline): errors in logs, deleted or emptied files, config changes, leaked secrets, the agent's decisions. " +
    'Records an incident when something is flagged and returns its id, root cause, changed files and triggers; returns incident null when nothing is. ' +
    'since: a snapshot id or label, "baseline", "latest~N", or a git revision as "git:HEAD".',
  input: {
    since: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .describe(
        'where the window starts: "baseline" (the default; without one, git:HEAD in a git repository), a snapshot id or label, or "git:HEAD" / "git:<rev>"',
      ),
    title: z.string().trim().max(200).optional().describe('a title for the incident (default: drafted from the evidence)'),
  },
  output: { incident: briefSchema.nullable(), since: z.string(), from: z.string(), to: z.string(), changes: z.number() },
  hints: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async run(store, args) {
    const {
      start,
      now,
      analysis: a,
      incident,
    } = await analyzeSince(store, {
      ...(args.since !== undefined ? { since: args.since } : {}),
      ...(args.title ? { title: args.title } : {}),
    });
    const { from, since } = start;
    if (!incident) {
      return {
        structured: { incident: null, since, from: from.id, to: now.snapshot.id, changes: a.changes.length },
        summary: `nothing flagged between ${from.id} and ${now.snapshot.id} (${a.changes.length} files changed): no incident recorded`,
      };
    }
    return {
      structured: { incident: incidentBrief(incident), since, from: from.id, to: now.snapshot.id, changes: a.changes.length },
      summary: `${incident.id} (${incident.severity}): ${incident.title}; root cause ${incident.rootCause.category} ${Math.round(incident.rootCause.confidence * 100)}%`,
    };
  },
});

const listIncidents = defineTool({
  name: 'list_incidents',
  title: 'List incidents',
  description: 'Recorded incidents, newest first, with severity, status and root-cause category. Use get_incident for one in full.',
  input: { status: z.enum(['open', 'resolved']).optional().describe('only open or only resolved incidents') },
  output: { incidents: z.array(incidentItemSchema) },
  hints: READ_ONLY,
  async run(store, args) {
    const all = await incidentsNewestFirst(store);
    const list = all.filter((i) => args.status === undefined || i.status === args.status).slice(0, MAX_LIST);
    return {
      structured: { incidents: list },
      summary: list.length === 0 ? 'no incidents recorded' : `${list.length} incident(s); newest ${list[0]?.id ?? ''}`,
    };
  },
});

const SECTIONS = ['rootCause', 'triggers', 'changes', 'timeline', 'decisions', 'remediation', 'artifacts', 'postmortem'] as const;
const DEFAULT_SECTIONS: readonly (typeof SECTIONS)[number][] = ['rootCause', 'triggers', 'changes', 'remediation'];
const MAX_SECTION_ITEMS = 200;

const getIncident = defineTool({
  name: 'get_incident',
  title: 'Get an incident',
  description: `One incident: its header plus the sections asked for (${SECTIONS.join(', ')}; default ${DEFAULT_SECTIONS.join(', ')}). Long lists are capped at ${MAX_SECTION_ITEMS} items.`,
  input: {
    id: incidentIdSchema,
    sections: z.array(z.enum(SECTIONS)).max(SECTIONS.length).optional().describe('which parts to include'),
  },
  output: { incident: z.object({ id: z.string(), title: z.string(), status: z.string() }).passthrough() },
  hints: READ_ONLY,
  async run(store, args) {
    const i = await getIncidentOrThrow(store, args.id);
    const want = new Set(args.sections ?? DEFAULT_SECTIONS);
    const cap = <T>(xs: readonly T[]): T[] => xs.slice(0, MAX_SECTION_ITEMS);
    const out: Record<string, unknown> = {
      id: i.id,
      title: i.title,
      createdAt: i.createdAt,
      severity: i.severity,
      status: i.status,
      resolvedAt: i.resolvedAt,
      baselineId: i.baselineId,
      postId: i.postId,
      signature: i.signature,
      repeatOf: i.repeatOf,
    };
    if (want.has('rootCause')) out.rootCause = i.rootCause;
    if (want.has('triggers')) out.triggers = cap(i.triggers);
    if (want.has('changes')) out.changes = cap(i.changes).map(({ before: _b, after: _a, patch: _p, ...c }) => c);
    if (want.has('timeline')) out.timeline = cap(i.timeline);
    if (want.has('decisions')) out.decisions = cap(i.decisions);
    if (want.has('remediation')) out.remediation = i.remediation;
    if (want.has('artifacts')) out.artifacts = i.artifacts ?? {};
    if (want.has('postmortem')) out.postmortem = await getPostmortem(store, i.id);
    return { structured: { incident: out }, summary: `${i.id} (${i.severity}, ${i.status}): ${i.title}` };
  },
});

const resolveTool = defineTool({
  name: 'resolve_incident',
  title: 'Resolve an incident',
  description: 'Mark an incident resolved (once it is fixed). To also say how it ended, use annotate_incident instead.',
  input: { id: incidentIdSchema },
  output: { incident: incidentItemSchema.partial().extend({ id: z.string(), status: z.string() }) },
  hints: IDEMPOTENT_WRITE,
  async run(store, args) {
    const i = await resolveIncident(store, args.id);
    return {
      structured: { incident: { id: i.id, title: i.title, status: i.status, resolvedAt: i.resolvedAt } },
      summary: `${i.id} resolved`,
    };
  },
});

const annotateTool = defineTool({
  name: 'annotate_incident',
  title: 'Record how an incident ended',
  description:
    `Record the outcome of an incident (${OUTCOMES.join(', ')}) with a note on what fixed it; the note feeds LEARNINGS.md and reflect. ` +
    'Every outcome but "mitigated" also resolves the incident unless keepOpen is true.',
  input: {
    id: incidentIdSchema,
    outcome: z.enum(OUTCOMES as [Outcome, ...Outcome[]], {
      errorMap: () => ({ message: `outcome must be one of ${OUTCOMES.join(', ')}` }),
    }),
    note: z.string().max(4000).optional().describe('what happened and what fixed it'),
    keepOpen: z.boolean().optional().describe('do not resolve the incident'),
  },
  output: {
    incident: z.object({ id: z.string(), status: z.string() }).passthrough(),
    annotation: z.object({ outcome: z.string(), note: z.string().nullable(), at: z.number() }).passthrough(),
  },
  hints: IDEMPOTENT_WRITE,
  async run(store, args) {
    const pm = await annotateIncident(store, args.id, args.outcome, args.note ?? null);
    const i =
      CLOSING_OUTCOMES.has(args.outcome) && !args.keepOpen
        ? await resolveIncident(store, pm.incidentId)
        : await getIncidentOrThrow(store, pm.incidentId);
    return {
      structured: { incident: { id: i.id, title: i.title, status: i.status }, annotation: pm.annotation },
      summary: `${i.id} annotated ${args.outcome}; ${i.status === 'resolved' ? 'resolved' : 'still open'}`,
    };
  },
});

export const INCIDENT_TOOLS = [analyze, listIncidents, getIncident, resolveTool, annotateTool];
