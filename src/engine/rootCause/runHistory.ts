import { formatDuration } from '../../model/format';
import { type Context, textFacts } from './context';
import type { ClassifyInput } from './input';
import type { Contribution } from './scoring';
import { W } from './weights';

/** Successful runs needed to call it a trend: three points, two steps. */
const MIN_RUNS = 3;
/** Slower by at least this much from the first run kept to the last that worked. */
const MIN_SLOWDOWN = 1.5;
/** A run may be this much faster than the one before and still count as the trend going on (timing noise). */
const NOISE = 0.9;

export interface Slowdown {
  durations: readonly number[];
  factor: number;
  failedAfterMs: number | undefined;
}

/** The job's runs that worked took longer and longer (each at least about as long as the one before). */
export function jobSlowdown(input: ClassifyInput): Slowdown | null {
  const good = input.knownGood;
  const d = good?.durations ?? [];
  if (d.length < MIN_RUNS) return null;
  for (let i = 1; i < d.length; i++) if ((d[i] as number) < NOISE * (d[i - 1] as number)) return null;
  const first = Math.max(d[0] as number, 1);
  const factor = (d[d.length - 1] as number) / first;
  if (factor < MIN_SLOWDOWN) return null;
  return { durations: d, factor, failedAfterMs: good?.failedAfterMs };
}

/** `took 0.2 s, 0.4 s, 0.8 s and 1.6 s in its last 4 runs that worked (8× slower)` */
export function describeSlowdown(job: string, s: Slowdown): string {
  const times = s.durations.map((ms) => formatDuration(ms));
  const list = `${times.slice(0, -1).join(', ')} and ${times[times.length - 1]}`;
  const failed = s.failedAfterMs !== undefined ? `, then was stopped after ${formatDuration(s.failedAfterMs)}` : '';
  return `\`${job}\` took ${list} in its last ${s.durations.length} runs that worked (${formatFactor(s.factor)} slower)${failed}`;
}

function formatFactor(f: number): string {
  return `${f >= 10 ? Math.round(f) : Number(f.toFixed(1))}×`;
}

/**
 * A job stopped by its time limit after its runs had slowed down run after run: it ran out of
 * time (resource exhaustion), and the slowing is the drift that led there.
 */
export function slowdownEvidence(ctx: Context): Contribution[] {
  const good = ctx.input.knownGood;
  const s = jobSlowdown(ctx.input);
  if (!good || !s) return [];
  const outOfTime = ctx.hardFailures.some((t) => textFacts(t, ctx).signals.some((sig) => sig.signal === 'time_budget'));
  if (!outOfTime) return [];
  const first = s.durations[0] ?? 0;
  const last = s.durations[s.durations.length - 1] ?? 0;
  return [
    {
      category: 'resource_exhaustion',
      weight: W.jobSlowedToLimit,
      group: 'job-slowdown',
      item: { kind: 'snapshot', ref: good.snapshot, description: describeSlowdown(good.job, s) },
    },
    {
      category: 'drift',
      weight: W.jobSlowedToLimit / 2,
      group: 'job-slowdown',
      item: {
        kind: 'snapshot',
        ref: good.snapshot,
        description: `the job slowed down run after run (${formatDuration(first)} → ${formatDuration(last)} over ${s.durations.length} runs) before its time ran out: a slow drift, not one sudden change`,
      },
    },
  ];
}
