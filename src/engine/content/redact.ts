/**
 * Redaction of secret values in everything the engine shows or stores.
 *
 * Format: a value keeps at most its first 4 characters, followed by `…[redacted N chars]`
 * where N is the number of characters hidden (`AKIAZ7Q2M4XW9K3J5T8R` → `AKIA…[redacted 16 chars]`).
 * Values of 8 characters or fewer keep nothing (`[redacted 6 chars]`), since 4 of 8 would
 * give half the secret away. The redacted form never contains a line break, so a multi-line
 * PEM block collapses to one line.
 */

import { findLikelySecrets, mergeSpans, type SecretSpan } from './likelySecrets';

const KEEP_CHARS = 4;
const KEEP_NOTHING_UP_TO = 8;

export function redactValue(value: string): string {
  const chars = Array.from(value);
  const keep = chars.length <= KEEP_NOTHING_UP_TO ? 0 : KEEP_CHARS;
  const kept = chars.slice(0, keep).join('');
  const hidden = chars.length - keep;
  return keep > 0 ? `${kept}…[redacted ${hidden} chars]` : `[redacted ${hidden} chars]`;
}

/**
 * Shorter values cannot be told apart from ordinary words, and replacing every `abc`
 * in a report would make it unreadable; findings redact their own span by position anyway.
 */
const MIN_KNOWN_VALUE_LENGTH = 4;
/** A single line of a multi-line secret (a PEM body line) is redacted on its own when it is at least this long. */
const MIN_LINE_FRAGMENT_LENGTH = 16;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Holds every secret value found during one analysis and redacts all of them from any text.
 * Multi-line values are also recognised with CRLF line ends, JSON-escaped (`\n`), and line by
 * line, so a PEM body leaks neither whole nor in pieces (one line of it in an excerpt).
 */
export class Redactor {
  private readonly values = new Set<string>();
  /** Every form searched for (the values plus their variants), and what it is replaced with. */
  private readonly forms = new Map<string, string>();
  private pattern: RegExp | null = null;

  get size(): number {
    return this.values.size;
  }

  add(value: string): void {
    if (value.length < MIN_KNOWN_VALUE_LENGTH || this.values.has(value)) return;
    this.values.add(value);
    this.addForm(value, redactValue(value));
    if (/[\r\n]/.test(value)) {
      const lf = value.replace(/\r\n/g, '\n');
      this.addForm(lf, redactValue(value));
      this.addForm(lf.replace(/\n/g, '\r\n'), redactValue(value));
      this.addForm(lf.replace(/\n/g, '\\n'), redactValue(value));
      for (const line of lf.split('\n')) {
        const trimmed = line.trim();
        if (trimmed.length >= MIN_LINE_FRAGMENT_LENGTH) this.addForm(trimmed, redactValue(trimmed));
      }
    }
    this.pattern = null;
  }

  redact(text: string): string {
    if (this.forms.size === 0 || text.length === 0) return text;
    this.pattern ??= this.buildPattern();
    return text.replace(this.pattern, (found) => this.forms.get(found) ?? redactValue(found));
  }

  private addForm(form: string, replacement: string): void {
    if (form.length >= MIN_KNOWN_VALUE_LENGTH && !this.forms.has(form)) this.forms.set(form, replacement);
  }

  /** One alternation, longest first: at any position the longest known value wins, so a key inside a longer known URL is not half-replaced. */
  private buildPattern(): RegExp {
    const sorted = [...this.forms.keys()].sort((a, b) => b.length - a.length);
    return new RegExp(sorted.map(escapeRegExp).join('|'), 'g');
  }
}

// ---------------------------------------------------------------- safety net

const MARK_START = '…[redacted ';

/** Whether a value is (part of) the output of `redactValue`: the safety net must not redact its own marks. */
function isRedactionMark(value: string): boolean {
  return value.includes('[redacted') || value.includes('…');
}

/** A value found once is hidden wherever else it appears, if it is at least this long (shorter ones could be ordinary words). */
const MIN_ECHO_LENGTH = 8;

/**
 * Values of the likely secrets in `text` (the spans the redaction pass would hide), for hiding
 * them wherever else they appear: an agent's note that says `DB_PASSWORD=...` and later repeats
 * the bare value.
 */
export function likelySecretValues(text: string): string[] {
  return echoValues(text, findLikelySecrets(text, 'redact'));
}

function echoValues(text: string, spans: readonly SecretSpan[]): string[] {
  const values = new Set<string>();
  for (const { start, end } of spans) {
    const value = text.slice(start, end);
    if (value.length >= MIN_ECHO_LENGTH && !isRedactionMark(value) && !text.startsWith(MARK_START, end)) values.add(value);
  }
  return [...values];
}

/**
 * Redact values that look like credentials, whether or not a detector reported them: every
 * built-in detector of `content/likelySecrets` in its `redact` strictness (token prefixes,
 * JWTs, secret-like names, URL and curl passwords, PEM bodies, long high-entropy tokens), and
 * every other occurrence in the text of a value found so. This is the one pass every string
 * leaving the engine goes through.
 */
export function redactLikelySecrets(text: string): string {
  if (text.length === 0) return text;
  const found = findLikelySecrets(text, 'redact');
  if (found.length === 0) return text;
  const echoes = new Redactor();
  for (const value of echoValues(text, found)) echoes.add(value);
  let out = '';
  let at = 0;
  for (const { start, end } of mergeSpans(found)) {
    const value = text.slice(start, end);
    // The kept prefix of an already redacted value, or the mark itself, stays as it is.
    if (isRedactionMark(value) || text.startsWith(MARK_START, end)) continue;
    out += echoes.redact(text.slice(at, start)) + redactValue(value);
    at = end;
  }
  return out + echoes.redact(text.slice(at));
}
