/**
 * Secrets added to the workspace: secretlint's recommended preset (a maintained set of
 * detectors, run on the changed file's text so multi-line keys are seen whole) plus the
 * user's extra patterns (run line by line in the regex sandbox). Only findings touching a
 * scanned line count. Nothing that leaves this module carries a secret except `secretValue`.
 */
import path from 'node:path';
import type { SecretPatternRule } from '../config/types';
import { Redactor, redactValue } from './redact';
import { compileUserRegex, cutLongLines, type SafeRegex } from './safeRegex';
import {
  excerpt,
  isScannedLine,
  LineIndex,
  scannedLines,
  type ContentFile,
  type ContentFinding,
  type ScanBudget,
} from './scanBudget';

export type { ContentFile, ContentFinding } from './scanBudget';

export interface SecretScanOptions {
  extraPatterns: SecretPatternRule[];
  /** Whether secretlint's recommended preset runs; extra patterns run either way. */
  useSecretlint: boolean;
  maxLineLength: number;
  budget: ScanBudget;
}

type SecretlintCore = typeof import('@secretlint/core');
type LintSourceOptions = Parameters<SecretlintCore['lintSource']>[0];
type LintMessage = Awaited<ReturnType<SecretlintCore['lintSource']>>['messages'][number];

interface Secretlint {
  lintSource: SecretlintCore['lintSource'];
  config: LintSourceOptions['options']['config'];
}

const PRESET_ID = '@secretlint/secretlint-rule-preset-recommend';
const RULE_PREFIX = '@secretlint/secretlint-rule-';

let secretlint: Promise<Secretlint> | undefined;

/** secretlint is loaded on first use: it is ESM-only and not needed unless content is scanned. */
function loadSecretlint(): Promise<Secretlint> {
  secretlint ??= Promise.all([
    import('@secretlint/core'),
    import('@secretlint/secretlint-rule-preset-recommend'),
    import('@secretlint/profiler'),
  ]).then(([core, preset, profiler]) => {
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
};

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
  const kind = KIND_BY_MESSAGE_ID[messageId] ?? messageId.replace(/_/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
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

function secretFinding(
  file: ContentFile,
  index: LineIndex,
  rule: string,
  kind: string,
  start: number,
  value: string,
): ContentFinding {
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

async function secretlintFile(engine: Secretlint, file: ContentFile, index: LineIndex): Promise<ContentFinding[]> {
  const window = scanWindow(file, index);
  if (!window) return [];
  const ext = path.posix.extname(file.path);
  const result = await engine.lintSource({
    source: {
      content: window.text,
      filePath: file.path,
      // The p12 detector reads the file from disk by this path; our content is text already, so it has nothing to find.
      ext: ext === '.p12' ? '' : ext,
      contentType: 'text',
    },
    // Data must stay unmasked: it is where the value is taken from. secretlint's message text is never used.
    options: { config: engine.config, noPhysicFilePath: true },
  });
  const findings: ContentFinding[] = [];
  for (const message of result.messages) {
    const data = dataOf(message);
    const located = locateSecret(message, data, window.text);
    if (!located) continue;
    const start = window.offset + located.start;
    const end = window.offset + located.end;
    if (!touchesScannedLine(file, index.lineOf(start), index.lineOf(Math.max(start, end - 1)))) continue;
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
        const value = span ? match.groups[0] ?? '' : match.text;
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

export async function scanSecrets(files: ContentFile[], opts: SecretScanOptions): Promise<ContentFinding[]> {
  // Compile first, so a broken pattern is reported even when nothing changed.
  const patterns: CompiledPattern[] = opts.extraPatterns.map((p) => ({
    name: p.name,
    regex: compileUserRegex(p.pattern, '', `secret pattern "${p.name}"`),
    disabled: false,
  }));
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
        opts.budget.skip(`secretlint failed on ${file.path} (${err instanceof Error ? err.name : 'error'}); file not scanned by secretlint`);
      }
    }
    if (patterns.length > 0) found.push(...patternFile(file, index, patterns, opts));
    // Each finding redacted its own value; another secret on the same line must not show in its evidence either.
    const redactor = new Redactor();
    for (const f of found) if (f.secretValue) redactor.add(f.secretValue);
    for (const f of found) {
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
