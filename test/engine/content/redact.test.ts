import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { redactLikelySecrets, redactValue, Redactor } from '../../../src/engine/content/redact';
import { redactDeep } from '../../../src/engine/report/redactExport';

// Built by concatenation so that no scanner mistakes this test for a leak.
const AWS_ID = 'AKIA' + 'Z7Q2M4XW9K3J5T8R';
const PEM_BODY = ['MIIEpAIBAAKCAQEA7bq9' + 'x'.repeat(44), 'Zm9vYmFyYmF6cXV4' + 'y'.repeat(48), 'c2VjcmV0c2VjcmV0' + 'z'.repeat(20) + '=='];
const PEM = ['-----BEGIN RSA PRIVATE KEY-----', ...PEM_BODY, '-----END RSA PRIVATE KEY-----'].join('\n');

describe('redactValue', () => {
  it('keeps the first 4 characters and says how many were hidden', () => {
    assert.equal(redactValue(AWS_ID), 'AKIA…[redacted 16 chars]');
  });

  it('keeps nothing of values of 8 characters or fewer', () => {
    assert.equal(redactValue('hunter22'), '[redacted 8 chars]');
    assert.equal(redactValue('abc'), '[redacted 3 chars]');
  });

  it('turns a multi-line value into one line', () => {
    const out = redactValue(PEM);
    assert.ok(!out.includes('\n'));
    assert.ok(out.startsWith('----…[redacted '));
  });
});

describe('Redactor', () => {
  it('replaces every occurrence, also inside longer words and URLs', () => {
    const r = new Redactor();
    r.add(AWS_ID);
    const text = `key=${AWS_ID}; url=https://x.test/?k=${AWS_ID}&z=1 prefix${AWS_ID}suffix`;
    const out = r.redact(text);
    assert.ok(!out.includes(AWS_ID));
    assert.equal(out.split('AKIA…[redacted 16 chars]').length - 1, 3);
    assert.ok(out.includes('prefixAKIA…[redacted 16 chars]suffix'));
  });

  it('prefers the longest known value when values overlap', () => {
    const r = new Redactor();
    r.add('s3cr3tT0ken');
    r.add('https://bot:s3cr3tT0ken@ci.example.net');
    const out = r.redact('push to https://bot:s3cr3tT0ken@ci.example.net now; token s3cr3tT0ken');
    assert.equal(out, 'push to http…[redacted 34 chars] now; token s3cr…[redacted 7 chars]');
    assert.equal(r.size, 2);
  });

  it('redacts a multi-line PEM block whole, with CRLF or JSON-escaped breaks, and line by line', () => {
    const r = new Redactor();
    r.add(PEM);
    const plain = r.redact(`before\n${PEM}\nafter`);
    assert.ok(!plain.includes(PEM_BODY[0] ?? '?'));
    assert.ok(plain.startsWith('before\n----…[redacted '));
    assert.ok(plain.endsWith('\nafter'));

    const crlf = r.redact(PEM.replace(/\n/g, '\r\n'));
    const escaped = r.redact(JSON.stringify({ private_key: PEM }));
    const oneLine = r.redact(`evidence: ${PEM_BODY[1] ?? '?'}`);
    for (const [what, out] of [
      ['crlf', crlf],
      ['json', escaped],
      ['line', oneLine],
    ] as const) {
      for (const bodyLine of PEM_BODY) assert.ok(!out.includes(bodyLine), `${what} still shows a body line: ${out}`);
    }
  });

  it('ignores values too short to tell apart from ordinary text', () => {
    const r = new Redactor();
    r.add('abc');
    r.add('');
    assert.equal(r.size, 0);
    assert.equal(r.redact('abc abc'), 'abc abc');
  });

  it('leaves text alone when it knows no values', () => {
    assert.equal(new Redactor().redact('nothing to hide'), 'nothing to hide');
  });
});

describe('redactLikelySecrets', () => {
  it('redacts values of password, api key and token assignments in common syntaxes', () => {
    const cases: [string, string][] = [
      ['DB_PASSWORD=correcthorse', 'DB_PASSWORD=corr…[redacted 8 chars]'],
      ['"api_key": "abcd1234efgh5678"', '"api_key": "abcd…[redacted 12 chars]"'],
      ['client_secret: zyxwvutsrq', 'client_secret: zyxw…[redacted 6 chars]'],
      ['export GITHUB_TOKEN=tok_12345678', 'export GITHUB_TOKEN=tok_…[redacted 8 chars]'],
    ];
    for (const [input, expected] of cases) assert.equal(redactLikelySecrets(input), expected);
  });

  it('redacts Authorization headers and bearer tokens', () => {
    const out = redactLikelySecrets('Authorization: Bearer eyJhbGciOi.payload12345.sig_abcdef');
    assert.equal(out, 'Authorization: Bearer eyJh…[redacted 30 chars]');
  });

  it('redacts AWS key ids, URL passwords and PEM bodies', () => {
    assert.equal(redactLikelySecrets(`id ${AWS_ID}`), 'id AKIA…[redacted 16 chars]');
    assert.equal(
      redactLikelySecrets('remote https://deploy:pa55w0rdXYZ@git.example.net/repo.git'),
      'remote https://deploy:pa55…[redacted 7 chars]@git.example.net/repo.git',
    );
    const pem = redactLikelySecrets(PEM);
    for (const bodyLine of PEM_BODY) assert.ok(!pem.includes(bodyLine));
    assert.ok(pem.startsWith('-----BEGIN RSA PRIVATE KEY-----'));
    assert.ok(pem.endsWith('-----END RSA PRIVATE KEY-----'));
  });

  it('leaves placeholders, plain prose and its own redaction marks alone', () => {
    for (const text of [
      'password=${PASSWORD}',
      'the token was rotated yesterday',
      'DB_PASSWORD=corr…[redacted 8 chars]',
      'password=[redacted 6 chars]',
      'Authorization: Bearer eyJh…[redacted 30 chars]',
    ]) {
      assert.equal(redactLikelySecrets(text), text);
    }
  });
});

describe('redaction of repeated values', () => {
  it('hides a value found once wherever else the text repeats it bare', () => {
    const pw = 'Zx9' + 'kQ7mWp2' + 'Lr4';
    const out = redactLikelySecrets(`DB_PASSWORD=${pw}\nAction: retried the login with ${pw} twice`);
    assert.ok(!out.includes(pw), out);
    assert.equal(out.split('Zx9k…[redacted 9 chars]').length - 1, 2);
  });

  it('hides it across all the strings of an export', () => {
    const pw = 'Qp4' + 'vN8sT2' + 'hY6';
    const doc = redactDeep({ timeline: [`export API_SECRET=${pw}`], decisions: [{ text: `used ${pw} for the deploy` }] });
    assert.ok(!JSON.stringify(doc).includes(pw), JSON.stringify(doc));
    assert.equal(doc.decisions[0]?.text, 'used Qp4v…[redacted 8 chars] for the deploy');
  });
});
