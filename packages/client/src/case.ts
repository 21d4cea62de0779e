/**
 * snake_case on the wire, camelCase in JavaScript: the type-level and run-time conversions,
 * so the client's camelCase types are derived from the wire declarations, never retyped.
 */

/** `organization_id` → `organizationId`. */
export type CamelKey<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<CamelKey<Tail>>}` : S;

/** An object type with its keys in camelCase. */
export type Camel<T> = { [K in keyof T as K extends string ? CamelKey<K> : K]: T[K] };

/** A camelCase parameter object, as callers pass it (undefined fields are left out). */
export type CamelParams<T> = { [K in keyof T as K extends string ? CamelKey<K> : K]: T[K] };

const toSnake = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const toCamel = (k: string): string => k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

/** Top-level keys to snake_case, dropping undefined values (nested maps such as `authorization_params` are data, kept as is). */
export function snakeKeys(o: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[toSnake(k)] = v;
  return out;
}

/** Top-level keys to camelCase. */
export function camelKeys<T>(o: T): Camel<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o as object)) out[toCamel(k)] = v;
  return out as Camel<T>;
}
