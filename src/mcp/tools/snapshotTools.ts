import path from 'node:path';
import { z } from 'zod';
import { InputError } from '../../engine/errors';
import type { FileChange } from '../../engine/types';
import { changeSchema, publicSnapshot, refSchema, snapshotSchema } from './schemas';
import { ADDITIVE, defineTool, DESTRUCTIVE, READ_ONLY } from './tool';

/** Patches an agent gets in one answer: enough for a few files, never a context window's worth. */
export const DEFAULT_PATCH_BYTES = 20_000;
const MAX_PATCH_BYTES = 200_000;
const MAX_CHANGES = 500;

const takeSnapshot = defineTool({
  name: 'take_snapshot',
  title: 'Take a snapshot',
  description:
    'Capture the workspace now (content-addressed, cheap when little changed). Take one before a risky step (editing config, running a migration, deleting files); ' +
    'set baseline=true for the known-good state that analyze compares against. Returns the snapshot id to use with diff_snapshots, analyze and restore_snapshot.',
  input: {
    label: z
      .string()
      .trim()
      .max(100, 'label is too long: keep it under 100 characters')
      .optional()
      .describe('a short name, e.g. "before-migration"'),
    baseline: z.boolean().optional().describe('mark this snapshot as the baseline (the known-good state)'),
  },
  output: { snapshot: snapshotSchema, issues: z.array(z.string()) },
  hints: ADDITIVE,
  async run(store, args) {
    const r = await store.snapshot({ label: args.label || null, baseline: args.baseline ?? false });
    const issues = r.issues.map((i) => `${i.path}: ${i.message}`);
    return {
      structured: { snapshot: publicSnapshot(r.snapshot), issues },
      summary: `snapshot ${r.snapshot.id}${r.snapshot.baseline ? ' (baseline)' : ''}: ${r.snapshot.fileCount} files${issues.length ? `, ${issues.length} note(s)` : ''}`,
    };
  },
});

const listSnapshots = defineTool({
  name: 'list_snapshots',
  title: 'List snapshots',
  description: 'The workspace snapshots, oldest first, and which one is the baseline.',
  input: {},
  output: { snapshots: z.array(snapshotSchema), baseline: z.string().nullable() },
  hints: READ_ONLY,
  async run(store) {
    const list = await store.list();
    const baseline = (await store.baseline())?.id ?? null;
    return {
      structured: { snapshots: list.map(publicSnapshot), baseline },
      summary:
        list.length === 0
          ? 'no snapshots yet: call take_snapshot with baseline=true'
          : `${list.length} snapshot(s); baseline ${baseline ?? 'not set'}`,
    };
  },
});

function inPaths(paths: readonly string[] | undefined, c: FileChange): boolean {
  if (paths === undefined || paths.length === 0) return true;
  return paths.some((p) => [c.path, c.oldPath].some((x) => x !== undefined && (x === p || x.startsWith(`${p}/`))));
}

function normalizePath(root: string, p: string): string {
  const rel = path.relative(root, path.resolve(root, p)).split(path.sep).join('/');
  if (rel.startsWith('..') || path.isAbsolute(rel))
    throw new InputError(`paths: ${p} is outside the workspace: give workspace-relative paths`);
  return rel;
}

const diffSnapshots = defineTool({
  name: 'diff_snapshots',
  title: 'Compare two snapshots',
  description:
    'What changed between two snapshots: added, removed, modified, renamed files with line counts. patches=true adds unified diffs, capped at maxPatchBytes in total ' +
    '(files past the cap say so); narrow with paths. To compare with the workspace as it is now, take_snapshot first and use "latest".',
  input: {
    from: refSchema('from').default('baseline'),
    to: refSchema('to').default('latest'),
    paths: z.array(z.string().min(1).max(500)).max(100).optional().describe('only these workspace-relative files or folders'),
    patches: z.boolean().optional().describe('include unified diffs (default false)'),
    maxPatchBytes: z
      .number()
      .int()
      .min(1000)
      .max(MAX_PATCH_BYTES)
      .optional()
      .describe(`total size of the patches returned (default ${DEFAULT_PATCH_BYTES})`),
  },
  output: {
    from: z.string(),
    to: z.string(),
    summary: z.object({ added: z.number(), removed: z.number(), modified: z.number(), renamed: z.number() }).passthrough(),
    changes: z.array(changeSchema.extend({ patch: z.string().optional(), patchOmitted: z.string().optional() })),
    truncated: z.boolean(),
  },
  hints: READ_ONLY,
  async run(store, args) {
    const wantPatches = args.patches ?? false;
    const diff = await store.diff(args.from, args.to, { patches: wantPatches });
    const paths = args.paths?.map((p) => normalizePath(store.workspaceRoot, p));
    const selected = diff.changes.filter((c) => inPaths(paths, c));
    let budget = args.maxPatchBytes ?? DEFAULT_PATCH_BYTES;
    let truncated = selected.length > MAX_CHANGES;
    const changes = selected.slice(0, MAX_CHANGES).map((c) => {
      const { before: _b, after: _a, patch, ...rest } = c;
      if (!wantPatches || patch === undefined) return rest;
      const size = Buffer.byteLength(patch, 'utf8');
      if (size <= budget) {
        budget -= size;
        return { ...rest, patch };
      }
      truncated = true;
      return { ...rest, patchOmitted: `patch of ${size} bytes left out: over maxPatchBytes; ask again with paths: ["${c.path}"]` };
    });
    const s = diff.summary;
    return {
      structured: { from: diff.from.id, to: diff.to.id, summary: s, changes, truncated },
      summary: `${diff.from.id} → ${diff.to.id}: ${s.added} added, ${s.removed} removed, ${s.modified} modified, ${s.renamed} renamed${paths ? ` (${changes.length} in the paths asked for)` : ''}${truncated ? '; output truncated' : ''}`,
    };
  },
});

const restoreSnapshot = defineTool({
  name: 'restore_snapshot',
  title: 'Restore a snapshot',
  description:
    'Put the workspace (or one file or folder of it, with path) back to a snapshot: overwrites changed files and removes files the snapshot did not have. ' +
    'Destructive, but a safety snapshot of the current state is taken first; the answer says how to undo (restore the safety snapshot).',
  input: {
    snapshot: refSchema('snapshot'),
    path: z.string().trim().min(1).max(500).optional().describe('restore only this workspace-relative file or folder'),
  },
  output: {
    restored: z.string(),
    safetySnapshot: z.string(),
    written: z.array(z.string()),
    removed: z.array(z.string()),
    skipped: z.array(z.object({ path: z.string(), reason: z.string() })),
    undo: z.string(),
  },
  hints: DESTRUCTIVE,
  confirmation: (args) =>
    `Restore ${args.path ? `${args.path} from ` : 'the workspace to '}snapshot ${args.snapshot}? Changed files are overwritten and files the snapshot lacks are removed; a safety snapshot is taken first.`,
  async run(store, args) {
    const target = await store.resolve(args.snapshot);
    const r = await store.restore(target.id, args.path);
    const undo = `call restore_snapshot with snapshot "${r.safety.id}"${args.path ? ` and path "${args.path}"` : ''} (or run: incident-replay restore ${r.safety.id}${args.path ? ` --path ${args.path}` : ''} --force)`;
    return {
      structured: { restored: target.id, safetySnapshot: r.safety.id, written: r.written, removed: r.removed, skipped: r.skipped, undo },
      summary: `restored ${target.id}: wrote ${r.written.length}, removed ${r.removed.length} file(s); safety snapshot ${r.safety.id}. Undo: ${undo}`,
    };
  },
});

export const SNAPSHOT_TOOLS = [takeSnapshot, listSnapshots, diffSnapshots, restoreSnapshot];
