import { windowStart } from './input';
import { PARSE_ERROR_KEY } from './configKeys';
import type { Context } from './context';
import type { SizeTrend } from './drift';
import { formatBytes, listSome, plural } from '../../model/format';

const SKIPPED_VALIDATION =
  /\b(skip(ped|ping)?|bypass(ed|ing)?|disabl(e|ed|ing)|ignor(e|ed|ing)|without (running )?)\b.{0,40}\b(tests?|validation|validat\w+|checks?|verification|lint\w*|hooks?|ci|type-?check\w*)\b|--no-verify|--force\b|-f\b.{0,10}\bpush/i;

/** Conditions that made the failure possible or worse, whatever its category. */
export function contributingFactors(ctx: Context, trends: readonly SizeTrend[]): string[] {
  const { input } = ctx;
  const out: string[] = [];
  const keyCount = [...input.configKeys.values()].reduce((n, ks) => n + ks.filter((k) => k.key !== PARSE_ERROR_KEY).length, 0);
  if (keyCount > 0) {
    const files = [...input.configKeys].filter(([, ks]) => ks.length > 0).map(([p]) => p);
    out.push(`${plural(keyCount, 'config key')} changed in the same window (${listSome(files)})`);
  }
  for (const [path, ks] of input.configKeys) {
    if (ks.some((k) => k.key === PARSE_ERROR_KEY)) out.push(`${path} no longer parses`);
  }
  const removed = input.changes.filter((c) => c.status === 'removed').map((c) => c.path);
  if (removed.length > 0) out.push(`${plural(removed.length, 'file')} deleted ${windowStart(input)} (${listSome(removed)})`);
  const code = input.changes.filter((c) => c.status !== 'removed' && input.roles(c.path) === 'code').map((c) => c.path);
  if (code.length > 0) out.push(`${plural(code.length, 'source file')} changed ${windowStart(input)} (${listSome(code)})`);
  for (const d of input.decisions) {
    const text = `${d.text} ${d.rationale ?? ''}`;
    if (SKIPPED_VALIDATION.test(text)) out.push(`the agent skipped validation (${d.id}: "${d.text.slice(0, 80)}")`);
  }
  for (const d of input.decisions) {
    if (d.outcome?.status === 'error') out.push(`${d.id} reported an error: ${d.outcome.text.slice(0, 100)}`);
  }
  const first = ctx.hardFailures[0];
  const stepTimes = input.steps.map((s) => Math.max(0, ...s.changes.map((c) => c.after?.mtimeMs ?? 0)));
  if (!first && input.steps.length > 0) {
    out.push(`no error surfaced across ${plural(input.steps.length + 1, 'snapshot')}`);
  } else if (first) {
    const quiet = stepTimes.filter((t) => t > 0 && t < first.timestamp).length;
    if (quiet >= 2) out.push(`no error surfaced for ${quiet} snapshots before ${first.id}`);
  }
  const repeats = new Map<string, number>();
  for (const t of ctx.hardFailures) repeats.set(t.message, (repeats.get(t.message) ?? 0) + 1);
  for (const [message, n] of repeats) {
    if (n >= 3) out.push(`the same error repeated ${n} times (${message.slice(0, 80)}): retries did not recover`);
  }
  const warnings = input.triggers.filter((t) => t.kind === 'log_error' && t.severity === 'warning').length;
  if (warnings > 0) out.push(`${plural(warnings, 'warning')} in the window`);
  for (const trend of trends.filter((tr) => tr.role === 'output' || tr.role === 'data')) {
    out.push(`${trend.path} kept ${trend.direction} (${trend.sizes.map(formatBytes).join(' → ')})`);
  }
  for (const t of input.triggers) {
    if (t.kind === 'empty_output') out.push(`${t.file} is empty (${t.id})`);
    if (t.kind === 'secret') out.push(`a secret was written to ${t.file} (${t.id})`);
  }
  if (first?.timestampEstimated) out.push(`the time of ${first.id} is estimated from ${first.file}'s modification time`);
  return [...new Set(out)];
}
