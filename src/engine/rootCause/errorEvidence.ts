import { type ClassifyInput, windowStart } from './input';
import type { EvidenceItem, FileChange, FileRole, RootCauseCategory, Trigger } from '../types';
import { isFileTargeted, type ErrorSignal } from './errorSignals';
import { type AddressKey, addressKeysChanged } from './addressKeys';
import { displayValue, quantity } from './configValues';
import { TEXT_TARGETS, textFacts, type Context, type TextFacts } from './context';
import type { NamedFile } from './namedFiles';
import { noisyOr, type Contribution } from './scoring';
import { innermostWorkspaceFrame } from './triggers';
import { ROLE_CATEGORY, W } from './weights';
import { formatBytes, formatModeChange, listSome, plural } from '../../model/format';
import { CATEGORY_PHRASE } from '../../model/incident';

const ANY_TARGETS = new Set<FileRole>(['config', 'data', 'output', 'code']);

/** One error text being weighed, and the changed files already cited for it (each is cited once). */
interface ErrorCase {
  t: Trigger;
  ctx: Context;
  ref: { kind: EvidenceItem['kind']; ref: string };
  scale: number;
  facts: TextFacts;
  /** How the error is called in descriptions: its type, else the wording that matched. */
  label: string;
  consumed: Set<string>;
  /** Address settings that changed when the error is a failure to reach something (see addressKeysChanged). */
  addresses: AddressKey[];
}

/** How a changed file is described where an error names it (`named`: the path the error used). */
function describeChange(c: FileChange, input: ClassifyInput, named: string): string {
  const since = windowStart(input);
  switch (c.status) {
    case 'renamed':
      return named === c.oldPath ? `moved to ${c.path} ${since}` : `moved here from ${c.oldPath ?? '?'} ${since}`;
    case 'removed':
      return `deleted ${since}`;
    case 'added':
      return `added ${since}`;
    case 'mode_changed':
      return `whose permissions changed ${since} (${formatModeChange(c.before?.mode ?? 0, c.after?.mode ?? 0)})`;
    default:
      return `changed ${since}`;
  }
}

/**
 * Evidence from one error text (a log error, a constraint, an agent's error outcome): its wording,
 * the files it names and whether they changed, and the config keys it names.
 */
export function errorTextEvidence(
  t: Trigger,
  ctx: Context,
  ref: { kind: EvidenceItem['kind']; ref: string },
  scale: number,
): Contribution[] {
  const facts = textFacts(t, ctx);
  const label = t.errorType ?? facts.signals[0]?.match ?? 'the error';
  const addresses = addressKeysChanged(facts, ctx.input);
  const e: ErrorCase = { t, ctx, ref, scale, facts, label, consumed: new Set(), addresses };
  // In this order: the wording claims the files it targets before key, line and name matches cite the rest.
  return [
    ...wordingEvidence(e),
    ...namedHitEvidence(e),
    ...namedChangeEvidence(e),
    ...addressEvidence(e),
    ...sizingEvidence(e),
    ...unknownErrorEvidence(e),
  ];
}

/** The error's wording, credited to the category of the changed file it targets when it targets one. */
function wordingEvidence(e: ErrorCase): Contribution[] {
  const { t, ctx, ref, scale, label } = e;
  const { signals, keyHits, lineHits, dataHits } = e.facts;
  const role = (p: string): FileRole => ctx.input.roles(p);
  const at = innermostWorkspaceFrame(t);
  const where = at ? `${at.file}:${at.line}` : `${t.file}:${t.line}`;
  const out: Contribution[] = [];
  const perCategory = new Map<RootCauseCategory, { signals: ErrorSignal[]; weights: number[]; notes: string[] }>();

  const note = (category: RootCauseCategory, s: ErrorSignal, weight: number, extra?: string): void => {
    let entry = perCategory.get(category);
    if (!entry) {
      entry = { signals: [], weights: [], notes: [] };
      perCategory.set(category, entry);
    }
    entry.signals.push(s);
    entry.weights.push(weight);
    if (extra) entry.notes.push(extra);
  };

  for (const s of signals) {
    // A module that cannot be found is a dependency to install, unless a workspace file that
    // provides it changed (deleted, renamed): then the error is that change's.
    const provider = s.signal === 'missing_dependency' ? e.facts.named.find((n) => n.via === 'module') : undefined;
    if (!isFileTargeted(s) && !provider) {
      note(s.category, s, s.weight);
      continue;
    }
    const allowed = s.signal === 'syntax_error' ? ANY_TARGETS : TEXT_TARGETS;
    // A missing file is the one the text names, or a deleted source file; never the frame it was raised in.
    const isTarget = (n: NamedFile): boolean =>
      s.signal === 'missing_file'
        ? n.via === 'text' && (TEXT_TARGETS.has(role(n.path)) || ctx.changeByPath.get(n.path)?.status === 'removed')
        : allowed.has(role(n.path)) && (n.via === 'text' || allowed === ANY_TARGETS);
    const candidates = provider ? [provider] : e.facts.named.filter(isTarget);
    const target = candidates.find((n) => ctx.changeByPath.has(n.path)) ?? candidates[0];
    if (target) {
      const category = ROLE_CATEGORY[role(target.path)] ?? s.category;
      note(category, s, s.weight, `names ${target.path}`);
      const change = ctx.changeByPath.get(target.path);
      if (change && !e.consumed.has(target.path)) {
        e.consumed.add(target.path);
        const removed = change.status === 'removed';
        out.push({
          category,
          weight: (removed ? W.namedDeletedFile : W.namedChangedFile) * scale,
          group: 'named-file',
          item: {
            ...ref,
            file: target.path,
            line: target.line,
            description: `${label} names ${target.path}, a ${role(target.path)} file ${describeChange(change, e.ctx.input, target.path)}`,
          },
        });
      }
      continue;
    }
    // No file named: if every changed file of a parseable kind has the same role, that is the suspect.
    const changedReadable = ctx.readable;
    const rolesChanged = new Set(changedReadable.map((p) => ROLE_CATEGORY[role(p)]));
    const only = rolesChanged.size === 1 ? [...rolesChanged][0] : undefined;
    if (only && allowed === TEXT_TARGETS) {
      note(only, s, s.weight * 0.8, `names no file, and only ${listSome(changedReadable, 2)} of that kind changed`);
    } else {
      note(s.category, s, s.weight * 0.8);
    }
  }

  // A changed config key or value named by the error explains the error's own wording, except a
  // typed resource failure: the key sized the job, and exhaustion is what happened.
  const explained = keyHits.length > 0 || e.facts.readKeys.length > 0 || lineHits.length > 0 || e.addresses.length > 0;
  const exhausted = resourceTyped(signals);
  for (const [category, entry] of perCategory) {
    let damp = explained && !(exhausted && category === 'resource_exhaustion') ? (W.explainedAway[category] ?? 1) : 1;
    // A quoted name found on a changed data line explains a KeyError better than config or code does.
    if (dataHits.length > 0 && (category === 'config_error' || category === 'logic_error')) damp *= 0.5;
    const matches = [...new Set(entry.signals.map((s) => s.match))];
    const strongest = [...entry.signals].sort((a, b) => b.weight - a.weight)[0];
    out.push({
      category,
      weight: noisyOr(entry.weights) * damp * scale,
      group: `signal:${strongest?.signal ?? 'none'}:${category}`,
      item: {
        ...ref,
        file: at?.file ?? t.file,
        line: at?.line ?? t.line,
        description:
          `${label} at ${where}` +
          (matches.length === 1 && matches[0] === label ? '' : ` ("${matches.slice(0, 2).join('", "')}")`) +
          ` is typical of ${CATEGORY_PHRASE[category]}` +
          (entry.notes.length ? `; it ${[...new Set(entry.notes)].join('; ')}` : ''),
      },
    });
  }
  return out;
}

/** Changed config keys, config lines and data lines the error names. */
function namedHitEvidence(e: ErrorCase): Contribution[] {
  const { ref, scale, label } = e;
  const { keyHits, lineHits, dataHits } = e.facts;
  const out: Contribution[] = [];
  // A key read on the failing line of a memory or file-handle failure sized the job: it is the trigger, the category stays resource exhaustion.
  const keyWeight = resourceTyped(e.facts.signals) ? W.configKeyNamed * W.keyNamedUnderResource : W.configKeyNamed;
  for (const hit of keyHits.slice(0, 3)) {
    const c = hit.change;
    const was = c.change === 'added' ? 'added' : `was ${displayValue(c.key, c.before)}`;
    const description =
      hit.via === 'value'
        ? `${label} names ${hit.fragment}, the new value of \`${c.key}\` in ${hit.path} (${was})`
        : `${label} names \`${hit.fragment}\`, a key ${c.change === 'removed' ? 'removed from' : c.change === 'added' ? 'added to' : 'changed in'} ${hit.path}`;
    out.push({
      category: 'config_error',
      weight: keyWeight * scale,
      group: 'key-named',
      sub: `${hit.path}:${c.key}`,
      item: { ...ref, file: hit.path, description },
    });
  }

  // A changed key the failing code reads, where the error itself names none (see ClassifyInput.frameSource).
  const at = innermostWorkspaceFrame(e.t);
  const readWeight = resourceTyped(e.facts.signals) ? W.configKeyRead * W.keyNamedUnderResource : W.configKeyRead;
  for (const hit of e.facts.readKeys.slice(0, 2)) {
    const c = hit.change;
    const how =
      c.change === 'removed'
        ? `a key removed from ${hit.path} (it was ${displayValue(c.key, c.before)})`
        : c.change === 'added'
          ? `a key added to ${hit.path}`
          : `a key changed in ${hit.path} (was ${displayValue(c.key, c.before)}, now ${displayValue(c.key, c.after)})`;
    out.push({
      category: 'config_error',
      weight: readWeight * scale,
      group: 'key-read',
      sub: `${hit.path}:${c.key}`,
      item: {
        ...ref,
        file: hit.path,
        description: `${label} at ${at ? `${at.file}:${at.line}` : e.t.file}, where the code reads \`${hit.fragment}\`, ${how}`,
      },
    });
  }

  for (const hit of lineHits.slice(0, 2)) {
    out.push({
      category: 'config_error',
      weight: W.configLineNamed * scale,
      group: 'line-named',
      sub: `${hit.path}:${hit.token}`,
      item: {
        ...ref,
        file: hit.path,
        description: `${label} names ${hit.token}, on a line changed in ${hit.path} (${hit.line.slice(0, 60)})`,
      },
    });
  }

  for (const hit of dataHits.slice(0, 2)) {
    e.consumed.add(hit.path);
    out.push({
      category: 'data_corruption',
      weight: W.dataLineNamed * scale,
      group: 'data-line-named',
      sub: `${hit.path}:${hit.token}`,
      item: {
        ...ref,
        file: hit.path,
        description: `${label} names '${hit.token}', on a line changed in ${hit.path} (${hit.line.slice(0, 60)})`,
      },
    });
  }
  return out;
}

/** Changed files the error names or runs through that nothing above has cited yet. */
function namedChangeEvidence(e: ErrorCase): Contribution[] {
  const { ctx, ref, scale, label } = e;
  const { signals, named, keyHits, lineHits } = e.facts;
  const out: Contribution[] = [];
  const hitFiles = new Set([...keyHits, ...lineHits].map((h) => h.path));
  const logicSignal = signals.some((s) => s.category === 'logic_error' && s.weight >= 0.5);
  for (const n of named) {
    const change = ctx.changeByPath.get(n.path);
    if (!change || e.consumed.has(n.path)) continue;
    const r = ctx.input.roles(n.path);
    if (r === 'config' && !hitFiles.has(n.path) && n.via === 'text') {
      e.consumed.add(n.path);
      out.push({
        category: 'config_error',
        weight: W.configFileNamed * scale,
        group: 'config-file-named',
        item: {
          ...ref,
          file: n.path,
          description: `${label} names ${n.path}, a config file ${describeChange(change, e.ctx.input, n.path)}`,
        },
      });
    } else if ((r === 'data' || r === 'config') && n.via === 'text' && change.status === 'mode_changed') {
      // Only its permissions changed: whatever reads it may no longer be allowed to.
      e.consumed.add(n.path);
      out.push({
        category: 'config_error',
        weight: W.namedChangedFile * scale,
        group: 'permissions-changed',
        item: { ...ref, file: n.path, description: `${label} names ${n.path}, a file ${describeChange(change, e.ctx.input, n.path)}` },
      });
    } else if (r === 'data' && n.via === 'text') {
      e.consumed.add(n.path);
      const grew = dataGrowth(change);
      // Out of time or memory on an input that grew: the job met more data, not bad data.
      if (grew && signals.some((s) => s.category === 'resource_exhaustion' || s.signal === 'timeout')) {
        out.push({
          category: 'resource_exhaustion',
          weight: W.dataGrewUnderLoad * scale,
          group: 'data-grew',
          item: {
            ...ref,
            file: n.path,
            description: `${label} reads ${n.path}, a data file that grew from ${grew} ${windowStart(e.ctx.input)}`,
          },
        });
        continue;
      }
      out.push({
        category: 'data_corruption',
        weight: (change.status === 'removed' ? W.namedDeletedFile : W.dataFileNamed) * scale,
        group: 'data-file-named',
        item: { ...ref, file: n.path, description: `${label} reads ${n.path}, a data file ${describeChange(change, e.ctx.input, n.path)}` },
      });
    } else if (r === 'code' && n.via !== 'text') {
      e.consumed.add(n.path);
      const innermost = n.via === 'innermost_frame';
      const base = logicSignal ? W.frameInChangedCode : W.frameInChangedCodeNoLogicSignal;
      out.push({
        category: 'logic_error',
        weight: base * (innermost ? 1 : 0.6) * scale,
        group: 'frame-in-changed-code',
        item: {
          ...ref,
          file: n.path,
          line: n.line,
          // An exception is raised in a file; a tool's failure ("test failed") happens in it.
          description: `${label}${/^[\w.$]+$/.test(label) ? ' raised' : ''} ${innermost ? 'in' : 'through'} ${n.path}:${n.line ?? '?'}, a file ${describeChange(change, e.ctx.input, n.path)}`,
        },
      });
    }
  }
  return out;
}

/** `57.3 KiB to 96.1 KiB` when a file at least half as big again as it was; else null. */
function dataGrowth(c: FileChange): string | null {
  const before = c.before?.size ?? 0;
  const after = c.after?.size ?? 0;
  if (c.status !== 'modified' || before <= 0 || after < before * W.dataGrowthFactor) return null;
  return `${formatBytes(before)} to ${formatBytes(after)}`;
}

/**
 * A resource or timeout failure right after a sizing value moved a lot. A timeout after its
 * limit moved is a config error (the limit is wrong); memory, handles or a time budget exhausted
 * after a load value grew is resource exhaustion that the config set off.
 */
/** Where the job connects changed, and then it could not reach it (see addressKeysChanged). */
function addressEvidence(e: ErrorCase): Contribution[] {
  const { ref, scale, label } = e;
  return e.addresses.slice(0, 3).map(({ path, change: c }) => ({
    category: 'config_error' as const,
    weight: W.addressKeyChanged * scale,
    group: 'address-key',
    sub: `${path}:${c.key}`,
    item: {
      ...ref,
      file: path,
      description: `\`${c.key}\` in ${path}, where the job connects, changed from ${displayValue(c.key, c.before)} to ${displayValue(c.key, c.after)} before ${label}`,
    },
  }));
}

function sizingEvidence(e: ErrorCase): Contribution[] {
  const { ctx, ref, scale, label } = e;
  const sizing = e.facts.signals.some((s) => s.category === 'resource_exhaustion' || s.signal === 'timeout');
  if (!sizing) return [];
  const category = resourceTyped(e.facts.signals) ? 'resource_exhaustion' : 'config_error';
  const out: Contribution[] = [];
  for (const [path, changes] of ctx.input.configKeys) {
    for (const c of changes) {
      const before = quantity(c.before);
      const after = quantity(c.after);
      if (c.change !== 'changed' || before === null || after === null || before <= 0 || after <= 0) continue;
      const factor = Math.max(after / before, before / after);
      if (factor < W.sizingFactor) continue;
      out.push({
        category,
        weight: W.sizingKeyChanged * scale,
        group: 'sizing-key',
        sub: `${path}:${c.key}`,
        item: { ...ref, file: path, description: `\`${c.key}\` in ${path} went from ${c.before} to ${c.after} before ${label}` },
      });
    }
  }
  return out;
}

/** An error no signal recognises, after source files changed, leans (weakly) to a logic error. */
function unknownErrorEvidence(e: ErrorCase): Contribution[] {
  const { t, ctx, ref, scale } = e;
  if (e.facts.signals.length > 0 || t.severity !== 'error') return [];
  const code = ctx.changedPaths.filter((p) => ctx.input.roles(p) === 'code');
  if (code.length === 0) return [];
  return [
    {
      category: 'logic_error',
      weight: W.unknownErrorAfterCodeChange * scale,
      group: 'unknown-after-code',
      item: {
        ...ref,
        description: `an unrecognised error (${t.message.slice(0, 80)}) after ${plural(code.length, 'source file')} changed`,
      },
    },
  ];
}

/** Wording that can only mean exhaustion (out of memory, file handles, killed, a time budget), not a wording shared with other causes. */
function resourceTyped(signals: readonly ErrorSignal[]): boolean {
  return signals.some((s) => s.category === 'resource_exhaustion' && s.weight >= 0.55);
}
