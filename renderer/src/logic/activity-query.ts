/**
 * Activity filters ↔ the query string of GET /ui/api/activity and /activity/export.
 * Empty filters are left out, so the export link carries exactly what the list shows.
 * The time range goes as a relative age (`since=24h`), which the broker resolves, so a
 * link copied now still means "the last 24 hours" when opened later.
 */
export type TimeRange = 'all' | '1h' | '24h' | '7d' | '30d';

export interface ActivityFilters {
  provider: string;
  agent: string;
  key: string;
  decision: string;
  range: TimeRange;
}

export const EMPTY_FILTERS: ActivityFilters = { provider: '', agent: '', key: '', decision: '', range: 'all' };

/** `provider=github&agent=triage-bot&since=24h` (no leading `?`); `before` pages back. */
export function activityQuery(filters: ActivityFilters, page: { limit?: number; before?: number | null } = {}): string {
  const params = new URLSearchParams();
  const add = (name: string, value: string): void => {
    const trimmed = value.trim();
    if (trimmed) params.set(name, trimmed);
  };
  add('provider', filters.provider);
  add('agent', filters.agent);
  add('key', filters.key);
  add('decision', filters.decision);
  if (filters.range !== 'all') params.set('since', filters.range);
  if (page.limit !== undefined) params.set('limit', String(page.limit));
  if (page.before !== undefined && page.before !== null) params.set('before', String(page.before));
  return params.toString();
}

export function exportHref(filters: ActivityFilters): string {
  const query = activityQuery(filters);
  return `/ui/api/activity/export${query ? `?${query}` : ''}`;
}

export function hasFilters(filters: ActivityFilters): boolean {
  return filters.provider.trim() !== '' || filters.agent.trim() !== '' || filters.key.trim() !== '' || filters.decision.trim() !== '' || filters.range !== 'all';
}
