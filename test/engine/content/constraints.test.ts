import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ConstraintRule } from '../../../src/engine/config/types';
import { InputError } from '../../../src/engine/errors';
import { scanConstraints } from '../../../src/engine/content/constraints';
import { ScanBudget } from '../../../src/engine/content/scanBudget';
import type { ContentFile, ContentFinding } from '../../../src/engine/content/scanBudget';

function rule(pattern: string, message: string, files: string[] = [], severity: ConstraintRule['severity'] = 'warning'): ConstraintRule {
  return { pattern, message, files, severity };
}

async function run(files: ContentFile[], rules: ConstraintRule[], budget = new ScanBudget(60_000)): Promise<ContentFinding[]> {
  return scanConstraints(files, rules, { maxLineLength: 10_000, budget });
}

const NO_CONSOLE = rule('console\\.log\\(', 'no console.log in source', ['src/**/*.ts'], 'error');

describe('scanConstraints', () => {
  it('reports each match on a scanned line with the rule message, severity and position', async () => {
    const text = ['const a = 1;', '  console.log(a); console.log(2);', 'export {};'].join('\n');
    const findings = await run([{ path: 'src/app.ts', text }], [NO_CONSOLE]);
    assert.deepEqual(
      findings.map((f) => [f.kind, f.rule, f.severity, f.file, f.line, f.column, f.endLine, f.message]),
      [
        ['constraint', 'no console.log in source', 'error', 'src/app.ts', 2, 3, 2, 'no console.log in source'],
        ['constraint', 'no console.log in source', 'error', 'src/app.ts', 2, 19, 2, 'no console.log in source'],
      ],
    );
    assert.equal(findings[0]?.evidence, '  console.log(a); console.log(2);');
    assert.equal(findings[0]?.secretValue, undefined);
  });

  it('applies a constraint only to files matching its globs, dotted paths included', async () => {
    const files: ContentFile[] = [
      { path: 'src/app.ts', text: 'console.log(1)' },
      { path: 'src/.generated/x.ts', text: 'console.log(2)' },
      { path: 'docs/guide.md', text: 'console.log(3)' },
      { path: 'app.ts', text: 'console.log(4)' },
    ];
    const findings = await run(files, [NO_CONSOLE]);
    assert.deepEqual(
      findings.map((f) => f.file),
      ['src/app.ts', 'src/.generated/x.ts'],
    );
    const everywhere = await run(files, [rule('console\\.log', 'anywhere')]);
    assert.equal(everywhere.length, 4);
  });

  it('counts only added lines, or lines from firstNewLine on', async () => {
    const text = ['TODO old', 'ok', 'TODO new', 'TODO newer'].join('\n');
    const todo = rule('TODO', 'no TODOs');
    assert.deepEqual(
      (await run([{ path: 'a.txt', text, addedLines: new Set([3]) }], [todo])).map((f) => f.line),
      [3],
    );
    assert.deepEqual(
      (await run([{ path: 'a.txt', text, firstNewLine: 2 }], [todo])).map((f) => f.line),
      [3, 4],
    );
  });

  it('redacts secrets in the evidence', async () => {
    const text = 'db:\n  password: "correct-horse-battery"\n';
    const findings = await run([{ path: 'config.yml', text }], [rule('password:', 'no passwords in config')]);
    assert.equal(findings.length, 1);
    assert.ok(!JSON.stringify(findings).includes('correct-horse-battery'));
    assert.ok(findings[0]?.evidence.includes('corr…[redacted 17 chars]'));
  });

  it('rejects an invalid pattern with an InputError naming the constraint', async () => {
    await assert.rejects(
      run([], [rule('([a-z', 'no lowercase groups')]),
      (err: unknown) => err instanceof InputError && err.message.includes('constraint "no lowercase groups"'),
    );
  });

  it('stops a hostile pattern on a 10,000-char line, reports it, and runs the other constraints', async () => {
    const budget = new ScanBudget(60_000, { regexTimeoutMs: 100 });
    const files: ContentFile[] = [
      { path: 'data/dump.txt', text: 'header TODO\n' + 'a'.repeat(9_999) + '!' },
      { path: 'data/next.txt', text: 'TODO again\naaaa!' },
    ];
    const findings = await run(files, [rule('(a+)+$', 'hostile'), rule('TODO', 'no TODOs')], budget);
    assert.ok(
      budget.skipped.some((s) => s.startsWith('constraint "hostile" (pattern /(a+)+$/) timed out on data/dump.txt line 2')),
      budget.skipped.join('\n'),
    );
    assert.deepEqual(
      findings.map((f) => [f.rule, f.file, f.line]),
      [
        ['no TODOs', 'data/dump.txt', 1],
        ['no TODOs', 'data/next.txt', 1],
      ],
    );
  });

  it('cuts a 50,000-char line to 10,000 before matching', async () => {
    const budget = new ScanBudget(60_000);
    const line = 'x'.repeat(5_000) + 'MARK' + 'x'.repeat(15_000) + 'MARK' + 'x'.repeat(29_992);
    assert.equal(line.length, 50_000);
    const findings = await run([{ path: 'bundle.js', text: line }], [rule('MARK', 'no marks')], budget);
    assert.deepEqual(
      findings.map((f) => f.column),
      [5_001],
    );
    assert.ok(budget.skipped.includes('bundle.js: 1 line(s) longer than 10000 chars were cut before constraints ran'));
    assert.ok((findings[0]?.evidence.length ?? 0) < 400);
  });

  it('lists the first matches of a rule in a file and counts the rest', async () => {
    const budget = new ScanBudget(60_000);
    const text = Array.from({ length: 60 }, (_, i) => `TODO ${i}`).join('\n');
    const findings = await run([{ path: 'todo.txt', text }], [rule('TODO', 'no TODOs')], budget);
    assert.equal(findings.length, 50);
    assert.ok(budget.skipped.includes('constraint "no TODOs": 10 more match(es) in todo.txt not reported'));
  });

  it('reports the files it had no time for', async () => {
    const budget = new ScanBudget(0);
    const files = [
      { path: 'a.txt', text: 'TODO' },
      { path: 'b.txt', text: 'TODO' },
    ];
    assert.deepEqual(await run(files, [rule('TODO', 'no TODOs')], budget), []);
    assert.deepEqual(budget.skipped, ['budget exhausted: 2 file(s) not scanned for constraints']);
  });
});

describe('scanConstraints on odd content', () => {
  let dir = '';
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-'));
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('handles binary-looking text and invalid UTF-8 without crashing', async () => {
    const file = path.join(dir, 'weird.dat');
    fs.writeFileSync(
      file,
      Buffer.concat([
        Buffer.from([0x00, 0xff, 0xfe, 0x0a, 0xc3, 0x28]),
        Buffer.from(' FORBIDDEN \u0001\u0002\n'),
        Buffer.from([0xf8, 0x88]),
      ]),
    );
    const text = fs.readFileSync(file, 'utf8');
    const findings = await run([{ path: 'weird.dat', text }], [rule('FORBIDDEN', 'forbidden word'), rule('\\uFFFD', 'replacement char')]);
    const forbidden = findings.find((f) => f.rule === 'forbidden word');
    assert.equal(forbidden?.line, 2);
    assert.ok(findings.some((f) => f.rule === 'replacement char'));
    assert.ok(findings.every((f) => !/[\u0000-\u0008\u000b-\u001f]/.test(f.evidence)));
  });
});
