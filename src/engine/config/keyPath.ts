/**
 * Key paths as users read them: `triggers.configGlobs[2]`, not the JSON pointer
 * `/triggers/configGlobs/2`.
 */

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  const part = IDENTIFIER.test(key) ? key : JSON.stringify(key);
  if (!parent) return IDENTIFIER.test(key) ? key : `[${part}]`;
  return IDENTIFIER.test(key) ? `${parent}.${key}` : `${parent}[${part}]`;
}

/**
 * Converts a JSON pointer into a key path, looking at the data so that a numeric key of
 * an object (`{"2": ...}`) is not mistaken for an array index.
 */
export function pointerToKeyPath(pointer: string, data: unknown): string {
  if (!pointer) return '';
  let path = '';
  let node: unknown = data;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node) && /^\d+$/.test(key)) {
      const index = Number(key);
      path = childPath(path, index);
      node = node[index];
    } else {
      path = childPath(path, key);
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
    }
  }
  return path;
}
