import type { FileRole, MetricTrend } from '../types';
import type { Context } from './context';
import type { ClassifyInput } from './input';
import type { Contribution } from './scoring';
import { W } from './weights';
import { formatBytes, plural } from '../../model/format';

export interface SizeTrend {
  path: string;
  role: FileRole;
  sizes: number[];
  direction: 'shrinking' | 'growing';
}

/**
 * Files whose size moved in one direction over at least two steps (three sizes) and by 10% or
 * more overall: the steady shrinking output or growing log that a single diff does not show.
 */
export function sizeTrends(steps: ClassifyInput['steps'], roles: (p: string) => FileRole): SizeTrend[] {
  const series = new Map<string, number[]>();
  for (const step of steps) {
    for (const c of step.changes) {
      if (c.status === 'mode_changed') continue;
      let s = series.get(c.path);
      if (!s) {
        s = [c.before?.size ?? 0];
        series.set(c.path, s);
      }
      s.push(c.status === 'removed' ? 0 : (c.after?.size ?? 0));
    }
  }
  const out: SizeTrend[] = [];
  for (const [path, sizes] of series) {
    if (sizes.length < 3) continue;
    const deltas = sizes.slice(1).map((v, i) => v - (sizes[i] ?? 0));
    const up = deltas.filter((d) => d > 0).length;
    const down = deltas.filter((d) => d < 0).length;
    if ((up > 0 && down > 0) || up + down < 2) continue;
    const first = sizes[0] ?? 0;
    const last = sizes[sizes.length - 1] ?? 0;
    if (Math.abs(last - first) < 0.1 * Math.max(first, last, 1)) continue;
    out.push({ path, role: roles(path), sizes, direction: down > 0 ? 'shrinking' : 'growing' });
  }
  return out;
}

/** `accuracy fell 0.91 → 0.79 over 4 snapshots` */
export function describeTrend(t: MetricTrend): string {
  const verb = t.direction === 'down' ? 'fell' : 'rose';
  const over = t.source === 'log' ? `${t.values.length} log lines` : `${t.values.length - 1} snapshots`;
  const first = t.values[0] ?? 0;
  const last = t.values[t.values.length - 1] ?? 0;
  return `${t.file}: ${t.key} ${verb} ${formatNumber(first)} → ${formatNumber(last)} over ${over}`;
}

function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(4)));
}

/** Slow degradation across the steps: metrics that kept moving the wrong way, size trends, many small changes, repeated warnings. */
export function driftEvidence(ctx: Context): Contribution[] {
  const { steps, roles, triggers } = ctx.input;
  const out: Contribution[] = [];
  for (const trend of ctx.input.metricTrends ?? []) {
    if (trend.verdict === 'better') continue;
    out.push({
      category: 'drift',
      weight: trend.verdict === 'worse' ? W.metricWorse : W.metricMoved,
      group: 'metric',
      sub: `${trend.file}#${trend.key}`,
      item: {
        kind: 'change',
        ref: trend.file,
        file: trend.file,
        ...(trend.line ? { line: trend.line } : {}),
        description: describeTrend(trend),
      },
    });
  }
  for (const trend of sizeTrends(steps, roles)) {
    // A transcript grows with every step the agent takes; that is no drift of the workspace.
    if (ctx.records.has(trend.path)) continue;
    const base = W.trendBase[trend.role];
    if (!base) continue;
    const first = trend.sizes[0] ?? 0;
    const last = trend.sizes[trend.sizes.length - 1] ?? 0;
    out.push({
      category: 'drift',
      weight: Math.min(base + 0.05 * (trend.sizes.length - 3), base + 0.15),
      group: 'trend',
      item: {
        kind: 'change',
        ref: trend.path,
        file: trend.path,
        description: `${trend.path} kept ${trend.direction} over ${trend.sizes.length - 1} snapshots (${formatBytes(first)} → ${formatBytes(last)})`,
      },
    });
  }
  const active = steps.filter((s) => s.changes.some((c) => roles(c.path) !== 'log'));
  const changes = active.flatMap((s) => s.changes.filter((c) => roles(c.path) !== 'log'));
  const churn = changes.reduce((n, c) => n + c.additions + c.deletions, 0) / Math.max(changes.length, 1);
  if (active.length >= 3 && churn <= 30) {
    out.push({
      category: 'drift',
      weight: W.smallChangesSpread,
      group: 'spread',
      item: {
        kind: 'snapshot',
        ref: active[0]?.to ?? '',
        description: `${plural(changes.length, 'small change')} spread over ${active.length} snapshots (about ${Math.round(churn)} lines each)`,
      },
    });
  }
  const warnings = triggers.filter((t) => t.kind === 'log_error' && t.severity === 'warning');
  if (warnings.length >= 2) {
    out.push({
      category: 'drift',
      weight: Math.min(W.warningsBase + 0.03 * (warnings.length - 2), 0.3),
      group: 'warnings',
      item: {
        kind: 'trigger',
        ref: warnings[0]?.id ?? '',
        file: warnings[0]?.file,
        description: `${plural(warnings.length, 'warning')} logged in the window`,
      },
    });
  }
  if (out.length === 0) return out;
  if (ctx.hardFailures.length === 0) {
    out.push({
      category: 'drift',
      weight: W.noHardFailure,
      group: 'no-failure',
      item: {
        kind: 'snapshot',
        ref: steps[steps.length - 1]?.to ?? '',
        description: `no error-level failure across ${plural(steps.length + 1, 'snapshot')}: the state degraded without a crash`,
      },
    });
    return out;
  }
  return out.map((c) => ({ ...c, weight: c.weight * W.driftWithFailure }));
}
