import { PARSE_ERROR_KEY, type ConfigKeyChange } from './configKeys';
import { endpointsIn } from './errorSignals';
import { isSecretKey } from './configValues';
import type { ClassifyInput } from './input';
import { escapeRe, textHas } from './textMatch';

export interface KeyHit {
  path: string;
  change: ConfigKeyChange;
  /** `value`: the new value appears in the text; `key`: the key's name does. */
  via: 'value' | 'key';
  fragment: string;
}

const NON_DISTINCTIVE_VALUE = /^(true|false|null|none|yes|no|on|off|0|1|-1|\{\}|\[\])$/i;
/** Key names too common in code and messages to count as "the error names this key". */
const COMMON_KEYS = new Set([
  'id',
  'name',
  'type',
  'value',
  'data',
  'key',
  'items',
  'text',
  'title',
  'version',
  'description',
  'default',
  'main',
]);

function valueFragments(value: string): string[] {
  const v = value.trim();
  if (v.length < 2 || NON_DISTINCTIVE_VALUE.test(v)) return [];
  if (/^-?\d+(\.\d+)?$/.test(v) && v.replace(/\D/g, '').length < 3) return [];
  const out = [v];
  // A URL or DSN value is rarely echoed whole; its host:port usually is.
  for (const ep of endpointsIn(v)) if (ep !== v) out.push(ep);
  const hostPort = /\/\/(?:[^@/\s]*@)?([\w.-]+:\d{2,5})/.exec(v)?.[1];
  if (hostPort) out.push(hostPort);
  return [...new Set(out)];
}

/**
 * Whether the text (an error's source line, as Node and Python print it) reads the key as an
 * environment variable by property: `process.env.DB_ADDR`, `import.meta.env.VITE_API`. A dotted
 * name is otherwise a path or a member, never a key (see textHas); quoted lookups
 * (`os.environ['DB_ADDR']`) are found as quoted names.
 */
function readFromEnv(text: string, key: string): boolean {
  return text.includes(`env.${key}`) && new RegExp(`\\benv\\.${escapeRe(key)}(?![\\w-])`).test(text);
}

/** Names code gives the object it reads settings from: `cfg`, `config`, `settings`, `opts`, `process.env`. */
const SETTINGS_OBJECT = 'conf|cfg|setting|option|opts|env|param|args|props|properties';

/** A key name unlikely to be some other thing's name: long, with `_` or `-`, or an upper-case variable. */
function isDistinctive(leafKey: string): boolean {
  return leafKey.length >= 5 || /[_-]/.test(leafKey) || /^[A-Z][A-Z0-9_]+$/.test(leafKey);
}

/** Changed config keys an error text names, by new value or by key name. */
export function namedConfigKeys(text: string, configKeys: ClassifyInput['configKeys']): KeyHit[] {
  const hits: KeyHit[] = [];
  for (const [path, changes] of configKeys) {
    for (const change of changes) {
      if (change.key === PARSE_ERROR_KEY) continue;
      if (change.change !== 'removed' && change.after !== undefined && !isSecretKey(change.key)) {
        const frag = valueFragments(change.after).find((f) => textHas(text, f));
        if (frag) {
          hits.push({ path, change, via: 'value', fragment: frag });
          continue;
        }
      }
      const leafKey =
        change.key
          .replace(/\[\d+\]/g, '')
          .split('.')
          .pop() ?? change.key;
      if (COMMON_KEYS.has(leafKey.toLowerCase()) && !textHas(text, change.key)) continue;
      const quoted = leafKey.length >= 2 && text.includes(leafKey) && new RegExp(`['"\`]${escapeRe(leafKey)}['"\`]`).test(text);
      const distinctive = isDistinctive(leafKey);
      if (textHas(text, change.key) || quoted || (distinctive && (textHas(text, leafKey) || readFromEnv(text, leafKey)))) {
        hits.push({ path, change, via: 'key', fragment: quoted || !textHas(text, change.key) ? leafKey : change.key });
      }
    }
  }
  return hits;
}

/**
 * Changed config keys the code at a failure reads, by name: `p.getProperty("report.title")`,
 * `cfg["timeout_s"]`, `cfg.timeout_s`, `os.getenv("DB_ADDR")`, `process.env.DB_ADDR`. For
 * languages whose errors quote no source (Java, Go, JavaScript, Rust), the lines at and above the
 * innermost workspace frame say what the failing code was handed. Values are not matched here: a
 * value written in the code is the code's own, not the config's.
 */
export function configKeysReadBy(code: string, configKeys: ClassifyInput['configKeys']): KeyHit[] {
  const hits: KeyHit[] = [];
  for (const [path, changes] of configKeys) {
    for (const change of changes) {
      if (change.key === PARSE_ERROR_KEY) continue;
      const leafKey =
        change.key
          .replace(/\[\d+\]/g, '')
          .split('.')
          .pop() ?? change.key;
      if (leafKey.length < 2) continue;
      // The whole key, quoted or as a token (`"report.title"`, `db.port` in a template string).
      if (change.key.includes('.') && textHas(code, change.key)) {
        hits.push({ path, change, via: 'key', fragment: change.key });
        continue;
      }
      if (!code.includes(leafKey)) continue;
      // A name too common to tell a config read from any other use of it, unless quoted whole above.
      if (COMMON_KEYS.has(leafKey.toLowerCase())) continue;
      // Quoted (`cfg["quota"]`, `getenv("DB_ADDR")`), or as a member of something named as
      // settings (`cfg.quota`, `config.db.port`, `process.env.DB_ADDR`), or of anything when the name
      // is a setting's by its shape (`self.batch_size`); `order.total` is a record's field.
      const leaf = escapeRe(leafKey);
      const quoted = new RegExp(`['"\`]${leaf}['"\`]`).test(code);
      const member =
        new RegExp(`(?:${SETTINGS_OBJECT})[\\w$.?]*\\.${leaf}(?![\\w$-])`, 'i').test(code) ||
        ((/[_-]/.test(leafKey) || /^[A-Z][A-Z0-9_]+$/.test(leafKey)) && new RegExp(`\\.${leaf}(?![\\w$-])`).test(code));
      if (quoted || member) hits.push({ path, change, via: 'key', fragment: leafKey });
    }
  }
  return hits;
}
