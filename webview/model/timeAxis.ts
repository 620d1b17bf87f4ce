/**
 * The strip above the timeline: the shown events bucketed over the incident's span, so quiet
 * stretches (gaps) and dense ones (bursts) are visible at a glance, and a click on a bucket jumps
 * to its first row.
 */
import type { TimelineEntry, TimelineModel, TimelineRow } from './timeline';

export interface AxisBucket {
  start: number;
  end: number;
  count: number;
  errors: number;
  /** First row (in the rows given) whose event falls in this bucket; -1 when empty. */
  firstRow: number;
  /** Much denser than the typical non-empty bucket. */
  burst: boolean;
  /** Lies wholly inside a gap between consecutive shown events. */
  gap: boolean;
}

export interface TimeAxis {
  start: number;
  end: number;
  buckets: AxisBucket[];
  maxCount: number;
  /** Stretches between consecutive shown events at least `gapThresholdMs` long. */
  gaps: { from: number; to: number }[];
}

/** A bucket is a burst when it holds at least this many events and this many times the median. */
const BURST_MIN = 5;
const BURST_FACTOR = 3;

export function buildTimeAxis(model: TimelineModel, rows: readonly TimelineRow[], bucketCount: number): TimeAxis {
  const shown: { t: number; row: number; error: boolean }[] = [];
  rows.forEach((r, row) => {
    if (r.type !== 'event') return;
    const e = model.entries[r.entry] as TimelineEntry;
    shown.push({ t: e.event.timestamp, row, error: e.severity === 'error' });
  });
  if (shown.length === 0 || bucketCount < 1) return { start: 0, end: 0, buckets: [], maxCount: 0, gaps: [] };
  let start = Infinity;
  let end = -Infinity;
  for (const s of shown) {
    if (s.t < start) start = s.t;
    if (s.t > end) end = s.t;
  }
  const span = Math.max(end - start, 1);
  const width = span / bucketCount;
  const buckets: AxisBucket[] = Array.from({ length: bucketCount }, (_, i) => ({
    start: start + i * width,
    end: start + (i + 1) * width,
    count: 0,
    errors: 0,
    firstRow: -1,
    burst: false,
    gap: false,
  }));
  for (const s of shown) {
    const b = buckets[Math.min(bucketCount - 1, Math.floor((s.t - start) / width))] as AxisBucket;
    b.count++;
    if (s.error) b.errors++;
    if (b.firstRow === -1 || s.row < b.firstRow) b.firstRow = s.row;
  }
  const counts = buckets
    .map((b) => b.count)
    .filter((c) => c > 0)
    .sort((a, b) => a - b);
  const median = counts[Math.floor(counts.length / 2)] ?? 0;
  for (const b of buckets) b.burst = b.count >= BURST_MIN && b.count >= median * BURST_FACTOR;

  const times = shown.map((s) => s.t).sort((a, b) => a - b);
  const gaps: { from: number; to: number }[] = [];
  for (let i = 1; i < times.length; i++) {
    const from = times[i - 1] as number;
    const to = times[i] as number;
    if (to - from >= model.gapThresholdMs) gaps.push({ from, to });
  }
  for (const b of buckets) {
    if (b.count === 0) b.gap = gaps.some((g) => g.from <= b.start && b.end <= g.to);
  }
  return { start, end, buckets, maxCount: Math.max(0, ...buckets.map((b) => b.count)), gaps };
}
