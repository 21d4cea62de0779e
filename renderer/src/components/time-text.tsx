import { formatTimestamp, relativeAge, formatExpiry } from '../logic/time.ts';

/** "5 min ago" with the exact time on hover and for machines. */
export function Age({ iso, now }: { iso: string; now: number }) {
  return <time dateTime={iso} title={formatTimestamp(iso)}>{relativeAge(iso, now)}</time>;
}

export function Expiry({ iso, now }: { iso: string | null; now: number }) {
  if (iso === null) return <span>{formatExpiry(null, now)}</span>;
  return <time dateTime={iso} title={formatTimestamp(iso)}>{formatExpiry(iso, now)}</time>;
}
