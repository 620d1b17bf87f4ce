import type { default as AjvClass, ErrorObject, ValidateFunction } from 'ajv';
import type { ConfigProblem } from '../errors';
import { ROOT_CAUSE_CATEGORIES } from '../types';
import { childPath, pointerToKeyPath } from './keyPath';
import { CONFIG_SCHEMA, type SchemaNode, type SchemaType } from './schema';
import { closestKey } from './suggest';

/**
 * Schema validation with messages in the user's terms: every problem names its key path
 * and what was expected there ("expected an integer ≥ 1 (got 0)").
 */

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (compiled) return compiled;
  // Required on the first config to check, not imported: most CLI runs (a snapshot per agent
  // step) have no config file, and evaluating ajv would cost each of those processes its start.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberately lazy (see above)
  const Ajv = (require('ajv') as { default: typeof AjvClass }).default;
  // verbose: the translation needs each error's schema node and the offending value.
  compiled = new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true }).compile(CONFIG_SCHEMA);
  return compiled;
}

export function schemaProblems(data: unknown): ConfigProblem[] {
  const validate = validator();
  if (validate(data)) return [];
  const seen = new Set<string>();
  return translate(validate.errors ?? [], data).filter((p) => {
    const id = `${p.path}\u0000${p.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function translate(errors: readonly ErrorObject[], data: unknown): ConfigProblem[] {
  const handled = new Set<ErrorObject>();
  const summaries = new Map<ErrorObject, ConfigProblem[]>();
  // For "this or that" nodes, ajv reports every branch's failure; a user wants the branch
  // their value was evidently meant for (an object with a bad field), or one summary line.
  const alternatives = errors.filter((e) => e.keyword === 'anyOf').sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  for (const alternative of alternatives) {
    if (handled.has(alternative)) continue;
    // The same schema node fails once per offending item, so match the value's location too.
    const inner = errors.filter(
      (e) =>
        e !== alternative &&
        e.schemaPath.startsWith(`${alternative.schemaPath}/`) &&
        (e.instancePath === alternative.instancePath || e.instancePath.startsWith(`${alternative.instancePath}/`)),
    );
    for (const e of inner) handled.add(e);
    const branches = (alternative.schema ?? []) as SchemaNode[];
    const chosen = branches.findIndex((branch) => typeMatches(branch, alternative.data));
    const detailed =
      chosen < 0
        ? []
        : translate(
            inner.filter((e) => e.schemaPath.startsWith(`${alternative.schemaPath}/${chosen}/`)),
            data,
          );
    summaries.set(alternative, detailed.length > 0 ? detailed : [expected(alternative, data)]);
  }
  // ajv's order follows the schema, which is close to the order users read the file in.
  const problems: ConfigProblem[] = [];
  for (const error of errors) {
    if (handled.has(error)) continue;
    problems.push(...(summaries.get(error) ?? [single(error, data)]));
  }
  return problems;
}

function single(error: ErrorObject, data: unknown): ConfigProblem {
  const at = pointerToKeyPath(error.instancePath, data);
  const parent = error.parentSchema as SchemaNode | undefined;
  switch (error.keyword) {
    case 'required': {
      const missing = String((error.params as { missingProperty: string }).missingProperty);
      return { path: childPath(at, missing), message: `missing (expected ${describe(parent?.properties?.[missing])})` };
    }
    case 'additionalProperties': {
      const key = String((error.params as { additionalProperty: string }).additionalProperty);
      const valid = Object.keys(parent?.properties ?? {});
      const isCategory = ROOT_CAUSE_CATEGORIES.every((c) => valid.includes(c));
      const suggestion = closestKey(key, valid);
      return {
        path: childPath(at, key),
        message:
          `${isCategory ? 'unknown root-cause category' : 'unknown key'}, expected one of ${valid.join(', ')}` +
          (suggestion ? ` (did you mean "${suggestion}"?)` : ''),
      };
    }
    default:
      return expected(error, data);
  }
}

function expected(error: ErrorObject, data: unknown): ConfigProblem {
  const path = pointerToKeyPath(error.instancePath, data);
  const what = describe(error.parentSchema);
  if (!path) return { path, message: `the config must be a JSON object${got(error.data)}` };
  return { path, message: `expected ${what}${got(error.data)}` };
}

function typeMatches(node: SchemaNode, value: unknown): boolean {
  const types = typesOf(node);
  if (types.length === 0) return true;
  const actual = jsonType(value);
  return types.some((t) => t === actual || (t === 'number' && actual === 'integer'));
}

function typesOf(node: SchemaNode): SchemaType[] {
  if (node.type === undefined) return [];
  return Array.isArray(node.type) ? node.type : [node.type];
}

function jsonType(value: unknown): SchemaType | 'null' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'object') return typeof value as SchemaType;
  return 'null';
}

/** What a schema node accepts, in words: "a non-empty string", "an integer ≥ 1", "one of error, warning, info". */
export function describe(node: SchemaNode | undefined): string {
  if (!node) return 'a value';
  if (node.anyOf) return node.anyOf.map(describe).join(' or ');
  if (node.enum) return `one of ${node.enum.join(', ')}`;
  const words = typesOf(node).map((type) => describeType(type, node));
  return words.length > 0 ? words.join(' or ') : 'a value';
}

function describeType(type: SchemaType, node: SchemaNode): string {
  switch (type) {
    case 'string':
      return node.minLength ? 'a non-empty string' : 'a string';
    case 'integer':
      return `an integer${bounds(node)}`;
    case 'number':
      return `a number${bounds(node)}`;
    case 'boolean':
      return 'true or false';
    case 'array':
      return node.items ? `a list of ${plural(node.items)}` : 'a list';
    case 'object':
      return node.minProperties && node.properties
        ? `an object with at least one of ${Object.keys(node.properties).join(', ')}`
        : 'an object';
  }
}

function bounds(node: SchemaNode): string {
  if (node.minimum !== undefined) return ` ≥ ${node.minimum}`;
  if (node.exclusiveMinimum !== undefined) return ` > ${node.exclusiveMinimum}`;
  return '';
}

function plural(node: SchemaNode): string {
  if (node.anyOf) return node.anyOf.map(plural).join(' or ');
  if (node.enum) return `values among ${node.enum.join(', ')}`;
  const names: Record<SchemaType, string> = {
    string: node.minLength ? 'non-empty strings' : 'strings',
    integer: 'integers',
    number: 'numbers',
    boolean: 'booleans',
    array: 'lists',
    object: 'objects',
  };
  const words = typesOf(node).map((t) => names[t]);
  return words.length > 0 ? words.join(' or ') : 'values';
}

function got(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') {
    if (value === '') return ' (got an empty string)';
    return ` (got ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`;
  }
  if (Array.isArray(value)) return ' (got a list)';
  if (value !== null && typeof value === 'object') return Object.keys(value).length > 0 ? ' (got an object)' : ' (got an empty object)';
  return ` (got ${String(value)})`;
}
