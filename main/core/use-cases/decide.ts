/**
 * Use cases: the owner's decisions — approve, deny, reconnect, revoke a grant or a
 * connection. Every one takes an OwnerPrincipal (S39): the type is the capability, and
 * only the owner channels can mint it (owner-principal.ts). Policy approvals (trust rules,
 * auto-owner) are not made here; they are recorded as decisions of channel `policy`.
 */
import type { ActivityLog } from '../activity.ts';
import type { AuthRequests } from '../auth-requests.ts';
import { NeedsReauth, type ConnectionService } from '../connections.ts';
import { LatchkeyError, NotFound } from '../errors.ts';
import type { GrantService } from '../grants.ts';
import type { GrantDuration } from '../model.ts';
import { type OwnerPrincipal, requireOwner } from '../owner-principal.ts';
import type { ConnectionRecord } from '../ports.ts';

export interface DecisionDeps { requests: AuthRequests; grants: GrantService; connections: ConnectionService; activity: ActivityLog; keyLabel: (id: string) => string }

export function decisionUseCases(deps: DecisionDeps) {
  const { requests, grants, connections, activity, keyLabel } = deps;
  const connection = (id: string): ConnectionRecord => {
    const c = connections.byId(id);
    if (!c) throw new NotFound(`No connection '${id}'; it may have been revoked.`);
    return c;
  };

  return {
    approve: (owner: OwnerPrincipal, authId: string, duration: GrantDuration) => requests.approve(owner, authId, duration),
    deny: (owner: OwnerPrincipal, authId: string, remember?: GrantDuration) => requests.deny(owner, authId, remember),

    /** The owner's Reconnect button: a consent-only request in the connection's namespace. */
    reconnect: (owner: OwnerPrincipal, connectionId: string) => requests.reconnect(owner, connection(connectionId)),

    revokeGrant(owner: OwnerPrincipal, grantId: string): void {
      const via = requireOwner(owner).channel;
      const g = grants.byId(grantId);
      if (!g || g.revokedAt !== null) throw new NotFound(`No active grant '${grantId}'.`);
      grants.revoke(g.id);
      activity.record({ type: 'grant.revoked', keyId: g.keyId, keyLabel: keyLabel(g.keyId), agentId: g.agentId, userId: g.userId, providerId: g.providerId, scopes: g.scopes, channel: via });
    },

    async revokeConnection(owner: OwnerPrincipal, connectionId: string): Promise<void> {
      await connections.remove([connection(connectionId)], requireOwner(owner).channel);
    },

    /** The owner's Refresh button; needs_reauth and outages show in the connection's status. */
    async refreshConnection(owner: OwnerPrincipal, connectionId: string): Promise<ConnectionRecord> {
      requireOwner(owner);
      const c = connection(connectionId);
      // The owner's "Refresh now": refresh even if not due, and even while backing off.
      await connections.refresh(c.id, { force: true, ignoreBackoff: true }).catch((err: unknown) => {
        if (!(err instanceof NeedsReauth) && !(err instanceof LatchkeyError)) throw err;
      });
      return connection(c.id);
    },
  };
}
