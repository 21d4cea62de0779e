/**
 * Wires the core services together from ports. Knows nothing of HTTP, SQLite or Electron:
 * compose.ts hands it real adapters, unit tests hand it fakes.
 */
import { AccountService } from './accounts.ts';
import { redirectUri } from './links.ts';
import { ActivityLog } from './activity.ts';
import { AuthRequests } from './auth-requests.ts';
import { Policy } from './policy.ts';
import { ConnectionService } from './connections.ts';
import { EventBus } from './events.ts';
import { GrantService } from './grants.ts';
import { KeyService } from './keys.ts';
import { OAuthFlows } from './oauth-flows.ts';
import { OwnerSessions } from './owner-sessions.ts';
import type { Clock, Ids, Logger, OAuthClient, Store, Vault } from './ports.ts';
import { ProviderService, checkEndpointUrl } from './providers.ts';
import { RefreshSweep } from './refresh-sweep.ts';
import { discoverMcpProvider } from './mcp/discover-mcp-provider.ts';
import { McpClients } from './mcp/mcp-clients.ts';
import { BadRequest, NotFound } from './errors.ts';
import { findTemplate } from './templates/catalog.ts';
import { providerInputFromTemplate } from './templates/instantiate.ts';
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

export type Core = ReturnType<typeof createCore>;

export function createCore(ports: CorePorts) {
  const { store, vault, clock, ids, logger, oauth, baseUrl } = ports;
  const events = new EventBus();
  const keys = new KeyService({ store, vault, clock, ids, events });
  const keyLabel = (id: string): string => keys.byId(id)?.label ?? 'unknown key';
  const policy = new Policy(store);
  const activity = new ActivityLog({ store, clock, logger });

  const providers = new ProviderService({ store, vault, clock, ids, allowInsecureEndpoints: ports.allowInsecureEndpoints ?? false });
  const connections = new ConnectionService({
    store, vault, clock, ids, oauth, providers, logger, activity,
    ...(ports.random ? { random: ports.random } : {}),
    ...(ports.refreshMarginMs !== undefined ? { refreshMarginMs: ports.refreshMarginMs } : {}),
    onNeedsReauth: (c, reason) => events.emit('connection.needs_reauth', { connectionId: c.id, providerId: c.providerId, userId: c.userId, agentId: c.agentId, reason }),
  });
  const grants = new GrantService({ store, clock, ids });
  const accounts = new AccountService({ store, clock, ids, connections, grants, providers, activity, keyLabel });
  const requests = new AuthRequests({
    store, clock, ids, logger, events, providers, connections, accounts, grants, baseUrl, policy, activity, keyLabel,
    redirectUri: (providerId: string): string => redirectUri(baseUrl(), providerId),
  });
  const mcpClients = new McpClients({ settings: store.settings, oauth, providers, logger });
  const flows = new OAuthFlows({ store, vault, clock, ids, logger, oauth, providers, connections, requests, events, baseUrl, mcpClients });
  const sessions = new OwnerSessions({ clock, ids });
  const sweep = new RefreshSweep({ store, clock, connections, logger });

  return {
    events, keys, providers, connections, accounts, grants, requests, flows, sessions, policy, activity, sweep,
    keyLabel,
    keychainStatus: () => vault.status(),

    /**
     * DELETE provider: revoke upstream where possible, then drop its connections, grants,
     * requests and flows with it (agent-auth-api.md §4). Open waits are answered `failed`.
     */
    async deleteProvider(providerId: string): Promise<{ connections: number; grants: number; requests: number }> {
      const provider = providers.get(providerId);
      const doomed = store.connections.listAll().filter((c) => c.providerId === providerId);
      await connections.remove(doomed, 'provider deleted');
      const pending = requests.listPending().filter((r) => r.providerId === providerId);
      for (const r of pending) requests.fail(r, `The provider '${provider.name}' was deleted in Latchkey.`);
      const grantCount = store.grants.listAll(clock.now()).filter((g) => g.providerId === providerId).length;
      store.transaction(() => {
        store.grants.deleteForProvider(providerId);
        store.agentConnections.deleteForProvider(providerId);
        store.flows.deleteForProvider(providerId);
        store.requests.deleteForProvider(providerId);
        providers.removeRecord(providerId);
      });
      logger.info('provider.deleted', { providerId });
      activity.record({ type: 'provider.deleted', providerId, detail: `${doomed.length} connection(s), ${grantCount} grant(s), ${pending.length} pending request(s) removed` });
      return { connections: doomed.length, grants: grantCount, requests: pending.length };
    },

    /** A provider from the catalog: only client id/secret (and template variables) needed. */
    createFromTemplate(input: { templateId: string; providerId?: string | undefined; clientId: string; clientSecret?: string | null | undefined; variables?: Record<string, string> | undefined }) {
      const template = findTemplate(input.templateId);
      if (!template) throw new NotFound(`Unknown template '${input.templateId}'. List them with \`npx latchkey providers templates\`.`);
      return providers.create(providerInputFromTemplate(template, {
        clientId: input.clientId,
        ...(input.providerId ? { providerId: input.providerId } : {}),
        ...(input.clientSecret !== undefined ? { clientSecret: input.clientSecret } : {}),
        ...(input.variables ? { variables: input.variables } : {}),
      }));
    },

    /** DELETE tokens: every connection of this key for the provider, across agents and users. */
    async revokeTokens(keyId: string, providerId: string): Promise<number> {
      providers.get(providerId);
      const mine = store.connections.listForKey(keyId, providerId);
      await connections.remove(mine, 'DELETE tokens');
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
        usesPkce: true, tokenEndpointAuthMethod: method, issuer: meta.issuer, userinfoUrl: meta.userinfo_endpoint ?? null,
        issParameterSupported: meta.authorization_response_iss_parameter_supported === true,
      });
    },

    /**
     * `mcp-discover`: an MCP server URL → a provider (RFC 9728 → RFC 8414 → RFC 7591);
     * see core/mcp/discover-mcp-provider.ts.
     */
    async discoverMcpProvider(input: { providerId: string; name: string; mcpServerUrl: string; clientId?: string | null | undefined; clientSecret?: string | null | undefined }) {
      return discoverMcpProvider({
        oauth, providers, logger, settings: store.settings, redirectUri: (id: string) => flows.redirectUri(id),
        allowInsecureEndpoints: ports.allowInsecureEndpoints ?? false,
      }, input);
    },

    connectionsOf(providerId: string) {
      return store.connections.listAll().filter((c) => c.providerId === providerId);
    },

    /** Every connection across keys, for the owner. */
    listConnections() {
      return store.connections.listAll();
    },

    hasToken(keyId: string, providerId: string): boolean {
      providers.get(providerId);
      return store.connections.listForKey(keyId, providerId).length > 0;
    },
  };
}
