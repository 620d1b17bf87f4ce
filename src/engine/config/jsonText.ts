import { childPath } from './keyPath';

/**
 * A strict JSON reader that, unlike `JSON.parse`, says where a syntax error is (line and
 * column) in words a user can act on, and notices keys written twice (which `JSON.parse`
 * silently resolves to the last one).
 */

export class JsonSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`JSON syntax error at line ${line}, column ${column}: ${reason}`);
    this.name = 'JsonSyntaxError';
  }
}

export interface ParsedJson {
  value: unknown;
  /** Key paths of object keys that appear more than once (the last value wins, as in JSON.parse). */
  duplicateKeys: string[];
}

// Deep nesting only happens in broken or hostile files; refusing it keeps recursion bounded.
const MAX_DEPTH = 256;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

export function parseJsonText(input: string): ParsedJson {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const reader = new Reader(text);
  return { value: reader.document(), duplicateKeys: reader.duplicateKeys };
}

class Reader {
  private pos = 0;
  readonly duplicateKeys: string[] = [];

  constructor(private readonly text: string) {}

  document(): unknown {
    this.skipSpace();
    if (this.pos >= this.text.length) this.fail('the file is empty, expected a JSON object');
    const value = this.value('', 0);
    this.skipSpace();
    if (this.pos < this.text.length) this.fail('unexpected text after the end of the JSON value');
    return value;
  }

  private value(path: string, depth: number): unknown {
    if (depth > MAX_DEPTH) this.fail(`nested more than ${MAX_DEPTH} levels deep`);
    const ch = this.text[this.pos];
    switch (ch) {
      case '{':
        return this.object(path, depth);
      case '[':
        return this.array(path, depth);
      case '"':
        return this.string();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
      case undefined:
        return this.fail('unexpected end of file, expected a value');
      case '/':
        return this.fail('comments are not allowed in JSON');
      case "'":
        return this.fail('strings must use double quotes');
      default: {
        if (ch === '-' || (ch >= '0' && ch <= '9')) return this.number();
        const python = /^(True|False|None)\b/.exec(this.text.slice(this.pos, this.pos + 6));
        if (python) {
          const json = python[1] === 'True' ? 'true' : python[1] === 'False' ? 'false' : 'null';
          return this.fail(`${python[1]} is Python, JSON writes it ${json}`);
        }
        return this.fail(`unexpected character ${JSON.stringify(ch)}, expected a value`);
      }
    }
  }

  private object(path: string, depth: number): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    const seen = new Set<string>();
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return result;
    }
    for (;;) {
      this.skipSpace();
      const ch = this.text[this.pos];
      if (ch !== '"') {
        if (ch === '}') this.fail('trailing comma before "}" is not allowed in JSON');
        if (ch === undefined) this.fail('unexpected end of file inside an object');
        if (ch === '/') this.fail('comments are not allowed in JSON');
        this.fail('expected a property name in double quotes');
      }
      const key = this.string();
      this.skipSpace();
      if (this.text[this.pos] !== ':') this.fail(`expected ":" after the property name ${JSON.stringify(key)}`);
      this.pos++;
      this.skipSpace();
      const keyPath = childPath(path, key);
      const value = this.value(keyPath, depth + 1);
      if (seen.has(key)) this.duplicateKeys.push(keyPath);
      seen.add(key);
      // defineProperty, so a "__proto__" key stays data instead of replacing the prototype.
      Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true });
      this.skipSpace();
      const next = this.text[this.pos];
      if (next === ',') {
        this.pos++;
        continue;
      }
      if (next === '}') {
        this.pos++;
        return result;
      }
      if (next === undefined) this.fail('unexpected end of file, expected "," or "}"');
      this.fail('expected "," or "}" after a property value');
    }
  }

  private array(path: string, depth: number): unknown[] {
    const result: unknown[] = [];
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return result;
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === ']') this.fail('trailing comma before "]" is not allowed in JSON');
      result.push(this.value(childPath(path, result.length), depth + 1));
      this.skipSpace();
      const next = this.text[this.pos];
      if (next === ',') {
        this.pos++;
        continue;
      }
      if (next === ']') {
        this.pos++;
        return result;
      }
      if (next === undefined) this.fail('unexpected end of file, expected "," or "]"');
      this.fail('expected "," or "]" after a list item');
    }
  }

  private string(): string {
    const start = this.pos;
    let i = start + 1;
    for (;;) {
      const code = this.text.charCodeAt(i);
      if (Number.isNaN(code)) {
        this.pos = start;
        this.fail('unterminated string');
      }
      if (code === 0x22) break;
      if (code < 0x20) {
        this.pos = i;
        this.fail('line break or control character inside a string (write it as an escape such as \\n)');
      }
      if (code === 0x5c) {
        const escape = this.text[i + 1];
        if (escape === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(i + 2, i + 6))) {
            this.pos = i;
            this.fail('invalid \\u escape, expected four hex digits');
          }
          i += 6;
          continue;
        }
        if (escape === undefined || !'"\\/bfnrt'.includes(escape)) {
          this.pos = i;
          this.fail(`invalid escape \\${escape ?? ''} (in JSON a backslash must be doubled: a regex \\d is written "\\\\d")`);
        }
        i += 2;
        continue;
      }
      i++;
    }
    this.pos = i + 1;
    return JSON.parse(this.text.slice(start, i + 1)) as string;
  }

  private number(): number {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (!match) this.fail('invalid number');
    this.pos += match[0].length;
    const after = this.text[this.pos];
    if (after !== undefined && /[\w.]/.test(after)) this.fail('invalid number');
    return Number(match[0]);
  }

  private literal<T>(word: string, value: T): T {
    if (this.text.startsWith(word, this.pos) && !/\w/.test(this.text[this.pos + word.length] ?? '')) {
      this.pos += word.length;
      return value;
    }
    return this.fail('unexpected word, expected a value (strings need double quotes)');
  }

  private skipSpace(): void {
    for (;;) {
      const ch = this.text[this.pos];
      if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') this.pos++;
      else return;
    }
  }

  private fail(reason: string): never {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < this.pos && i < this.text.length; i++) {
      if (this.text.charCodeAt(i) === 0x0a) {
        line++;
        lineStart = i + 1;
      }
    }
    throw new JsonSyntaxError(reason, line, this.pos - lineStart + 1);
  }
}
