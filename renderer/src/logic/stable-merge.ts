/**
 * Merges a fresh server list into the one on screen without moving rows the owner is
 * looking at: known rows keep their place (with fresh data), gone rows drop out, new rows
 * are appended in the server's order. This is what keeps lists from jumping on updates.
 */
export function stableMerge<T>(current: readonly T[], incoming: readonly T[], keyOf: (item: T) => string): T[] {
  const fresh = new Map<string, T>();
  for (const item of incoming) fresh.set(keyOf(item), item);
  const kept: T[] = [];
  const placed = new Set<string>();
  for (const item of current) {
    const key = keyOf(item);
    const update = fresh.get(key);
    if (update !== undefined && !placed.has(key)) {
      kept.push(update);
      placed.add(key);
    }
  }
  for (const item of incoming) {
    const key = keyOf(item);
    if (!placed.has(key)) {
      kept.push(item);
      placed.add(key);
    }
  }
  return kept;
}
