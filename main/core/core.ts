/**
 * Wires the core services together from ports. Knows nothing of HTTP, SQLite or Electron:
 * compose.ts hands it real adapters, unit tests hand it fakes.
 */
import { AuthRequests, type ApprovalPolicy } from './auth-requests.ts';
import { ConnectionService } from './connections.ts';
import { EventBus } from './events.ts';
import { GrantService } from './grants.ts';
import { KeyService } from './keys.ts';
import { OAuthFlows } from './oauth-flows.ts';
import { OwnerSessions } from './owner-sessions.ts';
import type { Clock, Ids, Logger, OAuthClient, Store, Vault } from './ports.ts';
import { ProviderService, checkEndpointUrl } from './providers.ts';
import { BadRequest } from './errors.ts';
import type { TokenEndpointAuthMethod } from './model.ts';
import { UpstreamError } from './upstream-error.ts';

export interface CorePorts {
  store: Store;
  vault: Vault;
  clock: Clock;
  ids: Ids;
  logger: Logger;
  oauth: OAuthClient;
  /** The broker's own origin, e.g. http://127.0.0.1:24817; known once listening. */
  baseUrl: () => string;
  allowInsecureEndpoints?: boolean;
  refreshMarginMs?: number;
  random?: () => number;
}

export const APPROVAL_POLICY_SETTING = 'approval_policy';

export function isApprovalPolicy(v: unknown): v is ApprovalPolicy {
  return v === 'ask' || v === 'auto-owner';
}

export type Core = ReturnType<typeof createCore>;

export function createCore(ports: CorePorts) {
  const { store, vault, clock, ids, logger, oauth, baseUrl } = ports;
  const events = new EventBus();
  const keys = new KeyService({ store, vault, clock, ids });
  const keyLabel = (id: string): string => keys.byId(id)?.label ?? 'unknown key';
  const policy = (): ApprovalPolicy => {
    const v = store.settings.get(APPROVAL_POLICY_SETTING);
    return isApprovalPolicy(v) ? v : 'ask';
  };

  const providers = new ProviderService({ store, vault, clock, ids, allowInsecureEndpoints: ports.allowInsecureEndpoints ?? false });
  const connections = new ConnectionService({
    store, vault, clock, ids, oauth, providers, logger,
    ...(ports.random ? { random: ports.random } : {}),
    ...(ports.refreshMarginMs !== undefined ? { refreshMarginMs: ports.refreshMarginMs } : {}),
    onNeedsReauth: (c, reason) => events.emit('connection.needs_reauth', { connectionId: c.id, providerId: c.providerId, userId: c.userId, agentId: c.agentId, reason }),
  });
  const grants = new GrantService({ store, clock, ids });
  const requests = new AuthRequests({ store, clock, ids, logger, events, providers, connections, grants, baseUrl, policy, keyLabel });
  const flows = new OAuthFlows({ store, vault, clock, ids, logger, oauth, providers, connections, requests, events, baseUrl });
  const sessions = new OwnerSessions({ clock, ids });

  return {
    events, keys, providers, connections, grants, requests, flows, sessions, policy,
    setPolicy(p: ApprovalPolicy): void {
      store.settings.set(APPROVAL_POLICY_SETTING, p);
    },
    keyLabel,
    keychainStatus: () => vault.status(),

    /**
     * DELETE provider: revoke upstream where possible, then drop its connections, grants,
     * requests and flows with it (agent-auth-api.md §4). Open waits are answered `failed`.
     */
    async deleteProvider(providerId: string): Promise<void> {
      const provider = providers.get(providerId);
      await connections.remove(store.connections.listAll().filter((c) => c.providerId === providerId));
      const pending = requests.listPending().filter((r) => r.providerId === providerId);
      for (const r of pending) requests.fail(r, `The provider '${provider.name}' was deleted in Latchkey.`);
      store.transaction(() => {
        store.grants.deleteForProvider(providerId);
        store.flows.deleteForProvider(providerId);
        store.requests.deleteForProvider(providerId);
        store.providers.delete(providerId);
      });
      logger.info('provider.deleted', { providerId });
    },

    /** DELETE tokens: every connection of this key for the provider, across agents and users. */
    async revokeTokens(keyId: string, providerId: string): Promise<number> {
      providers.get(providerId);
      const mine = store.connections.listForKey(keyId, providerId);
      await connections.remove(mine);
      logger.info('tokens.revoked', { providerId, count: mine.length });
      return mine.length;
    },

    /**
     * Create a provider from an issuer URL (OpenID Discovery / RFC 8414). The issuer must
     * match its metadata (S13); RFC 9207 `iss` checks apply when it advertises them.
     */
    async discoverProvider(input: { providerId: string; name: string; issuer: string; clientId: string; clientSecret?: string | null | undefined }) {
      checkEndpointUrl('issuer', input.issuer, ports.allowInsecureEndpoints ?? false);
      let meta;
      try {
        meta = await oauth.discover(input.issuer);
      } catch (err) {
        if (err instanceof UpstreamError) throw new BadRequest(`Discovery at ${input.issuer} failed: ${err.message}.`, 'discovery_failed');
        throw err;
      }
      const authMethods = meta.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
      const secret = input.clientSecret ?? null;
      const method: TokenEndpointAuthMethod = secret === null ? 'none' : authMethods.includes('client_secret_post') && !authMethods.includes('client_secret_basic') ? 'client_secret_post' : 'client_secret_basic';
      return providers.create({
        providerId: input.providerId, name: input.name, clientId: input.clientId, clientSecret: secret,
        authUrl: meta.authorization_endpoint, tokenUrl: meta.token_endpoint, revocationUrl: meta.revocation_endpoint ?? null,
        usesPkce: true, tokenEndpointAuthMethod: method, issuer: meta.issuer,
        issParameterSupported: meta.authorization_response_iss_parameter_supported === true,
      });
    },

    hasToken(keyId: string, providerId: string): boolean {
      providers.get(providerId);
      return store.connections.listForKey(keyId, providerId).length > 0;
    },
  };
}
