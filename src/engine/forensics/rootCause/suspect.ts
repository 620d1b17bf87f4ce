import type { FileChange, FileRole, Trigger, TriggeringChange } from '../../types';
import { buildContext, textFacts, type Context } from './context';
import type { ClassifyInput } from './input';
import { firstFailure } from './triggers';

/** Tie-break order when two changes are otherwise equally suspicious: config before code before data. */
const ROLE_RANK: Record<FileRole, number> = { config: 0, code: 1, data: 2, other: 3, doc: 4, output: 5, log: 6 };

/** How many later errors are read for "named by a later error": enough for any real incident, bounded for retry storms. */
const MAX_LATER_ERRORS = 200;

interface Naming {
  /** How strongly the trigger names the change; higher wins, unnamed changes are 0. */
  named: number;
  reason: string;
}

interface Suspect extends Naming {
  change: FileChange;
  time: number | null;
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

/** The changed paths one trigger names, with how strongly: innermost frame, key or line, frame, text. */
function namesOf(t: Trigger, ctx: Context): Map<string, Naming> {
  const out = new Map<string, Naming>();
  const put = (path: string, n: Naming): void => {
    const change = ctx.changeByPath.get(path);
    if (!change) return;
    const prev = out.get(change.path);
    if (!prev || prev.named < n.named) out.set(change.path, n);
  };
  const { named, keyHits, lineHits, dataHits } = textFacts(t, ctx);
  for (const n of named) {
    if (n.via === 'innermost_frame') {
      put(n.path, { named: 100, reason: `named by the stack trace of ${t.id} (${n.path}:${n.line ?? '?'}, the innermost workspace frame)` });
    } else if (n.via === 'frame') {
      put(n.path, { named: 90, reason: `named by the stack trace of ${t.id} (${n.path}:${n.line ?? '?'})` });
    } else {
      put(n.path, { named: 85, reason: `${t.id}'s message names it` });
    }
  }
  for (const hit of keyHits) {
    put(hit.path, {
      named: 95,
      reason:
        hit.via === 'value'
          ? `${t.id} names ${hit.fragment}, the new value of \`${hit.change.key}\``
          : `${t.id} names \`${hit.fragment}\`, a key that was ${hit.change.change}`,
    });
  }
  for (const hit of lineHits) put(hit.path, { named: 95, reason: `${t.id} names ${hit.token}, on a line changed here` });
  for (const hit of dataHits) put(hit.path, { named: 88, reason: `${t.id} names '${hit.token}', on a line changed here` });
  return out;
}

function ago(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}

export function suspectTriggeringChange(input: ClassifyInput): TriggeringChange | null {
  return suspect(buildContext(input));
}

/**
 * The change most likely to have set the failure off: the one the first failure names, else one a
 * later error names, else the change closest before the first failure.
 */
export function suspect(ctx: Context): TriggeringChange | null {
  const { input } = ctx;
  // Logs and outputs are what a failure leaves behind; they are suspects only when nothing else changed.
  const causes = input.changes.filter((c) => input.roles(c.path) !== 'log' && input.roles(c.path) !== 'output');
  const candidates = causes.length ? causes : input.changes.filter((c) => input.roles(c.path) !== 'log');
  if (candidates.length === 0) return null;
  const first = firstFailure(input.triggers);
  const ref = first?.timestamp ?? Number.POSITIVE_INFINITY;
  const byFirst = first ? namesOf(first, ctx) : new Map<string, Naming>();
  const byLater = new Map<string, Naming>();
  for (const t of ctx.hardFailures.filter((x) => x !== first).slice(0, MAX_LATER_ERRORS)) {
    for (const [path, n] of namesOf(t, ctx)) if (!byLater.has(path)) byLater.set(path, n);
  }

  // Without a failure, a metric that slid anchors the search: the changes made where it first moved.
  const slide = first ? null : firstSlide(input);
  const suspects: Suspect[] = candidates.map((change) => {
    const time = changeTime(change, input.steps, ref);
    const direct = byFirst.get(change.path);
    if (direct) return { change, time, ...direct };
    if (slide?.paths.has(change.path)) return { change, time, named: 40, reason: slide.reason };
    const later = byLater.get(change.path);
    if (later) return { change, time, named: 50, reason: `${later.reason} (a later error)` };
    let reason: string;
    const anchor = first ? `the first ${first.severity === 'error' ? 'error' : 'finding'} (${first.id})` : '';
    if (!first) reason = 'no failure to anchor on; ranked by how recently it changed';
    else if (time === null) reason = `deleted at an unknown time before ${first.id} was noticed`;
    else if (time <= ref) reason = `changed ${ago(ref - time)} before ${anchor}, the closest change before it`;
    else reason = `changed ${ago(time - ref)} after ${anchor}`;
    return { change, time, named: 0, reason };
  });

  // Lower is more suspicious: before the failure and close to it, then unknown times, then after.
  const timeRank = (time: number | null): [number, number] => {
    if (!first) return [0, time === null ? Number.POSITIVE_INFINITY : -time];
    if (time === null) return [1, 0];
    return time <= ref ? [0, ref - time] : [2, time - ref];
  };
  suspects.sort((a, b) => {
    if (a.named !== b.named) return b.named - a.named;
    const [ga, da] = timeRank(a.time);
    const [gb, db] = timeRank(b.time);
    if (ga !== gb) return ga - gb;
    if (da !== db) return da - db;
    const ra = ROLE_RANK[input.roles(a.change.path)];
    const rb = ROLE_RANK[input.roles(b.change.path)];
    return ra - rb || a.change.path.localeCompare(b.change.path);
  });
  const best = suspects[0];
  if (!best) return null;
  // Among unnamed changes the time decides; when the winner only won the role tie-break, say so.
  const runnerUp = suspects[1];
  let reason = best.reason;
  if (
    best.named === 0 &&
    runnerUp &&
    runnerUp.named === 0 &&
    runnerUp.time === best.time &&
    ROLE_RANK[input.roles(runnerUp.change.path)] !== ROLE_RANK[input.roles(best.change.path)]
  ) {
    reason += `; tied in time with ${runnerUp.change.path} (config is suspected before code before data)`;
  }
  const role = input.roles(best.change.path);
  const keys = input.configKeys.get(best.change.path);
  return {
    path: best.change.path,
    status: best.change.status,
    role,
    reason,
    ...(keys && keys.length > 0 ? { keys: keys.slice(0, 20).map((k) => k.key) } : {}),
  };
}
