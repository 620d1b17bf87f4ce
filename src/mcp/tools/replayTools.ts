import path from 'node:path';
import { z } from 'zod';
import { InputError } from '../../engine/errors';
import {
  annotateReplay,
  collectFailures,
  listReplays,
  loadReplay,
  recordReplay,
  reflect,
  REPLAY_STATUSES,
  summarizeFailures,
  writeLearnings,
  type ReplayStatus,
} from '../../engine/replays';
import { replayIdSchema, replaySchema } from './schemas';
import { ADDITIVE, defineTool, IDEMPOTENT_WRITE, READ_ONLY } from './tool';

const shortText = (what: string): z.ZodOptional<z.ZodString> =>
  z.string().trim().max(200, `${what} is too long: keep it under 200 characters`).optional();

const recordTool = defineTool({
  name: 'record_replay',
  title: 'Record a task (replay)',
  description:
    'Record what you are about to do (or just did) as a replay: agent, phase, plan, the task and the inputs needed to replay it. ' +
    'It is stored in the Incident Replay store, never in the workspace, with secrets redacted. Annotate it with annotate_replay once you know how it ended.',
  input: {
    agent: shortText('agent').describe('your agent name, e.g. "executor" or "claude-code"'),
    phase: shortText('phase').describe('e.g. "plan", "execute", "verify"'),
    plan: shortText('plan').describe('the plan or step this task belongs to'),
    task: z.string().trim().max(4000).optional().describe('the task in your words'),
    inputs: z.record(z.unknown()).optional().describe('whatever would let someone replay the task: prompt, arguments, files'),
    session: shortText('session').describe('your session id, if you have one'),
    snapshot: shortText('snapshot').describe('a snapshot taken before the task (take_snapshot)'),
    incident: z.string().trim().max(40).optional().describe('an incident the task is about, e.g. INC-0001'),
  },
  output: { replay: replaySchema },
  hints: ADDITIVE,
  async run(store, args) {
    const r = await recordReplay(store, args);
    return { structured: { replay: r }, summary: `recorded ${r.id}${r.agent ? ` for ${r.agent}` : ''}` };
  },
});

const listTool = defineTool({
  name: 'list_replays',
  title: 'List replays',
  description: 'Recorded replays, newest first, with their outcome status (null until annotated).',
  input: {
    agent: shortText('agent').describe("only this agent's replays"),
    limit: z.number().int().min(1).max(1000).optional().describe('at most this many (default 100)'),
  },
  output: { replays: z.array(replaySchema) },
  hints: READ_ONLY,
  async run(store, args) {
    const replays = await listReplays(store, { ...(args.agent ? { agent: args.agent } : {}), limit: args.limit ?? 100 });
    return {
      structured: { replays },
      summary: replays.length === 0 ? 'no replays recorded' : `${replays.length} replay(s); newest ${replays[0]?.id ?? ''}`,
    };
  },
});

const loadTool = defineTool({
  name: 'load_replay',
  title: 'Load a replay',
  description: 'One replay in full: the task, its inputs and its outcome, to repeat or study the task.',
  input: { id: replayIdSchema },
  output: { replay: replaySchema },
  hints: READ_ONLY,
  async run(store, args) {
    const r = await loadReplay(store, args.id);
    return {
      structured: { replay: r },
      summary: `${r.id}: ${r.task ?? [r.agent, r.phase, r.plan].filter(Boolean).join(' / ')}${r.outcome ? ` (${r.outcome.status})` : ''}`,
    };
  },
});

const annotateTool = defineTool({
  name: 'annotate_replay',
  title: 'Record how a task ended',
  description:
    `Record the outcome of a replay (${REPLAY_STATUSES.join(', ')}), with a note, what fixed it, a category and a related incident. ` +
    'Failed replays join the failure dataset (collect_failures) and reflect; a later annotation replaces an earlier one.',
  input: {
    id: replayIdSchema,
    outcome: z.enum(REPLAY_STATUSES as unknown as [ReplayStatus, ...ReplayStatus[]], {
      errorMap: () => ({ message: `outcome must be one of ${REPLAY_STATUSES.join(', ')}` }),
    }),
    note: z.string().max(4000).optional().describe('what happened'),
    fix: z.string().max(4000).optional().describe('what fixed it, or would have'),
    category: shortText('category').describe('a short error class, e.g. "config_change" or "test-failure"'),
    incident: z.string().trim().max(40).optional().describe('a related incident, e.g. INC-0001'),
  },
  output: { replay: replaySchema },
  hints: IDEMPOTENT_WRITE,
  async run(store, args) {
    const { id, outcome, ...rest } = args;
    const r = await annotateReplay(store, id, { status: outcome, ...rest });
    return { structured: { replay: r }, summary: `${r.id} annotated ${outcome}` };
  },
});

const itemSchema = z
  .object({ source: z.string(), id: z.string(), agent: z.string(), category: z.string(), signature: z.string(), title: z.string() })
  .passthrough();

const collectTool = defineTool({
  name: 'collect_failures',
  title: 'Collect failures',
  description:
    'Incidents, failed replays and failed tool calls (recorded by the hooks) as one dataset, oldest first, each with its agent, category, signature and what fixed it.',
  input: {},
  output: { counts: z.object({ incidents: z.number(), replays: z.number(), runs: z.number() }), items: z.array(itemSchema) },
  hints: READ_ONLY,
  async run(store) {
    const d = await collectFailures(store);
    return {
      structured: d,
      summary: `${d.items.length} failure(s): ${d.counts.incidents} incident(s), ${d.counts.replays} failed replay(s), ${d.counts.runs} failed tool call(s)`,
    };
  },
});

const countRow = z.object({ key: z.string(), count: z.number() });

const summarizeTool = defineTool({
  name: 'summarize_failures',
  title: 'Summarize failures',
  description:
    'The failure dataset counted by agent, by root-cause category and by signature (recurring failures first, with what fixed them).',
  input: {},
  output: {
    total: z.number(),
    byAgent: z.array(countRow.extend({ categories: z.array(countRow) })),
    byCategory: z.array(countRow),
    bySignature: z.array(
      z.object({ signature: z.string(), count: z.number(), ids: z.array(z.string()), fixes: z.array(z.string()) }).passthrough(),
    ),
  },
  hints: READ_ONLY,
  async run(store) {
    const s = summarizeFailures(await collectFailures(store));
    const top = s.bySignature[0];
    return {
      structured: s,
      summary: `${s.total} failure(s) across ${s.byAgent.length} agent(s)${top ? `; most frequent: ${top.category} (${top.count}×)` : ''}`,
    };
  },
});

const learningsTool = defineTool({
  name: 'write_learnings',
  title: 'Write LEARNINGS.md',
  description:
    "Write the learnings file (LEARNINGS.md, or the configured learningsFile) into the workspace: recurring failure patterns, what fixed them, and agents' failed tasks. " +
    'It never overwrites a file a person edited unless force is true.',
  input: {
    out: z.string().trim().min(1).max(500).optional().describe('a workspace-relative file to write instead'),
    force: z.boolean().optional().describe('overwrite a hand-edited learnings file'),
  },
  output: { file: z.string(), incidents: z.number(), agentFailures: z.number() },
  hints: IDEMPOTENT_WRITE,
  async run(store, args) {
    if (args.out !== undefined) {
      const rel = path.relative(store.workspaceRoot, path.resolve(store.workspaceRoot, args.out));
      if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel))
        throw new InputError(`out: ${args.out} is outside the workspace: give a workspace-relative file path`);
    }
    const w = await writeLearnings(store, { ...(args.out ? { out: args.out } : {}), force: args.force ?? false });
    return { structured: w, summary: `wrote ${w.file} (${w.incidents} incident(s), ${w.agentFailures} agent failure(s))` };
  },
});

const reflectTool = defineTool({
  name: 'reflect',
  title: "Reflect on an agent's failures",
  description:
    'Assemble, for one agent, a prompt of its recurring failures and what fixed them, asking for rules to add to its instructions. ' +
    'It never calls a model: hand the prompt to one (or read it yourself).',
  input: {
    agent: z
      .string({ required_error: 'agent is required: give the agent name used in record_replay (summarize_failures lists them)' })
      .trim()
      .min(1)
      .max(200),
  },
  output: { agent: z.string(), failures: z.number(), patterns: z.number(), prompt: z.string() },
  hints: READ_ONLY,
  async run(store, args) {
    const r = await reflect(store, args.agent);
    return { structured: r, summary: `${r.failures} failure(s) of ${r.agent} in ${r.patterns} pattern(s); the prompt follows` };
  },
});

export const REPLAY_TOOLS = [recordTool, listTool, loadTool, annotateTool, collectTool, summarizeTool, learningsTool, reflectTool];
