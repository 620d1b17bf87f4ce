import type { FileRole, RootCauseCategory, Trigger } from '../types';
import { errorSignals, type ErrorSignal } from './errorSignals';
import { isAgentTranscriptPath } from './fileRoles';
import { indexChanges, type ChangeIndex } from './changeIndex';
import { configLineTokens, dataHitsIn, dataLineTokens, namedConfigLines, type DataTokens, type LineHit } from './changedLines';
import { frameSourceKey, type ClassifyInput } from './input';
import { configKeysReadBy, namedConfigKeys, type KeyHit } from './namedKeys';
import { inputsChangedSinceWorked } from './knownGood';
import { namedFiles, type NamedFile } from './namedFiles';
import { errorTriggers, innermostWorkspaceFrame, triggerText } from './triggers';

/** Roles of files a parser reads, so a parse error can be about them. */
export const TEXT_TARGETS = new Set<FileRole>(['config', 'data', 'output']);

/** What one classification reads from its input, worked out once and shared by every kind of evidence. */
export interface Context extends ChangeIndex {
  input: ClassifyInput;
  /** Changed files of a kind a parser reads (config, data, output). */
  readable: string[];
  lineTokens: LineHit[];
  /** Changed data file → tokens of its first changed lines (a renamed CSV column, a changed header). */
  dataTokens: DataTokens;
  hardFailures: Trigger[];
  /** Agent transcripts and logs the decision chain was read from: records of the run, never causes or drift. */
  records: ReadonlySet<string>;
  /** What one error text says, computed once per distinct text (retry loops repeat it thousands of times). */
  facts: Map<string, TextFacts>;
  /** What the job reads that changed since it last worked, by category (see knownGood.ts); empty without a known-good start. */
  sinceWorked: ReadonlyMap<RootCauseCategory, string[]>;
}

export interface TextFacts {
  signals: ErrorSignal[];
  named: NamedFile[];
  keyHits: KeyHit[];
  /** Changed keys the code at the innermost workspace frame reads by name, beyond those the text names (see ClassifyInput.frameSource). */
  readKeys: KeyHit[];
  lineHits: LineHit[];
  /** Quoted names in the error (`KeyError: 'price'`) found on changed lines of data files. */
  dataHits: LineHit[];
}

/**
 * The roles the classifier weighs files by: a file the agent's decisions were read from (a
 * transcript, an agent log) is a record of the run, never a cause nor data, whatever its
 * extension; a file a metric trend was read from is where the run recorded its result.
 */
function recordRoles(input: ClassifyInput, records: ReadonlySet<string>): ClassifyInput['roles'] {
  const results = new Set((input.metricTrends ?? []).filter((t) => t.source === 'snapshots').map((t) => t.file));
  if (records.size === 0 && results.size === 0) return input.roles;
  return (p) => {
    if (records.has(p)) return 'log';
    const r = input.roles(p);
    return results.has(p) && r !== 'log' ? 'output' : r;
  };
}

/** Files the agent's decisions were read from, and agent transcripts found by their place. */
function agentRecords(input: ClassifyInput): Set<string> {
  const records = new Set(input.decisions.map((d) => d.file));
  for (const c of input.changes) if (isAgentTranscriptPath(c.path)) records.add(c.path);
  return records;
}

export function buildContext(raw: ClassifyInput): Context {
  const records = agentRecords(raw);
  const input: ClassifyInput = { ...raw, roles: recordRoles(raw, records) };
  const index = indexChanges(input.changes);
  return {
    ...index,
    input,
    readable: index.changedPaths.filter((p) => TEXT_TARGETS.has(input.roles(p)) && index.changeByPath.get(p)?.path === p),
    lineTokens: configLineTokens(input),
    dataTokens: dataLineTokens(input),
    hardFailures: errorTriggers(input.triggers),
    records,
    facts: new Map(),
    sinceWorked: inputsChangedSinceWorked(input),
  };
}

/** What a trigger's text says and names; memoised on everything that text analysis reads. */
export function textFacts(t: Trigger, ctx: Context): TextFacts {
  const text = triggerText(t);
  const key = `${t.errorType ?? ''}\u0000${t.file}\u0000${JSON.stringify(t.frames ?? [])}\u0000${text}`;
  let facts = ctx.facts.get(key);
  if (!facts) {
    const keyHits = namedConfigKeys(text, ctx.input.configKeys);
    facts = {
      // Frame function names carry what failed when the message does not (`at JSON.parse`).
      signals: errorSignals(frameFunctions(t) ? `${text}\n${frameFunctions(t)}` : text, t.errorType),
      named: namedFiles(text, t.frames ?? [], t.file, ctx, ctx.input.roles),
      keyHits,
      readKeys: keysReadAt(t, ctx.input, keyHits),
      lineHits: namedConfigLines(text, ctx.input, ctx.lineTokens),
      dataHits: dataHitsIn(text, ctx.dataTokens),
    };
    ctx.facts.set(key, facts);
  }
  return facts;
}

/** Changed keys read by the code where `t` failed, except those in `named` (its text names them already). */
export function keysReadAt(t: Trigger, input: ClassifyInput, named: readonly KeyHit[] = []): KeyHit[] {
  const at = innermostWorkspaceFrame(t);
  const code = at && at.line !== undefined ? input.frameSource?.get(frameSourceKey(at.file, at.line)) : undefined;
  if (code === undefined) return [];
  const seen = new Set(named.map((h) => `${h.path}\0${h.change.key}`));
  return configKeysReadBy(code, input.configKeys).filter((h) => !seen.has(`${h.path}\0${h.change.key}`));
}

function frameFunctions(t: Trigger): string {
  return (t.frames ?? [])
    .map((f) => f.function ?? '')
    .filter((fn) => fn !== '')
    .slice(-20)
    .join('\n');
}
