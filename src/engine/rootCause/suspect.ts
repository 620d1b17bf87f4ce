import type { FileChange, FileRole, RootCauseCategory, StackFrame, Trigger, TriggerCandidate, TriggeringChange } from '../types';
import { addressKeysChanged } from './addressKeys';
import { isFileTargeted } from './errorSignals';
import { isSecretKey, quantity } from './configValues';
import { textFacts, type Context } from './context';
import { sizeTrends } from './drift';
import type { ClassifyInput } from './input';
import { firstFailure, innermostWorkspaceFrame } from './triggers';
import { W } from './weights';
import { listSome } from '../../model/format';

/** Tie-break order when two changes are otherwise equally suspicious: config before code before data. */
const ROLE_RANK: Record<FileRole, number> = { config: 0, code: 1, data: 2, other: 3, doc: 4, output: 5, log: 6 };

/** How many later errors are read for "named by a later error": enough for any real incident, bounded for retry storms. */
const MAX_LATER_ERRORS = 200;
const MAX_CANDIDATES = 20;

/**
 * How strongly each kind of evidence ties a change to the failure; higher wins, 0 is no evidence.
 * Direct links (the failing line was edited, the error names the key or file) outrank links by
 * kind (the failure is a data error and this is the data that changed); recency only breaks ties.
 */
const LINK = {
  frameOnChangedLine: 100,
  keyNamed: 95,
  /** The code where the error was raised reads the changed key (see ClassifyInput.frameSource). */
  keyRead: 82,
  lineNamed: 95,
  innermostFrameInLogicError: 90,
  dataLineNamed: 88,
  textNamed: 85,
  frameInLogicError: 75,
  sizingKey: 70,
  /** A setting of where the job connects changed, and the job then failed to reach something. */
  addressChanged: 80,
  laterError: 50,
  inputGrew: 45,
  firstSlide: 40,
  /** Changed where the metric first slid and kept moving one way since: both facts together. */
  slideAndTrend: 43,
  steadyTrend: 38,
  /** A frame in a changed file, away from the changed lines, when the failure is not a logic error. */
  frameElsewhere: 25,
  roleMatchesFailure: 30,
  /** The one kind of input that changed since the same job last worked (see knownGood.ts). */
  onlyInputSinceWorked: 60,
  inputChanged: 20,
} as const;

/** Roles a failure of each category is caused by, when no direct link says which file. */
const CAUSE_ROLES: Partial<Record<RootCauseCategory, readonly FileRole[]>> = {
  config_error: ['config'],
  data_corruption: ['data'],
  logic_error: ['code'],
  drift: ['data', 'config', 'other'],
};

interface Link {
  strength: number;
  why: string;
}

interface Suspect {
  change: FileChange;
  time: number | null;
  link: Link;
}

/**
 * Where the most telling metric of the window first moved (worse first; see MetricTrend): the
 * paths changed in that step, and the words for it.
 */
function firstSlide(input: ClassifyInput): { paths: ReadonlySet<string>; reason: string } | null {
  for (const t of input.metricTrends ?? []) {
    if (t.verdict === 'better' || !t.at) continue;
    const i = t.values.findIndex((v, k) => k > 0 && v !== t.values[k - 1]);
    const snapshot = t.at[i];
    const step = input.steps.find((st) => st.to === snapshot);
    if (i < 1 || !step) continue;
    const verb = t.direction === 'down' ? 'fell' : 'rose';
    return {
      paths: new Set(step.changes.map((c) => c.path)),
      reason: `changed in snapshot ${snapshot}, where ${t.file}: ${t.key} first ${verb} (${t.values[i - 1]} → ${t.values[i]})`,
    };
  }
  return null;
}

/**
 * When a path changed relative to `ref`: its latest change at or before `ref` when there is one
 * (a file edited in several snapshots is suspect for the edit just before the failure), else its
 * earliest change after. A deletion has no mtime of its own: it is dated by the latest write in
 * the step that removed it.
 */
function changeTime(c: FileChange, steps: ClassifyInput['steps'], ref: number): number | null {
  const times: number[] = c.after ? [c.after.mtimeMs] : [];
  for (const s of steps) {
    for (const x of s.changes) {
      if (x.path !== c.path) continue;
      if (x.after) times.push(x.after.mtimeMs);
      else {
        const stepTimes = s.changes.map((y) => y.after?.mtimeMs ?? 0).filter((t) => t > 0);
        if (stepTimes.length) times.push(Math.max(...stepTimes));
      }
    }
  }
  if (times.length === 0) return null;
  const before = times.filter((t) => t <= ref);
  return before.length ? Math.max(...before) : Math.min(...times);
}

/** Line numbers (in the new file) that a unified diff added, or next to which it removed lines. */
function changedLineNumbers(patch: string | undefined): Set<number> | null {
  if (!patch) return null;
  const out = new Set<number>();
  let line = 0;
  for (const raw of patch.split('\n')) {
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(raw);
    if (hunk) {
      line = Number(hunk[1]);
      continue;
    }
    if (line === 0 || raw.startsWith('+++') || raw.startsWith('---')) continue;
    if (raw.startsWith('+')) out.add(line++);
    else if (raw.startsWith('-')) out.add(line);
    else if (raw.startsWith(' ') || raw === '') line++;
  }
  return out;
}

/** The changed paths one trigger ties to the failure, with how strongly and why. */
function linksOf(t: Trigger, ctx: Context, logicFailure: boolean, external: boolean): Map<string, Link> {
  const out = new Map<string, Link>();
  const put = (path: string, l: Link): void => {
    const change = ctx.changeByPath.get(path);
    if (!change) return;
    const prev = out.get(change.path);
    if (!prev || prev.strength < l.strength) out.set(change.path, l);
  };
  const facts = textFacts(t, ctx);
  const { named, keyHits, lineHits, dataHits, signals } = facts;
  const frameByPath = new Map<string, StackFrame>();
  for (const f of t.frames ?? []) if (f.inWorkspace) frameByPath.set(f.file, f);
  for (const n of named) {
    if (n.via === 'text') {
      // An error's text naming a file it could not parse or find is a direct link; for an outage the path is only where the call was made.
      if (!external || signals.some(isFileTargeted)) put(n.path, { strength: LINK.textNamed, why: `${t.id}'s message names it` });
      continue;
    }
    if (n.via === 'module') {
      put(n.path, { strength: LINK.textNamed, why: `it provides the module ${t.id} cannot import` });
      continue;
    }
    const change = ctx.changeByPath.get(n.path);
    const lines = changedLineNumbers(change?.patch);
    const where = `${n.path}:${n.line ?? '?'}`;
    const innermost = n.via === 'innermost_frame' ? ', the innermost workspace frame' : '';
    if (change && (change.status === 'added' || (n.line !== undefined && lines?.has(n.line)))) {
      // Worded as any frame link (reports quote it); the strength says the failing line itself was edited.
      put(n.path, { strength: LINK.frameOnChangedLine, why: `named by the stack trace of ${t.id} (${where}${innermost})` });
    } else if (logicFailure) {
      put(n.path, {
        strength: n.via === 'innermost_frame' ? LINK.innermostFrameInLogicError : LINK.frameInLogicError,
        why: `named by the stack trace of ${t.id} (${where}${innermost})`,
      });
    } else if (!external) {
      put(n.path, {
        strength: LINK.frameElsewhere,
        why: `named by the stack trace of ${t.id} (${where}), though the failing line did not change`,
      });
    }
  }
  for (const hit of keyHits) {
    put(hit.path, {
      strength: LINK.keyNamed,
      why:
        hit.via === 'value'
          ? `${t.id} names ${isSecretKey(hit.change.key) ? 'the new value' : hit.fragment}, the new value of \`${hit.change.key}\``
          : `${t.id} names \`${hit.fragment}\`, a key that was ${hit.change.change}`,
    });
  }
  for (const hit of facts.readKeys) {
    const at = innermostWorkspaceFrame(t);
    put(hit.path, {
      strength: LINK.keyRead,
      why: `the code where ${t.id} was raised${at ? ` (${at.file}:${at.line})` : ''} reads \`${hit.fragment}\`, a key that was ${hit.change.change}`,
    });
  }
  for (const a of addressKeysChanged(facts, ctx.input))
    put(a.path, {
      strength: LINK.addressChanged,
      why: `\`${a.change.key}\`, where the job connects, changed before ${t.id} failed to reach it`,
    });
  for (const hit of lineHits) put(hit.path, { strength: LINK.lineNamed, why: `${t.id} names ${hit.token}, on a line changed here` });
  for (const hit of dataHits) put(hit.path, { strength: LINK.dataLineNamed, why: `${t.id} names '${hit.token}', on a line changed here` });
  return out;
}

/** Numeric config values that moved by a large factor: what sizes a job's memory, files or time. */
function sizingChanges(ctx: Context): Map<string, string> {
  const out = new Map<string, string>();
  for (const [path, changes] of ctx.input.configKeys) {
    for (const c of changes) {
      const before = quantity(c.before);
      const after = quantity(c.after);
      if (c.change !== 'changed' || before === null || after === null || before <= 0 || after <= 0) continue;
      if (Math.max(after / before, before / after) < W.sizingFactor) continue;
      if (!out.has(path)) out.set(path, `\`${c.key}\` went from ${c.before} to ${c.after}`);
    }
  }
  return out;
}

function ago(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}

/**
 * The change most likely to have set the failure off, and every change weighed. A change is
 * chosen only on evidence that the failing program depends on it: the failing line was edited,
 * the error names the file, key or value, the failure is of the kind the file causes (a data
 * error and the data changed), a sizing value or an input grew before a resource failure, the
 * metric first slid where it changed. Recency breaks ties between such candidates. When no
 * change carries evidence, an external failure names none (the cause is outside); other
 * failures fall back to the closest change before them, saying so.
 */
export function suspect(ctx: Context, category?: RootCauseCategory): { change: TriggeringChange | null; candidates: TriggerCandidate[] } {
  const { input } = ctx;
  const role = (p: string): FileRole => input.roles(p);
  // Logs, outputs and agent transcripts are what a failure leaves behind; outputs are suspects only when nothing else changed.
  const causes = input.changes.filter((c) => role(c.path) !== 'log' && role(c.path) !== 'output');
  const pool = causes.length ? causes : input.changes.filter((c) => role(c.path) !== 'log');
  const rejected: TriggerCandidate[] = input.changes
    .filter((c) => !pool.includes(c))
    .slice(0, MAX_CANDIDATES)
    .map((c) => ({
      path: c.path,
      chosen: false,
      why: `a ${role(c.path) === 'log' ? 'log or agent transcript' : 'job output'}: what the run left behind, not what it read`,
    }));
  if (pool.length === 0) return { change: null, candidates: rejected };

  const first = firstFailure(input.triggers);
  const ref = first?.timestamp ?? Number.POSITIVE_INFINITY;
  const external = category === 'external_failure';
  const logicFailure = category === 'logic_error';
  // Only an error ties files to a failure: a config-change or deletion finding names its own file.
  const failure = first?.severity === 'error' ? first : null;
  const byFirst = failure ? linksOf(failure, ctx, logicFailure, external) : new Map<string, Link>();
  const byLater = new Map<string, Link>();
  for (const t of ctx.hardFailures.filter((x) => x !== failure).slice(0, MAX_LATER_ERRORS)) {
    for (const [path, l] of linksOf(t, ctx, logicFailure, external)) if (!byLater.has(path)) byLater.set(path, l);
  }

  const slide = failure ? null : firstSlide(input);
  const resource = category === 'resource_exhaustion';
  const sizing = resource ? sizingChanges(ctx) : new Map<string, string>();
  const trends = new Map(sizeTrends(input.steps, input.roles).map((t) => [t.path, t]));
  const causeRoles = category ? CAUSE_ROLES[category] : undefined;
  // The kind of file a failure points to counts only when the failure's own wording says what kind it is.
  const signals = ctx.hardFailures.slice(0, MAX_LATER_ERRORS).flatMap((t) => textFacts(t, ctx).signals);
  const typed = signals.some(
    (s) => s.category === category || (isFileTargeted(s) && (category === 'config_error' || category === 'data_corruption')),
  );

  const onlyInputs = ctx.sinceWorked.size === 1 ? new Set([...ctx.sinceWorked.values()].flat()) : new Set<string>();
  const linkFor = (change: FileChange): Link => {
    const path = change.path;
    const r = role(path);
    const found: Link[] = [];
    const direct = byFirst.get(path);
    if (direct) found.push(direct);
    const later = byLater.get(path);
    if (later) found.push({ strength: Math.min(later.strength, LINK.laterError), why: `${later.why} (a later error)` });
    const size = sizing.get(path);
    if (size) found.push({ strength: LINK.sizingKey, why: `${size} before the resource failure` });
    const before = change.before?.size ?? 0;
    const after = change.after?.size ?? 0;
    if (resource && r === 'data') {
      if (before > 0 && after >= before * W.sizingFactor)
        found.push({ strength: LINK.inputGrew, why: `the input grew from ${before} to ${after} bytes before the resource failure` });
      else found.push({ strength: LINK.inputChanged, why: 'an input of the job changed before the resource failure' });
    }
    const trend = trends.get(path);
    const steady =
      category === 'drift' && trend && r !== 'output' && r !== 'log'
        ? `it kept ${trend.direction} across ${trend.sizes.length - 1} snapshots`
        : null;
    if (slide?.paths.has(path))
      found.push(
        steady ? { strength: LINK.slideAndTrend, why: `${slide.reason}; ${steady}` } : { strength: LINK.firstSlide, why: slide.reason },
      );
    else if (steady) found.push({ strength: LINK.steadyTrend, why: steady });
    if (onlyInputs.has(path) && input.knownGood) {
      const at = input.knownGood.at;
      found.push({
        strength: LINK.onlyInputSinceWorked,
        why: `of what the job reads, only ${listSome([...onlyInputs])} changed since it last worked (${at})`,
      });
    }
    if (causeRoles?.includes(r) && category !== 'drift' && typed) {
      found.push({ strength: LINK.roleMatchesFailure, why: `a ${r} file changed, and the failure is ${category?.replace('_', ' ')}` });
    }
    found.sort((a, b) => b.strength - a.strength);
    return found[0] ?? { strength: 0, why: '' };
  };

  const suspects: Suspect[] = pool.map((change) => ({ change, time: changeTime(change, input.steps, ref), link: linkFor(change) }));

  // Lower is more suspicious: before the failure and close to it, then unknown times, then after.
  const timeRank = (time: number | null): [number, number] => {
    if (!first) return [0, time === null ? Number.POSITIVE_INFINITY : -time];
    if (time === null) return [1, 0];
    return time <= ref ? [0, ref - time] : [2, time - ref];
  };
  const byEvidenceThenTime = (a: Suspect, b: Suspect): number => {
    if (a.link.strength !== b.link.strength) return b.link.strength - a.link.strength;
    const [ga, da] = timeRank(a.time);
    const [gb, db] = timeRank(b.time);
    if (ga !== gb) return ga - gb;
    if (da !== db) return da - db;
    return ROLE_RANK[role(a.change.path)] - ROLE_RANK[role(b.change.path)] || a.change.path.localeCompare(b.change.path);
  };
  suspects.sort(byEvidenceThenTime);

  const anchor = first ? `the first ${first.severity === 'error' ? 'error' : 'finding'} (${first.id})` : '';
  const timing = (s: Suspect): string => {
    if (!first) return 'no failure to anchor on';
    if (s.time === null) return `deleted at an unknown time before ${first.id} was noticed`;
    return s.time <= ref ? `changed ${ago(ref - s.time)} before ${anchor}` : `changed ${ago(s.time - ref)} after ${anchor}`;
  };

  const best = suspects[0];
  // A doc is never read by the failing program: without a direct link it is no suspect.
  const eligible = (s: Suspect): boolean => s.link.strength > 0 || (role(s.change.path) !== 'doc' && !external);
  let chosen: Suspect | null = best && eligible(best) ? best : null;
  let fallback = false;
  if (chosen && chosen.link.strength === 0) {
    // No change carries evidence: fall back to the closest change before the failure, and say so.
    fallback = true;
    const closest = [...suspects].filter(eligible).sort((a, b) => {
      const [ga, da] = timeRank(a.time);
      const [gb, db] = timeRank(b.time);
      return ga - gb || da - db || ROLE_RANK[role(a.change.path)] - ROLE_RANK[role(b.change.path)];
    })[0];
    chosen = closest ?? null;
  }

  const candidates: TriggerCandidate[] = suspects.slice(0, MAX_CANDIDATES).map((s) => {
    const isChosen = s === chosen;
    let why: string;
    if (s.link.strength > 0) why = `${s.link.why}; ${timing(s)}`;
    else if (role(s.change.path) === 'doc') why = `documentation, which the failing program does not read; ${timing(s)}`;
    else if (external) why = `nothing ties it to the failure, which is outside the workspace; ${timing(s)}`;
    else why = `no evidence that the failing program depends on it; ${timing(s)}`;
    if (isChosen && fallback) why += '; chosen only as the closest change before the failure';
    else if (!isChosen && chosen && s.link.strength > 0 && s.link.strength === chosen.link.strength)
      why += `; ${chosen.change.path} is as strongly tied and closer to the failure`;
    return { path: s.change.path, chosen: isChosen, why };
  });
  candidates.push(...rejected.slice(0, Math.max(0, MAX_CANDIDATES - candidates.length)));

  if (!chosen) return { change: null, candidates };
  let reason =
    chosen.link.strength > 0
      ? chosen.link.why
      : `${timing(chosen)}, the closest change before it; no change is tied to the failure by evidence`;
  if (!first && chosen.link.strength === 0) reason = 'no failure to anchor on; ranked by how recently it changed';
  const keys = input.configKeys.get(chosen.change.path);
  return {
    change: {
      path: chosen.change.path,
      status: chosen.change.status,
      role: role(chosen.change.path),
      reason,
      ...(keys && keys.length > 0 ? { keys: keys.slice(0, 20).map((k) => k.key) } : {}),
    },
    candidates,
  };
}
