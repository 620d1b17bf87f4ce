/** SARIF output of the CLI: the engine's log of triggers, printed or written to a file. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../engine/db/atomicFile';
import { InputError } from '../engine/errors';
import { triggersToSarif } from '../engine/report/sarif';
import type { Trigger } from '../engine/types';

/** Where the SARIF log is made: the workspace its paths are relative to, the version of the CLI making it. */
export interface SarifTarget {
  workspaceRoot: string;
  toolVersion: string;
}

export const TRIGGER_FORMATS = ['text', 'json', 'sarif'] as const;
export type TriggerFormat = (typeof TRIGGER_FORMATS)[number];

export function triggerFormat(format: string | undefined, json: boolean | undefined): TriggerFormat {
  if (format === undefined) return json ? 'json' : 'text';
  const found = TRIGGER_FORMATS.find((f) => f === format);
  if (found === undefined) throw new InputError(`--format must be one of ${TRIGGER_FORMATS.join(', ')} (got ${JSON.stringify(format)})`);
  return found;
}

export function sarifText(triggers: readonly Trigger[], target: SarifTarget): string {
  return JSON.stringify(triggersToSarif(triggers, target), null, 2);
}

/** Writes the SARIF log to `file` (relative to where the command runs) and returns its absolute path. */
export function writeSarif(file: string, triggers: readonly Trigger[], target: SarifTarget): string {
  const out = path.resolve(process.cwd(), file);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileAtomic(out, Buffer.from(sarifText(triggers, target) + '\n', 'utf8'));
  return out;
}
