import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  gitleaksSources,
  goRegexToJs,
  loadGitleaksRules,
  loadGitleaksSources,
  parseGitleaksRules,
} from '../../../src/engine/content/gitleaksRules';
import { InputError } from '../../../src/engine/errors';
import { ScanBudget } from '../../../src/engine/content/scanBudget';
import { scanSecrets, type ContentFile, type ContentFinding } from '../../../src/engine/content/secrets';
import { randomString } from '../../security/keyCorpus';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tempDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'ir-gitleaks-'));
  dirs.push(d);
  return d;
}

/** A rule file as teams write them: a custom token rule with keywords, entropy, a rule allowlist, and a global allowlist. */
const RULES = String.raw`
title = "acme rules"

[extend]
useDefault = true
disabledRules = ["generic-api-key"]

[[rules]]
id = "acme-token"
description = "ACME internal token"
regex = '''(?i)\b(acme_[a-z0-9]{32})\b'''
secretGroup = 1
entropy = 3.0
keywords = ["acme_"]

  [[rules.allowlists]]
  description = "the documented sample"
  regexes = ['''acme_0{32}''', '''acme_sample''']

[[rules]]
id = "legacy-db"
regex = '''LEGACY_DB=(?P<pw>[^\s]{8,})'''
keywords = ["legacy_db"]

[allowlist]
description = "fixtures"
paths = ['''(?:^|/)fixtures/''']
stopwords = ["notreal"]
`;

function budget(): ScanBudget {
  return new ScanBudget(30_000);
}

async function scanWith(files: ContentFile[], trusted: boolean, text = RULES): Promise<ContentFinding[]> {
  const gitleaks = parseGitleaksRules(text, { source: '.gitleaks.toml', trusted });
  return scanSecrets(files, { extraPatterns: [], useSecretlint: false, maxLineLength: 10_000, budget: budget(), gitleaks });
}

describe('gitleaks rule files', () => {
  const token = 'acme_' + randomString('abcdefghijklmnopqrstuvwxyz0123456789', 32);

  it('finds what a team rule names, with its secret group, at its column', async () => {
    const line = `ACME=${token.toUpperCase()} # deploy`;
    const [f, ...rest] = await scanWith([{ path: 'deploy/env.sh', text: `#!/bin/sh\n${line}\n` }], true);
    assert.equal(rest.length, 0);
    assert.ok(f);
    assert.equal(f.rule, 'gitleaks:acme-token');
    assert.equal(f.line, 2);
    assert.equal(f.column, 'ACME='.length + 1);
    assert.equal(f.secretValue, token.toUpperCase());
    assert.ok(!f.evidence.includes(token.toUpperCase()) && !f.message.includes(token.toUpperCase()));
  });

  it('takes a named Go group as the secret', async () => {
    const pw = 'Zq' + randomString('abcdefghijklmnopqrstuvwxyz0123456789', 10);
    const findings = await scanWith([{ path: 'legacy.cfg', text: `LEGACY_DB=${pw}\n` }], true);
    assert.deepEqual(
      findings.filter((f) => f.rule === 'gitleaks:legacy-db').map((f) => f.secretValue),
      [pw],
    );
  });

  it('applies allowlists, stopwords and paths of a trusted file, to the built-in detectors too', async () => {
    const builtin = 'ghp_' + randomString('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 36);
    const files: ContentFile[] = [
      { path: 'docs/api.md', text: `example: acme_${'0'.repeat(32)}\n` },
      { path: 'test/fixtures/env', text: `${token}\nGITHUB_TOKEN=${builtin}\n` },
      { path: 'notes.txt', text: `acme_notreal${randomString('abcdef0123456789', 20)}\n` },
    ];
    assert.deepEqual(await scanWith(files, true), []);
  });

  it('from an untrusted file only adds detection: allowlists and disabled rules are ignored, and it says so', async () => {
    const builtin = 'ghp_' + randomString('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 36);
    const findings = await scanWith([{ path: 'test/fixtures/env', text: `${token}\nGITHUB_TOKEN=${builtin}\n` }], false);
    assert.deepEqual(findings.map((f) => f.rule).sort(), ['gitleaks:acme-token', 'prefix:github-token']);
    const set = parseGitleaksRules(RULES, { source: '.gitleaks.toml', trusted: false });
    assert.deepEqual(set.allowlists, []);
    assert.ok(set.rules.every((r) => r.allowlists.length === 0));
    assert.match(set.ignored.join('\n'), /allowlist of rule "acme-token" ignored \(untrusted file/);
    assert.match(set.ignored.join('\n'), /global allowlist ignored/);
    assert.match(set.ignored.join('\n'), /disabledRules ignored/);
  });

  it('skips matches below the rule entropy and lines without a keyword', async () => {
    const low = 'acme_' + 'ab'.repeat(16);
    assert.deepEqual(await scanWith([{ path: 'a.txt', text: `${low}\n` }], true), []);
    const noKeyword = RULES.replace('keywords = ["acme_"]', 'keywords = ["acme-internal"]');
    assert.deepEqual(await scanWith([{ path: 'a.txt', text: `${token}\n` }], true, noKeyword), []);
  });

  it('translates the Go regex syntax rule files use', () => {
    assert.deepEqual(goRegexToJs('(?i)key=(?P<v>[[:alnum:]]{4})\\z'), { source: 'key=(?<v>[A-Za-z0-9]{4})$', flags: 'i' });
    assert.deepEqual(goRegexToJs('(?:(?i:token))=x'), { source: '(?:(?:token))=x', flags: 'i' });
  });

  it('stops a rule that backtracks for ever, and goes on with the others', async () => {
    const evil = RULES.replace("regex = '''LEGACY_DB=(?P<pw>[^\\s]{8,})'''", () => "regex = '''(a+)+$'''").replace(
      'keywords = ["legacy_db"]',
      '',
    );
    const gitleaks = parseGitleaksRules(evil, { source: 'evil.toml', trusted: true });
    const b = new ScanBudget(30_000, { regexTimeoutMs: 50 });
    const findings = await scanSecrets([{ path: 'x.txt', text: `${'a'.repeat(40)}!\n${token}\n` }], {
      extraPatterns: [],
      useSecretlint: false,
      maxLineLength: 10_000,
      budget: b,
      gitleaks,
    });
    assert.deepEqual(
      findings.map((f) => f.rule),
      ['gitleaks:acme-token'],
    );
    assert.match(b.skipped.join('\n'), /gitleaks rule "legacy-db" timed out on x\.txt line 1/);
  });

  it('rejects a broken file with one line that names the file and what to fix', async () => {
    const dir = tempDir();
    const bad = path.join(dir, 'bad.toml');
    writeFileSync(bad, '[[rules]]\nid = "x"\nregex = "a("\n');
    await assert.rejects(loadGitleaksRules(bad, { trusted: true }), (err: unknown) => {
      assert.ok(err instanceof InputError);
      assert.match(err.message, /^invalid regex in gitleaks rule "x" \/a\(\/: .*fix the pattern/);
      assert.ok(!err.message.includes('\n'));
      return true;
    });
    writeFileSync(bad, '[[rules]\nid = "x"\n');
    await assert.rejects(
      loadGitleaksRules(bad, { trusted: true }),
      /gitleaks rules .*bad\.toml: not valid TOML \(.*line 1.*\); fix the file or remove it$/,
    );
    writeFileSync(bad, '[[rules]]\nid = "x"\nregex = "a"\nentropy = "high"\n');
    await assert.rejects(loadGitleaksRules(bad, { trusted: true }), /rule "x": entropy must be a number from 0 to 8/);
  });

  it("finds the user's file by GITLEAKS_CONFIG and the workspace's .gitleaks.toml, and leaves out a broken untrusted one with a note", async () => {
    const ws = tempDir();
    const user = path.join(tempDir(), 'mine.toml');
    writeFileSync(user, RULES);
    writeFileSync(path.join(ws, '.gitleaks.toml'), '[[rules]\n');
    const { sources } = await gitleaksSources(ws, { GITLEAKS_CONFIG: user }, { patterns: true, config: false });
    assert.deepEqual(sources, [
      { file: user, trusted: true },
      { file: path.join(ws, '.gitleaks.toml'), trusted: false },
    ]);
    const { set, notes } = await loadGitleaksSources(sources);
    assert.equal(set?.rules.length, 2);
    assert.match(notes[0] ?? '', /\.gitleaks\.toml: not valid TOML .*\(untrusted file left out\)$/);
    await assert.rejects(loadGitleaksSources([{ file: path.join(ws, '.gitleaks.toml'), trusted: true }]), InputError);
    // Where no workspace regex may run (VS Code's Restricted Mode), the workspace's file is not read at all.
    const restricted = await gitleaksSources(ws, {}, { patterns: false, config: false });
    assert.deepEqual(restricted.sources, []);
    assert.match(restricted.notes.join('\n'), /\.gitleaks\.toml: not read \(untrusted workspace/);
  });
});
