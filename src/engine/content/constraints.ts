/**
 * Constraints: user regexes that must not match in changed files. Each match on a scanned
 * line becomes a finding with the constraint's own message and severity. Patterns run in the
 * regex sandbox, on lines cut to `maxLineLength`, within the scan budget.
 */
import { Minimatch } from 'minimatch';
import type { ConstraintRule } from '../config/types';
import { compileUserRegex, cutLongLines, type SafeRegex } from './safeRegex';
import { excerpt, LineIndex, scannedLines, type ContentFile, type ContentFinding, type ScanBudget } from './scanBudget';

export type { ContentFile, ContentFinding } from './scanBudget';

export interface ConstraintScanOptions {
  maxLineLength: number;
  budget: ScanBudget;
}

/** Beyond this many matches of one constraint in one file, the rest are counted, not listed: one is enough to act on. */
const MAX_FINDINGS_PER_RULE_AND_FILE = 50;
const MAX_MATCHES_PER_LINE = 20;

interface CompiledConstraint {
  rule: ConstraintRule;
  label: string;
  regex: SafeRegex;
  globs: Minimatch[];
  disabled: boolean;
}

function compile(rule: ConstraintRule): CompiledConstraint {
  const label = `constraint "${rule.message}"`;
  return {
    rule,
    label,
    regex: compileUserRegex(rule.pattern, '', label),
    globs: rule.files.map((glob) => new Minimatch(glob, { dot: true })),
    disabled: false,
  };
}

function appliesTo(constraint: CompiledConstraint, file: string): boolean {
  return constraint.globs.length === 0 || constraint.globs.some((glob) => glob.match(file));
}

export function scanConstraints(files: ContentFile[], rules: ConstraintRule[], opts: ConstraintScanOptions): ContentFinding[] {
  // Compile first, so a broken pattern is reported even when nothing changed.
  const constraints = rules.map(compile);
  const findings: ContentFinding[] = [];
  if (constraints.length === 0) return findings;
  for (let i = 0; i < files.length; i++) {
    const file = files[i];
    if (!file) continue;
    const applicable = constraints.filter((c) => !c.disabled && appliesTo(c, file.path));
    if (applicable.length === 0) continue;
    if (opts.budget.expired) {
      opts.budget.skip(`budget exhausted: ${files.length - i} file(s) not scanned for constraints`);
      break;
    }
    findings.push(...scanFile(file, applicable, opts));
  }
  return findings;
}

function scanFile(file: ContentFile, constraints: CompiledConstraint[], opts: ConstraintScanOptions): ContentFinding[] {
  const index = new LineIndex(file.text);
  const lines = scannedLines(file, index);
  if (lines.length === 0) return [];
  const { lines: texts, cut } = cutLongLines(
    lines.map((l) => l.text),
    opts.maxLineLength,
  );
  if (cut > 0) {
    opts.budget.skip(`${file.path}: ${cut} line(s) longer than ${opts.maxLineLength} chars were cut before constraints ran`);
  }
  const findings: ContentFinding[] = [];
  for (const constraint of constraints) {
    if (constraint.disabled) continue;
    const result = constraint.regex.scanLines(texts, {
      mode: 'all',
      timeoutMs: opts.budget.regexTimeoutMs,
      remainingMs: () => opts.budget.remainingMs,
      maxMatchesPerLine: MAX_MATCHES_PER_LINE,
    });
    let count = 0;
    for (const { line: i, matches } of result.matches) {
      const line = lines[i];
      if (!line) continue;
      for (const match of matches) {
        count++;
        if (count > MAX_FINDINGS_PER_RULE_AND_FILE) continue;
        const start = index.startOf(line.line) + match.index;
        findings.push({
          kind: 'constraint',
          rule: constraint.rule.message,
          severity: constraint.rule.severity,
          file: file.path,
          line: line.line,
          column: match.index + 1,
          endLine: line.line,
          message: constraint.rule.message,
          evidence: excerpt(index, start, start + match.text.length, match.text),
        });
      }
    }
    if (count > MAX_FINDINGS_PER_RULE_AND_FILE) {
      opts.budget.skip(`${constraint.label}: ${count - MAX_FINDINGS_PER_RULE_AND_FILE} more match(es) in ${file.path} not reported`);
    }
    if (result.stopped) {
      const where = `${file.path} line ${lines[result.stopped.line]?.line ?? '?'}`;
      if (result.stopped.reason === 'timeout') {
        constraint.disabled = true;
        opts.budget.skip(
          `${constraint.label} (pattern /${constraint.rule.pattern}/) timed out on ${where} ` +
            `(over ${opts.budget.regexTimeoutMs} ms); not run on the rest of the scan`,
        );
      } else {
        opts.budget.skip(`budget exhausted: ${constraint.label} stopped at ${where}`);
      }
    }
  }
  return findings;
}
