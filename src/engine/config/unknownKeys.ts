import type { ConfigProblem } from '../errors';
import { childPath } from './keyPath';
import type { SchemaNode } from './schema';
import { closestKey, normalizeKey } from './suggest';

/**
 * Keys the schema does not know. They are warnings, not errors, so a config written for a
 * newer version or for the Python tool still loads; but they are never dropped silently.
 */
export function unknownKeyWarnings(data: unknown, schema: SchemaNode): ConfigProblem[] {
  const warnings: ConfigProblem[] = [];
  const everyKey = knownKeyPaths(schema, '');
  walk(data, schema, '', warnings, everyKey);
  return warnings;
}

/** Keys with their own explanation instead of "unknown key". */
const EXPLAINED: Record<string, string> = {
  trustWorkspacePatterns:
    "not read from the file: whether workspace regexes run is decided by the editor's workspace trust (or the caller), not by the workspace itself",
};

function walk(value: unknown, node: SchemaNode, path: string, out: ConfigProblem[], everyKey: KnownKey[]): void {
  if (node.anyOf) {
    const branch = node.anyOf.find((b) => matchesShape(b, value));
    if (branch) walk(value, branch, path, out, everyKey);
    return;
  }
  if (Array.isArray(value)) {
    if (node.items) value.forEach((item, i) => walk(item, node.items as SchemaNode, childPath(path, i), out, everyKey));
    return;
  }
  if (value === null || typeof value !== 'object' || (!node.properties && node.additionalProperties === undefined)) return;
  for (const [key, child] of Object.entries(value)) {
    const at = childPath(path, key);
    const known = node.properties && Object.hasOwn(node.properties, key) ? node.properties[key] : undefined;
    if (known) walk(child, known, at, out, everyKey);
    else if (typeof node.additionalProperties === 'object') walk(child, node.additionalProperties, at, out, everyKey);
    // additionalProperties: false makes the key a schema error, reported there.
    else if (node.additionalProperties !== false) out.push({ path: at, message: unknownKeyMessage(key, path, node, everyKey) });
  }
}

function unknownKeyMessage(key: string, parentPath: string, node: SchemaNode, everyKey: KnownKey[]): string {
  const explained = parentPath === '' && Object.hasOwn(EXPLAINED, key) ? EXPLAINED[key] : undefined;
  if (explained) return explained;
  const siblings = Object.keys(node.properties ?? {}).filter((k) => k !== '$schema');
  const wanted = normalizeKey(key);
  const suggestion =
    siblings.find((k) => normalizeKey(k) === wanted) ??
    everyKey.find((k) => k.normalized === wanted && k.parent !== parentPath)?.path ??
    closestKey(key, siblings);
  return suggestion ? `unknown key, ignored (did you mean "${suggestion}"?)` : 'unknown key, ignored';
}

interface KnownKey {
  path: string;
  parent: string;
  normalized: string;
}

/** Every key reachable through plain object properties, for "did you mean" across levels (`log_patterns` at the top → `triggers.logPatterns`). */
function knownKeyPaths(node: SchemaNode, path: string): KnownKey[] {
  // Category maps would offer six identical `description` keys; they are not a useful hint.
  if (!node.properties || node.additionalProperties === false) return [];
  const keys: KnownKey[] = [];
  for (const [key, child] of Object.entries(node.properties)) {
    const at = childPath(path, key);
    keys.push({ path: at, parent: path, normalized: normalizeKey(key) });
    keys.push(...knownKeyPaths(child, at));
  }
  return keys;
}

function matchesShape(node: SchemaNode, value: unknown): boolean {
  const types = node.type === undefined ? [] : Array.isArray(node.type) ? node.type : [node.type];
  if (types.length === 0) return true;
  if (Array.isArray(value)) return types.includes('array');
  if (value !== null && typeof value === 'object') return types.includes('object');
  return false;
}
