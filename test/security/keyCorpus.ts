/**
 * Fake keys in the real formats of many providers, generated afresh on every run (so no test
 * can pass by remembering a value), each with the line a workspace would leak it in. Formats
 * follow the providers' documentation and gitleaks' rule definitions.
 */
import { randomInt } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_NUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const LOWER_NUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const B64 = ALNUM + '+/';
const URLSAFE = ALNUM + '-_';

export function randomString(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

function b64url(json: object): string {
  return Buffer.from(JSON.stringify(json)).toString('base64url');
}

export interface PlantedKey {
  provider: string;
  /** The secret itself: no output may contain it. */
  value: string;
  /** The line that leaks it, as a config, an env file or a program would write it. */
  line: string;
}

/** One fresh key per provider; `line` shows it in a realistic context. */
export function keyCorpus(): PlantedKey[] {
  const k = (provider: string, value: string, line: (v: string) => string): PlantedKey => ({ provider, value, line: line(value) });
  const jwt = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ sub: randomString(LOWER_NUM, 12), iat: 1700000000 })}.${randomString(URLSAFE, 43)}`;
  return [
    k('AWS access key id', 'AKIA' + randomString(UPPER_NUM, 16), (v) => `AWS_ACCESS_KEY_ID=${v}`),
    k('AWS secret access key', randomString(B64, 40), (v) => `aws_secret_access_key = ${v}`),
    k('GitHub PAT', 'ghp_' + randomString(ALNUM, 36), (v) => `git push https://x-access-token:${v}@github.com/acme/app.git`),
    k('GitHub fine-grained PAT', 'github_pat_' + randomString(ALNUM, 22) + '_' + randomString(ALNUM, 59), (v) => `token: ${v}`),
    k('GitLab PAT', 'glpat-' + randomString(URLSAFE, 20), (v) => `deploy: using ${v} for the registry`),
    k('Stripe live secret key', 'sk_live_' + randomString(ALNUM, 24), (v) => `stripe.api_key = "${v}"`),
    k('Stripe restricted key', 'rk_live_' + randomString(ALNUM, 24), (v) => `charge failed with key ${v}`),
    k('Twilio API key', 'SK' + randomString(HEX, 32), (v) => `twilio client created (${v})`),
    k('Twilio auth token', randomString(HEX, 32), (v) => `TWILIO_AUTH_TOKEN=${v}`),
    k('Mailgun API key', 'key-' + randomString(HEX, 32), (v) => `mailgun: 401 Unauthorized for ${v}`),
    k(
      'Azure storage account key',
      randomString(B64, 86) + '==',
      (v) => `DefaultEndpointsProtocol=https;AccountName=acmeprod;AccountKey=${v};EndpointSuffix=core.windows.net`,
    ),
    k('Hugging Face token', 'hf_' + randomString(LETTERS, 34), (v) => `HF_TOKEN=${v}`),
    k(
      'Slack bot token',
      `xoxb-${randomInt(1e11, 9e11)}-${randomInt(1e11, 9e11)}-${randomString(ALNUM, 24)}`,
      (v) => `slack: posting as ${v}`,
    ),
    k('npm token', 'npm_' + randomString(ALNUM, 36), (v) => `//registry.npmjs.org/:_authToken=${v}`),
    k('PyPI token', 'pypi-AgEIcHlwaS5vcmc' + randomString(URLSAFE, 70), (v) => `password = ${v}`),
    k('SendGrid key', `SG.${randomString(URLSAFE, 22)}.${randomString(URLSAFE, 43)}`, (v) => `mail: sending with ${v}`),
    k('Google API key', 'AIza' + randomString(URLSAFE, 35), (v) => `const firebase = { apiKey: "${v}" };`),
    k('OpenAI key', 'sk-proj-' + randomString(URLSAFE, 48), (v) => `OPENAI_API_KEY=${v}`),
    k('Anthropic key', 'sk-ant-api03-' + randomString(URLSAFE, 93) + 'AA', (v) => `client = Anthropic(api_key="${v}")`),
    k('DigitalOcean token', 'dop_v1_' + randomString(HEX, 64), (v) => `doctl auth init -t ${v}`),
    k('Shopify token', 'shpat_' + randomString(HEX, 32), (v) => `X-Shopify-Access-Token: ${v}`),
    k('Doppler token', 'dp.pt.' + randomString(ALNUM, 43), (v) => `DOPPLER_TOKEN="${v}"`),
    k('Databricks token', 'dapi' + randomString(HEX, 32), (v) => `databricks configure --token ${v}`),
    k('Linear key', 'lin_api_' + randomString(ALNUM, 40), (v) => `linear: ${v}`),
    k('Postman key', `PMAK-${randomString(HEX, 24)}-${randomString(HEX, 34)}`, (v) => `postman-api-key: ${v}`),
    k('Vault token', 'hvs.' + randomString(URLSAFE, 90), (v) => `export VAULT_TOKEN=${v}`),
    k('JWT', jwt, (v) => `curl -H "Authorization: Bearer ${v}" https://api.internal/v1/users`),
    k('Basic auth password in URL', randomString(ALNUM, 14), (v) => `DATABASE_URL=postgres://app:${v}@db.internal:5432/app`),
    k('curl user password', randomString(ALNUM, 12) + '!', (v) => `curl -u deploy:${v} https://ci.internal/job/build`),
    k('Mailchimp key', `${randomString(HEX, 32)}-us${randomInt(1, 20)}`, (v) => `MAILCHIMP_KEY=${v}`),
    k('Telegram bot token', `${randomInt(100000000, 999999999)}:AA${randomString(URLSAFE, 33)}`, (v) => `bot started with ${v}`),
    k('Datadog API key', randomString(HEX, 32), (v) => `DD_API_KEY=${v}`),
    k('Groq key', 'gsk_' + randomString(ALNUM, 52), (v) => `GROQ_API_KEY="${v}"`),
    k('Atlassian token', 'ATATT3' + randomString(URLSAFE, 186), (v) => `jira: auth ${v}`),
    k('Heroku key', 'HRKU-AA' + randomString(URLSAFE, 58), (v) => `heroku: ${v}`),
    k('Generic service secret', randomString(ALNUM, 40), (v) => `PAYMENTS_CLIENT_SECRET: "${v}"`),
    k('Generic password', 'Tr0ub4dor&' + randomString(ALNUM, 6), (v) => `spring.datasource.password=${v}`),
    k('Age secret key', 'AGE-SECRET-KEY-1' + randomString('QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L', 58), (v) => `# ${v}`),
  ];
}
