/**
 * Secrets recognised by what surrounds them rather than by their own shape: a value assigned
 * to a secret-like name (`STRIPE_KEY=`, `"password": "..."`, `<apiToken>...</apiToken>`), an
 * Authorization header, `curl -u user:pass`, a password inside a URL. This is what catches the
 * keys of providers no rule names.
 *
 * Two strictnesses: `redact` hides any real-looking value of a password/secret/token name
 * (a report loses a word at worst); `detect` reports only values that look generated (or, for
 * passwords, at least not like code), since a trigger on ordinary code is noise.
 */
import { isPlaceholder, looksRandom, readsAsWords, shannonEntropy } from './entropy';

export type SecretScanMode = 'detect' | 'redact';

/** A secret found in a text: `[start, end)` in UTF-16 offsets. */
export interface SecretSpan {
  start: number;
  end: number;
  /** Which detector found it (`name:assignment`, `prefix:gitlab-token`...). */
  rule: string;
  /** What it is, for a report. */
  kind: string;
}

/** Words that start the detailed checks below; matched case-insensitively. */
const HINT = /pass|pwd|secret|token|key|auth|cred|bearer|basic|digest|curl|:\/\/|sig|dsn/gi;

/** Characters of a name (`DB_PASSWORD`, `spring.datasource.password`, `$apiKey`); not `@`, which ends the password of `user:pass@host`. */
const NAME_CHAR = /[A-Za-z0-9_.\-$]/;
const MAX_NAME = 80;

/**
 * What follows a secret-like name in env files, shells, YAML, JSON (also escaped), INI, XML,
 * Makefiles and most languages: a closing quote, an operator, an opening quote, the value (up
 * to a quote, space or separator). Group 1: the operator; 2: the value. Sticky, so it runs
 * only where the name ends; every quantifier is bounded.
 */
const ASSIGNMENT_TAIL =
  /(?:\\{0,3}["'`])?\]?[ \t]{0,10}(>|:{1,3}=|[?+.]=|=>|==|=|:|,|\()[ \t]{0,10}(?:\\{0,3}["'`]|[A-Za-z]{0,2}["'])?(?!(?:Bearer|Basic|Token|Digest)[ \t])([^\s"'`,;<>)(}{\][\\]{1,4096})/y;

/** Names whose value is a secret whatever it looks like. */
const STRONG_NAME =
  /pass(?:word|wd|phrase)?(?![a-z])|pwd|secret|token|api[_\-.]?key|apikey|access[_\-.]?key|private[_\-.]?key|client[_\-.]?secret|credentials?|auth(?!or)|account[_\-.]?key|shared[_\-.]?access|signing[_\-.]?key|encryption[_\-.]?key|master[_\-.]?key|dsn/i;
/** Names ending in "key" (`STRIPE_KEY`, `apiKey`, `key`): a secret only when the value looks generated (`sortKey: "name"` is not). */
const KEY_NAME = /(?:^|[_\-.])(?:key|Key|KEY)$|[a-z0-9]Key$|^(?:sas|SAS|sig)$/;
/** Names that contain a secret word but name something else. */
const NOT_SECRET_NAME =
  /^(?:secretlint\w*|token_?type|tokenizer|max_?tokens?|tokens?_?(?:count|limit|usage|used)|(?:input|output|prompt|completion|total)_?tokens?|key_?(?:id|name|type|path|file|size|length|alias)|.*(?:_|\b)(?:url|uri|endpoint|host|file|path|dir|name|id|type|header|prefix|length|len|count|expir\w*|ttl|timeout|enabled?|format|mode|env|var)$|passwordless|password_?(?:policy|reset|hint|length|strength|prompt|field|input|label)|auth_?(?:type|method|mode|provider|url|uri|endpoint|header|required|enabled)|authenticat\w*|authoriz\w*)$/i;

/** Characters a generated value is made of; a value with others (`getToken()`) is code. */
const TOKENISH = /^[A-Za-z0-9+/=_\-.~%:!@#$^&*?]+$/;
/** Keywords and type names that follow a secret-like name in code. */
const CODE_WORD =
  /^(?:await|typeof|new|this|function|async|return|const|let|var|yield|Promise|Record|Map|Set|Array|Readonly\w*|string|number|boolean|object|unknown|any|void|never|None|self|nil|null|true|false)$/;
/** `SecretPatternRule`, `isKeyCredential`: two or more words run together, an identifier (a one-word password still counts). */
const CAMEL_WORDS = /^[A-Z]?[a-z]+(?:[A-Z][a-z]+)+$/;
/** `a.b.c`, `t.tokens.length-1`: a property read, not a literal. */
const DOTTED_EXPRESSION = /^[A-Za-z_$][A-Za-z0-9_$]*(?:\??\.[A-Za-z_$][A-Za-z0-9_$]*)+(?:[-+*/%][A-Za-z0-9_$]+)?$/;

/** `/resetpassword/v1.0/start`: a route or file path, not base64 that happens to start with a slash. */
function isPath(value: string): boolean {
  return value.startsWith('/') && !/[+=]/.test(value) && value.split('/').every((seg) => seg.length <= 12 || readsAsWords(seg));
}

function isCredibleValue(name: string, value: string, op: string, mode: SecretScanMode): boolean {
  if (isPlaceholder(value)) return false;
  if (NOT_SECRET_NAME.test(name)) return false;
  const strong = STRONG_NAME.test(name);
  const keyish = KEY_NAME.test(name);
  if (!strong && !keyish) return false;
  // `token, options` and `getPassword(x)` are code: those operators need a value that looks generated.
  // `token === other` compares and `getToken('...')` passes an argument; a secret is assigned.
  if ((op === '==' || op === '(') && mode === 'detect') return false;
  const loose = op === ',' || op === '(' || op === '==' || op === '>';
  if (mode === 'redact' && strong && !loose) {
    // `max_tokens: 4096` is a count; a numeric PIN of 8+ digits is still hidden. Code around the
    // name (`secretlint: t.secretlint`, `token: TokenKind`, `secret = await ...`) is not a value.
    if (DOTTED_EXPRESSION.test(value) || CODE_WORD.test(value) || CAMEL_WORDS.test(value)) return false;
    return !/^\d{1,7}$/.test(value) && value.length >= 4;
  }
  if (!TOKENISH.test(value) || DOTTED_EXPRESSION.test(value) || isPath(value) || value.includes('://')) return false;
  if (looksRandom(value, { minLength: strong ? 12 : 16 })) return true;
  // Hex of a hash's length is a digest anywhere else, but assigned to `API_TOKEN` it is the key (Twilio, Datadog).
  if (strong && !loose && /^(?:[0-9a-f]{32,64}|[0-9A-F]{32,64})$/.test(value) && shannonEntropy(value) >= 3) return true;
  if (!strong || loose || !/pass|pwd/i.test(name)) return false;
  // A password needs no entropy to be one, but a word or an identifier is more likely code.
  return value.length >= 8 && !/^[a-z_]+$/.test(value) && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(value) && shannonEntropy(value) >= 2.5;
}

const AUTH_HEADER = /(Bearer|Basic|Token|Digest|Bot)[ \t]{1,10}([A-Za-z0-9._~+/\-]{8,4096}=*)/iy;
const CURL_USER = /curl\b[^\n]{0,400}?[ \t](?:-u|--user)(?:[ \t]{1,5}|=)["']?[^\s"':]{0,256}:["']?([^\s"']{1,256})/y;
const URL_CREDENTIALS = /\b[a-z][a-z0-9+.\-]{1,20}:\/\/[^\s:/@"'<>]{1,256}:([^\s@/"'<>]{1,256})@/gi;

function isNameChar(ch: string | undefined): boolean {
  return ch !== undefined && NAME_CHAR.test(ch);
}

/** The name around a hint word: the run of name characters it sits in. */
function nameAround(text: string, from: number, to: number): { start: number; end: number } {
  let start = from;
  let end = to;
  while (start > 0 && from - start < MAX_NAME && isNameChar(text[start - 1])) start--;
  while (end < text.length && end - to < MAX_NAME && isNameChar(text[end])) end++;
  return { start, end };
}

function push(out: SecretSpan[], start: number, value: string, rule: string, kind: string): void {
  out.push({ start, end: start + value.length, rule, kind });
}

function assignmentAt(text: string, hitStart: number, hitEnd: number, mode: SecretScanMode, out: SecretSpan[]): number {
  const { start, end } = nameAround(text, hitStart, hitEnd);
  ASSIGNMENT_TAIL.lastIndex = end;
  const m = ASSIGNMENT_TAIL.exec(text);
  if (!m) return end;
  const name = text.slice(start, end).replace(/^[$@]+/, '');
  const value = m[2] ?? '';
  // `secrets: list(...)`, `token = getToken()`: a call, not a value.
  if (text[m.index + m[0].length] === '(') return m.index + m[0].length;
  // `<password>...</password>` is XML; a bare `>` elsewhere is a comparison, so it needs a generated-looking value.
  const op = m[1] === '>' && text[start - 1] === '<' ? '=' : (m[1] ?? '=');
  if (isCredibleValue(name, value, op, mode))
    push(out, m.index + m[0].length - value.length, value, 'name:assignment', `value of ${name.slice(0, 60)}`);
  return m.index + m[0].length;
}

/**
 * Whether an Authorization credential is worth a trigger: a Bearer or Basic value, or any
 * scheme right after `Authorization:`, that looks generated. Hex counts here: in this header
 * it is a token, not a digest.
 */
function isCredibleCredential(text: string, at: number, scheme: string, value: string): boolean {
  const inHeader = /authorization["']?\s{0,3}[:=]\s{0,3}["']?$/i.test(text.slice(Math.max(0, at - 24), at));
  if (!inHeader && !/^(?:Bearer|Basic)$/i.test(scheme)) return false;
  if (value.length < 16) return false;
  if (/^basic$/i.test(scheme) && /^[^\x00-\x1f]{1,256}:[^\x00-\x1f]{3,256}$/.test(Buffer.from(value, 'base64').toString('latin1')))
    return true;
  return looksRandom(value, { minLength: 16 }) || (/^[0-9a-f]+$/i.test(value) && shannonEntropy(value) >= 3);
}

function authAt(text: string, at: number, mode: SecretScanMode, out: SecretSpan[]): void {
  if (isNameChar(text[at - 1])) return;
  AUTH_HEADER.lastIndex = at;
  const m = AUTH_HEADER.exec(text);
  if (!m) return;
  const scheme = m[1] ?? '';
  const value = m[2] ?? '';
  // `Token prefixes`, `a bearer credential`: prose, not a credential.
  if (isPlaceholder(value) || /^[a-z]+$/.test(value)) return;
  if (mode === 'detect' && !isCredibleCredential(text, at, scheme, value)) return;
  push(out, m.index + m[0].length - value.length, value, 'name:authorization', `${scheme} credential`);
}

function curlAt(text: string, at: number, out: SecretSpan[]): void {
  if (isNameChar(text[at - 1])) return;
  CURL_USER.lastIndex = at;
  const m = CURL_USER.exec(text);
  const value = m?.[1];
  // `-u <user:password>`, `--user neo4j:[PASSWORD]`: documentation, not a password.
  if (!m || value === undefined || isPlaceholder(value) || /[<>[\]]/.test(m[0].slice(m[0].lastIndexOf(' ')))) return;
  push(out, m.index + m[0].length - value.length, value, 'name:curl-user', 'password in curl -u');
}

function urlPasswordNear(text: string, at: number, mode: SecretScanMode, out: SecretSpan[]): void {
  // The scheme ends at the hint; the credentials, if any, follow within the length caps of the regex.
  const from = Math.max(0, at - 21);
  const window = text.slice(from, Math.min(text.length, at + 520));
  URL_CREDENTIALS.lastIndex = 0;
  for (let m = URL_CREDENTIALS.exec(window); m !== null; m = URL_CREDENTIALS.exec(window)) {
    const value = m[1] ?? '';
    if (from + m.index + m[0].indexOf('://') !== at) continue;
    // `https://abc:xyz@example.com` in documentation: a trigger wants a password of some length; redaction hides any.
    if (!isPlaceholder(value) && (mode === 'redact' || value.length >= 6)) {
      push(out, from + m.index + m[0].length - 1 - value.length, value, 'name:url-password', 'password in a URL');
    }
    return;
  }
}

/**
 * Spans of named secrets in `text`, appended to `out`: one case-insensitive scan for hint
 * words, then a check anchored at each hit, so the cost grows with the text, not with the
 * number of patterns.
 */
export function namedSecretSpans(text: string, mode: SecretScanMode, out: SecretSpan[]): void {
  HINT.lastIndex = 0;
  let skipTo = 0;
  for (let m = HINT.exec(text); m !== null; m = HINT.exec(text)) {
    const at = m.index;
    const word = m[0].toLowerCase();
    if (word === '://') {
      urlPasswordNear(text, at, mode, out);
      continue;
    }
    if (word === 'curl') curlAt(text, at, out);
    if (word === 'bearer' || word === 'basic' || word === 'token' || word === 'digest') authAt(text, at, mode, out);
    if (at < skipTo || word === 'curl' || word === 'bearer' || word === 'basic' || word === 'digest') continue;
    skipTo = assignmentAt(text, at, at + m[0].length, mode, out);
  }
}
