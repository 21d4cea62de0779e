/** The tab title carries the number of requests waiting: "(3) Latchkey". */
export function titleWithBadge(waiting: number, base = 'Latchkey'): string {
  return waiting > 0 ? `(${waiting > 99 ? '99+' : waiting}) ${base}` : base;
}
