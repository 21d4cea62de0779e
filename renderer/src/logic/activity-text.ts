/** Activity log entries in words: event types, decisions, and who acted. */
import type { ActivityEntryView } from '../../../main/http/owner-api-types.ts';
import { whoLabel } from './grant-text.ts';

export const EVENT_LABELS: Readonly<Record<string, string>> = {
  'request.created': 'Asked',
  'request.approved': 'Approved',
  'request.denied': 'Denied',
  'request.failed': 'Failed',
  'token.released': 'Token released',
  'token.refreshed': 'Token refreshed',
  'token.refresh_failed': 'Refresh failed',
  'connection.created': 'Connected',
  'connection.needs_reauth': 'Needs re-auth',
  'connection.reconnect': 'Reconnect started',
  'connection.revoked': 'Connection revoked',
  'provider.created': 'Provider added',
  'provider.updated': 'Provider edited',
  'provider.deleted': 'Provider deleted',
  'grant.revoked': 'Grant revoked',
  'key.created': 'Key created',
  'key.revoked': 'Key revoked',
  'key.paired': 'Key paired',
  'settings.updated': 'Settings changed',
};

export function eventLabel(type: string): string {
  return EVENT_LABELS[type] ?? type;
}

/** The decision filter matches the stored text exactly ("approved 1h", "denied 8h"). */
export const DECISION_OPTIONS: ReadonlyArray<{ group: string; options: ReadonlyArray<{ value: string; label: string }> }> = [
  {
    group: 'Approved',
    options: [
      { value: 'approved once', label: 'Approved once' },
      { value: 'approved 1h', label: 'Approved for 1 hour' },
      { value: 'approved 8h', label: 'Approved for 8 hours' },
      { value: 'approved 30d', label: 'Approved for 30 days' },
      { value: 'approved forever', label: 'Approved until revoked' },
    ],
  },
  {
    group: 'Denied',
    options: [
      { value: 'denied', label: 'Denied once' },
      { value: 'denied 1h', label: 'Denied for 1 hour' },
      { value: 'denied 8h', label: 'Denied for 8 hours' },
      { value: 'denied 30d', label: 'Denied for 30 days' },
      { value: 'denied forever', label: 'Always denied' },
    ],
  },
];

export function entryWho(e: Pick<ActivityEntryView, 'key_label' | 'agent_id'>): string {
  return e.key_label || e.agent_id ? whoLabel(e.key_label, e.agent_id) : '—';
}

/** "Token released ×12" for coalesced repeats. */
export function entryTitle(e: Pick<ActivityEntryView, 'type' | 'count'>): string {
  return e.count > 1 ? `${eventLabel(e.type)} ×${e.count}` : eventLabel(e.type);
}

/** Newest first, one row per id: merges a re-read first page with older pages already shown. */
export function mergeEntries(shown: readonly ActivityEntryView[], fresh: readonly ActivityEntryView[]): ActivityEntryView[] {
  const byId = new Map<number, ActivityEntryView>();
  for (const e of shown) byId.set(e.id, e);
  for (const e of fresh) byId.set(e.id, e);
  return [...byId.values()].sort((a, b) => b.id - a.id);
}
