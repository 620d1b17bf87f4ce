/**
 * Every built-in secret detector over one text, as spans: token prefixes, JWTs, secret-like
 * names (assignments, Authorization headers, curl -u, URL passwords), PEM private keys, and in
 * `redact` mode any long high-entropy token whatever surrounds it. No detector depends on
 * recognising the provider; the prefixes only make detection surer.
 *
 * Cheap checks come first (a literal `includes` per prefix rule, one case-insensitive scan for
 * name hints) so that a long text without secrets costs a few linear passes.
 */
import { isPlaceholder, looksRandom } from './entropy';
import { isJwt, JWT_PATTERN } from './jwt';
import { namedSecretSpans, type SecretScanMode, type SecretSpan } from './namedSecrets';
import { prefixMatches } from './tokenPrefixes';

export type { SecretScanMode, SecretSpan } from './namedSecrets';

/** PEM private key bodies, with real or JSON-escaped line breaks; the armour lines stay readable. */
const PEM_BODY = /-----BEGIN[ A-Z0-9]{0,30}PRIVATE KEY(?: BLOCK)?-----([\s\S]{1,20000}?)(?=-----END[ A-Z0-9]{0,30}PRIVATE KEY)/g;

/** A run of base64/base64url characters long enough to be a key by itself. */
const LONG_TOKEN = /(?<![A-Za-z0-9+/_\-=])[A-Za-z0-9+/_\-]{32,4096}={0,3}(?![A-Za-z0-9+/_\-=])/g;

/** Where `LONG_TOKEN` matches are data, not keys: inline images and fonts, subresource integrity. */
function isEncodedData(text: string, start: number): boolean {
  const before = text.slice(Math.max(0, start - 40), start);
  return /;base64,$|\bsha(?:256|384|512)-$|"integrity":\s*"$/.test(before);
}

/** Spans of likely secrets in `text`, in no particular order (they may overlap). */
export function findLikelySecrets(text: string, mode: SecretScanMode): SecretSpan[] {
  const out: SecretSpan[] = [];
  if (text.length === 0) return out;

  for (const { rule, start, value } of prefixMatches(text)) {
    out.push({ start, end: start + value.length, rule: `prefix:${rule.id}`, kind: rule.kind });
  }

  if (text.includes('eyJ')) {
    JWT_PATTERN.lastIndex = 0;
    for (let m = JWT_PATTERN.exec(text); m !== null; m = JWT_PATTERN.exec(text)) {
      if (mode === 'redact' || isJwt(m[0])) out.push({ start: m.index, end: m.index + m[0].length, rule: 'jwt', kind: 'JSON Web Token' });
    }
  }

  if (text.includes('PRIVATE KEY')) {
    PEM_BODY.lastIndex = 0;
    for (let m = PEM_BODY.exec(text); m !== null; m = PEM_BODY.exec(text)) {
      const body = m[1] ?? '';
      const start = m.index + m[0].length - body.length;
      if (!isPlaceholder(body.trim())) out.push({ start, end: start + body.length, rule: 'pem', kind: 'private key' });
    }
  }

  namedSecretSpans(text, mode, out);

  if (mode === 'redact') {
    LONG_TOKEN.lastIndex = 0;
    for (let m = LONG_TOKEN.exec(text); m !== null; m = LONG_TOKEN.exec(text)) {
      const value = m[0];
      if (!/[0-9]/.test(value) || !/[a-z]/.test(value) || !/[A-Z]/.test(value)) continue;
      if (looksRandom(value, { minLength: 32, minEntropy: 4.2 }) && !isEncodedData(text, m.index)) {
        out.push({ start: m.index, end: m.index + value.length, rule: 'entropy:token', kind: 'high-entropy value' });
      }
    }
  }
  return out;
}

/** Spans sorted and merged where they overlap, so each secret is replaced once and whole. */
export function mergeSpans(spans: readonly SecretSpan[]): SecretSpan[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: SecretSpan[] = [];
  for (const s of sorted) {
    const last = merged[merged.length - 1];
    if (last && s.start < last.end) {
      if (s.end > last.end) last.end = s.end;
    } else {
      merged.push({ ...s });
    }
  }
  return merged;
}
