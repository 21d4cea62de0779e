/**
 * Use cases: API keys and pairing requests, the same for the owner API, CLI and window.
 * KeyService writes the activity entries.
 *
 * S37: revoking a key ends everything it holds at once — its open waits are answered
 * `denied` with a detail, its pending requests leave the Pending list (events tell the UI
 * and tray), its grants, remembered denials and trust rules go. A release already under
 * way re-checks the key (auth-requests.ts #answerFor), so a long-poll opened before the
 * revocation never receives a token. A key adopted from a pairing request is a key like
 * any other here.
 */
import type { AuthRequests } from '../auth-requests.ts';
import type { GrantService } from '../grants.ts';
import type { KeyService } from '../keys.ts';
import type { ApiKey, Role } from '../model.ts';
import type { OwnerPrincipal } from '../owner-principal.ts';
import type { Policy } from '../policy.ts';
import type { ActivityLog } from '../activity.ts';

export interface KeyUseCaseDeps { keys: KeyService; requests: AuthRequests; grants: GrantService; policy: Policy; activity: ActivityLog }

export function keyUseCases(deps: KeyUseCaseDeps) {
  const { keys, requests, grants, policy, activity } = deps;
  return {
    createKey(owner: OwnerPrincipal, label: string, role: Role): { key: string; record: ApiKey } {
      return keys.create(label, role, owner);
    },

    revokeKey(owner: OwnerPrincipal, keyId: string): { requests: number; grants: number; trustRules: number } {
      const key = keys.revoke(keyId, owner);
      const cancelled = requests.cancelForKey(owner, keyId);
      const dropped = grants.revokeForKey(keyId);
      if (dropped) activity.record({ type: 'grant.revoked', keyId, keyLabel: key.label, channel: owner.channel, detail: `${dropped} grant(s) and remembered denial(s) of a revoked key` });
      const rules = policy.dropRulesForKey(keyId, owner);
      return { requests: cancelled, grants: dropped, trustRules: rules };
    },

    /** A new owner key; the keys it replaces end as revoked keys do (S37). */
    reissueOwnerKey(owner: OwnerPrincipal): { key: string; record: ApiKey; revoked: ApiKey[] } {
      const issued = keys.reissueOwner(owner);
      for (const old of issued.revoked) {
        requests.cancelForKey(owner, old.id);
        grants.revokeForKey(old.id);
        policy.dropRulesForKey(old.id, owner);
      }
      return issued;
    },

    acceptPairing(owner: OwnerPrincipal, pairingId: string, label: string, role: Role): ApiKey {
      return keys.acceptPairing(pairingId, label, role, owner);
    },

    rejectPairing(owner: OwnerPrincipal, pairingId: string): void {
      keys.rejectPairing(pairingId, owner);
    },
  };
}
