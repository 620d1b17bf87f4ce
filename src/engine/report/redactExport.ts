import { redactLikelySecrets } from '../forensics/redact';

/**
 * Every string of an export, keys included, through the safety net. Incidents are redacted when
 * they are recorded; this catches anything typed into a postmortem or missed by the detectors.
 */
export function redactDeep<T>(value: T): T {
  return walk(value) as T;
}

function walk(value: unknown): unknown {
  if (typeof value === 'string') return redactLikelySecrets(value);
  if (Array.isArray(value)) return value.map(walk);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[redactLikelySecrets(k)] = walk(v);
    return out;
  }
  return value;
}
