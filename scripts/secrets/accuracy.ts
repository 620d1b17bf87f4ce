/**
 * Recall and false positives of our secret detection against gitleaks' own test vectors
 * (`gitleaks-vectors.json`: the true and false positives its rule definitions validate
 * against). Generated true positives get a fresh secret of the rule's shape on every run,
 * placed in each of the contexts gitleaks' sample generator writes (env, JSON, YAML, XML, Go,
 * Python, Makefiles...).
 *
 * Two figures, since they serve different ends:
 * - redaction recall: the secret no longer appears after the export pass (`redactLikelySecrets`);
 * - detection recall: a finding (`findLikelySecrets` in `detect` mode, what raises a trigger) covers it.
 * False positives: gitleaks' false-positive strings on which detection fires.
 *
 * `npm run secrets:accuracy` prints the figures; the accuracy test holds them above a floor.
 */
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { findLikelySecrets } from '../../src/engine/content/likelySecrets';
import { redactLikelySecrets } from '../../src/engine/content/redact';

interface Vectors {
  contexts: string[];
  singleContext: string;
  generated: { rule: string; identifier: string; secret: string; contexts: 'all' | 'single' }[];
  literalTruePositives: Record<string, string[]>;
  literalFalsePositives: Record<string, string[]>;
}

const ALPHABETS: Readonly<Record<string, string>> = {
  a: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  h: '0123456789abcdef',
  L: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  n: '0123456789',
  b32: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567',
  x: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789=_-.',
  w: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_~.',
};

/** `glpat-{a:20}` → `glpat-` and 20 random alphanumerics. */
function expand(template: string): string {
  return template.replace(/\{(\w+):(\d+)\}/g, (_, set: string, n: string) => {
    const alphabet = ALPHABETS[set];
    if (!alphabet) throw new Error(`unknown alphabet ${set} in ${template}`);
    let out = '';
    for (let i = 0; i < Number(n); i++) out += alphabet[randomInt(alphabet.length)];
    return out;
  });
}

export interface Tally {
  total: number;
  hit: number;
  misses: string[];
}

export interface AccuracyReport {
  redaction: Tally;
  detection: Tally;
  literalDetection: Tally;
  falsePositives: Tally;
  byRule: Map<string, { total: number; redacted: number; detected: number }>;
}

function tally(): Tally {
  return { total: 0, hit: 0, misses: [] };
}

export function loadVectors(file = path.join(__dirname, 'gitleaks-vectors.json')): Vectors {
  return JSON.parse(readFileSync(file, 'utf8')) as Vectors;
}

function detects(text: string, secret: string | null): boolean {
  return findLikelySecrets(text, 'detect').some((s) => {
    if (secret === null) return true;
    const at = text.indexOf(secret);
    return at >= 0 && s.start < at + secret.length && at < s.end;
  });
}

export function measureAccuracy(vectors: Vectors = loadVectors()): AccuracyReport {
  const report: AccuracyReport = {
    redaction: tally(),
    detection: tally(),
    literalDetection: tally(),
    falsePositives: tally(),
    byRule: new Map(),
  };
  for (const g of vectors.generated) {
    const contexts = g.contexts === 'all' ? vectors.contexts : [vectors.singleContext];
    const perRule = report.byRule.get(g.rule) ?? { total: 0, redacted: 0, detected: 0 };
    for (const context of contexts) {
      const secret = expand(g.secret);
      const text = context.split('{i}').join(g.identifier).split('{s}').join(secret);
      const redacted = !redactLikelySecrets(text).includes(secret);
      const detected = detects(text, secret);
      for (const [t, ok] of [
        [report.redaction, redacted],
        [report.detection, detected],
      ] as const) {
        t.total++;
        if (ok) t.hit++;
        else t.misses.push(`${g.rule}: ${text.replace(/\n/g, '\\n')}`);
      }
      perRule.total++;
      if (redacted) perRule.redacted++;
      if (detected) perRule.detected++;
    }
    report.byRule.set(g.rule, perRule);
  }
  for (const [rule, texts] of Object.entries(vectors.literalTruePositives)) {
    for (const text of texts) {
      report.literalDetection.total++;
      if (detects(text, null)) report.literalDetection.hit++;
      else report.literalDetection.misses.push(`${rule}: ${text.replace(/\n/g, '\\n')}`);
    }
  }
  for (const [rule, texts] of Object.entries(vectors.literalFalsePositives)) {
    for (const text of texts) {
      report.falsePositives.total++;
      if (detects(text, null)) {
        report.falsePositives.hit++;
        report.falsePositives.misses.push(`${rule}: ${text.replace(/\n/g, '\\n')}`);
      }
    }
  }
  return report;
}

function pct(t: Tally): string {
  return `${t.hit}/${t.total} = ${((100 * t.hit) / Math.max(1, t.total)).toFixed(1)}%`;
}

function main(): void {
  const r = measureAccuracy();
  const lines = [
    "Secret detection against gitleaks' rule test vectors",
    `  redaction recall (generated, all contexts):  ${pct(r.redaction)}`,
    `  detection recall (generated, all contexts):  ${pct(r.detection)}`,
    `  detection recall (literal true positives):   ${pct(r.literalDetection)}`,
    `  false positives (gitleaks' FP strings):      ${pct(r.falsePositives)}`,
    '',
    '  per rule (redacted / detected of samples):',
    ...[...r.byRule].map(([rule, s]) => `    ${rule.padEnd(36)} ${s.redacted}/${s.total}  ${s.detected}/${s.total}`),
  ];
  const show = (title: string, list: string[]): void => {
    if (list.length === 0) return;
    lines.push('', `  ${title}:`, ...list.slice(0, 25).map((m) => `    ${m.slice(0, 160)}`));
    if (list.length > 25) lines.push(`    ... and ${list.length - 25} more`);
  };
  show('not redacted', r.redaction.misses);
  show('not detected (generated)', r.detection.misses);
  show('not detected (literal)', r.literalDetection.misses);
  show('false positives', r.falsePositives.misses);
  console.log(lines.join('\n'));
}

if (require.main === module) main();
