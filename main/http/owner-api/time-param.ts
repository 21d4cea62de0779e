import { BadRequest } from '../../core/errors.ts';

/** `since`/`until` accept ISO-8601 times or relative ages like `15m`, `2h`, `7d`. */
export function parseTimeParam(name: string, value: string | undefined, now: number): number | undefined {
  if (value === undefined || value === '') return undefined;
  const rel = /^(\d+)([smhd])$/.exec(value);
  if (rel) return now - Number(rel[1]) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[rel[2] as 's' | 'm' | 'h' | 'd'];
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new BadRequest(`${name} must be an ISO-8601 time or an age like 15m, 2h, 7d (got '${value}').`, 'invalid_time');
  return t;
}
