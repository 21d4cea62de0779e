/** Plain aligned columns for terminal listings. Every cell is untrusted text: shown escaped (S34). */
import { visibleText } from '../core/visible-text.ts';

export function table(rows: string[][]): string[] {
  if (rows.length === 0) return [];
  const safe = rows.map((r) => r.map(visibleText));
  const widths = safe[0]!.map((_, i) => Math.max(...safe.map((r) => (r[i] ?? '').length)));
  return safe.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd());
}
