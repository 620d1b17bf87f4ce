/**
 * Redaction of secret values in everything the engine shows or stores.
 *
 * Format: a value keeps at most its first 4 characters, followed by `…[redacted N chars]`
 * where N is the number of characters hidden (`AKIAZ7Q2M4XW9K3J5T8R` → `AKIA…[redacted 16 chars]`).
 * Values of 8 characters or fewer keep nothing (`[redacted 6 chars]`), since 4 of 8 would
 * give half the secret away. The redacted form never contains a line break, so a multi-line
 * PEM block collapses to one line.
 */

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
  /** Every form searched for (the values plus their variants) → what it is replaced with. */
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

/**
 * Generic shapes of secrets, for excerpts that may show a credential no rule recognised.
 * Every quantifier is bounded and no group repeats a group, so these stay linear on hostile text.
 */
const KEY_NAME =
  String.raw`[A-Za-z0-9_.\-]{0,40}(?:password|passwd|passphrase|pwd|secret|token|api[_\-]?key|access[_\-]?key|private[_\-]?key|client[_\-]?secret|credentials?|auth)[A-Za-z0-9_.\-]{0,40}`;

interface SafetyNetRule {
  pattern: RegExp;
  /** Index of the capture group holding the value to redact (0 = whole match). */
  group: number;
}

const SAFETY_NET: readonly SafetyNetRule[] = [
  // PEM private key blocks, with real or JSON-escaped line breaks.
  {
    pattern:
      /(-----BEGIN[ A-Z0-9]{0,30}PRIVATE KEY(?: BLOCK)?-----)([\s\S]{1,20000}?)(?=-----END[ A-Z0-9]{0,30}PRIVATE KEY)/g,
    group: 2,
  },
  // Authorization headers and bare bearer tokens.
  { pattern: /\b(?:Bearer|Basic|Token|Digest)[ \t]{1,10}([A-Za-z0-9._~+/\-]{8,4096}=*)/gi, group: 1 },
  // key = value, key: value, "key": "value", KEY=value (shell, env, yaml, json, ini).
  {
    pattern: new RegExp(
      String.raw`(?:^|[^A-Za-z0-9])${KEY_NAME}["']?[ \t]{0,10}(?:=>|:=|[:=])[ \t]{0,10}["']?(?!(?:Bearer|Basic|Token|Digest)\b|-----BEGIN)([^\s"',;}{)(…]{4,4096})`,
      'gim',
    ),
    group: 1,
  },
  // Credentials inside URLs: scheme://user:password@host.
  { pattern: /\b[a-z][a-z0-9+.\-]{1,20}:\/\/[^\s:/@]{1,256}:([^\s@/]{1,256})@/gi, group: 1 },
  // Token formats with a recognisable prefix.
  { pattern: /\b(?:A3T[A-Z0-9]|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA)[A-Z0-9]{16}\b/g, group: 0 },
  { pattern: /\b(?:gh[pousr]_[A-Za-z0-9_]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g, group: 0 },
  { pattern: /\b(?:sk|rk|pk)-[A-Za-z0-9_\-]{20,300}\b/g, group: 0 },
  { pattern: /\bxox[abeoprs]-[A-Za-z0-9\-]{10,300}\b/g, group: 0 },
  { pattern: /\b(?:npm|lin_api|shp(?:at|ca|pa|ss))_[A-Za-z0-9_]{20,255}\b/g, group: 0 },
  { pattern: /\bSG\.[A-Za-z0-9_\-]{16,128}\.[A-Za-z0-9_\-]{16,128}\b/g, group: 0 },
  { pattern: /\beyJ[A-Za-z0-9_\-]{10,4096}\.[A-Za-z0-9_\-]{10,4096}\.[A-Za-z0-9_\-]{10,4096}\b/g, group: 0 },
];

const MARK_START = '…[redacted ';

/** Whether a value is (part of) the output of `redactValue`: the safety net must not redact its own marks. */
function isRedactionMark(value: string): boolean {
  return value.includes('[redacted') || value.includes('…');
}

function redactMatch(whole: string, value: string | undefined, isWhole: boolean): string {
  if (value === undefined || value.length === 0 || isRedactionMark(value)) return whole;
  if (isWhole) return redactValue(value);
  // Every rule's group is the last thing its match consumes (bar one closing character), so search from the end.
  const at = whole.lastIndexOf(value);
  return at < 0 ? whole : whole.slice(0, at) + redactValue(value) + whole.slice(at + value.length);
}

/** Redact values that look like credentials, whether or not a detector reported them. */
export function redactLikelySecrets(text: string): string {
  let out = text;
  for (const rule of SAFETY_NET) {
    out = out.replace(rule.pattern, (whole: string, ...rest: unknown[]) => {
      // No rule has named groups, so the arguments end with (offset, input).
      const offset = rest[rest.length - 2];
      const input = rest[rest.length - 1];
      if (typeof offset === 'number' && typeof input === 'string' && input.startsWith(MARK_START, offset + whole.length)) {
        return whole; // the kept prefix of an already redacted value
      }
      const group = rule.group === 0 ? whole : rest[rule.group - 1];
      return redactMatch(whole, typeof group === 'string' ? group : undefined, rule.group === 0);
    });
  }
  return out;
}
