import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { findLikelySecrets } from '../../../src/engine/content/likelySecrets';
import { looksRandom, shannonEntropy } from '../../../src/engine/content/entropy';
import { redactLikelySecrets } from '../../../src/engine/content/redact';
import { keyCorpus, randomString } from '../../security/keyCorpus';
import { ROOT } from '../../support/workspace';

const found = (text: string, mode: 'detect' | 'redact' = 'detect'): string[] =>
  findLikelySecrets(text, mode).map((s) => text.slice(s.start, s.end));

describe('findLikelySecrets', () => {
  it('detects the key in the leaking line of every provider of the corpus', () => {
    // Keys are fresh each run; a generic random one reads like words about once in 300 and is then left to
    // redaction (which hides any value of a secret-like name), so one miss in the corpus is tolerated.
    const missed: string[] = [];
    for (const k of keyCorpus()) {
      const values = found(k.line);
      if (!values.some((v) => v === k.value || k.value.includes(v) || v.includes(k.value)))
        missed.push(`${k.provider}: ${k.line} (found ${JSON.stringify(values)})`);
    }
    assert.ok(missed.length <= 1, missed.join('\n'));
  });

  it('finds keys of providers it has no rule for, by name and entropy', () => {
    // Entropy is a judgement: about 1 random key in 300 reads like words and is missed, so 10 fresh keys must all but miss once.
    const lines = (value: string): string[] => [
      `ACME_PAYMENTS_KEY=${value}`,
      `export WIDGETCO_TOKEN="${value}"`,
      `  "zorgSecret": "${value}",`,
      `<apiToken>${value}</apiToken>`,
      `curl -H "Authorization: Bearer ${value}" https://api.example.test`,
      `AccountName=x;AccountKey=${value};EndpointSuffix=core.windows.net`,
    ];
    const missed: string[] = [];
    for (let i = 0; i < 10; i++) {
      const value = randomString('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 32);
      for (const line of lines(value)) if (JSON.stringify(found(line)) !== JSON.stringify([value])) missed.push(line);
    }
    assert.ok(missed.length <= 6, missed.join('\n'));
  });

  it('reports passwords in URLs and curl -u, not placeholders', () => {
    assert.deepEqual(found('postgres://app:s3cretPa55@db:5432/app'), ['s3cretPa55']);
    assert.deepEqual(found('curl -u deploy:Xk2!pq9Lz https://ci.test/job'), ['Xk2!pq9Lz']);
    assert.deepEqual(found('postgres://app:${DB_PASSWORD}@db:5432/app'), []);
    assert.deepEqual(found('curl -u "$USER:$TOKEN" https://ci.test/job'), []);
  });

  it('tells a JWT from other eyJ text', () => {
    const header = Buffer.from('{"alg":"RS256","typ":"JWT"}').toString('base64url');
    const payload = Buffer.from('{"sub":"u-123","exp":1900000000}').toString('base64url');
    const jwt = `${header}.${payload}.${randomBytes(32).toString('base64url')}`;
    assert.deepEqual(found(`token in log: ${jwt}`), [jwt]);
    const notJson = `eyJ${'q'.repeat(20)}.eyJ${'r'.repeat(20)}.${'s'.repeat(20)}`;
    assert.deepEqual(found(`blob ${notJson}`), []);
  });

  it('ignores documentation samples and placeholders', () => {
    for (const line of [
      'GITLAB_TOKEN=glpat-XXXXXXXXXXXXXXXXXXXX',
      'STRIPE_KEY=sk_live_000000000000000000000000',
      'API_KEY=your-api-key-here',
      'password: ${DB_PASSWORD}',
      'const token = process.env.GITHUB_TOKEN;',
      'client_secret = "<client-secret>"',
      'AWS_SECRET_ACCESS_KEY={{ secrets.AWS_SECRET_ACCESS_KEY }}',
      'OPENAI_API_KEY=sk-proj-xxxxxxxxxxxxxxxxxxxxxxxx',
      'STRIPE_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx',
      'LICENSE_KEY=XXXX-XXXX-XXXX-XXXX',
      'GITLAB_TOKEN=glpat-your_token_here',
      'GITLAB_TOKEN=glpat-MY_GITLAB_TOKEN',
      'SLACK_TOKEN=xoxp-1-SlackAppConfigurationAccessTokenHere',
      'API_KEY=your-api-key',
      'api_key: insert_YourAccessToken_2',
    ]) {
      assert.deepEqual(found(line), [], line);
    }
  });

  it("finds a generated key that happens to hold four x's in a row", () => {
    // Keys a random generator made (one 52-character key in some 12,000 has such a run): they were taken for placeholders.
    for (const key of [
      'gsk_30uqGXXXXMZMDlXxkZy1Sw5tH4SNJSidLCKxKh3NZCqeZoc8VaEM',
      'gsk_E0XxXxvbxBnh2rO5JFvKWbWUD4dqVzGdin6wGrSZIT1X34Ny5MvI',
      'gsk_OWTcskJTC2IF9ZmsOJKCXxxx4e8bN0HhCF2kZkRxfEP7RbJFkovp',
      'ghp_xxxxR8dK2pLw9QzT4vNbY7sJm3HcFgA6uEk1',
    ]) {
      assert.deepEqual(found(`the key in the log: ${key}`), [key], key);
    }
  });

  it('finds a generated key whose random part reads like the start of an instruction or is vowel-rich letters', () => {
    // Random GitLab bodies the export test drew: `MY_` read as "my <something>", and all letters read as CamelCase prose.
    for (const key of [
      'glpat-MY_k3JdA9xQ2mZpL7wTq',
      'glpat-put-Jx82kQmZ0aLpW4rv',
      'glpat-aoenyzSUIQBEAOUbeuoa',
      'glpat-ofvkiEgtxhwA_7W_kOTp',
      'glpat-EuoaiQXAEIOUTZbeaoiu',
    ]) {
      assert.deepEqual(found(`CI_JOB_TOKEN ${key}`), [key], key);
    }
  });

  it('leaves hashes, git ids, UUIDs, integrity strings and inline images alone, in both modes', () => {
    const sha1 = createHash('sha1').update('x').digest('hex');
    const sha256 = createHash('sha256').update('x').digest('hex');
    const integrity = 'sha512-' + createHash('sha512').update('x').digest('base64');
    const image = 'data:image/png;base64,' + randomBytes(300).toString('base64');
    const lines = [
      `commit ${sha1}`,
      `checksum: ${sha256}`,
      `"integrity": "${integrity}"`,
      `id=${randomUUID()}`,
      `background: url(${image})`,
      `resolved "https://registry.npmjs.org/x/-/x-1.0.0.tgz#${sha1}"`,
    ];
    for (const line of lines) {
      assert.deepEqual(found(line), [], line);
      assert.equal(redactLikelySecrets(line), line, line);
    }
  });

  it('redacts any long random token in exports, whatever surrounds it', () => {
    const value = randomString('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 44) + '9aZ';
    const out = redactLikelySecrets(`the job printed ${value} and exited`);
    assert.ok(!out.includes(value), out);
    assert.match(out, /^the job printed .{4}…\[redacted \d+ chars\] and exited$/);
  });
});

describe('entropy', () => {
  it('measures bits per character', () => {
    assert.equal(shannonEntropy('aaaa'), 0);
    assert.equal(shannonEntropy('abcd'), 2);
  });

  it('accepts generated strings and rejects words, identifiers and digests', () => {
    assert.ok(looksRandom(randomString('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 24)));
    for (const v of [
      'getXmlObjectValue',
      'isNamedKeyCredential',
      'MAX_RETRY_COUNT_LIMIT',
      createHash('sha1').update('y').digest('hex'),
      randomUUID(),
    ]) {
      assert.equal(looksRandom(v), false, v);
    }
  });
});

/** Text files of the project's own dependencies: real code, docs, lockfiles, source maps. */
function dependencyFiles(limit: number): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      if (out.length >= limit) return;
      const p = path.join(dir, name);
      const s = statSync(p);
      if (s.isDirectory()) walk(p);
      else if (/\.(?:js|cjs|mjs|ts|json|md|yml|yaml|map)$/.test(name) && s.size < 1_000_000) out.push(p);
    }
  };
  walk(path.join(ROOT, 'node_modules'));
  return out;
}

describe('false positives on a real source tree', () => {
  it('barely lights up on 3000 files of node_modules', (t) => {
    const files = dependencyFiles(3000);
    assert.ok(files.length >= 3000, 'node_modules has enough files to judge by');
    let bytes = 0;
    const hits: string[] = [];
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      bytes += text.length;
      for (const s of findLikelySecrets(text, 'detect'))
        hits.push(`${path.relative(ROOT, f)}: ${s.rule} ${text.slice(s.start, s.end).slice(0, 40)}`);
    }
    t.diagnostic(`${hits.length} finding(s) in ${files.length} files (${(bytes / 1e6).toFixed(1)} MB)`);
    for (const h of hits.slice(0, 20)) t.diagnostic(h);
    // About one in a few hundred files; a detector that fires on ordinary code would give thousands.
    assert.ok(hits.length <= 30, `${hits.length} findings on dependency code:\n${hits.slice(0, 30).join('\n')}`);
  });
});

it('a rule id such as secretlint:github is not a secret assigned to a name', () => {
  assert.equal(redactLikelySecrets('secretlint:github fired on config/app.json'), 'secretlint:github fired on config/app.json');
});
