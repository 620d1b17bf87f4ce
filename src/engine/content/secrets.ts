/**
 * Secrets added to the workspace: secretlint's recommended preset plus the secp256k1 rule (a
 * maintained set of detectors, run on the changed file's text so multi-line keys are seen
 * whole), the built-in detectors of `content/` for what no rule names (token prefixes, JWTs,
 * high-entropy values of secret-like names), a team's `.gitleaks.toml` rules, and the user's
 * extra patterns (the last two line by line in the regex sandbox). Only findings touching a
 * scanned line count. Nothing that leaves this module carries a secret except `secretValue`.
 */
import path from 'node:path';
import type { SecretPatternRule } from '../config/types';
import { gitleaksRuleHits, isAllowedGlobally, type GitleaksRule, type GitleaksRuleSet } from './gitleaksRules';
import { findLikelySecrets } from './likelySecrets';
import { Redactor, redactValue } from './redact';
import { compileUserRegex, cutLongLines, RegexTimeoutError, type SafeRegex } from './safeRegex';
import { excerpt, isScannedLine, LineIndex, scannedLines, type ContentFile, type ContentFinding, type ScanBudget } from './scanBudget';

export type { ContentFile, ContentFinding } from './scanBudget';

export interface SecretScanOptions {
  extraPatterns: SecretPatternRule[];
  /** Whether secretlint's recommended preset runs; extra patterns run either way. */
  useSecretlint: boolean;
  maxLineLength: number;
  budget: ScanBudget;
  /** A team's gitleaks rules (see `loadGitleaksRules`); their global allowlists also quiet the other detectors when the file is trusted. */
  gitleaks?: GitleaksRuleSet;
}

type SecretlintCore = typeof import('@secretlint/core');
type LintSourceOptions = Parameters<SecretlintCore['lintSource']>[0];
type LintMessage = Awaited<ReturnType<SecretlintCore['lintSource']>>['messages'][number];

interface Secretlint {
  lintSource: SecretlintCore['lintSource'];
  config: LintSourceOptions['options']['config'];
  /** The secp256k1 rule alone: it runs on key-speaking lines only (see KEY_CONTEXT). */
  keyConfig: LintSourceOptions['options']['config'];
}

const PRESET_ID = '@secretlint/secretlint-rule-preset-recommend';
/**
 * The other installed rules (OpenAI, Anthropic, database connection strings, 1Password,
 * Linear) are part of the 11.7 preset already; adding them again would report each key twice.
 */
const SECP256K1_ID = '@secretlint/secretlint-rule-secp256k1-privatekey';
const RULE_PREFIX = '@secretlint/secretlint-rule-';

let secretlint: Promise<Secretlint> | undefined;

/** secretlint is loaded on first use: it is ESM-only and not needed unless content is scanned. */
function loadSecretlint(): Promise<Secretlint> {
  secretlint ??= Promise.all([
    import('@secretlint/core'),
    import('@secretlint/secretlint-rule-preset-recommend'),
    import('@secretlint/profiler'),
    import('@secretlint/secretlint-rule-secp256k1-privatekey'),
  ]).then(([core, preset, profiler, secp256k1]) => {
    muteProfiler(profiler.secretLintProfiler);
    return {
      lintSource: core.lintSource,
      config: {
        rules: [
          {
            id: PRESET_ID,
            rule: preset.creator,
            // AWS access key ids (AKIA...) are only reported with the id scan on; they are the most common leak.
            rules: [{ id: `${RULE_PREFIX}aws`, options: { enableIDScanRule: true } }],
          },
        ],
      },
      keyConfig: { rules: [{ id: SECP256K1_ID, rule: secp256k1.creator }] },
    };
  });
  return secretlint;
}

/**
 * secretlint's always-on profiler puts a performance mark in the process-wide timeline for
 * every rule run on every file, keeps them all, and searches all earlier ones for each new
 * mark: in a long-lived process (the extension host) that is unbounded memory and quadratic
 * time, and a tenth of a secrets scan even in a short one. Nothing here reads its figures, so
 * its marks are switched off at the source.
 */
function muteProfiler(profiler: { mark: (marker: never) => void }): void {
  profiler.mark = () => undefined;
}

/**
 * What each secretlint message id detects, in our words. secretlint's own messages embed the
 * secret, so they are never shown; an unknown id falls back to its spelled-out name.
 */
const KIND_BY_MESSAGE_ID: Readonly<Record<string, string>> = {
  AWSAccessKeyID: 'AWS access key ID',
  AWSSecretAccessKey: 'AWS secret access key',
  AWSAccountID: 'AWS account ID',
  PrivateKeyP12: 'GCP service account private key (p12)',
  PrivateKeyJSON: 'GCP service account private key (JSON)',
  PackageJSON_xOauthToken: 'GitHub OAuth token in a package URL',
  Npmrc_authToken: 'npm auth token in .npmrc',
  NPM_ACCESS_TOKEN: 'npm access token',
  SLACK_TOKEN: 'Slack token',
  IncomingWebhook: 'Slack incoming webhook URL',
  BasicAuth: 'password in a URL (basic auth)',
  OPENAI_TOKEN: 'OpenAI API key',
  ANTHROPIC_API_KEY: 'Anthropic API key',
  LINEAR_API_TOKEN: 'Linear API key',
  PrivateKey: 'private key',
  SENDGRID_KEY: 'SendGrid API key',
  SHOPIFY_KEY: 'Shopify API key',
  GITHUB_TOKEN: 'GitHub token',
  OPS_TOKEN: '1Password service account token',
  MongoDBConnection: 'MongoDB connection string with a password',
  MySQLConnection: 'MySQL connection string with a password',
  PostgreSQLConnection: 'PostgreSQL connection string with a password',
  secp256k1Priv: 'secp256k1 private key',
};

/**
 * Nearly every 64-hex string is a valid secp256k1 key, sha256 digests included, so that rule's
 * findings count only on a line that speaks of a key.
 */
const KEY_CONTEXT = /priv|secret|key|wallet|mnemonic|seed|signer/i;

/** Keys of a message's data that hold the detected value (the others, like `typeName`, describe it). */
const VALUE_KEYS = ['KEY', 'TOKEN', 'ID', 'URL', 'CREDENTIAL', 'URI'] as const;

/** For credentials inside URLs the secret is the password, not the whole URL. */
const URL_PASSWORD = /^[a-z][a-z0-9+.\-]{0,20}:\/\/[^:/\s@]{1,256}:([^@/\s]{1,256})@/i;
/** A GCP service-account file's key, as written in the JSON (escapes included). */
const JSON_PRIVATE_KEY = /"private_key"\s{0,20}:\s{0,20}"((?:[^"\\]|\\.){1,20000})"/;

/** How far after a reported start the value may sit (the length of a key name, quotes and spaces). */
const MAX_VALUE_SHIFT = 256;

/** secretlint sees only the scanned lines plus this much around them, so a key block that is partly new is still seen whole. */
const CONTEXT_LINES = 100;

function describeKind(messageId: string, data: Record<string, unknown>): string {
  const kind =
    KIND_BY_MESSAGE_ID[messageId] ??
    messageId
      .replace(/_/g, ' ')
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toLowerCase();
  const typeName = data['typeName'];
  return typeof typeName === 'string' ? `${kind} (${typeName})` : kind;
}

function dataOf(message: LintMessage): Record<string, unknown> {
  const data: unknown = message.data;
  return typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
}

interface Located {
  start: number;
  end: number;
  value: string;
}

/** Where the secret itself sits in `text` (offsets in `text`), narrowed from what the rule reported. */
function locateSecret(message: LintMessage, data: Record<string, unknown>, text: string): Located | null {
  const [rangeStart, rangeEnd] = message.range;
  let value: string | undefined;
  for (const key of VALUE_KEYS) {
    const candidate = data[key];
    if (typeof candidate === 'string' && candidate.length > 0) {
      value = candidate;
      break;
    }
  }
  if (value === undefined && message.messageId === 'PrivateKeyJSON') {
    const m = JSON_PRIVATE_KEY.exec(text);
    if (m?.[1] !== undefined) {
      const start = m.index + m[0].length - 1 - m[1].length; // the value ends just before the closing quote
      return { start, end: start + m[1].length, value: m[1] };
    }
  }
  if (value === undefined) value = text.slice(rangeStart, rangeEnd);
  if (value.length === 0) return null;
  // Some rules report where the whole assignment starts (`AWS_SECRET_ACCESS_KEY = "...`), so look for the value itself, a little further on.
  let start = text.indexOf(value, rangeStart);
  if (start < 0 || start > Math.max(rangeEnd, rangeStart + MAX_VALUE_SHIFT)) start = rangeStart;
  if (message.messageId === 'AWSAccountID') {
    // The rule reports the whole `aws_account_id = ...` assignment; the id is the number at its end.
    const id = /[0-9]{4}-?[0-9]{4}-?[0-9]{4}(?=["']?$)/.exec(value);
    if (id) return { start: start + id.index, end: start + id.index + id[0].length, value: id[0] };
  }
  const password = URL_PASSWORD.exec(value);
  if (password?.[1] !== undefined) {
    const at = password[0].length - 1 - password[1].length;
    return { start: start + at, end: start + at + password[1].length, value: password[1] };
  }
  return { start, end: start + value.length, value };
}

function touchesScannedLine(file: ContentFile, first: number, last: number): boolean {
  for (let line = first; line <= last; line++) if (isScannedLine(file, line)) return true;
  return false;
}

function secretFinding(file: ContentFile, index: LineIndex, rule: string, kind: string, start: number, value: string): ContentFinding {
  const end = start + value.length;
  const line = index.lineOf(start);
  const redacted = redactValue(value);
  return {
    kind: 'secret',
    rule,
    severity: 'error',
    file: file.path,
    line,
    column: start - index.startOf(line) + 1,
    endLine: index.lineOf(Math.max(start, end - 1)),
    message: `Secret added: ${kind} ${redacted}`,
    evidence: excerpt(index, start, end, redacted),
    secretValue: value,
  };
}

/** The scanned part of the file (plus context), as secretlint will see it. */
function scanWindow(file: ContentFile, index: LineIndex): { offset: number; text: string } | null {
  let first: number;
  let last: number;
  if (file.addedLines) {
    if (file.addedLines.size === 0) return null;
    // A loop, not Math.min(...set): a spread of a huge set overflows the argument limit.
    first = Infinity;
    last = -Infinity;
    for (const line of file.addedLines) {
      if (line < first) first = line;
      if (line > last) last = line;
    }
  } else {
    first = file.firstNewLine ?? 1;
    last = index.lineCount;
  }
  if (first > index.lineCount || last < 1) return null;
  const from = Math.max(1, first - CONTEXT_LINES);
  const to = Math.min(index.lineCount, last + CONTEXT_LINES);
  const offset = index.startOf(from);
  return { offset, text: index.text.slice(offset, index.endOf(to)) };
}

/**
 * secretlint removes duplicate messages by comparing each with every later one, so its time
 * grows with the square of the messages of one call. The secp256k1 rule reports every 64-hex
 * run, which a text of long digit or hex lines is full of (2 MB of them took minutes): it sees
 * only the lines that speak of a key, blanked elsewhere so offsets stay the same, and every
 * call sees at most CHUNK_CHARS of text.
 */
const CHUNK_CHARS = 256 * 1024;

function keyLinesOnly(text: string): string | null {
  let any = false;
  const out = text.replace(/[^\n]+/g, (line) => {
    if (KEY_CONTEXT.test(line)) {
      any = true;
      return line;
    }
    return ' '.repeat(line.length);
  });
  return any ? out : null;
}

/** Chunks of whole lines, each overlapping the next by CONTEXT_LINES so a key block on a border is seen whole. */
function chunksOf(text: string): { at: number; text: string }[] {
  if (text.length <= CHUNK_CHARS) return [{ at: 0, text }];
  const chunks: { at: number; text: string }[] = [];
  let at = 0;
  while (at < text.length) {
    let end = Math.min(text.length, at + CHUNK_CHARS);
    if (end < text.length) {
      const nl = text.lastIndexOf('\n', end);
      if (nl > at) end = nl + 1;
    }
    chunks.push({ at, text: text.slice(at, end) });
    if (end >= text.length) break;
    // Step back CONTEXT_LINES lines for the overlap.
    let back = end;
    for (let i = 0; i < CONTEXT_LINES && back > at + 1; i++) back = text.lastIndexOf('\n', back - 2) + 1;
    at = back > at ? back : end;
  }
  return chunks;
}

async function lintWindow(engine: Secretlint, file: ContentFile, text: string): Promise<LintMessage[]> {
  const ext = path.posix.extname(file.path);
  const lint = async (content: string, config: Secretlint['config']): Promise<LintMessage[]> =>
    (
      await engine.lintSource({
        source: {
          content,
          filePath: file.path,
          // The p12 detector reads the file from disk by this path; our content is text already, so it has nothing to find.
          ext: ext === '.p12' ? '' : ext,
          contentType: 'text',
        },
        // Data must stay unmasked: it is where the value is taken from. secretlint's message text is never used.
        options: { config, noPhysicFilePath: true },
      })
    ).messages;
  const messages: LintMessage[] = [];
  const seen = new Set<string>();
  const add = (at: number, found: LintMessage[]): void => {
    for (const m of found) {
      const range: [number, number] = [m.range[0] + at, m.range[1] + at];
      const key = `${m.ruleId}\0${m.messageId}\0${range[0]}\0${range[1]}`;
      if (seen.has(key)) continue;
      seen.add(key);
      messages.push({ ...m, range });
    }
  };
  for (const chunk of chunksOf(text)) {
    add(chunk.at, await lint(chunk.text, engine.config));
    const keyText = keyLinesOnly(chunk.text);
    if (keyText !== null) add(chunk.at, await lint(keyText, engine.keyConfig));
  }
  return messages;
}

async function secretlintFile(engine: Secretlint, file: ContentFile, index: LineIndex): Promise<ContentFinding[]> {
  const window = scanWindow(file, index);
  if (!window) return [];
  const findings: ContentFinding[] = [];
  for (const message of await lintWindow(engine, file, window.text)) {
    const data = dataOf(message);
    const located = locateSecret(message, data, window.text);
    if (!located) continue;
    const start = window.offset + located.start;
    const end = window.offset + located.end;
    if (!touchesScannedLine(file, index.lineOf(start), index.lineOf(Math.max(start, end - 1)))) continue;
    if (message.ruleId === SECP256K1_ID && !KEY_CONTEXT.test(index.lineText(index.lineOf(start)).replace(located.value, ''))) continue;
    const rule = `secretlint:${message.ruleId.startsWith(RULE_PREFIX) ? message.ruleId.slice(RULE_PREFIX.length) : message.ruleId}`;
    findings.push(secretFinding(file, index, rule, describeKind(message.messageId, data), start, located.value));
  }
  return findings;
}

interface CompiledPattern {
  name: string;
  regex: SafeRegex;
  disabled: boolean;
}

/** Extra patterns on the scanned lines; the secret is capture group 1 when it took part, else the whole match. */
function patternFile(file: ContentFile, index: LineIndex, patterns: CompiledPattern[], opts: SecretScanOptions): ContentFinding[] {
  const lines = scannedLines(file, index);
  const { lines: texts, cut } = cutLongLines(
    lines.map((l) => l.text),
    opts.maxLineLength,
  );
  if (cut > 0) {
    opts.budget.skip(`${file.path}: ${cut} line(s) longer than ${opts.maxLineLength} chars were cut before secret patterns ran`);
  }
  const findings: ContentFinding[] = [];
  for (const pattern of patterns) {
    if (pattern.disabled) continue;
    const result = pattern.regex.scanLines(texts, {
      mode: 'all',
      timeoutMs: opts.budget.regexTimeoutMs,
      remainingMs: () => opts.budget.remainingMs,
      maxMatchesPerLine: 100,
    });
    for (const { line: i, matches } of result.matches) {
      const line = lines[i];
      if (!line) continue;
      for (const match of matches) {
        const span = match.groupSpans[0];
        const value = span ? (match.groups[0] ?? '') : match.text;
        if (value.length === 0) continue;
        const at = span ? span[0] : match.index;
        findings.push(secretFinding(file, index, `pattern:${pattern.name}`, pattern.name, index.startOf(line.line) + at, value));
      }
    }
    if (result.stopped) {
      const where = `${file.path} line ${lines[result.stopped.line]?.line ?? '?'}`;
      if (result.stopped.reason === 'timeout') {
        pattern.disabled = true;
        opts.budget.skip(
          `secret pattern "${pattern.name}" timed out on ${where} (over ${opts.budget.regexTimeoutMs} ms); not run on the rest of the scan`,
        );
      } else {
        opts.budget.skip(`budget exhausted: secret pattern "${pattern.name}" stopped at ${where}`);
      }
    }
  }
  return findings;
}

/** Runs of consecutive scanned lines, as `[first, last]` (1-based), so that detectors see each stretch of new text once. */
function scannedBlocks(file: ContentFile, index: LineIndex): [number, number][] {
  const blocks: [number, number][] = [];
  for (const { line } of scannedLines(file, index)) {
    const last = blocks[blocks.length - 1];
    if (last && last[1] === line - 1) last[1] = line;
    else blocks.push([line, line]);
  }
  return blocks;
}

/** The built-in detectors (token prefixes, JWTs, named values, PEM bodies) on the scanned lines. */
function builtinFile(file: ContentFile, index: LineIndex): ContentFinding[] {
  const findings: ContentFinding[] = [];
  for (const [first, last] of scannedBlocks(file, index)) {
    const offset = index.startOf(first);
    const text = index.text.slice(offset, index.endOf(last));
    for (const span of findLikelySecrets(text, 'detect')) {
      const value = text.slice(span.start, span.end);
      findings.push(secretFinding(file, index, span.rule, span.kind, offset + span.start, value));
    }
  }
  return findings;
}

interface ActiveGitleaksRule {
  rule: GitleaksRule;
  disabled: boolean;
}

function gitleaksFile(
  file: ContentFile,
  index: LineIndex,
  set: GitleaksRuleSet,
  rules: ActiveGitleaksRule[],
  opts: SecretScanOptions,
): ContentFinding[] {
  const findings: ContentFinding[] = [];
  const { lines: texts } = cutLongLines(
    scannedLines(file, index).map((l) => l.text),
    opts.maxLineLength,
  );
  const lines = scannedLines(file, index);
  for (const active of rules) {
    if (active.disabled) continue;
    for (const [i, text] of texts.entries()) {
      const line = lines[i];
      if (!line) continue;
      if (opts.budget.expired) {
        opts.budget.skip(`budget exhausted: gitleaks rule "${active.rule.id}" stopped at ${file.path} line ${line.line}`);
        return findings;
      }
      try {
        for (const hit of gitleaksRuleHits(
          set,
          active.rule,
          file.path,
          text,
          Math.min(opts.budget.regexTimeoutMs, opts.budget.remainingMs),
        )) {
          findings.push(
            secretFinding(file, index, `gitleaks:${hit.rule.id}`, hit.rule.description, index.startOf(line.line) + hit.start, hit.secret),
          );
        }
      } catch (err) {
        if (!(err instanceof RegexTimeoutError)) throw err;
        active.disabled = true;
        opts.budget.skip(`gitleaks rule "${active.rule.id}" timed out on ${file.path} line ${line.line}; not run on the rest of the scan`);
        break;
      }
    }
  }
  return findings;
}

/** Rule families in order of preference when two report the same secret: the most specific names it best. */
function rank(rule: string): number {
  if (rule.startsWith('secretlint:')) return 0;
  if (rule.startsWith('pattern:') || rule.startsWith('gitleaks:')) return 1;
  if (rule.startsWith('prefix:')) return 2;
  return 3;
}

/**
 * The built-in detectors back up the rules: a built-in finding whose span overlaps one of a
 * rule (secretlint, gitleaks, a user pattern) on the same line is the same secret, and the
 * rule names it better. Rules' own findings are all kept, as before.
 */
function dropOverlaps(found: ContentFinding[]): ContentFinding[] {
  const ruled = found.filter((f) => rank(f.rule) < 2);
  const kept = [...ruled];
  for (const f of found.filter((x) => rank(x.rule) >= 2).sort((a, b) => rank(a.rule) - rank(b.rule))) {
    const len = f.secretValue?.length ?? 0;
    const overlaps = kept.some(
      (k) => k.file === f.file && k.line === f.line && k.column < f.column + len && f.column < k.column + (k.secretValue?.length ?? 0),
    );
    if (!overlaps) kept.push(f);
  }
  return kept.sort((a, b) => a.line - b.line || a.column - b.column);
}

export async function scanSecrets(files: ContentFile[], opts: SecretScanOptions): Promise<ContentFinding[]> {
  // Compile first, so a broken pattern is reported even when nothing changed.
  const patterns: CompiledPattern[] = opts.extraPatterns.map((p) => ({
    name: p.name,
    regex: compileUserRegex(p.pattern, '', `secret pattern "${p.name}"`),
    disabled: false,
  }));
  const gitleaksRules: ActiveGitleaksRule[] = (opts.gitleaks?.rules ?? []).map((rule) => ({ rule, disabled: false }));
  const engine = opts.useSecretlint && files.length > 0 ? await loadSecretlint() : null;
  const findings: ContentFinding[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < files.length; i++) {
    const file = files[i];
    if (!file) continue;
    if (opts.budget.expired) {
      opts.budget.skip(`budget exhausted: ${files.length - i} file(s) not scanned for secrets`);
      break;
    }
    const index = new LineIndex(file.text);
    const found: ContentFinding[] = [];
    if (engine) {
      try {
        found.push(...(await secretlintFile(engine, file, index)));
      } catch (err) {
        // A detector that throws must not end the analysis; its message is ours to word, since the content may be in it.
        opts.budget.skip(
          `secretlint failed on ${file.path} (${err instanceof Error ? err.name : 'error'}); file not scanned by secretlint`,
        );
      }
    }
    found.push(...builtinFile(file, index));
    if (opts.gitleaks && gitleaksRules.length > 0) found.push(...gitleaksFile(file, index, opts.gitleaks, gitleaksRules, opts));
    if (patterns.length > 0) found.push(...patternFile(file, index, patterns, opts));
    const gitleaks = opts.gitleaks;
    const allowed = gitleaks
      ? (f: ContentFinding): boolean => isAllowedGlobally(gitleaks, f.secretValue ?? '', index.lineText(f.line), f.file)
      : (): boolean => false;
    // Each finding redacted its own value; another secret on the same line must not show in its evidence either.
    const redactor = new Redactor();
    for (const f of found) if (f.secretValue) redactor.add(f.secretValue);
    for (const f of dropOverlaps(found)) {
      if (allowed(f)) continue;
      f.message = redactor.redact(f.message);
      f.evidence = redactor.redact(f.evidence);
      // The same value at the same place may be reported by a rule and a user pattern: keep the first.
      const key = `${f.file}\u0000${f.line}\u0000${f.column}\u0000${f.secretValue ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push(f);
    }
  }
  return findings;
}

// The analyzer scans both kinds of content together; one import serves it.
export { scanConstraints } from './constraints';
