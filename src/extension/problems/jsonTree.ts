/**
 * A JSON reader that keeps offsets: config diagnostics are placed on the key or value a
 * problem names, and quick fixes insert text at exact places so the rest of the file keeps
 * its formatting. Strict JSON, as the engine reads it (no comments, no trailing commas).
 */

interface NodeBase {
  start: number;
  /** Offset just after the node's last character. */
  end: number;
}

export interface JsonProperty {
  key: string;
  keyStart: number;
  keyEnd: number;
  value: JsonNode;
}

export type JsonNode =
  | (NodeBase & { type: 'object'; properties: JsonProperty[] })
  | (NodeBase & { type: 'array'; items: JsonNode[] })
  | (NodeBase & { type: 'string' | 'number' | 'boolean' | 'null'; value: string | number | boolean | null });

export class JsonTreeError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'JsonTreeError';
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const MAX_DEPTH = 256;

export function parseJsonTree(text: string): JsonNode {
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  const fail = (message: string): never => {
    throw new JsonTreeError(message, pos);
  };
  const space = (): void => {
    while (pos < text.length && ' \t\r\n'.includes(text[pos] as string)) pos++;
  };
  const expect = (ch: string): void => {
    if (text[pos] !== ch) fail(`expected ${JSON.stringify(ch)}`);
    pos++;
  };
  const str = (): string => {
    const start = pos;
    expect('"');
    while (pos < text.length && text[pos] !== '"') {
      if (text[pos] === '\\') pos++;
      else if (text.charCodeAt(pos) < 0x20) fail('control character in a string');
      pos++;
    }
    expect('"');
    try {
      return JSON.parse(text.slice(start, pos)) as string;
    } catch {
      pos = start;
      return fail('invalid string escape');
    }
  };
  const value = (depth: number): JsonNode => {
    if (depth > MAX_DEPTH) fail('nested too deeply');
    space();
    const start = pos;
    const ch = text[pos];
    if (ch === '{') {
      pos++;
      const properties: JsonProperty[] = [];
      space();
      if (text[pos] === '}') {
        pos++;
        return { type: 'object', start, end: pos, properties };
      }
      for (;;) {
        space();
        const keyStart = pos;
        const key = str();
        const keyEnd = pos;
        space();
        expect(':');
        properties.push({ key, keyStart, keyEnd, value: value(depth + 1) });
        space();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        expect('}');
        return { type: 'object', start, end: pos, properties };
      }
    }
    if (ch === '[') {
      pos++;
      const items: JsonNode[] = [];
      space();
      if (text[pos] === ']') {
        pos++;
        return { type: 'array', start, end: pos, items };
      }
      for (;;) {
        items.push(value(depth + 1));
        space();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        expect(']');
        return { type: 'array', start, end: pos, items };
      }
    }
    if (ch === '"') return { type: 'string', start, value: str(), end: pos };
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return { type: v === null ? 'null' : 'boolean', start, end: pos, value: v };
      }
    }
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(text);
    if (m) {
      pos += m[0].length;
      return { type: 'number', start, end: pos, value: Number(m[0]) };
    }
    return fail(ch === undefined ? 'unexpected end of file' : `unexpected character ${JSON.stringify(ch)}`);
  };

  const root = value(0);
  space();
  if (pos < text.length) fail('unexpected text after the end of the JSON value');
  return root;
}

export type KeySegment = string | number;

/**
 * Splits a key path as the engine writes it (`triggers.configGlobs[2]`, `rootCauseCategories["odd key"]`)
 * into segments. Unreadable input yields the readable prefix.
 */
export function parseKeyPath(keyPath: string): KeySegment[] {
  const out: KeySegment[] = [];
  let i = 0;
  const ident = /[A-Za-z_$][\w$]*/y;
  while (i < keyPath.length) {
    const ch = keyPath[i];
    if (ch === '.') {
      i++;
      continue;
    }
    if (ch === '[') {
      const close = keyPath[i + 1] === '"' ? closingQuote(keyPath, i + 1) : keyPath.indexOf(']', i);
      if (close < 0) break;
      if (keyPath[i + 1] === '"') {
        try {
          out.push(JSON.parse(keyPath.slice(i + 1, close + 1)) as string);
        } catch {
          break;
        }
        i = close + 2;
      } else {
        const n = Number(keyPath.slice(i + 1, close));
        if (!Number.isInteger(n)) break;
        out.push(n);
        i = close + 1;
      }
      continue;
    }
    ident.lastIndex = i;
    const m = ident.exec(keyPath);
    if (!m) break;
    out.push(m[0]);
    i += m[0].length;
  }
  return out;
}

function closingQuote(s: string, open: number): number {
  for (let i = open + 1; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '"') return i;
  }
  return -1;
}

export interface Located {
  /** The node the deepest found segment names. */
  node: JsonNode;
  /** The key of that node when it is an object property. */
  key?: { start: number; end: number };
  /** False when the path goes deeper than the document (a missing key): `node` is the deepest parent found. */
  exact: boolean;
}

export function locate(root: JsonNode, segments: readonly KeySegment[]): Located {
  let found: Located = { node: root, exact: true };
  for (const seg of segments) {
    const node = found.node;
    if (typeof seg === 'number' && node.type === 'array' && node.items[seg]) {
      found = { node: node.items[seg], exact: true };
    } else if (node.type === 'object') {
      // The last occurrence wins, as when the file is read.
      const prop = [...node.properties].reverse().find((p) => p.key === String(seg));
      if (!prop) return { ...found, exact: false };
      found = { node: prop.value, key: { start: prop.keyStart, end: prop.keyEnd }, exact: true };
    } else {
      return { ...found, exact: false };
    }
  }
  return found;
}

/** 0-based line and character of an offset. */
export function positionAt(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, character: Math.min(offset, text.length) - lineStart };
}
