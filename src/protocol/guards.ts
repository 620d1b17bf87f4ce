/**
 * Hand-written runtime guards for data crossing the extension ↔ webview boundary. Both sides
 * receive `unknown` from `postMessage`/`getState`; these narrow it or reject it. Shapes are
 * lenient about extra keys (a newer peer may add fields) and strict about every declared one.
 * No vscode, no DOM: they run in the extension host, the webview and plain Node tests alike.
 */

export type Guard<T> = (x: unknown) => x is T;

/** Marks a property of `isShape` as optional: absent or `undefined` passes, otherwise `inner` must. */
export interface OptionalGuard<T> {
  readonly optional: Guard<T>;
}

type ShapeSpec = Record<string, Guard<unknown> | OptionalGuard<unknown>>;
type GuardType<G> = G extends Guard<infer T> ? T : G extends OptionalGuard<infer T> ? T : never;
type RequiredKeys<S extends ShapeSpec> = { [K in keyof S]: S[K] extends OptionalGuard<unknown> ? never : K }[keyof S];
type OptionalKeys<S extends ShapeSpec> = Exclude<keyof S, RequiredKeys<S>>;
type Simplify<T> = { [K in keyof T]: T[K] };
export type ShapeType<S extends ShapeSpec> = Simplify<
  { [K in RequiredKeys<S>]: GuardType<S[K]> } & { [K in OptionalKeys<S>]?: GuardType<S[K]> }
>;

/** Messages are small; anything larger is malformed or hostile, and is dropped without scanning it all. */
export const MAX_ARRAY = 200_000;
export const MAX_STRING = 1_000_000;

export function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export const isString: Guard<string> = (x): x is string => typeof x === 'string' && x.length <= MAX_STRING;
export const isNumber: Guard<number> = (x): x is number => typeof x === 'number' && Number.isFinite(x);
export const isInteger: Guard<number> = (x): x is number => Number.isSafeInteger(x);
export const isBoolean: Guard<boolean> = (x): x is boolean => typeof x === 'boolean';

export function isOneOf<const T extends readonly (string | number | boolean | null)[]>(values: T): Guard<T[number]> {
  const set = new Set<unknown>(values);
  return (x): x is T[number] => set.has(x);
}

export function isArrayOf<T>(item: Guard<T>, max = MAX_ARRAY): Guard<T[]> {
  return (x): x is T[] => Array.isArray(x) && x.length <= max && x.every((v) => item(v));
}

export function isNullable<T>(inner: Guard<T>): Guard<T | null> {
  return (x): x is T | null => x === null || inner(x);
}

export function optional<T>(inner: Guard<T>): OptionalGuard<T> {
  return { optional: inner };
}

/** A plain object whose every own value passes `value` (e.g. `Record<string, string>`). */
export function isRecordOf<T>(value: Guard<T>, max = 10_000): Guard<Record<string, T>> {
  return (x): x is Record<string, T> => {
    if (!isObject(x)) return false;
    const vals = Object.values(x);
    return vals.length <= max && vals.every((v) => value(v));
  };
}

/** An object with exactly these keys present (an enum-keyed record like `Record<'a' | 'b', T>`). */
export function isKeyedRecord<K extends string, T>(keys: readonly K[], value: Guard<T>): Guard<Record<K, T>> {
  return (x): x is Record<K, T> => isObject(x) && keys.every((k) => value(x[k]));
}

export function isShape<S extends ShapeSpec>(spec: S): Guard<ShapeType<S>> {
  const entries = Object.entries(spec);
  return (x): x is ShapeType<S> => {
    if (!isObject(x)) return false;
    for (const [key, g] of entries) {
      const v = x[key];
      if (typeof g === 'function') {
        if (!g(v)) return false;
      } else if (v !== undefined && !g.optional(v)) {
        return false;
      }
    }
    return true;
  };
}
