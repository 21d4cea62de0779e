/**
 * Several accounts per provider (issue 14): how the window groups and names them. Pure, so
 * it is unit-tested without a browser (test/unit/ui/accounts.test.ts).
 */
import type { ConnectionView } from '../../../main/http/owner-api-types.ts';

export interface ProviderAccounts {
  providerId: string;
  providerName: string;
  accounts: ConnectionView[];
}

/** Providers by name; within one, the default accounts first, then the newest. */
export function accountsByProvider(connections: readonly ConnectionView[]): ProviderAccounts[] {
  const groups = new Map<string, ProviderAccounts>();
  for (const c of connections) {
    const g = groups.get(c.provider_id) ?? { providerId: c.provider_id, providerName: c.provider_name, accounts: [] };
    g.accounts.push(c);
    groups.set(c.provider_id, g);
  }
  for (const g of groups.values()) {
    g.accounts.sort((a, b) => Number(b.is_default) - Number(a.is_default) || b.created_at.localeCompare(a.created_at) || a.id.localeCompare(b.id));
  }
  return [...groups.values()].sort((a, b) => a.providerName.localeCompare(b.providerName) || a.providerId.localeCompare(b.providerId));
}

/** What to call an account: its label, else a short form of its id. */
export function accountName(c: Pick<ConnectionView, 'label' | 'id'>): string {
  return c.label ?? `account ${c.id.slice(0, 8)}`;
}

/** A new label as the owner typed it: trimmed; empty means "no change". */
export function labelDraft(input: string): string | null {
  const t = input.trim();
  return t === '' ? null : t;
}
