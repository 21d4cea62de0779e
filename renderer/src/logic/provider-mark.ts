/**
 * A provider's mark at a glance: two letters from its name on one of eight hues picked from
 * its template (or id), so GitHub looks the same on every page. The hues are CSS classes
 * with a light and a dark pair each, both checked for text contrast (styles.css).
 */
export const MARK_HUES = 8;

export function monogram(name: string): string {
  // "Microsoft (Entra ID / Microsoft account)" is Microsoft: asides in parentheses do not count.
  const words = name.replace(/\([^)]*\)/g, ' ').replace(/[^\p{L}\p{N}\s]/gu, ' ').trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  const first = words[0] ?? '';
  if (words.length === 1) return (first.slice(0, 1).toUpperCase() + first.slice(1, 2).toLowerCase()) || '?';
  return ((words[0] ?? '').slice(0, 1) + (words[1] ?? '').slice(0, 1)).toUpperCase();
}

/** Stable across sessions: a small string hash of the template id (or provider id). */
export function markHue(key: string): number {
  let h = 0;
  for (const ch of key) h = (h * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  return h % MARK_HUES;
}
