/**
 * How times read in the window: short relative phrases for ages and expiries, an absolute
 * timestamp for tooltips. `now` is passed in so tests need no clock.
 */
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function span(ms: number): string {
  if (ms < MINUTE) return `${Math.max(1, Math.floor(ms / SECOND))} s`;
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)} min`;
  if (ms < DAY) return `${Math.floor(ms / HOUR)} h`;
  const days = Math.floor(ms / DAY);
  return `${days} ${days === 1 ? 'day' : 'days'}`;
}

/** "just now", "5 min ago", "3 h ago", "2 days ago". Unparseable input reads "unknown". */
export function relativeAge(iso: string, now: number): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return 'unknown';
  const ms = now - at;
  if (ms < 10 * SECOND) return 'just now';
  return `${span(ms)} ago`;
}

/** "until revoked" (null), "in 45 min", "expired 5 min ago". */
export function formatExpiry(iso: string | null, now: number): string {
  if (iso === null) return 'until revoked';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return 'unknown';
  const ms = at - now;
  if (ms <= 0) return ms > -10 * SECOND ? 'expired just now' : `expired ${span(-ms)} ago`;
  return `in ${span(ms)}`;
}

export function isExpired(iso: string | null, now: number): boolean {
  return iso !== null && Date.parse(iso) <= now;
}

/** "2025-05-04 13:07:09" in local time, for titles and the activity log. */
export function formatTimestamp(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Activity log times always carry the day: "Today 13:07:09", "Yesterday 23:59:59",
 * "31 May 23:59" this year, "31 May 2024 23:59" before (local time).
 */
export function formatLogTime(iso: string, now: number): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const full = formatTimestamp(iso);
  const time = full.slice(11);
  const dayOf = (d: Date): string => formatTimestamp(d.toISOString()).slice(0, 10);
  const today = new Date(now);
  const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1, 12);
  if (dayOf(at) === dayOf(today)) return `Today ${time}`;
  if (dayOf(at) === dayOf(yesterday)) return `Yesterday ${time}`;
  const day = `${at.getDate()} ${MONTHS[at.getMonth()] ?? ''}`;
  return at.getFullYear() === today.getFullYear() ? `${day} ${time.slice(0, 5)}` : `${day} ${at.getFullYear()} ${time.slice(0, 5)}`;
}
