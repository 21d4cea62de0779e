/**
 * Scope sets. Requests and grants compare scopes as sets: order and duplicates never
 * matter, so every set is kept normalised (trimmed, de-duplicated, sorted).
 */
export type ScopeSet = readonly string[];

export function normalizeScopes(scopes: Iterable<string>): ScopeSet {
  const out = new Set<string>();
  for (const raw of scopes) {
    const s = raw.trim();
    if (s !== '') out.add(s);
  }
  return [...out].sort();
}

export function isSubset(requested: ScopeSet, held: ScopeSet): boolean {
  if (requested.length === 0) return true;
  const heldSet = new Set(held);
  return requested.every((s) => heldSet.has(s));
}

export function unionScopes(a: ScopeSet, b: ScopeSet): ScopeSet {
  return normalizeScopes([...a, ...b]);
}

/**
 * Parse the `scope` value of a token response. RFC 6749 §5.1 says space-delimited;
 * GitHub and Slack answer with commas, so both separators are accepted.
 */
export function parseGrantedScope(value: unknown): ScopeSet | undefined {
  if (typeof value !== 'string') return undefined;
  return normalizeScopes(value.split(/[\s,]+/));
}
