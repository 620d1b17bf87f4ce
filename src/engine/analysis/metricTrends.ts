/**
 * Numbers that moved one way across the window: an accuracy in results/metrics.json that fell
 * at every snapshot, a latency in the eval log that kept rising. Drift rarely throws; what it
 * leaves is such a series, so it is the evidence the drift category rests on.
 */
import { configFormat, readKeys } from '../rootCause/configKeys';
import type { BlobReader } from '../diff/snapshotDiff';
import type { FileChange, FileRole, MetricTrend } from '../types';
import type { HeldText } from './changedText';

/** Values at least this many, and the first and last this far apart (relative), to be a trend. */
const MIN_VALUES = 3;
const MIN_LOG_VALUES = 4;
const MIN_RELATIVE_CHANGE = 0.05;
/** Structured files read per analysis, and their largest size. */
const MAX_FILES = 30;
const MAX_BYTES = 1024 * 1024;
const MAX_TRENDS = 10;

/** Names whose higher values are better; the rest of the known names are costs (lower is better). */
const HIGHER_IS_BETTER =
  /(accuracy|acc|precision|recall|f1|auc|score|pass(ed)?_?rate|success(_rate)?|passed|throughput|qps|rps|coverage|bleu|rouge|reward|win_?rate|hit_?rate|exact_?match|em)$/i;
const LOWER_IS_BETTER =
  /(loss|error(s|_rate)?|err|fail(ed|ures?|_rate)?|latency|duration|time_?ms|ms|seconds|secs|p50|p90|p95|p99|cost|tokens|memory|mem|rss|heap|retries|timeouts?|drop(ped)?|rejected|invalid|skipped|warnings?|perplexity|ppl|queue(_depth)?|backlog|lag)$/i;
/** Names that count, label or accumulate rather than measure: they grow by nature. */
const NOT_A_METRIC =
  /(^|[._-])(id|ids|uuid|seed|ts|time(stamp)?|date|epoch|created(_at)?|updated(_at)?|version|ver|step|steps|iter(ation)?s?|index|idx|run|runs|batch|round|attempt|n|count|total|line|port|pid|size|len(gth)?|offset|page|elapsed|uptime|processed|done|completed|progress|percent|pct|written|read|bytes|received|sent|downloaded|uploaded|seen|so_?far)$/i;

function verdictOf(key: string, direction: 'up' | 'down'): MetricTrend['verdict'] {
  const name =
    key
      .replace(/\[\d+\]$/, '')
      .split('.')
      .pop() ?? key;
  if (HIGHER_IS_BETTER.test(name)) return direction === 'down' ? 'worse' : 'better';
  if (LOWER_IS_BETTER.test(name)) return direction === 'up' ? 'worse' : 'better';
  return 'unknown';
}

function isMetricName(key: string): boolean {
  const name =
    key
      .replace(/\[\d+\]/g, '')
      .split('.')
      .pop() ?? key;
  return !NOT_A_METRIC.test(name);
}

/** The trend of a series, or null: all moves one way (ties allowed), at least two of them, and a real overall change. */
function trendOf(values: readonly number[], min: number): 'up' | 'down' | null {
  if (values.length < min) return null;
  let up = 0;
  let down = 0;
  for (let i = 1; i < values.length; i++) {
    const d = (values[i] as number) - (values[i - 1] as number);
    if (d > 0) up++;
    else if (d < 0) down++;
  }
  if ((up > 0 && down > 0) || up + down < 2) return null;
  const first = values[0] as number;
  const last = values[values.length - 1] as number;
  // Epoch-like values (times written into the file) move by nature.
  if (Math.abs(last) > 1e9 && Math.abs(first) > 1e9) return null;
  if (Math.abs(last - first) < MIN_RELATIVE_CHANGE * Math.max(Math.abs(first), Math.abs(last))) return null;
  return up > 0 ? 'up' : 'down';
}

const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?$/i;

/**
 * Trends of the numeric keys of structured files (JSON, YAML, TOML...) that changed in at least
 * two steps of the window: the value at the window's start, then after each step that changed it.
 */
export async function structuredTrends(
  steps: readonly { from: { id: string }; to: { id: string }; changes: readonly FileChange[] }[],
  blobs: BlobReader,
  roles: (path: string) => FileRole,
): Promise<MetricTrend[]> {
  /** Per file: the blob id (null when unreadable) of each version, and the snapshot it is from. */
  const versions = new Map<string, { id: string | null; at: string }[]>();
  for (const step of steps) {
    for (const c of step.changes) {
      if (c.status !== 'modified' && c.status !== 'added') continue;
      const after = c.after;
      if (!after || after.type !== 'file' || after.binary || !after.stored || after.size > MAX_BYTES) continue;
      // Results and state files; a config file's numbers are settings, reported as config changes.
      const format = configFormat(c.path);
      if ((format !== 'json' && format !== 'yaml' && format !== 'toml') || roles(c.path) === 'config') continue;
      let list = versions.get(c.path);
      if (!list) {
        if (versions.size >= MAX_FILES) continue;
        const before =
          c.before && c.before.type === 'file' && c.before.stored && !c.before.binary && c.before.size <= MAX_BYTES ? c.before.id : null;
        list = [{ id: before, at: step.from.id }];
        versions.set(c.path, list);
      }
      list.push({ id: after.id, at: step.to.id });
    }
  }
  const out: MetricTrend[] = [];
  for (const [file, list] of versions) {
    if (list.filter((v) => v.id !== null).length < MIN_VALUES) continue;
    const series = new Map<string, { values: number[]; at: string[] }>();
    for (const { id, at } of list) {
      if (id === null) continue;
      const keys = readKeys(file, (await blobs.get(id)).toString('utf8'));
      if (!keys) continue;
      for (const [key, raw] of keys) {
        if (!NUMBER.test(raw.trim()) || !isMetricName(key)) continue;
        const s = series.get(key) ?? { values: [], at: [] };
        s.values.push(Number(raw));
        s.at.push(at);
        series.set(key, s);
      }
    }
    for (const [key, s] of series) {
      const direction = trendOf(s.values, MIN_VALUES);
      if (direction)
        out.push({ file, key, values: s.values, at: s.at, source: 'snapshots', direction, verdict: verdictOf(key, direction) });
    }
  }
  return rank(out);
}

const LOG_METRIC = /(?:^|[ \t,;({[])([A-Za-z][\w.-]{0,40})[ \t]*[=:][ \t]*([-+]?(?:\d+\.?\d*|\.\d+))(?=$|[\s,;)}\]%]|ms\b|s\b)/gm;
/** Of a log's text, at most this much (its end) is read for metrics: the cost stays bounded on huge logs. */
const MAX_LOG_METRIC_CHARS = 4 * 1024 * 1024;

/** Trends of `name=value` (or `name: value`) numbers on the new lines of changed logs, in line order. */
export function logTrends(texts: readonly HeldText[], isLog: (path: string) => boolean): MetricTrend[] {
  const out: MetricTrend[] = [];
  for (const ct of texts) {
    if (!isLog(ct.path)) continue;
    const series = new Map<string, { values: number[]; line: number }>();
    const metricName = new Map<string, boolean>();
    const text = ct.text;
    // One pass of the regex over the text (far cheaper than per line); line numbers are counted
    // forward from match to match.
    let from = Math.max(0, text.length - MAX_LOG_METRIC_CHARS);
    if (from > 0) from = text.indexOf('\n', from) + 1 || text.length;
    let lineNo = 1;
    for (let i = text.indexOf('\n'); i >= 0 && i < from; i = text.indexOf('\n', i + 1)) lineNo++;
    let counted = from;
    LOG_METRIC.lastIndex = from;
    for (let m = LOG_METRIC.exec(text); m; m = LOG_METRIC.exec(text)) {
      for (let i = text.indexOf('\n', counted); i >= 0 && i < m.index; i = text.indexOf('\n', i + 1)) {
        lineNo++;
        counted = i + 1;
      }
      const isNew = ct.addedLines ? ct.addedLines.has(lineNo) : lineNo >= ct.firstNewLine;
      const key = m[1] as string;
      if (!isNew) continue;
      let ok = metricName.get(key);
      if (ok === undefined) metricName.set(key, (ok = isMetricName(key)));
      if (!ok) continue;
      const s = series.get(key) ?? { values: [], line: 0 };
      // One value per key and line.
      if (s.line === lineNo) continue;
      s.values.push(Number(m[2]));
      s.line = lineNo;
      series.set(key, s);
    }
    for (const [key, s] of series) {
      const direction = trendOf(s.values, MIN_LOG_VALUES);
      if (direction)
        out.push({ file: ct.path, key, values: s.values, source: 'log', direction, verdict: verdictOf(key, direction), line: s.line });
    }
  }
  return rank(out);
}

/** Worse first, then the largest relative moves; at most a few. */
function rank(trends: MetricTrend[]): MetricTrend[] {
  const order = { worse: 0, unknown: 1, better: 2 } as const;
  const move = (t: MetricTrend): number => {
    const first = t.values[0] ?? 0;
    const last = t.values[t.values.length - 1] ?? 0;
    return Math.abs(last - first) / Math.max(Math.abs(first), Math.abs(last), 1e-9);
  };
  return trends.sort((a, b) => order[a.verdict] - order[b.verdict] || move(b) - move(a)).slice(0, MAX_TRENDS);
}
