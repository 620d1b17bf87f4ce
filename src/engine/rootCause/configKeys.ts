import { parseAllDocuments } from 'yaml';

export interface ConfigKeyChange {
  /** Dotted key path (`db.port`, `servers[0].host`); `<parse error>` when the new content does not parse. */
  key: string;
  before?: string;
  /** For `<parse error>`: the parser's message, with a line number where it gives one. */
  after?: string;
  change: 'added' | 'removed' | 'changed';
}

export const PARSE_ERROR_KEY = '<parse error>';

type Format = 'json' | 'yaml' | 'toml' | 'ini' | 'env';

/** Format by file name; null for files whose keys we do not read (Dockerfile, Makefile...). */
export function configFormat(path: string): Format | null {
  const base = (path.split('/').pop() ?? path).toLowerCase();
  if (/^\.env(\..*)?$/.test(base) || base.endsWith('.env')) return 'env';
  const ext = base.includes('.') ? base.slice(base.lastIndexOf('.') + 1) : '';
  switch (ext) {
    case 'json':
    case 'jsonc':
    case 'json5':
      return 'json';
    case 'yaml':
    case 'yml':
      return 'yaml';
    case 'toml':
      return 'toml';
    case 'ini':
    case 'cfg':
    case 'conf':
    case 'properties':
      return 'ini';
    default:
      return null;
  }
}

class ConfigParseError extends Error {}

type Flat = Map<string, string>;

function leaf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'object') return Array.isArray(value) ? '[]' : '{}';
  return String(value);
}

function flatten(value: unknown, prefix: string, out: Flat): void {
  if (Array.isArray(value) && value.length > 0) {
    value.forEach((v, i) => flatten(v, `${prefix}[${i}]`, out));
  } else if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      flatten(v, prefix ? `${prefix}.${k}` : k, out);
    }
  } else {
    out.set(prefix, leaf(value));
  }
}

/** Removes `//` and `/* *\/` comments and trailing commas outside strings (tsconfig, VS Code settings). */
function stripJsonc(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else {
      out += c;
    }
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}

/**
 * Offset where a JSON text stops being valid, found by a small recursive-descent scan: Node's
 * JSON.parse messages do not always carry a position, and "line 3" is what a person needs.
 */
function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] ?? '')) i++;
  };
  const fail = (): never => {
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- the offset itself, caught below
    throw i;
  };
  const literal = (word: string): void => {
    if (text.startsWith(word, i)) i += word.length;
    else fail();
  };
  const string = (): void => {
    i++;
    while (i < text.length && text[i] !== '"') {
      const c = text.charCodeAt(i);
      if (c < 0x20) fail();
      i += text[i] === '\\' ? 2 : 1;
    }
    if (i >= text.length) fail();
    i++;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return;
        } else fail();
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return;
        } else fail();
      }
    } else if (c === '"') string();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else {
      const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
      if (!m) fail();
      i += m?.[0].length ?? 0;
    }
  };
  try {
    value();
    ws();
    return i < text.length ? i : -1;
  } catch (at) {
    return typeof at === 'number' ? at : -1;
  }
}

function withLine(text: string, message: string, offset: number): string {
  const oneLine = message.replace(/\s*\n\s*/g, ' ');
  if (offset < 0 || /line \d+/.test(oneLine)) return oneLine;
  const lines = text.slice(0, offset).split('\n');
  return `${oneLine} (line ${lines.length}, column ${(lines[lines.length - 1]?.length ?? 0) + 1})`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    try {
      return JSON.parse(stripJsonc(text));
    } catch {
      const message = err instanceof Error ? err.message : String(err);
      throw new ConfigParseError(withLine(text, message, jsonErrorOffset(text)));
    }
  }
}

function parseYaml(text: string): unknown {
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) {
    const first = doc.errors[0];
    if (first) {
      const at = first.linePos?.[0];
      const msg = (first.message.split('\n')[0] ?? first.message).replace(/:\s*$/, '');
      throw new ConfigParseError(at && !/line \d+/.test(msg) ? `${msg} (line ${at.line})` : msg);
    }
  }
  const values = list.map((d) => d.toJS() as unknown);
  // A multi-document file (Kubernetes manifests) keys each document by its index.
  return values.length === 1 ? values[0] : values;
}

function unquote(raw: string): string {
  const v = raw.trim();
  if (v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")))) {
    return v.slice(1, -1);
  }
  return v;
}

/** Cuts a trailing `# comment` that is outside quotes. */
function stripHashComment(value: string): string {
  let quote: string | null = null;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(value[i - 1] ?? ''))) {
      return value.slice(0, i).trimEnd();
    }
  }
  return value.trimEnd();
}

function tomlKey(raw: string): string {
  return raw
    .split(/\.(?=(?:[^"]*"[^"]*")*[^"]*$)/)
    .map((part) => unquote(part.trim()))
    .join('.');
}

/**
 * A small TOML reader: `[table]`, `[[array of tables]]`, dotted and quoted keys, scalar values,
 * multi-line strings and arrays. Inline tables and arrays are compared as their text, which is
 * enough to say which key changed.
 */
function parseToml(text: string): Flat {
  const out: Flat = new Map();
  const arrayCounts = new Map<string, number>();
  let table = '';
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const arr = /^\[\[\s*([^\]]+?)\s*\]\]\s*(#.*)?$/.exec(line);
    if (arr?.[1]) {
      const name = tomlKey(arr[1]);
      const n = arrayCounts.get(name) ?? 0;
      arrayCounts.set(name, n + 1);
      table = `${name}[${n}]`;
      continue;
    }
    const tbl = /^\[\s*([^\]]+?)\s*\]\s*(#.*)?$/.exec(line);
    if (tbl?.[1]) {
      table = tomlKey(tbl[1]);
      continue;
    }
    const kv = /^((?:"[^"]*"|'[^']*'|[A-Za-z0-9_.\- ]+?))\s*=\s*(.*)$/.exec(line);
    if (!kv?.[1] || kv[2] === undefined) throw new ConfigParseError(`cannot read line ${i + 1}: ${line.slice(0, 60)}`);
    let value = kv[2];
    for (const fence of ['"""', "'''"]) {
      if (value.startsWith(fence) && (value.length < 6 || !value.slice(3).includes(fence))) {
        const start = i;
        while (!value.slice(3).includes(fence)) {
          i++;
          if (i >= lines.length) throw new ConfigParseError(`unterminated multi-line string from line ${start + 1}`);
          value += `\n${lines[i] ?? ''}`;
        }
      }
    }
    if (value.startsWith('[')) {
      const start = i;
      const depth = (s: string): number => (s.match(/\[/g)?.length ?? 0) - (s.match(/\]/g)?.length ?? 0);
      while (depth(stripHashComment(value)) > 0) {
        i++;
        if (i >= lines.length) throw new ConfigParseError(`unterminated array from line ${start + 1}`);
        value += ` ${(lines[i] ?? '').trim()}`;
      }
    }
    value = stripHashComment(value);
    if (value === '') throw new ConfigParseError(`missing value at line ${i + 1}`);
    if (/^"[^"]*$|^'[^']*$/.test(value)) throw new ConfigParseError(`unterminated string at line ${i + 1}`);
    const key = tomlKey(kv[1]);
    const triple = /^("""|''')([\s\S]*)\1$/.exec(value);
    out.set(table ? `${table}.${key}` : key, triple ? (triple[2] ?? '') : unquote(value));
  }
  return out;
}

/** INI / .cfg / .properties: `[section]`, `key = value` or `key: value`, `;` and `#` comments, indented continuation lines. */
function parseIni(text: string): Flat {
  const out: Flat = new Map();
  let section = '';
  let last: string | null = null;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    const line = raw.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#') || line.startsWith('!')) continue;
    if (/^\s/.test(raw) && last !== null) {
      out.set(last, `${out.get(last) ?? ''}\n${line}`);
      continue;
    }
    const sec = /^\[([^\]]+)\]$/.exec(line);
    if (sec?.[1]) {
      section = sec[1].trim();
      last = null;
      continue;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
    if (!kv?.[1]) throw new ConfigParseError(`line ${i + 1} is neither a [section] nor key = value: ${line.slice(0, 60)}`);
    last = section ? `${section}.${kv[1]}` : kv[1];
    out.set(last, unquote(kv[2] ?? ''));
  }
  return out;
}

/** `.env`: `KEY=value`, optional `export`, quotes, `#` comments; multi-line double-quoted values. */
function parseEnv(text: string): Flat {
  const out: Flat = new Map();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const kv = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!kv?.[1]) throw new ConfigParseError(`line ${i + 1} is not KEY=value: ${line.slice(0, 60)}`);
    let value = kv[2] ?? '';
    if (value.startsWith('"') && !/^"(?:[^"\\]|\\.)*"/.test(value)) {
      const start = i;
      while (!/^"(?:[^"\\]|\\.)*"/.test(value)) {
        i++;
        if (i >= lines.length) throw new ConfigParseError(`unterminated quoted value from line ${start + 1}`);
        value += `\n${lines[i] ?? ''}`;
      }
    }
    out.set(kv[1], unquote(stripHashComment(value)));
  }
  return out;
}

/** Flat key → value map of a config text; throws ConfigParseError when it does not parse. */
function readConfig(format: Format, text: string): Flat {
  switch (format) {
    case 'json': {
      const out: Flat = new Map();
      flatten(parseJson(text), '', out);
      return out;
    }
    case 'yaml': {
      const out: Flat = new Map();
      if (text.trim() !== '') flatten(parseYaml(text), '', out);
      return out;
    }
    case 'toml':
      return parseToml(text);
    case 'ini':
      return parseIni(text);
    case 'env':
      return parseEnv(text);
  }
}

/** The keys of a structured file (JSON, YAML, TOML, INI, .env) with their values as text; null when it is not one or does not parse. */
export function readKeys(path: string, text: string): ReadonlyMap<string, string> | null {
  const format = configFormat(path);
  if (!format) return null;
  const read = tryRead(format, text);
  return read instanceof ConfigParseError ? null : read;
}

function tryRead(format: Format, text: string | null): Flat | ConfigParseError {
  if (text === null) return new Map();
  try {
    return readConfig(format, text);
  } catch (err) {
    if (err instanceof ConfigParseError) return err;
    return new ConfigParseError(err instanceof Error ? err.message : String(err));
  }
}

/**
 * Which keys of a config file were added, removed or changed between two versions (null = the
 * file did not exist). Keys come in the order of the old file, then new keys in the order of the
 * new one. When the new content does not parse the answer is one `<parse error>` entry carrying
 * the parser's message, so the caller can say the config no longer parses; when only the old one
 * did not parse, every key of the new one counts as added.
 */
export function configKeyChanges(path: string, before: string | null, after: string | null): ConfigKeyChange[] {
  const format = configFormat(path);
  if (!format) return [];
  const next = tryRead(format, after);
  if (next instanceof ConfigParseError) {
    return [{ key: PARSE_ERROR_KEY, change: 'changed', after: next.message }];
  }
  const prevRead = tryRead(format, before);
  const prev: Flat = prevRead instanceof ConfigParseError ? new Map<string, string>() : prevRead;
  const changes: ConfigKeyChange[] = [];
  for (const [key, value] of prev) {
    const now = next.get(key);
    if (now === undefined) changes.push({ key, before: value, change: 'removed' });
    else if (now !== value) changes.push({ key, before: value, after: now, change: 'changed' });
  }
  for (const [key, value] of next) {
    if (!prev.has(key)) changes.push({ key, after: value, change: 'added' });
  }
  return changes;
}
