/**
 * Hash routes (#/pending, #/providers, …): the broker serves one index.html at `/` and
 * needs no fallback routes. Unknown hashes land on Pending.
 */
export type PageId = 'pending' | 'providers' | 'connections' | 'grants' | 'activity' | 'settings';

export const PAGES: ReadonlyArray<{ id: PageId; label: string }> = [
  { id: 'pending', label: 'Pending' },
  { id: 'providers', label: 'Providers' },
  { id: 'connections', label: 'Connections' },
  { id: 'grants', label: 'Grants' },
  { id: 'activity', label: 'Activity' },
  { id: 'settings', label: 'Settings' },
];

export function pageFromHash(hash: string): PageId {
  const id = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return PAGES.some((p) => p.id === id) ? (id as PageId) : 'pending';
}

export function hashFor(page: PageId): string {
  return `#/${page}`;
}
