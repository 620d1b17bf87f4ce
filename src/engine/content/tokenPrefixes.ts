/**
 * Token formats that announce themselves by a fixed prefix. Providers chose these prefixes so
 * that leaks can be found (GitHub, GitLab, Stripe, Slack...), so a prefix followed by enough
 * random characters is a key wherever it appears, with or without a variable name around it.
 * Shapes follow the providers' documentation and gitleaks' rule set (read, not copied).
 *
 * Each rule names the literal keywords its matches contain, as specific as the format allows:
 * one scan finds them all, and a rule's regex runs only where one of its keywords is.
 */
import { isPlaceholder, isWordPiece, readsAsWords, shannonEntropy } from './entropy';

export interface PrefixRule {
  id: string;
  /** What it is, in the words a report uses. */
  kind: string;
  /** Case-sensitive literals, one of which every match contains. */
  keywords: readonly string[];
  /** Sticky; the secret is group 1 when the rule has one, else the whole match. */
  pattern: RegExp;
  /** Where a match may start, counted back from an occurrence of the keyword (0: the match starts with it). */
  back: readonly number[];
}

/** No letter or digit right after a fixed-length token. (Before a token is checked in code, at no cost.) */
const E = '(?![A-Za-z0-9])';

function rule(id: string, kind: string, keyword: string | readonly string[], source: string, back: readonly number[] = [0]): PrefixRule {
  return { id, kind, keywords: typeof keyword === 'string' ? [keyword] : keyword, pattern: new RegExp(source, 'y'), back };
}

export const PREFIX_RULES: readonly PrefixRule[] = [
  rule(
    'aws-access-key-id',
    'AWS access key ID',
    ['AKIA', 'ASIA', 'ABIA', 'ACCA', 'A3T', 'AGPA', 'AIDA', 'AROA', 'AIPA', 'ANPA', 'ANVA'],
    `(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[A-Z0-9]{16}${E}`,
  ),
  rule('github-token', 'GitHub token', ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'], `gh[pousr]_[A-Za-z0-9]{36,255}${E}`),
  rule('github-fine-grained-pat', 'GitHub fine-grained token', 'github_pat_', `github_pat_[A-Za-z0-9_]{22,255}`),
  rule(
    'gitlab-token',
    'GitLab token',
    ['glpat-', 'gldt-', 'glptt-', 'glrt-', 'glft-', 'glimt-', 'gloas-', 'glsoat-', 'glffct-', 'glagent-', 'glcbt-'],
    `gl(?:pat|dt|ptt|rt|ft|imt|oas|soat|ffct|agent|cbt)-[0-9A-Za-z_\\-]{20,300}(?:\\.[0-9a-z]{9})?`,
  ),
  rule('gitlab-session-cookie', 'GitLab session cookie', '_gitlab_session=', `_gitlab_session=([0-9A-Za-z]{32})${E}`),
  rule('gitlab-runner-registration', 'GitLab runner registration token', 'GR1348941', `GR1348941[0-9A-Za-z_\\-]{20}${E}`),
  rule(
    'stripe-secret-key',
    'Stripe secret key',
    ['sk_live_', 'sk_test_', 'sk_prod_', 'rk_live_', 'rk_test_', 'rk_prod_'],
    `[sr]k_(?:live|test|prod)_[0-9A-Za-z]{10,247}${E}`,
  ),
  rule('stripe-webhook-secret', 'Stripe webhook signing secret', 'whsec_', `whsec_[0-9A-Za-z+/]{24,64}`),
  rule('slack-token', 'Slack token', 'xox', `xox[abeoprs]-(?:\\d{1,14}-){1,4}[0-9A-Za-z\\-]{8,250}`),
  rule('slack-config-token', 'Slack configuration token', 'xoxe', `xoxe(?:\\.xox[bp])?-\\d-[A-Za-z0-9]{146,166}`),
  rule('slack-app-token', 'Slack app token', 'xapp-', `xapp-\\d-[A-Za-z0-9]+-\\d+-[A-Za-z0-9]+`),
  rule(
    'slack-webhook',
    'Slack incoming webhook URL',
    'hooks.slack.com',
    `hooks\\.slack\\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/]{43,56}`,
  ),
  rule('huggingface-token', 'Hugging Face token', 'hf_', `hf_[A-Za-z]{34}${E}`),
  rule('huggingface-org-token', 'Hugging Face organisation token', 'api_org_', `api_org_[A-Za-z]{34}${E}`),
  rule('twilio-api-key', 'Twilio API key', 'SK', `SK[0-9a-fA-F]{32}${E}`),
  rule('twilio-account-sid', 'Twilio account SID', 'AC', `AC[0-9a-f]{32}${E}`),
  rule('mailgun-key', 'Mailgun API key', 'key-', `(?:pub)?key-[0-9a-f]{32}${E}`, [3, 0]),
  rule('npm-token', 'npm access token', 'npm_', `npm_[A-Za-z0-9]{36}${E}`),
  rule('pypi-token', 'PyPI upload token', 'pypi-', `pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\\-]{50,1000}`),
  rule('sendgrid-key', 'SendGrid API key', 'SG.', `SG\\.[A-Za-z0-9_\\-]{22}\\.[A-Za-z0-9_\\-]{43}${E}`),
  rule('google-api-key', 'Google API key', 'AIza', `AIza[0-9A-Za-z_\\-]{35}${E}`),
  rule('google-oauth-secret', 'Google OAuth client secret', 'GOCSPX-', `GOCSPX-[A-Za-z0-9_\\-]{28}${E}`),
  rule('google-oauth-token', 'Google OAuth access token', 'ya29.', `ya29\\.[0-9A-Za-z_\\-]{20,2048}`),
  rule('anthropic-key', 'Anthropic API key', 'sk-ant-', `sk-ant-(?:api|admin|sid)\\d{2}-[A-Za-z0-9_\\-]{80,120}`),
  rule('openai-key', 'OpenAI API key', 'sk-', `sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_\\-]{20,300}`),
  rule('digitalocean-token', 'DigitalOcean token', ['dop_v1_', 'doo_v1_', 'dor_v1_'], `do[opr]_v1_[a-f0-9]{64}${E}`),
  rule('shopify-token', 'Shopify token', ['shpat_', 'shpca_', 'shppa_', 'shpss_'], `shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}${E}`),
  rule(
    'doppler-token',
    'Doppler token',
    ['dp.pt.', 'dp.st.', 'dp.sa.', 'dp.ct.', 'dp.scim.', 'dp.audit.'],
    `dp\\.(?:pt|st|sa|ct|scim|audit)\\.[A-Za-z0-9]{40,44}`,
  ),
  rule('databricks-token', 'Databricks token', 'dapi', `dapi[a-f0-9]{32}(?:-\\d)?${E}`),
  rule('linear-key', 'Linear API key', 'lin_api_', `lin_api_[A-Za-z0-9]{40}${E}`),
  rule('onepassword-token', '1Password service account token', 'ops_eyJ', `ops_eyJ[A-Za-z0-9+/]{250,}={0,3}`),
  rule('postman-key', 'Postman API key', 'PMAK-', `PMAK-[a-f0-9]{24}-[a-f0-9]{34}${E}`),
  rule('pulumi-token', 'Pulumi access token', 'pul-', `pul-[a-f0-9]{40}${E}`),
  rule('grafana-token', 'Grafana token', ['glc_', 'glsa_'], `(?:glc_[A-Za-z0-9+/]{32,400}={0,2}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})`),
  rule('vault-token', 'HashiCorp Vault token', ['hvs.', 'hvb.'], `hv[sb]\\.[A-Za-z0-9_\\-]{24,300}`),
  rule('terraform-token', 'Terraform Cloud token', '.atlasv1.', `[a-z0-9]{14}\\.atlasv1\\.[a-z0-9\\-_=]{60,70}`, [14]),
  rule('heroku-key', 'Heroku API key', 'HRKU-', `HRKU-AA[0-9A-Za-z_\\-]{58}`),
  rule('atlassian-token', 'Atlassian API token', 'ATATT3', `ATATT3[A-Za-z0-9_\\-=]{186}`),
  rule('azure-ad-client-secret', 'Azure AD client secret', 'Q~', `[A-Za-z0-9_~.]{3}\\dQ~[A-Za-z0-9_~.\\-]{31,34}`, [4]),
  rule('square-token', 'Square token', ['sq0atp-', 'sq0csp-'], `sq0(?:atp|csp)-[0-9A-Za-z\\-_]{22,43}`),
  rule('square-access-token', 'Square access token', 'EAAA', `EAAA[A-Za-z0-9\\-_+=]{60}${E}`),
  rule('facebook-token', 'Facebook access token', 'EAA', `EAA[MC][A-Za-z0-9]{100,}`),
  rule('dropbox-token', 'Dropbox token', 'sl.', `sl\\.[A-Za-z0-9\\-=_]{135,}`),
  rule('discord-webhook', 'Discord webhook URL', 'discord', `discord(?:app)?\\.com/api/webhooks/\\d{5,30}/[A-Za-z0-9_\\-]{60,}`),
  rule('telegram-bot-token', 'Telegram bot token', ':AA', `\\d{8,10}:AA[0-9A-Za-z_\\-]{33}${E}`, [8, 9, 10]),
  rule('mailchimp-key', 'Mailchimp API key', '-us', `[0-9a-f]{32}-us\\d{1,2}${E}`, [32]),
  rule('sentry-token', 'Sentry token', ['sntrys_', 'sntryu_'], `(?:sntrys_eyJ[A-Za-z0-9+/=_]{60,}|sntryu_[a-f0-9]{64})`),
  rule('newrelic-key', 'New Relic key', ['NRAK-', 'NRJS-', 'NRII-'], `NR(?:AK|JS|II)-[A-Za-z0-9]{19,27}${E}`),
  rule('age-secret-key', 'age secret key', 'AGE-SECRET-KEY-1', `AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}`),
  rule('supabase-token', 'Supabase token', ['sbp_', 'sb_secret_'], `sb(?:p|_secret)_[A-Za-z0-9_]{40,}`),
  rule('groq-key', 'Groq API key', 'gsk_', `gsk_[A-Za-z0-9]{52}${E}`),
  rule('replicate-token', 'Replicate token', 'r8_', `r8_[A-Za-z0-9]{37}${E}`),
  rule('perplexity-key', 'Perplexity API key', 'pplx-', `pplx-[A-Za-z0-9]{48}${E}`),
  rule('notion-token', 'Notion token', 'secret_', `secret_[A-Za-z0-9]{43}${E}`),
  rule('notion-integration-token', 'Notion token', 'ntn_', `ntn_[0-9]{11}[A-Za-z0-9]{35}${E}`),
  rule('airtable-token', 'Airtable token', 'pat', `pat[A-Za-z0-9]{14}\\.[a-f0-9]{64}${E}`),
  rule('contentful-token', 'Contentful token', 'CFPAT-', `CFPAT-[A-Za-z0-9_\\-]{43}`),
  rule('dynatrace-token', 'Dynatrace token', 'dt0c01.', `dt0c01\\.[A-Za-z0-9]{24}\\.[A-Za-z0-9]{64}${E}`),
  rule('easypost-key', 'EasyPost key', ['EZAK', 'EZTK'], `EZ[AT]K[A-Za-z0-9]{54}${E}`),
  rule('flutterwave-key', 'Flutterwave key', ['FLWSECK_TEST-', 'FLWPUBK_TEST-'], `FLW(?:SECK|PUBK)_TEST-[a-h0-9]{32}-X`),
  rule('planetscale-token', 'PlanetScale token', 'pscale_', `pscale_(?:tkn|oauth|pw)_[\\w=.\\-]{32,64}`),
  rule('prefect-key', 'Prefect API key', 'pnu_', `pnu_[A-Za-z0-9]{36}${E}`),
  rule('readme-key', 'ReadMe API key', 'rdme_', `rdme_[a-z0-9]{70}${E}`),
  rule('rubygems-key', 'RubyGems API key', 'rubygems_', `rubygems_[a-f0-9]{48}${E}`),
  rule('brevo-key', 'Brevo (Sendinblue) key', 'xkeysib-', `xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}${E}`),
  rule('shippo-token', 'Shippo token', 'shippo_', `shippo_(?:live|test)_[a-fA-F0-9]{40}${E}`),
  rule('clojars-token', 'Clojars token', 'CLOJARS_', `CLOJARS_[a-z0-9]{60}${E}`),
  rule('duffel-token', 'Duffel token', 'duffel_', `duffel_(?:test|live)_[A-Za-z0-9_\\-=]{43}`),
  rule('alibaba-key', 'Alibaba Cloud access key', 'LTAI', `LTAI[A-Za-z0-9]{20}${E}`),
  rule('infracost-key', 'Infracost key', 'ico-', `ico-[A-Za-z0-9]{32}${E}`),
  rule('octopus-key', 'Octopus Deploy key', 'API-', `API-[A-Z0-9]{26}${E}`),
  rule('harness-token', 'Harness token', 'at.', `[ps]at\\.[A-Za-z0-9_\\-]{22}\\.[0-9a-f]{24}\\.[0-9A-Za-z]{20}${E}`, [1]),
  rule('frameio-token', 'Frame.io token', 'fio-u-', `fio-u-[A-Za-z0-9\\-_=]{64}`),
  rule('lob-live-key', 'Lob API key', 'live_', `live_(?:pub_)?[a-f0-9]{35}${E}`),
  rule('lob-test-key', 'Lob API key', 'test_', `test_(?:pub_)?[a-f0-9]{35}${E}`),
  rule('typeform-token', 'Typeform token', 'tfp_', `tfp_[A-Za-z0-9\\-_.=]{59}`),
  rule('adobe-secret', 'Adobe client secret', 'p8e-', `p8e-[A-Za-z0-9]{32}${E}`),
  rule('cloudflare-origin-ca', 'Cloudflare origin CA key', 'v1.0-', `v1\\.0-[a-f0-9]{24}-[a-f0-9]{146}${E}`),
  rule('fly-token', 'Fly.io token', 'fo1_', `fo1_[\\w-]{43}`),
  rule('fly-macaroon', 'Fly.io token', ['fm1_', 'fm2_', 'fm1a_', 'fm1r_', 'fm2a_', 'fm2r_'], `fm[12][ar]?_[A-Za-z0-9+/]{100,}={0,3}`),
  rule('scalingo-token', 'Scalingo token', 'tk-us-', `tk-us-[\\w-]{48}`),
  rule('azure-storage-sas', 'Azure SAS signature', 'sig=', `sig=([A-Za-z0-9%+/]{40,120}={0,2}(?:%3D){0,2})`),
];

export interface PrefixMatch {
  rule: PrefixRule;
  start: number;
  value: string;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * One scan finds every keyword of every rule (one alternation, longest first); each rule's
 * regex then runs sticky where its keyword is. Running 80 regexes over the text instead
 * costs 80 passes.
 */
const KEYWORDS = new RegExp(
  [...new Set(PREFIX_RULES.flatMap((r) => r.keywords))]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
    .join('|'),
  'g',
);
const RULES_BY_FIRST_CHAR = new Map<string, PrefixRule[]>();
for (const r of PREFIX_RULES) {
  for (const first of new Set(r.keywords.map((k) => k[0] ?? '')))
    RULES_BY_FIRST_CHAR.set(first, [...(RULES_BY_FIRST_CHAR.get(first) ?? []), r]);
}

const WORD_CHAR = /[A-Za-z0-9]/;

function matchAt(rule: PrefixRule, keyword: string, at: number, text: string): PrefixMatch | null {
  for (const b of rule.back) {
    if (at - b < 0) continue;
    // `xsk_live_...` is some other word.
    if (at - b > 0 && WORD_CHAR.test(text[at - b - 1] ?? '')) continue;
    rule.pattern.lastIndex = at - b;
    const m = rule.pattern.exec(text);
    if (!m) continue;
    const value = m[1] ?? m[0];
    if (!isPlausibleToken(value, keyword)) return null;
    return { rule, start: m[1] === undefined ? m.index : m.index + m[0].lastIndexOf(value), value };
  }
  return null;
}

/** Every prefix-rule match in `text`. */
export function prefixMatches(text: string): PrefixMatch[] {
  const out: PrefixMatch[] = [];
  let skipTo = 0;
  KEYWORDS.lastIndex = 0;
  for (let k = KEYWORDS.exec(text); k !== null; k = KEYWORDS.exec(text)) {
    const at = k.index;
    // Keywords overlap (`sk-` in `sk-ant-`, `xox` in `xoxe`): every rule with a keyword starting here is tried.
    KEYWORDS.lastIndex = at + 1;
    if (at < skipTo) continue;
    for (const rule of RULES_BY_FIRST_CHAR.get(text[at] ?? '') ?? []) {
      const keyword = rule.keywords.find((k) => text.startsWith(k, at));
      if (keyword === undefined) continue;
      const m = matchAt(rule, keyword, at, text);
      if (m) {
        out.push(m);
        skipTo = m.start + m.value.length;
        break;
      }
    }
  }
  return out;
}

/**
 * `xoxp-1-SlackAppConfigurationAccessTokenHere`: a sample spelled in CamelCase words. Random
 * letters are about one fifth vowels, half of them capitals, switching case every couple of
 * characters; such prose is two fifths vowels in word-long runs with a capital per word. All
 * must hold, so a random body is almost never taken for prose (an all-letter GitLab token that
 * happened to be vowel-rich, `aoenyzSUIQ...`, was, about once in 30,000). All-caps prose cannot
 * be told from an all-caps key without a dictionary.
 */
function isProse(body: string): boolean {
  const pieces = body.split(/[-_.]/);
  const longest = pieces.reduce((a, b) => (b.length > a.length ? b : a), '');
  if (longest.length < 12 || !/^[A-Za-z]+$/.test(longest) || !/[a-z]/.test(longest) || !/[A-Z]/.test(longest)) return false;
  // The rest of a sample is words or numbers too (`xoxp-1-...`); `..._7W_kOTp` is not.
  if (!pieces.every((p) => p === longest || isWordPiece(p))) return false;
  const vowels = longest.replace(/[^AEIOUaeiou]/g, '').length;
  const capitals = longest.replace(/[^A-Z]/g, '').length;
  return vowels / longest.length >= 0.33 && capitals * 3 <= longest.length && readsAsWords(longest);
}

/**
 * Whether a prefix match is a real key rather than a documentation sample
 * (`glpat-XXXXXXXXXXXXXXXXXXXX`, `sk_live_000000000000`): its random part must vary.
 */
export function isPlausibleToken(value: string, keyword: string): boolean {
  const body = value.replace(keyword, '');
  return body.length > 0 && !isPlaceholder(body) && shannonEntropy(body) >= 2.5 && !isProse(body);
}
