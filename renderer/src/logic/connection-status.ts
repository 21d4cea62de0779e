/** How a connection's state reads, and whether the owner has something to do about it. */
import type { ConnectionStatusWire } from '../../../main/http/owner-api-types.ts';

export type Tone = 'ok' | 'busy' | 'warn' | 'bad';

export const STATUS_LABELS: Record<ConnectionStatusWire, { label: string; tone: Tone; hint: string }> = {
  ok: { label: 'OK', tone: 'ok', hint: 'Tokens are fresh; agents get them without asking you.' },
  refreshing: { label: 'Refreshing', tone: 'busy', hint: 'Latchkey is getting a new access token from the provider.' },
  needs_reauth: { label: 'Needs re-auth', tone: 'bad', hint: 'The provider no longer accepts the stored refresh token. Reconnect to sign in again.' },
  expired: { label: 'Expired', tone: 'warn', hint: 'The access token has expired. Latchkey refreshes it on the next request, or press Refresh now.' },
};

export function needsReconnect(status: ConnectionStatusWire): boolean {
  return status === 'needs_reauth';
}
