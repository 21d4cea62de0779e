/** How a grant's lifetime reads in the Grants list. */
import type { GrantView } from '../../../main/http/owner-api-types.ts';
import { formatExpiry, isExpired } from './time.ts';

export function grantLifetime(g: Pick<GrantView, 'expires_at' | 'single_use'>, now: number): string {
  if (g.single_use) return isExpired(g.expires_at, now) ? 'once — expired unused' : `once, ${formatExpiry(g.expires_at, now)}`;
  return formatExpiry(g.expires_at, now);
}

/** "triage-bot via Dev key" or just the key label when the agent gave no id. */
export function whoLabel(keyLabel: string | null, agentId: string | null): string {
  if (agentId && keyLabel) return `${agentId} via ${keyLabel}`;
  return agentId ?? keyLabel ?? 'unknown';
}
