/**
 * Whether a value looks machine-generated: the test that lets redaction and detection catch
 * keys of providers nobody wrote a rule for. Shannon entropy alone is not enough (hex hashes
 * and git ids are as random as keys and must not light up), so the value's shape counts too.
 */

/** Bits per character of the value's own character distribution (0 for empty). */
export function shannonEntropy(value: string): number {
  if (value.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const n = Array.from(value).length;
  let bits = 0;
  for (const c of counts.values()) {
    const p = c / n;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** Lower-case hex of a hash length, or a git id: random, but never a credential on its own. */
const HASH_HEX =
  /^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{56}|[0-9a-f]{64}|[0-9a-f]{96}|[0-9a-f]{128}|[0-9A-F]{32}|[0-9A-F]{40}|[0-9A-F]{64})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Values people write where a secret would go, so that `API_KEY=your-api-key-here` or
 * `password: ${DB_PASSWORD}` is neither reported nor redacted.
 */
const PLACEHOLDER =
  /^(?:\$\{[^}]*\}?|\{[^}]*\}|\$\(.*\)|\$[A-Za-z_][A-Za-z0-9_]*|\$\d|\{\{.*\}\}?|<[^>]*>?|%\(?[A-Za-z_]*\)?s|%s|\[redacted.*|\*+|\.{3,}|x{3,}|X{3,}|(?:null|none|nil|undefined|true|false|string|str|bytes|number|int|bool|boolean|object|any|unknown|optional|required|empty|redacted|hidden|secret|password|passwd|pass|pwd|token|changeme|change_me|example|sample|dummy|placeholder|test|testing|todo|tbd|xxx)|process\.env\..*|os\.environ.*|env\..*|.*(?:_here|-here|placeholder|example).*)$/i;

/**
 * `sk_live_xxxxxxxxxxxx`, `XXXX-XXXX`, `key-xxxx`: x's typed where a key's characters go, in one
 * case, a long run or a good part of the value. A generated key holds four x's in a row by chance
 * (`XXXX`, `xXxX`: about one 52-character key in 12,000), never this many: such a key was taken
 * for a placeholder and left in exports.
 */
function isXedOut(value: string): boolean {
  // One line, as the placeholder pattern reads values: a PEM body's lines are judged as a block.
  if (value.includes('\n')) return false;
  const runs = value.match(/x{4,}|X{4,}/g);
  if (runs === null) return false;
  const xs = runs.reduce((n, r) => n + r.length, 0);
  return runs.some((r) => r.length >= 8) || xs * 4 >= value.length;
}

/**
 * `your-api-key`, `MY_SECRET_TOKEN`, `insert your key`, `your_AccessToken_2`: an instruction
 * in words. Its tail must be words too (each piece one case, Capitalized, CamelCase words or a
 * number): a key whose random part begins `MY_` or `put-` (`glpat-MY_k3JdA9xQ...`) was taken
 * for a placeholder and left in exports.
 */
const INSTRUCTION = /^(?:your|my|insert|enter|replace|put)[-_ ](.*)$/i;

function isInstruction(value: string): boolean {
  const tail = INSTRUCTION.exec(value)?.[1];
  if (tail === undefined) return false;
  return tail.split(/[-_ .]+/).every((piece) => isWordPiece(piece) || (/^(?:[A-Z]?[a-z]+)+$/.test(piece) && readsAsWords(piece)));
}

/** A piece of a name that reads as one word or a number: `key`, `Key`, `API`, `2` (or nothing). */
export function isWordPiece(piece: string): boolean {
  return /^(?:[A-Z]?[a-z]*|[A-Z]+|[0-9]+)$/.test(piece);
}

/** Whether a value is a placeholder, a reference to another variable, or a redaction mark. */
export function isPlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value) || isInstruction(value) || isXedOut(value) || value.includes('…[redacted') || /^(.)\1+$/.test(value);
}

/**
 * Whether the value reads as words: runs of same-case letters as long as in `isKeyCredential`,
 * `getXmlObjectValue` or `MAX_RETRY_COUNT` (4 to 6 letters on average), with no digit or a
 * third of the letters vowels; a generated string breaks case or puts a digit every 1 or 2
 * characters, and has a vowel in five letters.
 */
export function readsAsWords(value: string): boolean {
  const runs = value.match(/[A-Z]?[a-z]+|[A-Z]+(?![a-z])/g) ?? [];
  if (runs.length === 0) return false;
  let letters = 0;
  for (const r of runs) letters += r.length;
  if (letters / runs.length <= 3) return false;
  // Long runs happen in random strings too (`kbemjrkf`), but with digits around and without the vowels words have.
  const vowels = runs.join('').replace(/[^AEIOUaeiou]/g, '').length;
  return !/[0-9]/.test(value) || vowels / letters >= 0.28;
}

export interface RandomnessOptions {
  /** Shortest value that can count as random. */
  minLength?: number;
  /** Entropy (bits per character) a value of 20 characters must reach; longer values need a little more. */
  minEntropy?: number;
}

/**
 * Whether a value looks like a generated key: long enough, no placeholder, at least two of
 * lower case, upper case and digits, no hash-shaped hex or UUID, and an entropy near what a
 * random string of its length and alphabet reaches.
 */
export function looksRandom(value: string, opts: RandomnessOptions = {}): boolean {
  const minLength = opts.minLength ?? 16;
  if (value.length < minLength || value.length > 4096) return false;
  if (HASH_HEX.test(value) || UUID.test(value) || isPlaceholder(value)) return false;
  const lower = /[a-z]/.test(value);
  const upper = /[A-Z]/.test(value);
  const digit = /[0-9]/.test(value);
  if (Number(lower) + Number(upper) + Number(digit) < 2) return false;
  if (readsAsWords(value)) return false;
  // A random string over a big alphabet reaches about log2(length) bits; ask for most of that.
  const expected = Math.min(Math.log2(value.length), lower && upper && digit ? 5.9 : 4.5);
  const floor = opts.minEntropy ?? 3.0;
  return shannonEntropy(value) >= Math.max(floor, expected - 1.0);
}
