import { z } from 'zod';

/** Shapes shared by several tools' outputs; nested records pass through what the engine adds later. */
export const snapshotSchema = z
  .object({
    id: z.string(),
    label: z.string().nullable(),
    baseline: z.boolean(),
    createdAt: z.number().describe('milliseconds since 1970'),
    fileCount: z.number(),
    byteCount: z.number(),
  })
  .passthrough();

export const changeSchema = z
  .object({
    status: z.string(),
    path: z.string(),
    oldPath: z.string().optional(),
    additions: z.number(),
    deletions: z.number(),
  })
  .passthrough();

export const incidentItemSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    createdAt: z.number(),
    severity: z.string(),
    status: z.string(),
    category: z.string(),
    confidence: z.number(),
  })
  .passthrough();

export const replaySchema = z
  .object({
    id: z.string(),
    recordedAt: z.number(),
    agent: z.string().nullable(),
    phase: z.string().nullable(),
    plan: z.string().nullable(),
  })
  .passthrough();

const REF_HELP = 'a snapshot id (or 4+ character prefix), a label, `baseline`, `latest`, `latest~N`';
export const refSchema = (what: string): z.ZodString =>
  z.string().trim().min(1, `${what} must not be empty: give ${REF_HELP}`).max(200).describe(`${what}: ${REF_HELP}`);

function idSchema(what: string, example: string, lister: string): z.ZodString {
  return z
    .string({ required_error: `id is required: give ${what} id like ${example} (${lister} shows them)` })
    .trim()
    .min(1, `id must not be empty: give ${what} id like ${example}`)
    .max(40)
    .describe(`${what} id, e.g. ${example}`);
}

export const incidentIdSchema = idSchema('an incident', 'INC-0001', 'list_incidents');
export const replayIdSchema = idSchema('a replay', 'RPL-0001', 'list_replays');

/** Snapshot rows without the internal manifest id: agents refer to snapshots by id or label. */
export function publicSnapshot<T extends { manifestId: string }>(s: T): Omit<T, 'manifestId'> {
  const { manifestId: _m, ...rest } = s;
  return rest;
}
