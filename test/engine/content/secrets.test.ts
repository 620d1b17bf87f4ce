import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '../../../src/engine/errors';
import { redactValue } from '../../../src/engine/content/redact';
import { ScanBudget } from '../../../src/engine/content/scanBudget';
import { scanSecrets, type ContentFile, type ContentFinding } from '../../../src/engine/content/secrets';

// Test keys have the real formats secretlint's rules accept, but are made up and built by
// concatenation, so that no scanner mistakes this file for a leak.
function chars(n: number, seed = 1): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[(i * 7 + seed * 13) % alphabet.length];
  return out;
}

function onePasswordToken(): string {
  let json = JSON.stringify({ email: 'bot@1passwordserviceaccounts.lcl', secretKey: chars(60, 5), srpX: chars(40, 6) });
  // The rule wants base64 ending in "fQ" (a closing brace that starts the last 3-byte group).
  while (json.length % 3 !== 1) json = json.replace('{', '{ ');
  return 'ops_' + Buffer.from(json).toString('base64');
}

const PEM_LINES = [
  '-----BEGIN RSA PRIVATE KEY-----',
  'MII' + chars(61, 7),
  chars(64, 8),
  chars(40, 9) + '==',
  '-----END RSA PRIVATE KEY-----',
];
const PEM = PEM_LINES.join('\n');

interface KeyCase {
  rule: string;
  kind: string;
  /** Text before the secret on its line. */
  before: string;
  secret: string;
  /** Text after the secret on its line. */
  after?: string;
}

const KEY_CASES: KeyCase[] = [
  { rule: 'secretlint:aws', kind: 'AWS access key ID', before: 'aws_key_id = ', secret: 'AKIA' + 'Z7Q2M4XW9K3J5T8R' },
  { rule: 'secretlint:aws', kind: 'AWS account ID', before: 'aws_account_id = ', secret: '4096' + '8192' + '1024' },
  { rule: 'secretlint:aws', kind: 'AWS secret access key', before: 'AWS_SECRET_ACCESS_KEY=', secret: chars(40, 2) },
  { rule: 'secretlint:github', kind: 'GitHub token', before: 'token: ', secret: 'ghp_' + chars(36, 3) },
  { rule: 'secretlint:npm', kind: 'npm access token', before: 'NPM=', secret: 'npm_' + chars(36, 4) },
  { rule: 'secretlint:slack', kind: 'Slack token', before: 'slack = ', secret: 'xoxb-' + '1234567890-1234567890123-' + chars(24, 5) },
  {
    rule: 'secretlint:slack',
    kind: 'Slack incoming webhook URL',
    before: 'hook = ',
    secret: 'https://hooks.slack.com/services/' + 'T0A1B2C3D/B0A1B2C3D/' + chars(24, 6),
  },
  {
    rule: 'secretlint:basicauth',
    kind: 'password in a URL',
    before: 'mirror = https://deployer:',
    secret: 'Zq8vN3pLk',
    after: '@build.example.net/path',
  },
  { rule: 'secretlint:openai', kind: 'OpenAI API key', before: 'openai: ', secret: 'sk-' + chars(20, 7) + 'T3BlbkFJ' + chars(20, 8) },
  { rule: 'secretlint:anthropic', kind: 'Anthropic API key', before: 'ANTHROPIC_API_KEY=', secret: 'sk-ant-api03-' + chars(93, 9) + 'AA' },
  { rule: 'secretlint:linear', kind: 'Linear API key', before: 'linear = ', secret: 'lin_api_' + chars(40, 10) },
  { rule: 'secretlint:sendgrid', kind: 'SendGrid API key', before: 'sg = ', secret: 'SG.' + chars(22, 11) + '.' + chars(43, 12) },
  { rule: 'secretlint:shopify', kind: 'Shopify API key', before: 'shop = ', secret: 'shpat_' + chars(32, 13) },
  { rule: 'secretlint:1password', kind: '1Password service account token', before: 'op = ', secret: onePasswordToken() },
  {
    rule: 'secretlint:database-connection-string',
    kind: 'PostgreSQL connection string',
    before: 'DATABASE_URL=postgres://app:',
    secret: 'Tr0ub4dor9',
    after: '@db.internal:5432/app',
  },
];

function budget(ms = 60_000, regexTimeoutMs?: number): ScanBudget {
  return new ScanBudget(ms, regexTimeoutMs === undefined ? {} : { regexTimeoutMs });
}

function scan(files: ContentFile[], extra: Partial<Parameters<typeof scanSecrets>[1]> = {}): Promise<ContentFinding[]> {
  return scanSecrets(files, { extraPatterns: [], useSecretlint: true, maxLineLength: 10_000, budget: budget(), ...extra });
}

/** The findings as they would be serialised, without the one field that may hold the raw value. */
function publicJson(findings: ContentFinding[]): string {
  return JSON.stringify(findings.map(({ secretValue: _raw, ...rest }) => rest));
}

describe('scanSecrets with secretlint', () => {
  it('finds every key type of the recommended preset at its line and column, redacted everywhere', async () => {
    const lines = ['# settings', ...KEY_CASES.map((c) => c.before + c.secret + (c.after ?? ''))];
    const findings = await scan([{ path: 'config/app.env', text: lines.join('\n') + '\n' }]);
    for (const [i, c] of KEY_CASES.entries()) {
      const f = findings.find((x) => x.secretValue === c.secret);
      assert.ok(f, `${c.kind} not found; got ${findings.map((x) => x.rule).join(', ')}`);
      assert.equal(f.rule, c.rule);
      assert.equal(f.kind, 'secret');
      assert.equal(f.severity, 'error');
      assert.equal(f.file, 'config/app.env');
      assert.equal(f.line, i + 2, c.kind);
      assert.equal(f.endLine, i + 2, c.kind);
      assert.equal(f.column, c.before.length + 1, c.kind);
      assert.ok(f.message.includes(c.kind), `message "${f.message}" should name ${c.kind}`);
      assert.ok(f.message.includes(redactValue(c.secret)));
      assert.ok(f.evidence.includes(redactValue(c.secret)), f.evidence);
    }
    const json = publicJson(findings);
    for (const c of KEY_CASES) assert.ok(!json.includes(c.secret), `${c.kind} leaked into ${json}`);
  });

  it('hides every secret of a line in the evidence of each finding on it', async () => {
    const gh = 'ghp_' + chars(36, 90);
    const shop = 'shpat_' + chars(32, 91);
    const findings = await scan([{ path: 'a.env', text: `TOKENS="${gh}|${shop}"` }]);
    assert.equal(findings.length, 2);
    for (const f of findings) {
      assert.equal(f.evidence, `TOKENS="${redactValue(gh)}|${redactValue(shop)}"`);
    }
  });

  it('finds a PEM private key block across its lines', async () => {
    const text = ['const config = {', '  key: `', ...PEM_LINES, '`,', '};'].join('\n');
    const findings = await scan([{ path: 'src/keys.ts', text }]);
    assert.equal(findings.length, 1);
    const [f] = findings;
    assert.ok(f);
    assert.equal(f.rule, 'secretlint:privatekey');
    assert.equal(f.line, 3);
    assert.equal(f.column, 1);
    assert.equal(f.endLine, 7);
    assert.ok(f.message.includes('private key'));
    assert.equal(f.secretValue, PEM);
    const json = publicJson(findings);
    for (const line of PEM_LINES.slice(1, -1)) assert.ok(!json.includes(line), 'a key line leaked');
    assert.ok(!f.evidence.includes('\n'));
  });

  it('still sees a key block whole when only a line inside it was added', async () => {
    const text = ['x = 1', ...PEM_LINES].join('\n');
    const findings = await scan([{ path: 'id_rsa', text, addedLines: new Set([4]) }]);
    assert.deepEqual(
      findings.map((f) => [f.rule, f.line, f.endLine]),
      [['secretlint:privatekey', 2, 6]],
    );
  });

  it('finds the key of a GCP service account file without showing it', async () => {
    const text = JSON.stringify({ type: 'service_account', private_key_id: chars(40, 20), private_key: PEM + '\n' }, null, 2);
    const findings = await scan([{ path: 'deploy/sa.json', text }]);
    const rules = findings.map((f) => f.rule).sort();
    assert.deepEqual(rules, ['secretlint:gcp', 'secretlint:privatekey']);
    const gcp = findings.find((f) => f.rule === 'secretlint:gcp');
    assert.equal(gcp?.line, 4);
    const json = publicJson(findings);
    for (const line of PEM_LINES.slice(1, -1)) assert.ok(!json.includes(line), 'a key line leaked');
  });

  it('counts only added lines', async () => {
    const old = 'ghp_' + chars(36, 30);
    const added = 'ghp_' + chars(36, 31);
    const text = ['a', `OLD=${old}`, 'b', 'c', `NEW=${added}`, 'd'].join('\n');
    const byAdded = await scan([{ path: '.env', text, addedLines: new Set([4, 5]) }]);
    assert.deepEqual(
      byAdded.map((f) => [f.line, f.secretValue]),
      [[5, added]],
    );
    const byFirstNew = await scan([{ path: '.env', text, firstNewLine: 3 }]);
    assert.deepEqual(
      byFirstNew.map((f) => f.line),
      [5],
    );
    assert.deepEqual(await scan([{ path: '.env', text, addedLines: new Set() }]), []);
  });

  it('does not report the documented example keys or placeholders', async () => {
    const text = ['AWS_KEY=AKIAIOSFODNN7EXAMPLE', 'url = https://user:${PASSWORD}@example.net/x', 'password=${DB_PASSWORD}'].join('\n');
    assert.deepEqual(await scan([{ path: 'README.md', text }]), []);
  });

  it('can be turned off, leaving the extra patterns and the built-in detectors', async () => {
    const text = `gh=${'ghp_' + chars(36, 3)}\nINTERNAL=itk_${chars(20, 1)}`;
    const findings = await scan([{ path: 'a.env', text }], {
      useSecretlint: false,
      extraPatterns: [{ name: 'internal', pattern: 'itk_[A-Za-z0-9]{20}' }],
    });
    assert.deepEqual(
      findings.map((f) => f.rule),
      ['prefix:github-token', 'pattern:internal'],
    );
  });
});

describe('scanSecrets with extra patterns', () => {
  it('takes the first capture group as the secret, at its own column', async () => {
    const token = chars(24, 40);
    const text = `# deploy\nexport INTERNAL_TOKEN="${token}" # ci\n`;
    const findings = await scan([{ path: 'deploy.sh', text }], {
      extraPatterns: [{ name: 'internal-token', pattern: 'INTERNAL_TOKEN="([A-Za-z0-9]{24})"' }],
    });
    assert.equal(findings.length, 1);
    const [f] = findings;
    assert.ok(f);
    assert.equal(f.rule, 'pattern:internal-token');
    assert.equal(f.line, 2);
    assert.equal(f.column, 'export INTERNAL_TOKEN="'.length + 1);
    assert.equal(f.secretValue, token);
    assert.ok(f.message.includes('internal-token'));
    assert.equal(f.evidence, `export INTERNAL_TOKEN="${redactValue(token)}" # ci`);
    assert.ok(!publicJson(findings).includes(token));
  });

  it('takes the whole match when the pattern has no group', async () => {
    const value = 'corp-' + chars(16, 41);
    const findings = await scan([{ path: 'notes.txt', text: `x ${value} y` }], {
      extraPatterns: [{ name: 'corp', pattern: 'corp-[A-Za-z0-9]{16}' }],
    });
    assert.deepEqual(
      findings.map((f) => [f.column, f.secretValue]),
      [[3, value]],
    );
  });

  it('rejects an invalid pattern with an InputError naming it', async () => {
    await assert.rejects(
      scan([], { extraPatterns: [{ name: 'broken one', pattern: '([a-z' }] }),
      (err: unknown) => err instanceof InputError && err.message.includes('secret pattern "broken one"'),
    );
  });

  it('stops a hostile pattern, reports it, and still scans the rest', async () => {
    const b = budget(60_000, 100);
    const token = 'ghp_' + chars(36, 50);
    const files: ContentFile[] = [
      // 10,000 chars in all, so the line is not cut: the `!` is what makes the pattern backtrack.
      { path: 'dump.txt', text: 'a'.repeat(9_999) + '!' },
      { path: 'later.env', text: `TOKEN=${token}\naaaa!` },
    ];
    const findings = await scan(files, { budget: b, extraPatterns: [{ name: 'evil', pattern: '(a+)+$' }] });
    assert.ok(
      b.skipped.some((s) => s.includes('secret pattern "evil" timed out on dump.txt line 1')),
      b.skipped.join('\n'),
    );
    assert.deepEqual(
      findings.map((f) => f.secretValue),
      [token],
    );
  });

  it('cuts long lines before extra patterns run and says so', async () => {
    const b = budget();
    const text = 'x'.repeat(20_000) + ' key=KKKK' + chars(12, 60);
    const findings = await scan([{ path: 'min.js', text }], {
      budget: b,
      maxLineLength: 10_000,
      useSecretlint: false,
      extraPatterns: [{ name: 'k', pattern: 'key=(\\w+)' }],
    });
    // The built-in detectors are linear and see the whole line; only user regexes are cut.
    assert.deepEqual(
      findings.filter((f) => f.rule.startsWith('pattern:')),
      [],
    );
    assert.ok(b.skipped.some((s) => s.startsWith('min.js: 1 line(s) longer than 10000 chars were cut')));
  });
});

describe('scanSecrets robustness', () => {
  let dir = '';
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-'));
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports the files it had no time for', async () => {
    const b = new ScanBudget(0);
    const files = ['a', 'b', 'c'].map((p) => ({ path: p, text: 'ghp_' + chars(36, 70) }));
    assert.deepEqual(await scan(files, { budget: b }), []);
    assert.deepEqual(b.skipped, ['budget exhausted: 3 file(s) not scanned for secrets']);
  });

  it('scans binary-looking text and invalid UTF-8 without crashing, keeping evidence printable', async () => {
    const token = 'ghp_' + chars(36, 80);
    const bytes = Buffer.concat([
      Buffer.from([0x00, 0x01, 0xff, 0xfe, 0xc3, 0x28, 0x0a]),
      Buffer.from(`\u0000key\u0007=${token}\u0000\n`),
      Buffer.from([0xed, 0xa0, 0x80, 0xf8, 0x88, 0x80, 0x80, 0x80]),
    ]);
    const file = path.join(dir, 'blob.bin');
    fs.writeFileSync(file, bytes);
    const text = fs.readFileSync(file, 'utf8');
    const findings = await scan([{ path: 'blob.bin', text }], {
      extraPatterns: [{ name: 'any', pattern: '[\\u0000-\\uffff]{3}' }],
    });
    const github = findings.find((f) => f.rule === 'secretlint:github');
    assert.equal(github?.line, 2);
    assert.equal(github?.column, 7);
    assert.ok(findings.every((f) => !/[\u0000-\u0008\u000b-\u001f]/.test(f.evidence)));
    assert.ok(!publicJson(findings).includes(token));
  });
});

it('secretlint leaves no profiler entries or performance marks behind', async () => {
  const { secretLintProfiler } = await import('@secretlint/profiler');
  const files = Array.from({ length: 120 }, (_, i) => ({ path: `notes/n${i}.txt`, text: `note ${i}\nnothing secret here\n` }));
  const marksBefore = performance.getEntriesByType('mark').length;
  await scanSecrets(files, { extraPatterns: [], useSecretlint: true, maxLineLength: 10_000, budget: new ScanBudget(30_000) });
  await scanSecrets(files, { extraPatterns: [], useSecretlint: true, maxLineLength: 10_000, budget: new ScanBudget(30_000) });
  // Unmuted, each of the 120 files leaves dozens of entries in both places.
  assert.equal((secretLintProfiler as unknown as { entries: unknown[] }).entries.length, 0);
  assert.equal(performance.getEntriesByType('mark').length, marksBefore);
});

describe('secretlint rules beyond the preset', () => {
  it('reports a secp256k1 key only where the line speaks of a key, never a bare sha256 digest', async () => {
    const { createHash } = await import('node:crypto');
    const key = createHash('sha256').update('wallet seed for the test').digest('hex');
    const digest = createHash('sha256').update('some file').digest('hex');
    const findings = await scan([{ path: 'wallet.env', text: `WALLET_PRIVATE_KEY=${key}\nchecksum: ${digest}\n` }]);
    assert.deepEqual(
      findings.map((f) => [f.rule, f.line]),
      [['secretlint:secp256k1-privatekey', 1]],
    );
    assert.ok(!publicJson(findings).includes(key));
  });

  it('a megabyte of long digit lines is scanned in pieces: keys deep in it and across a piece border are still found', async () => {
    const { createHash } = await import('node:crypto');
    const key = createHash('sha256').update('deep wallet').digest('hex');
    const lines: string[] = [];
    // 1,000-digit lines: every 64 of them read as a secp256k1 candidate, tens of thousands in all.
    for (let i = 0; lines.join('\n').length < 1_000_000 && i < 2000; i++)
      lines.push(
        String(i)
          .repeat(Math.ceil(1000 / String(i).length))
          .slice(0, 1000),
      );
    lines.splice(700, 0, `SIGNER_PRIVATE_KEY=${key}`);
    lines.splice(260, 0, 'AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPL3', 'aws_secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY0"');
    const findings = await scan([{ path: 'build/expanded.txt', text: lines.join('\n') + '\n' }]);
    const rules = findings.map((f) => `${f.rule}@${f.line}`);
    assert.ok(rules.includes('secretlint:secp256k1-privatekey@703'), rules.join(', '));
    assert.ok(
      rules.some((r) => r.startsWith('secretlint:aws@')),
      rules.join(', '),
    );
    assert.ok(findings.length < 10, `digit lines are not keys: ${findings.length} findings`);
  });
});
