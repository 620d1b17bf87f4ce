import { likelySecretValues, Redactor, redactLikelySecrets } from '../content/redact';

/**
 * Every string of an export, keys included, through the safety net. Incidents are redacted when
 * they are recorded; this catches anything typed into a postmortem or missed by the detectors.
 * A value found in one string is hidden in all the others too (a password quoted with its name
 * in the timeline and bare in a decision).
 */
export function redactDeep<T>(value: T): T {
  const known = new Redactor();
  collect(value, known);
  const clean = (s: string): string => redactLikelySecrets(known.redact(s));
  return walk(value, clean) as T;
}

function collect(value: unknown, known: Redactor): void {
  if (typeof value === 'string') {
    for (const v of likelySecretValues(value)) known.add(v);
  } else if (Array.isArray(value)) {
    for (const v of value) collect(v, known);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      collect(k, known);
      collect(v, known);
    }
  }
}

function walk(value: unknown, clean: (s: string) => string): unknown {
  if (typeof value === 'string') return clean(value);
  if (Array.isArray(value)) return value.map((v) => walk(v, clean));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[clean(k)] = walk(v, clean);
    return out;
  }
  return value;
}
