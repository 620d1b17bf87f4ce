import type { IgnoreRule } from '../../engine/config/types';
import type { Trigger } from '../../engine/types';
import { type JsonNode, parseJsonTree, JsonTreeError, positionAt } from './jsonTree';

/** One replacement in a text, by offsets (a zero-length range is an insertion). */
export interface TextEditSpec {
  offset: number;
  length: number;
  text: string;
}

export type IgnoreEditResult =
  | { kind: 'edit'; edit: TextEditSpec }
  /** The same rule is already in the file. */
  | { kind: 'present' }
  /** The file cannot take the rule as it is; `message` says what to fix. */
  | { kind: 'invalid'; message: string };

// Characters minimatch would read as pattern syntax in a path.
const GLOB_SPECIAL = /[*?[\]{}()!+@\\]/g;
const REGEX_SPECIAL = /[.*+?^${}()|[\]\\/]/g;

/**
 * The ignore entry that silences a trigger like this one: its kind in its file, and for log
 * errors only the same error (a log file holds many different errors worth keeping).
 */
export function ignoreRuleFor(t: Pick<Trigger, 'kind' | 'file' | 'errorType' | 'message'>): IgnoreRule {
  const rule: IgnoreRule = { kind: t.kind, file: t.file.replace(GLOB_SPECIAL, '\\$&') };
  if (t.kind === 'log_error') rule.message = (t.errorType ?? t.message.slice(0, 120)).replace(REGEX_SPECIAL, '\\$&');
  return rule;
}

export function describeIgnoreRule(rule: IgnoreRule): string {
  const parts = [rule.kind ?? 'any trigger', rule.file ? `in ${rule.file}` : '', rule.message ? `matching /${rule.message}/` : ''];
  return parts.filter(Boolean).join(' ');
}

/**
 * The single edit that adds `rule` to `triggers.ignore` of an `incident-replay.json` text
 * (null: the file does not exist yet), written in the file's own indentation and line endings
 * and touching nothing else.
 */
export function ignoreRuleEdit(text: string | null, rule: IgnoreRule): IgnoreEditResult {
  const ruleText = compactRule(rule);
  if (text === null || text.trim() === '') {
    const eol = text && text.includes('\r\n') ? '\r\n' : '\n';
    const u = '  ';
    const body = ['{', `${u}"triggers": {`, `${u}${u}"ignore": [`, `${u}${u}${u}${ruleText}`, `${u}${u}]`, `${u}}`, '}', ''].join(eol);
    return { kind: 'edit', edit: { offset: 0, length: text?.length ?? 0, text: body } };
  }
  let root: JsonNode;
  try {
    root = parseJsonTree(text);
  } catch (e) {
    if (!(e instanceof JsonTreeError)) throw e;
    const p = positionAt(text, e.offset);
    return {
      kind: 'invalid',
      message: `the file is not valid JSON (line ${p.line + 1}, column ${p.character + 1}: ${e.message}); fix it first`,
    };
  }
  if (root.type !== 'object') return { kind: 'invalid', message: 'the file must hold a JSON object' };
  const fmt = new Formatting(text);

  const triggers = lastProperty(root, 'triggers');
  if (!triggers) {
    return {
      kind: 'edit',
      edit: fmt.addProperty(root, 'triggers', (base) => fmt.block('{', [`"ignore": ${fmt.list([ruleText], base + fmt.unit)}`], '}', base)),
    };
  }
  if (triggers.type !== 'object') return { kind: 'invalid', message: '"triggers" is not an object; fix it first' };
  const ignore = lastProperty(triggers, 'ignore');
  if (!ignore) return { kind: 'edit', edit: fmt.addProperty(triggers, 'ignore', (base) => fmt.list([ruleText], base)) };
  if (ignore.type !== 'array') return { kind: 'invalid', message: '"triggers.ignore" is not a list; fix it first' };
  if (ignore.items.some((item) => sameRule(text.slice(item.start, item.end), rule))) return { kind: 'present' };
  return { kind: 'edit', edit: fmt.appendItem(ignore, ruleText) };
}

function compactRule(rule: IgnoreRule): string {
  const fields = (['kind', 'file', 'message'] as const)
    .filter((k) => rule[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}: ${JSON.stringify(rule[k])}`);
  return `{ ${fields.join(', ')} }`;
}

function sameRule(itemText: string, rule: IgnoreRule): boolean {
  try {
    const v = JSON.parse(itemText) as Record<string, unknown>;
    return v.kind === rule.kind && v.file === rule.file && v.message === rule.message;
  } catch {
    return false;
  }
}

function lastProperty(node: JsonNode & { type: 'object' }, key: string): JsonNode | undefined {
  return [...node.properties].reverse().find((p) => p.key === key)?.value;
}

/** The file's habits: indentation unit and line ending. */
class Formatting {
  readonly eol: string;
  readonly unit: string;

  constructor(private readonly text: string) {
    this.eol = text.includes('\r\n') ? '\r\n' : '\n';
    const m = /\n([ \t]+)\S/.exec(text);
    this.unit = m?.[1]?.startsWith('\t') ? '\t' : (m?.[1] ?? '  ');
  }

  /** Leading whitespace of the line that holds `offset`. */
  indentAt(offset: number): string {
    const lineStart = this.text.lastIndexOf('\n', offset - 1) + 1;
    return /^[ \t]*/.exec(this.text.slice(lineStart))?.[0] ?? '';
  }

  private sameLine(a: number, b: number): boolean {
    return !this.text.slice(a, b).includes('\n');
  }

  /** `open`, the lines indented one step from `base`, `close` at `base`. */
  block(open: string, lines: string[], close: string, base: string): string {
    return [open, ...lines.map((l, i) => base + this.unit + l + (i < lines.length - 1 ? ',' : '')), base + close].join(this.eol);
  }

  list(items: string[], base: string): string {
    return this.block('[', items, ']', base);
  }

  addProperty(obj: JsonNode & { type: 'object' }, key: string, value: (base: string) => string): TextEditSpec {
    const base = this.indentAt(obj.start);
    const last = obj.properties[obj.properties.length - 1];
    if (!last) {
      const inner = this.eol + base + this.unit + `${JSON.stringify(key)}: ${value(base + this.unit)}` + this.eol + base;
      return { offset: obj.start + 1, length: obj.end - 1 - (obj.start + 1), text: inner };
    }
    if (this.sameLine(obj.start, obj.end)) {
      return { offset: last.value.end, length: 0, text: `, ${JSON.stringify(key)}: ${value('').replace(/\r?\n\s*/g, ' ')}` };
    }
    const memberIndent = this.indentAt(last.keyStart);
    return { offset: last.value.end, length: 0, text: `,${this.eol}${memberIndent}${JSON.stringify(key)}: ${value(memberIndent)}` };
  }

  appendItem(arr: JsonNode & { type: 'array' }, item: string): TextEditSpec {
    const base = this.indentAt(arr.start);
    const last = arr.items[arr.items.length - 1];
    if (!last) {
      return { offset: arr.start + 1, length: arr.end - 1 - (arr.start + 1), text: this.eol + base + this.unit + item + this.eol + base };
    }
    if (this.sameLine(arr.start, arr.end)) return { offset: last.end, length: 0, text: `, ${item}` };
    return { offset: last.end, length: 0, text: `,${this.eol}${this.indentAt(last.start)}${item}` };
  }
}
