import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../db/atomicFile';
import { InputError } from '../errors';
import type { HookAgentSpec } from './agents';

/** Every command we install carries this, so a reinstall replaces ours and leaves the user's hooks alone. */
export const HOOK_COMMAND_MARKER = 'hooks run --agent';

export interface HookInstallPlan {
  file: string;
  /** The file's new text. */
  content: string;
  /** What was there (null: no file yet). */
  existing: string | null;
}

export interface HookInstallResult extends HookInstallPlan {
  backup: string | null;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isOurs(group: unknown): boolean {
  if (!isObject(group) || !Array.isArray(group.hooks)) return false;
  return group.hooks.some((h) => isObject(h) && typeof h.command === 'string' && h.command.includes(HOOK_COMMAND_MARKER));
}

/**
 * The agent's settings with our pre- and post-tool hooks added: other settings and the user's
 * own hooks are kept as they were; an earlier install of ours is replaced, not repeated.
 */
export function mergeHooks(existing: unknown, spec: HookAgentSpec, command: (event: 'pre' | 'post') => string): Json {
  const settings: Json = isObject(existing) ? { ...existing } : {};
  const hooks: Json = isObject(settings.hooks) ? { ...settings.hooks } : {};
  const events: [string, 'pre' | 'post'][] = [
    [spec.preEvent, 'pre'],
    [spec.postEvent, 'post'],
  ];
  if (spec.failureEvent) events.push([spec.failureEvent, 'post']);
  for (const [event, phase] of events) {
    const current = hooks[event];
    if (current !== undefined && !Array.isArray(current)) {
      throw new InputError(
        `hooks.${event} in the settings is not a list: fix it by hand (it should be a list of {matcher, hooks}) and install again`,
      );
    }
    const kept = ((current as unknown[] | undefined) ?? []).filter((g) => !isOurs(g));
    const entry: Json = { type: 'command', command: command(phase), timeout: spec.timeout };
    if (spec.agent === 'gemini') entry.name = `incident-replay-${phase}`;
    hooks[event] = [...kept, { matcher: spec.matcher, hooks: [entry] }];
  }
  settings.hooks = hooks;
  return settings;
}

/** What `hooks install` would write, without writing: the merged settings file. */
export async function planHookInstall(
  file: string,
  spec: HookAgentSpec,
  command: (event: 'pre' | 'post') => string,
): Promise<HookInstallPlan> {
  const existing = await fsp.readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    if (e.code === 'EISDIR') throw new InputError(`${file} is a folder: give the agent's settings file`);
    throw e;
  });
  let parsed: unknown = {};
  if (existing !== null && existing.trim() !== '') {
    try {
      parsed = JSON.parse(existing);
    } catch (e) {
      throw new InputError(
        `${file} is not valid JSON (${(e as Error).message}): fix it or name another file with --file; nothing was written`,
      );
    }
    if (!isObject(parsed))
      throw new InputError(`${file} does not hold a JSON object: fix it or name another file with --file; nothing was written`);
  }
  return { file, existing, content: JSON.stringify(mergeHooks(parsed, spec, command), null, 2) + '\n' };
}

function stamp(now: Date): string {
  return now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/** Writes the plan, keeping what was there as `<file>.bak-<timestamp>` first. */
export async function applyHookInstall(plan: HookInstallPlan, now = new Date()): Promise<HookInstallResult> {
  let backup: string | null = null;
  await fsp.mkdir(path.dirname(plan.file), { recursive: true });
  if (plan.existing !== null) {
    backup = `${plan.file}.bak-${stamp(now)}`;
    await fsp.writeFile(backup, plan.existing, { flag: 'wx' }).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'EEXIST') throw new InputError(`the backup ${backup} exists already: wait a second and install again`);
      throw e;
    });
  }
  writeFileAtomic(plan.file, Buffer.from(plan.content, 'utf8'));
  return { ...plan, backup };
}
